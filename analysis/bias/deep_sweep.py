"""The deep generators in the bias chapter's loop, stored apart (``make sweeps SWEEP=bias_deep``).

TVAE and CTGAN (Xu et al. 2019, from the ``ctgan`` package) need torch, which sits behind the
optional extra ``deep`` and is never a default dependency, and a fit of either at the package's
default of 300 epochs takes over a minute on one core for the 5,226-row arrests table: one
replicate of this sweep (two generators, two tables, twenty generations) costs about an hour of
one core. Their loops are therefore computed by this sweep into ``results/bias_deep.csv``, with
its own provenance, and run in chunks of replicates (``make sweeps SWEEP=bias_deep CHUNK=1/5``,
then ``make sweeps-merge SWEEP=bias_deep``), so that ``bias_generators`` (the copula and MST)
can be rerun without torch.

Every loop is :func:`analysis.bias.sweep.run` with ``generators=DEEP_SPECS``: the same tables,
the same number of generations and the same seed as ``bias_generators``, and each generator's
seed stream fixed by its place in :data:`analysis.bias.sweep.STREAM_KEYS`, so a loop gives the same
rows whichever of the two sweeps runs it. The rows have the layout of ``bias_generators.csv`` and
the chapter concatenates the two files.
"""

from __future__ import annotations

import pandas as pd

from analysis.bias import sweep as bias_sweep
from analysis.bias.loop import _N_JOBS
from analysis.bias.real import GeneratorSpec
from analysis.bias.sweep import DEEP_SPECS, SEED, TABLES, _TABLES_AMONG, SweepTable, _generators_among
from analysis.core.validation import MAX_REPLICATES, REPLICATES, InstanceOf, Integral, Interval, Seed, validate_params

__all__ = ["NAME", "SEED", "CODE_FILES", "LIBRARIES", "DEEP_SPECS", "GENERATOR_SPECS", "run"]

NAME = "bias_deep"
CODE_FILES = bias_sweep.CODE_FILES + ("analysis/bias/deep_sweep.py",)
LIBRARIES = ("numpy", "pandas", "scikit-learn", "scikit-lego", "rdt", "ctgan", "torch", "joblib")
#: the generators this sweep runs (the name ``tools/run_sweeps.py --generators`` looks up)
GENERATOR_SPECS = DEEP_SPECS


@validate_params({"generations": [Interval(Integral, 1, 1000, closed="both")],
                  "replicates": [REPLICATES], "seed": [Seed()],
                  "generators": [InstanceOf((list, tuple), "a sequence of GeneratorSpec from DEEP_SPECS")],
                  "tables": [InstanceOf((list, tuple), "a sequence of SweepTable")],
                  "first_replicate": [Interval(Integral, 0, MAX_REPLICATES, closed="both")], "n_jobs": _N_JOBS,
                  "epochs": [Interval(Integral, 1, 10_000, closed="both")]},
                 relations=[_generators_among(s.key for s in DEEP_SPECS), _TABLES_AMONG])
def run(*, generations: int = 20, replicates: int = 10, seed: int = SEED,
        generators: tuple[GeneratorSpec, ...] | list[GeneratorSpec] = DEEP_SPECS,
        tables: tuple[SweepTable, ...] | list[SweepTable] = TABLES, first_replicate: int = 0,
        n_jobs: int | None = None, epochs: int = 300) -> pd.DataFrame:
    """The deep generators' loops; one row per (table, generator, replicate, generation) with the four cell counts.

    Parameters
    ----------
    generations : int
        Generations after generation 0 (20, as ``bias_generators``).
    replicates : int
        Replicates per (table, generator).
    seed : int
        Root seed (``bias_generators``' own, so both sweeps draw from one set of streams).
    generators : sequence of GeneratorSpec
        A subset of ``DEEP_SPECS`` (TVAE and CTGAN; ``epochs`` sets their training).
    tables : sequence of SweepTable
        A subset of ``analysis.bias.sweep.TABLES``.
    first_replicate : int
        Index of the first replicate (a chunk, or a reduced rerun, of replicates k..k+replicates-1).
    n_jobs : int, -1 or None
        joblib workers; None defers to the caller's joblib context (a Dask cluster included).
    epochs : int
        Training epochs of every fit (300, the ``ctgan`` package's default; fewer only in tests).

    Returns
    -------
    DataFrame
        The layout of :func:`analysis.bias.sweep.run`.

    References
    ----------
    xu2019ctgan, wyllie2024fairness
    """
    generators = tuple(g._replace(options=(("epochs", int(epochs)),)) for g in generators)
    return bias_sweep.run(generations=generations, replicates=replicates, seed=seed, generators=generators,
                          tables=tuple(tables), first_replicate=first_replicate, n_jobs=n_jobs,
                          generation_limits=())
