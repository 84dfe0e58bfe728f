"""Summaries of the language-model collapse sweeps for the chapter: confidence intervals over replicates and paired changes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.collapse_lm import METRICS, REGIMES
from analysis.validation import InstanceOf, Integral, Interval, Options, Real, validate_params

__all__ = ["summarise", "paired_change"]


@validate_params({"frame": [InstanceOf(pd.DataFrame)], "level": [Interval(Real, 0, 1, closed="neither")]})
def summarise(frame: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Mean and Student-t confidence interval over replicates of each metric, per model, regime and generation."""
    from scipy import stats

    rows = []
    for (model, regime, g), grp in frame.groupby(["model", "regime", "generation"], sort=False):
        row = {"model": model, "regime": regime, "generation": g, "replicates": len(grp)}
        for m in METRICS:
            x = grp[m].to_numpy(float)
            half = stats.t.ppf(0.5 + level / 2, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)) if len(x) > 1 else np.nan
            row |= {m: x.mean(), f"{m}_lo": x.mean() - half, f"{m}_hi": x.mean() + half}
        rows.append(row)
    return pd.DataFrame(rows)


@validate_params({"frame": [InstanceOf(pd.DataFrame)], "metric": [Options(str, set(METRICS))],
                  "regime": [Options(str, set(REGIMES))], "generation": [Interval(Integral, 0, 100, closed="both")],
                  "baseline_regime": [Options(str, set(REGIMES)), None],
                  "baseline_generation": [Interval(Integral, 0, 100, closed="both")],
                  "model": [InstanceOf(str)], "level": [Interval(Real, 0, 1, closed="neither")]})
def paired_change(frame: pd.DataFrame, *, metric: str, regime: str, generation: int,
                  baseline_regime: str | None = None, baseline_generation: int = 0, model: str = "ngram",
                  level: float = 0.95) -> tuple[float, float, float]:
    """Mean paired difference (regime at ``generation`` minus baseline) over replicates, with its t interval.

    The baseline is the same regime at ``baseline_generation`` unless ``baseline_regime`` is given
    (then that regime at ``generation``); replicates are paired by their index (they share
    generation 0). Returns (mean, lower, upper).
    """
    from scipy import stats

    f = frame[frame["model"] == model]
    a = f[(f["regime"] == regime) & (f["generation"] == generation)].set_index("replicate")[metric]
    b_reg, b_gen = (baseline_regime, generation) if baseline_regime else (regime, baseline_generation)
    b = f[(f["regime"] == b_reg) & (f["generation"] == b_gen)].set_index("replicate")[metric]
    d = (a - b.reindex(a.index)).dropna().to_numpy(float)
    if len(d) < 2:
        raise ValueError("frame: fewer than two paired replicates for this comparison")
    half = stats.t.ppf(0.5 + level / 2, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
    return float(d.mean()), float(d.mean() - half), float(d.mean() + half)
