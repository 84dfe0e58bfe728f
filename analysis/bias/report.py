"""What chapter 4 shows, computed from the package's models and the stored sweeps (no logic in notebook cells).

References
----------
wyllie2024fairness
wilson1927probable
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.bias.chain import _COUNTS, CellPaths, _total_rows, expected_cell_shares, simulate_cells
from analysis.bias.real import effective_temperature
from analysis.bias.summary import Interval, path_band, share_interval, wilson_interval
from analysis.bias.generator import _TEMPERATURE
from analysis.bias.table import _CATEGORICAL, _COLUMN, _TEST_SIZE, CELL_NAMES, TEST_SIZE, _example, encode_table
from analysis.core.validation import Frame, InstanceOf, Integral, Seed, validate_params
from analysis.core.validation import Interval as _Range

__all__ = ["GENERATOR_LABELS", "RESULT_METRICS", "ShareRun", "training_cell_counts", "share_runs", "vanishing",
           "generator_summary", "generator_bands", "results_table", "predicted_share"]

_GENERATIONS = [_Range(Integral, 1, 1000, closed="both")]
_STORED = [Frame(("table", "generator", "replicate", "generation", "minority_share", *CELL_NAMES))]

#: display names of the generators of the sweep
GENERATOR_LABELS = {"copula": "Gaussian copula", "tvae": "TVAE (deep)", "ctgan": "CTGAN (deep)",
                    "mst_eps1": "MST, ε = 1 (private)", "mst_eps10": "MST, ε = 10 (private)",
                    "mst_eps0.1": "MST, ε = 0.1 (private)"}


@validate_params({"table": [Frame()], "group": _COLUMN, "label": _COLUMN, "test_size": _TEST_SIZE,
                  "categorical": _CATEGORICAL})
def training_cell_counts(table: pd.DataFrame, *, group: str, label: str, test_size: float = TEST_SIZE,
                         categorical: list[str] | tuple[str, ...] | None = None) -> np.ndarray:
    """Cell counts of the chapter's stratified training split (each cell loses round(test_size x count) rows).

    Parameters
    ----------
    table : DataFrame
        The real table.
    group, label : str
        The group and outcome columns.
    test_size : float
        Share of each cell held out, in (0, 1).
    categorical : list of str, optional
        Categorical columns besides group and label.

    Returns
    -------
    ndarray of int, shape (4,)
        Training rows per cell, in the order of ``CELL_NAMES``.
    """
    cells = encode_table(table, group=group, label=label, categorical=categorical).cell_counts
    return cells - np.round(test_size * cells).astype(np.int64)


class ShareRun(NamedTuple):
    """Replicate paths of the transparent chain for one configuration, with its recursion."""

    paths: CellPaths
    recursion: np.ndarray  # expected cell shares, (generations + 1, 4)


@validate_params({"cells": _COUNTS,
                  "configs": [_example(InstanceOf((list, tuple), "a list of dicts"), [{"temperature": 0.9}])],
                  "generations": _GENERATIONS,
                  "replicates": [_Range(Integral, 1, 1_000_000, closed="both", cap_reason="10**6 replicates")],
                  "seed": [_Range(Integral, 0, 2**32 - 1, closed="both")]}, relations=[_total_rows("cells")])
def share_runs(cells: np.ndarray | list | tuple, configs: list[dict] | tuple[dict, ...], *, generations: int,
               replicates: int, seed: int) -> list[ShareRun]:
    """The cell-count chain for each configuration (dict of temperature, real_fraction, strategy).

    Parameters
    ----------
    cells : array_like of 4 int
        Cell counts of the real training table.
    configs : list of dict
        Configurations (keys temperature, real_fraction, strategy; others ignored).
    generations, replicates : int
        Generations after generation 0; replicates per configuration.
    seed : int
        Configuration i draws from ``[seed, i]``.

    Returns
    -------
    list of ShareRun
        The replicate paths and the expected-value recursion of each configuration.

    References
    ----------
    wyllie2024fairness
    """
    generations = int(generations)
    out = []
    for i, cfg in enumerate(configs):
        kw = {k: v for k, v in cfg.items() if k in ("temperature", "real_fraction", "strategy")}
        out.append(ShareRun(
            # SeedSequence([seed, i]) is what default_rng([seed, i]) builds: the same stream
            paths=simulate_cells(cells, generations=generations, replicates=replicates,
                                 seed=np.random.SeedSequence([seed, i]), **kw),
            recursion=expected_cell_shares(cells, generations=generations, **kw)))
    return out


@validate_params({"paths": [_example(InstanceOf(CellPaths),
                                       CellPaths(counts=np.array([[[5, 5, 1, 1], [6, 6, 0, 0]],
                                                                  [[5, 5, 1, 1], [5, 5, 1, 1]]])))]})
def vanishing(paths: CellPaths) -> tuple[Interval, int, int, float]:
    """(Wilson interval of the share of runs in which the minority vanished, k, n, median first generation at zero).

    Parameters
    ----------
    paths : CellPaths
        Replicate cell counts of a loop.

    Returns
    -------
    (interval, k, n, first) : tuple of Interval, int, int, float
        Wilson 95% interval of k / n, runs k with no minority row at the last generation, runs n,
        and the median first generation at zero among them (NaN if k = 0).

    References
    ----------
    wilson1927probable
    """
    share = paths.minority_share
    gone = share[:, -1] == 0
    k, n = int(gone.sum()), len(share)
    first = np.argmax(share == 0, axis=1)[gone]
    return wilson_interval(k, n), k, n, float(np.median(first)) if k else float("nan")


@validate_params({"stored": _STORED, "generations": _GENERATIONS, "seed": [Seed()],
                  "project_generations": _GENERATIONS})
def generator_summary(stored: pd.DataFrame, *, generations: int, seed: int = 0,
                      project_generations: int = 20) -> pd.DataFrame:
    """Per table and generator: minority share at generations 1 and ``generations`` (95% CI within [0, 1]), effective T (95% CI),
    runs in which the minority vanished (Wilson 95% CI), the replicate count, and the share projected
    ``project_generations`` ahead by the recursion at the effective temperature and its interval's ends.

    A loop stored with fewer than ``generations`` generations (a deep generator on the larger
    table) gets NaN for the share and interval at ``generations``, -1 vanished runs, and its own
    last generation in ``generations_measured``.

    Parameters
    ----------
    stored : DataFrame
        The generator sweep (one row per table, generator, replicate, generation).
    generations : int
        The last generation summarised.
    seed : int
        Seed of the effective-temperature bootstrap.
    project_generations : int
        Generations of the projection by the recursion.

    Returns
    -------
    DataFrame
        One row per (table, generator).

    References
    ----------
    wyllie2024fairness
    wilson1927probable
    efron1993introduction
    """
    rows = []
    for (table, generator), d in stored.groupby(["table", "generator"], sort=False):
        wide = d.pivot(index="replicate", columns="generation", values="minority_share")
        cells0 = d[d["generation"] == 0][list(CELL_NAMES)].iloc[0].to_numpy()
        cells1 = d[d["generation"] == 1].sort_values("replicate")[list(CELL_NAMES)].to_numpy()
        eff = effective_temperature(cells0, cells1, seed=seed)
        measured = min(generations, int(wide.columns.max()))
        s1 = share_interval(wide[1])
        if measured == generations:
            s20 = share_interval(wide[generations])
            k = int((wide[generations] == 0).sum())
            lost = wilson_interval(k, len(wide))
        else:  # this loop was run for fewer generations: nothing measured at `generations`
            s20 = lost = Interval(np.nan, np.nan, np.nan, np.nan, "none")
            k = -1
        proj = [100 * predicted_share(cells0.astype(np.int64), temperature=t, generations=project_generations)
                for t in (eff.estimate, eff.low, eff.high)]
        rows.append({"table": table, "generator": generator,
                     "projected": proj[0] / 100, "projected_low": min(proj[1:]) / 100,
                     "projected_high": max(proj[1:]) / 100,
                     "label": GENERATOR_LABELS.get(generator, generator), "replicates": len(wide),
                     "generations_measured": measured,
                     "share0": float(wide[0].iloc[0]),
                     "share1": s1.estimate, "share1_low": s1.low, "share1_high": s1.high,
                     "share20": s20.estimate, "share20_low": s20.low, "share20_high": s20.high,
                     "T": eff.estimate, "T_low": eff.low, "T_high": eff.high, "T_at_bound": eff.at_bound,
                     "vanished": k, "vanished_low": lost.low, "vanished_high": lost.high})
    return pd.DataFrame(rows)


@validate_params({"stored": _STORED})
def generator_bands(stored: pd.DataFrame) -> pd.DataFrame:
    """Mean minority-share path of each (table, generator) with its 95% band, cut to [0, 1] (for the figure and its CSV).

    Parameters
    ----------
    stored : DataFrame
        The generator sweep.

    Returns
    -------
    DataFrame
        table, generator and the :func:`analysis.bias.summary.path_band` columns.
    """
    frames = []
    for (table, generator), d in stored.groupby(["table", "generator"], sort=False):
        wide = d.pivot(index="replicate", columns="generation", values="minority_share").to_numpy()
        band = path_band(wide)
        # a share's band stays within [0, 1] (see share_interval): near 0 the t interval reaches below it
        band[["ci_low", "ci_high"]] = band[["ci_low", "ci_high"]].clip(0.0, 1.0)
        band.insert(0, "generator", GENERATOR_LABELS.get(generator, generator))
        band.insert(0, "table", table)
        frames.append(band)
    return pd.concat(frames, ignore_index=True)


#: the metrics of the chapter's generation-20 tables and their display names
RESULT_METRICS = {
    "minority_share_train": "minority share in training data",
    "positive_rate_train_minority": "minority positive-outcome rate in training data",
    "selection_rate_minority": "predicted positive rate, minority",
    "selection_rate_majority": "predicted positive rate, majority",
    "demographic_parity_difference": "demographic parity difference",
    "equalized_odds_difference": "equalized odds difference",
    "accuracy_minority": "accuracy, minority",
    "accuracy_majority": "accuracy, majority",
}


@validate_params({"summary": [Frame(("config", "generation", "metric", "mean", "ci_low", "ci_high"))],
                  "labels": [InstanceOf((list, tuple, dict), "labels indexed by configuration")],
                  "configs": [InstanceOf((list, tuple, range), "configuration indices")], "generations": _GENERATIONS})
def results_table(summary: pd.DataFrame, labels: list[str] | tuple[str, ...] | dict[int, str],
                  configs: list[int] | tuple[int, ...] | range, *, generations: int) -> pd.DataFrame:
    """Generation-0 (real data) and generation-``generations`` means with 95% CIs, one row per configuration.

    Parameters
    ----------
    summary : DataFrame
        :func:`analysis.bias.summary.summarise` output with ``config`` and ``generation``.
    labels : list of str or dict
        Display name of each configuration index.
    configs : list of int
        The configurations shown.
    generations : int
        The generation compared with the real data.

    Returns
    -------
    DataFrame
        One row per configuration, one column per metric of ``RESULT_METRICS`` ("mean (low–high)").
    """
    def cell(config, generation, metric):
        row = summary[(summary["config"] == config) & (summary["generation"] == generation)
                      & (summary["metric"] == metric)]
        if row.empty or np.isnan(row["mean"].iloc[0]):
            return "–"
        r = row.iloc[0]
        return f"{r['mean']:.3f} ({r['ci_low']:.3f}–{r['ci_high']:.3f})"

    rows = {"real data (generation 0)": {name: cell(0, 0, m) for m, name in RESULT_METRICS.items()}}
    for i in configs:
        rows[labels[i]] = {name: cell(i, generations, m) for m, name in RESULT_METRICS.items()}
    return pd.DataFrame(rows).T


@validate_params({"initial_counts": _COUNTS, "temperature": _TEMPERATURE, "generations": _GENERATIONS},
                 relations=[_total_rows("initial_counts")])
def predicted_share(initial_counts: np.ndarray | list | tuple, *, temperature: float, generations: int) -> float:
    """Minority share after ``generations`` of the expected-value recursion at ``temperature`` (no real data).

    Used to carry a real generator's measured effective temperature forward: what its loop would do
    if it kept shifting the cells as it does in the first generation. A prediction, not a measurement.

    Parameters
    ----------
    initial_counts : array_like of 4 int
        Cell counts of generation 0.
    temperature : float
        T > 0.
    generations : int
        Generations of the recursion.

    Returns
    -------
    float
        Expected minority share (cells 2 and 3) after ``generations``.

    References
    ----------
    wyllie2024fairness
    """
    shares = expected_cell_shares(np.asarray(initial_counts, dtype=np.int64), generations=generations,
                                  temperature=temperature)
    return float(shares[-1, 2] + shares[-1, 3])
