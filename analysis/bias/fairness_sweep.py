"""The bias chapter's fairness sweep: the transparent loop with its classifier, 100 replicates per configuration.

Run by ``make sweeps SWEEP=bias_fairness`` (too slow for the chapter's time budget on two cores);
one row per table, configuration, replicate and generation with the training-table shares and the
fairness metrics of that generation's classifier on the real test set. The chapter reads the stored
file (:mod:`analysis.sweeps`); ``tests/bias/test_bias_sweep.py`` checks a reduced rerun reproduces it.
"""

from __future__ import annotations

import pandas as pd

from analysis.bias.loop import _N_JOBS, run_replicates
from analysis.bias.table import load_table
from analysis.core.validation import GENERATIONS, InstanceOf, Integral, Interval, Seed, validate_params
from analysis.generators.tables import table_spec

__all__ = ["NAME", "SEED", "COLD", "CODE_FILES", "LIBRARIES", "CONFIGS", "TABLE_CONFIGS", "TABLE_COLUMNS", "BATCH",
           "run"]

NAME = "bias_fairness"
SEED = 20260404
COLD = 0.9
CODE_FILES = ("analysis/bias/fairness_sweep.py", "analysis/bias/loop.py",
              "analysis/bias/metrics.py", "analysis/bias/table.py", "analysis/bias/generator.py")
LIBRARIES = ("numpy", "pandas", "scikit-learn", "scikit-lego", "joblib", "threadpoolctl")

#: (label, loop keyword arguments) of every configuration
CONFIGS = (
    ("naive, T = 1", {"strategy": "naive", "temperature": 1.0}),
    ("naive, T = 0.9", {"strategy": "naive", "temperature": COLD}),
    ("20% real data, T = 0.9", {"strategy": "naive", "temperature": COLD, "real_fraction": 0.2}),
    ("50% real data, T = 0.9", {"strategy": "naive", "temperature": COLD, "real_fraction": 0.5}),
    ("stratified, T = 0.9", {"strategy": "stratified", "temperature": COLD}),
    ("reweighted, T = 0.9", {"strategy": "reweighted", "temperature": COLD}),
)
#: configurations run on each table (the heart-disease table: neutral, cold, half real, stratified)
TABLE_CONFIGS = {"arrests": (0, 1, 2, 3, 4, 5), "hearts": (0, 1, 3, 4)}
#: the loop's columns of each table, from its :class:`~analysis.generators.tables.TableSpec` (the
#: loop takes the non-numeric columns, thal among them, as categories too)
TABLE_COLUMNS = {
    spec.key: {"group": spec.group, "label": spec.label, "categorical": spec.categorical}
    for spec in map(table_spec, ("arrests", "hearts"))
}


#: the sweep runs (and is written) in batches of this many replicates
BATCH = 20


@validate_params({"generations": [GENERATIONS],
                  "replicates": [Interval(Integral, 1, 100_000, closed="both")], "seed": [Seed()], "n_jobs": _N_JOBS,
                  "tables": [InstanceOf((list, tuple), "a sequence of table names ('arrests', 'hearts')")],
                  "first_replicate": [Interval(Integral, 0, 100_000, closed="both")]})
def run(*, generations: int = 20, replicates: int = 100, seed: int = SEED, n_jobs: int | None = None,
        tables: tuple[str, ...] | list[str] = ("arrests", "hearts"), first_replicate: int = 0) -> pd.DataFrame:
    """Run every configuration on every table; configuration index = position in ``CONFIGS``.

    Parameters
    ----------
    generations : int
        Generations after generation 0.
    replicates : int
        Replicates per configuration.
    seed : int
        Root seed (replicate r uses the r-th child of ``SeedSequence(seed)`` in every configuration).
    n_jobs : int, -1 or None
        joblib workers; None defers to the caller's joblib context.
    tables : sequence of str
        Table names, keys of ``TABLE_CONFIGS``.
    first_replicate : int
        Index of the first replicate.

    Returns
    -------
    DataFrame
        The :func:`analysis.bias.loop.run_replicates` frames with ``table`` and ``config`` columns.

    References
    ----------
    wyllie2024fairness
    """
    frames = []
    for name in tables:
        chosen = TABLE_CONFIGS[name]
        runs = run_replicates(load_table(name), replicates=replicates, seed=seed,
                              configs=[CONFIGS[i][1] for i in chosen], n_jobs=n_jobs, generations=generations,
                              first_replicate=first_replicate,
                              **TABLE_COLUMNS[name])
        runs["config"] = runs["config"].map(dict(enumerate(chosen)))
        runs.insert(0, "table", name)
        frames.append(runs)
    return pd.concat(frames, ignore_index=True)
