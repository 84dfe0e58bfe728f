"""Summaries over replicates with 95% confidence intervals: means (normal) and counts (Wilson).

References
----------
wilson1927probable
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from analysis.validation import check_int, check_real

#: the confidence level of every interval the chapter shows
CI_LEVEL = 0.95


class Interval(NamedTuple):
    """An estimate with its confidence interval."""

    estimate: float
    low: float
    high: float


def wilson_interval(successes: int, trials: int, *, level: float = 0.95) -> Interval:
    """Wilson score interval for a binomial proportion, e.g. "vanished in k of n runs".

    Notes
    -----
    With :math:`\\hat p = k/n` and :math:`z` the normal quantile,
    :math:`\\frac{\\hat p + z^2/2n \\pm z \\sqrt{\\hat p(1-\\hat p)/n + z^2/4n^2}}{1 + z^2/n}`.
    """
    trials = check_int("trials", trials, minimum=1)
    successes = check_int("successes", successes, minimum=0, maximum=trials)
    level = check_real("level", level, lo=0, hi=1, lo_open=True, hi_open=True)
    z = stats.norm.ppf(0.5 + level / 2)
    p = successes / trials
    denom = 1 + z**2 / trials
    centre = (p + z**2 / (2 * trials)) / denom
    half = z * np.sqrt(p * (1 - p) / trials + z**2 / (4 * trials**2)) / denom
    # the exact endpoints at k = 0 and k = n (the formula gives them up to rounding)
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return Interval(p, low, high)


def mean_interval(values, *, level: float = 0.95) -> Interval:
    """Mean of ``values`` (NaN ignored) with a normal (t) confidence interval of the mean."""
    level = check_real("level", level, lo=0, hi=1, lo_open=True, hi_open=True)
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if len(v) < 2:
        raise ValueError(f"values: need at least 2 non-missing values, got {len(v)}")
    se = v.std(ddof=1) / np.sqrt(len(v))
    half = stats.t.ppf(0.5 + level / 2, len(v) - 1) * se
    return Interval(float(v.mean()), float(v.mean() - half), float(v.mean() + half))


def summarise(results: pd.DataFrame, *, by=("config", "generation"), columns=None, level: float = 0.95) -> pd.DataFrame:
    """Mean, SD, standard error, the confidence interval of the mean, minimum and maximum over replicates (tidy).

    Columns ``ci_low``/``ci_high`` are the t interval of the mean at ``level``.
    """
    level = check_real("level", level, lo=0, hi=1, lo_open=True, hi_open=True)
    if not isinstance(results, pd.DataFrame):
        raise TypeError(f"results: expected a DataFrame, got {type(results).__name__}")
    by = list(by)
    if columns is None:
        skip = set(by) | {"replicate", "strategy", "temperature", "real_fraction", "train_rows", "config"}
        columns = [c for c in results.columns if c not in skip and pd.api.types.is_numeric_dtype(results[c])]
    long = results.melt(id_vars=by, value_vars=list(columns), var_name="metric")
    grouped = long.groupby(by + ["metric"], sort=True)["value"]
    out = grouped.agg(mean="mean", sd="std", n="count", low="min", high="max").reset_index()
    out["se"] = out["sd"] / np.sqrt(out["n"])
    q = stats.t.ppf(0.5 + level / 2, np.maximum(out["n"] - 1, 1))
    out["ci_low"] = out["mean"] - q * out["se"]
    out["ci_high"] = out["mean"] + q * out["se"]
    return out


def path_band(values, *, level: float = 0.95) -> pd.DataFrame:
    """Per-generation mean of replicate paths with the t interval of the mean (the figures' bands).

    ``values`` has shape (replicates, generations + 1); returns generation, mean, se, ci_low, ci_high, n.
    """
    level = check_real("level", level, lo=0, hi=1, lo_open=True, hi_open=True)
    v = np.asarray(values, dtype=float)
    if v.ndim != 2 or v.shape[0] < 2:
        raise ValueError("values: expected an array of shape (replicates >= 2, generations + 1)")
    n = np.sum(~np.isnan(v), axis=0)
    mean = np.nanmean(v, axis=0)
    se = np.nanstd(v, axis=0, ddof=1) / np.sqrt(n)
    q = stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1))
    return pd.DataFrame({"generation": np.arange(v.shape[1]), "mean": mean, "se": se,
                         "ci_low": mean - q * se, "ci_high": mean + q * se, "n": n})
