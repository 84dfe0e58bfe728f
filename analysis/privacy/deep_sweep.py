"""The deep generators of chapter 6's privacy-utility sweep, stored apart (``make sweeps SWEEP=privacy_deep``).

The deep generators (TVAE and CTGAN from the ``ctgan`` package) need torch, which sits behind the
optional extra ``deep`` and is never a default dependency, and they are two orders of magnitude
slower to fit than the other generators. Their results are therefore computed by this sweep into
``results/privacy_deep.csv`` with its own provenance, so that the rest of the grid
(``results/privacy_utility.csv``) can be rerun without torch.

Every task is :func:`analysis.privacy.sweep.run_task` on the full generator list
``privacy_sweep.GENERATOR_SPECS + privacy_sweep.DEEP_SPECS``: a deep generator of replicate r is
fitted to the same training half as every other generator of that replicate (the split is drawn
from ``[SEED, table index, r]``), and its own seeds come from its position in that list, after the
six other generators, so none is shared with them. The rows have the layout of
``privacy_utility.csv`` and the chapter concatenates the two files.
"""

from __future__ import annotations

import pandas as pd

from analysis.privacy import sweep as privacy_sweep
from analysis.privacy.sweep import DEEP_SPECS, GENERATOR_SPECS, SEED, TABLES, GeneratorSpec, run_task
from analysis.core.validation import InstanceOf, Integral, Interval, Options, validate_params

__all__ = ["NAME", "SEED", "CODE_FILES", "LIBRARIES", "ALL_SPECS", "run"]

NAME = "privacy_deep"
CODE_FILES = privacy_sweep.CODE_FILES + ("analysis/privacy/deep_sweep.py",)
LIBRARIES = privacy_sweep.LIBRARIES
#: the list whose positions fix every generator's seeds (the deep ones after the others)
ALL_SPECS = GENERATOR_SPECS + DEEP_SPECS
#: the deep generators the sweep runs by default
DEFAULT_GENERATORS = ("tvae", "ctgan")


@validate_params({"seed": [Interval(Integral, 0, 2**32 - 1, closed="both")],
                  "n_jobs": [Interval(Integral, 1, 1024, closed="both"), Options(Integral, (-1,)), None],
                  "replicates": [Interval(Integral, 1, 10_000, closed="both")],
                  "generators": [InstanceOf((list, tuple), "a sequence of deep generator keys")],
                  "tables": [InstanceOf((list, tuple), "a sequence of table keys")],
                  "replicate_start": [Interval(Integral, 0, 10**6, closed="both")],
                  "epochs": [Interval(Integral, 1, 10_000, closed="both")]})
def run(*, seed: int = SEED, n_jobs: int | None = None, replicates: int = 10,
        generators: tuple[str, ...] | tuple[GeneratorSpec, ...] = DEFAULT_GENERATORS,
        tables: tuple[str, ...] = ("arrests", "hearts", "diabetes"), replicate_start: int = 0,
        epochs: int = 300) -> pd.DataFrame:
    """The deep generators' tasks through joblib; one row per (table, generator, replicate, metric).

    Parameters
    ----------
    seed : int
        Root seed (the privacy sweep's, so the splits are the same).
    n_jobs : int, -1 or None
        joblib workers; None defers to the caller's joblib context (a Dask cluster included).
    replicates, replicate_start : int
        Replicates replicate_start .. replicate_start + replicates - 1.
    generators : sequence of str
        Keys of ``privacy_sweep.DEEP_SPECS`` ("tvae", "ctgan"); a GeneratorSpec stands for its key.
    tables : sequence of str
        Keys of ``privacy_sweep.TABLES``.
    epochs : int
        Training epochs of each fit (300 is the ``ctgan`` package's default).

    Returns
    -------
    DataFrame
        Columns table, generator, epsilon, replicate, metric, value (as ``privacy_utility.csv``).

    References
    ----------
    xu2019ctgan
    """
    from joblib import Parallel, delayed

    replicates = int(replicates)
    deep_keys = [s.key for s in DEEP_SPECS]
    keys = [g.key if isinstance(g, GeneratorSpec) else g for g in generators]
    bad = [k for k in keys if k not in deep_keys]
    if bad or not keys:
        raise ValueError(f"generators: expected a non-empty subset of {deep_keys}, got {list(generators)!r}")
    table_keys = [t.key for t in TABLES]
    unknown = [t for t in tables if t not in table_keys]
    if unknown or not tables:
        raise ValueError(f"tables: expected a non-empty subset of {table_keys}, got {list(tables)!r}")
    all_keys = [s.key for s in ALL_SPECS]
    tasks = [(table_keys.index(t), all_keys.index(k), r) for t in tables for k in keys
             for r in range(replicate_start, replicate_start + replicates)]
    parts = Parallel(n_jobs=n_jobs)(
        delayed(run_task)(t, gi, r, seed=seed, generators=ALL_SPECS, epochs=epochs) for t, gi, r in tasks
    )
    return pd.DataFrame([row for part in parts for row in part])
