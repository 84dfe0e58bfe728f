"""Summaries over replicates with 95% confidence intervals: means (normal) and counts (Wilson).

References
----------
wilson1927probable
"""

from __future__ import annotations


import numpy as np
import pandas as pd
from analysis.core.stats import ConfidenceInterval, summarise_replicates, t_interval, wilson_interval
from analysis.core.validation import ArrayLike, Frame, InstanceOf, Real, validate_params
from analysis.core.validation import Interval as _Range

__all__ = ["CI_LEVEL", "Interval", "wilson_interval", "mean_interval", "share_interval", "summarise", "path_band"]

_LEVEL = [_Range(Real, 0, 1, closed="neither")]

#: the confidence level of every interval the chapter shows
CI_LEVEL = 0.95


# One interval type and one implementation of each interval for every chapter (analysis.core.stats);
# the chapter's 0.4 names stay: Interval is the shared type, mean_interval the t interval.
Interval = ConfidenceInterval
mean_interval = t_interval


@validate_params({"shares": [ArrayLike(allow_nan=True, min_size=2, lo=0.0, hi=1.0)], "level": _LEVEL})
def share_interval(shares: np.ndarray | list | pd.Series, *, level: float = 0.95) -> Interval:
    """Mean of replicate shares (NaN ignored) with the Student-t interval of the mean, cut to [0, 1].

    A mean share lies in [0, 1], but where most runs end at 0 (a generator that removed a group in
    nearly every run) the t interval reaches below 0. Cutting it to [0, 1] loses no coverage: an
    interval that holds the true mean still holds it after the cut.

    Parameters
    ----------
    shares : array_like
        One share in [0, 1] per replicate (at least 2 not NaN).
    level : float
        Confidence level in (0, 1).

    Returns
    -------
    Interval
        The Student-t interval of the mean with its ends cut to [0, 1],
        ``method="student-t, cut to [0, 1]"``.

    Examples
    --------
    >>> iv = share_interval([0.0, 0.0, 0.0, 0.08])
    >>> iv.estimate, iv.low, round(iv.high, 3)
    (0.02, 0.0, 0.084)
    """
    t = t_interval(shares, level=level)
    return t._replace(low=float(np.clip(t.low, 0.0, 1.0)), high=float(np.clip(t.high, 0.0, 1.0)),
                      method="student-t, cut to [0, 1]")


@validate_params({"results": [Frame()], "by": [InstanceOf((list, tuple), "a list of column names")],
                  "columns": [None, InstanceOf((list, tuple), "a list of column names")], "level": _LEVEL})
def summarise(results: pd.DataFrame, *, by: tuple[str, ...] | list[str] = ("config", "generation"),
              columns: list[str] | tuple[str, ...] | None = None, level: float = 0.95) -> pd.DataFrame:
    """Mean, SD, standard error, the confidence interval of the mean, minimum and maximum over replicates (tidy).

    Columns ``ci_low``/``ci_high`` are the t interval of the mean at ``level``.

    Parameters
    ----------
    results : DataFrame
        One row per replicate (e.g. :func:`analysis.bias.loop.run_replicates`).
    by : list of str
        Grouping columns.
    columns : list of str, optional
        Metrics to summarise (default: the numeric columns other than the grouping and settings).
    level : float
        Confidence level in (0, 1).

    Returns
    -------
    DataFrame
        One row per group and metric: mean, sd, n, low, high, se, ci_low, ci_high.
    """
    level = float(level)
    if not isinstance(results, pd.DataFrame):
        raise TypeError(f"results: expected a DataFrame, got {type(results).__name__}")
    by = list(by)
    if columns is None:
        skip = set(by) | {"replicate", "strategy", "temperature", "real_fraction", "train_rows", "config"}
        columns = [c for c in results.columns if c not in skip and pd.api.types.is_numeric_dtype(results[c])]
    long = results.melt(id_vars=by, value_vars=list(columns), var_name="metric")
    t = summarise_replicates(long, by=by + ["metric"], value="value", level=level, sort=True)
    extremes = long.groupby(by + ["metric"], sort=True)["value"].agg(low="min", high="max").reset_index()
    out = t[[*by, "metric", "mean", "sd", "n"]].assign(low=extremes["low"], high=extremes["high"])
    out["se"] = out["sd"] / np.sqrt(out["n"])
    out["ci_low"], out["ci_high"] = t["low"], t["high"]
    return out


_PATHS = ArrayLike(ndim=2, finite=False, min_size=2)
_PATHS.example = np.array([[0.30, 0.28, 0.25], [0.30, 0.31, 0.27], [0.30, 0.29, 0.30]])


@validate_params({"values": [_PATHS], "level": _LEVEL})
def path_band(values: np.ndarray | list, *, level: float = 0.95) -> pd.DataFrame:
    """Per-generation mean of replicate paths with the t interval of the mean (the figures' bands).

    Parameters
    ----------
    values : array_like, shape (replicates >= 2, generations + 1)
        Replicate paths (NaN ignored).
    level : float
        Confidence level in (0, 1).

    Returns
    -------
    DataFrame
        generation, mean, se, ci_low, ci_high, n.
    """
    v = np.asarray(values, dtype=float)
    if v.ndim != 2 or v.shape[0] < 2:
        raise ValueError("values: expected an array of shape (replicates >= 2, generations + 1)")
    long = pd.DataFrame({"generation": np.tile(np.arange(v.shape[1]), v.shape[0]), "value": v.ravel()})
    t = summarise_replicates(long, by=["generation"], value="value", level=level, sort=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        se = t["sd"] / np.sqrt(t["n"])
    return pd.DataFrame({"generation": np.arange(v.shape[1]), "mean": t["mean"].to_numpy(), "se": se.to_numpy(),
                         "ci_low": t["low"].to_numpy(), "ci_high": t["high"].to_numpy(), "n": t["n"].to_numpy()})
