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

from analysis.bias_chain import CellPaths, expected_cell_shares, simulate_cells
from analysis.bias_real import effective_temperature
from analysis.bias_summary import Interval, mean_interval, path_band, wilson_interval
from analysis.bias_table import CELL_NAMES, TEST_SIZE, encode_table
from analysis.validation import check_int

#: display names of the generators of the sweep
GENERATOR_LABELS = {"copula": "Gaussian copula", "tvae": "TVAE (deep)", "ctgan": "CTGAN (deep)",
                    "mst_eps1": "MST, ε = 1 (private)", "mst_eps10": "MST, ε = 10 (private)",
                    "mst_eps0.1": "MST, ε = 0.1 (private)"}


def training_cell_counts(table: pd.DataFrame, *, group: str, label: str, test_size: float = TEST_SIZE,
                         categorical=None) -> np.ndarray:
    """Cell counts of the chapter's stratified training split (each cell loses round(test_size x count) rows)."""
    cells = encode_table(table, group=group, label=label, categorical=categorical).cell_counts
    return cells - np.round(test_size * cells).astype(np.int64)


class ShareRun(NamedTuple):
    """Replicate paths of the transparent chain for one configuration, with its recursion."""

    paths: CellPaths
    recursion: np.ndarray  # expected cell shares, (generations + 1, 4)


def share_runs(cells, configs, *, generations: int, replicates: int, seed: int) -> list[ShareRun]:
    """The cell-count chain for each configuration (dict of temperature, real_fraction, strategy)."""
    generations = check_int("generations", generations, minimum=1, maximum=1000)
    out = []
    for i, cfg in enumerate(configs):
        kw = {k: v for k, v in cfg.items() if k in ("temperature", "real_fraction", "strategy")}
        out.append(ShareRun(
            paths=simulate_cells(cells, generations=generations, replicates=replicates, seed=[seed, i], **kw),
            recursion=expected_cell_shares(cells, generations=generations, **kw)))
    return out


def vanishing(paths: CellPaths) -> tuple[Interval, int, int, float]:
    """(Wilson interval of the share of runs in which the minority vanished, k, n, median first generation at zero)."""
    share = paths.minority_share
    gone = share[:, -1] == 0
    k, n = int(gone.sum()), len(share)
    first = np.argmax(share == 0, axis=1)[gone]
    return wilson_interval(k, n), k, n, float(np.median(first)) if k else float("nan")


def generator_summary(stored: pd.DataFrame, *, generations: int, seed: int = 0,
                      project_generations: int = 20) -> pd.DataFrame:
    """Per table and generator: minority share at generations 1 and ``generations`` (95% CI), effective T (95% CI),
    runs in which the minority vanished (Wilson 95% CI), the replicate count, and the share projected
    ``project_generations`` ahead by the recursion at the effective temperature and its interval's ends.

    ``stored`` is the generator sweep (one row per table, generator, replicate, generation).
    """
    rows = []
    for (table, generator), d in stored.groupby(["table", "generator"], sort=False):
        wide = d.pivot(index="replicate", columns="generation", values="minority_share")
        cells0 = d[d["generation"] == 0][list(CELL_NAMES)].iloc[0].to_numpy()
        cells1 = d[d["generation"] == 1].sort_values("replicate")[list(CELL_NAMES)].to_numpy()
        eff = effective_temperature(cells0, cells1, seed=seed)
        s1, s20 = mean_interval(wide[1]), mean_interval(wide[generations])
        k = int((wide[generations] == 0).sum())
        lost = wilson_interval(k, len(wide))
        proj = [100 * predicted_share(cells0.astype(np.int64), temperature=t, generations=project_generations)
                for t in (eff.estimate, eff.low, eff.high)]
        rows.append({"table": table, "generator": generator,
                     "projected": proj[0] / 100, "projected_low": min(proj[1:]) / 100,
                     "projected_high": max(proj[1:]) / 100,
                     "label": GENERATOR_LABELS.get(generator, generator), "replicates": len(wide),
                     "share0": float(wide[0].iloc[0]),
                     "share1": s1.estimate, "share1_low": s1.low, "share1_high": s1.high,
                     "share20": s20.estimate, "share20_low": s20.low, "share20_high": s20.high,
                     "T": eff.estimate, "T_low": eff.low, "T_high": eff.high, "T_at_bound": eff.at_bound,
                     "vanished": k, "vanished_low": lost.low, "vanished_high": lost.high})
    return pd.DataFrame(rows)


def generator_bands(stored: pd.DataFrame) -> pd.DataFrame:
    """Mean minority-share path of each (table, generator) with its 95% band (for the figure and its CSV)."""
    frames = []
    for (table, generator), d in stored.groupby(["table", "generator"], sort=False):
        wide = d.pivot(index="replicate", columns="generation", values="minority_share").to_numpy()
        band = path_band(wide)
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


def results_table(summary: pd.DataFrame, labels, configs, *, generations: int) -> pd.DataFrame:
    """Generation-0 (real data) and generation-``generations`` means with 95% CIs, one row per configuration.

    ``summary`` is :func:`analysis.bias_summary.summarise` output with ``config`` and ``generation``.
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


def predicted_share(initial_counts, *, temperature: float, generations: int) -> float:
    """Minority share after ``generations`` of the expected-value recursion at ``temperature`` (no real data).

    Used to carry a real generator's measured effective temperature forward: what its loop would do
    if it kept shifting the cells as it does in the first generation. A prediction, not a measurement.
    """
    shares = expected_cell_shares(np.asarray(initial_counts, dtype=np.int64), generations=generations,
                                  temperature=temperature)
    return float(shares[-1, 2] + shares[-1, 3])
