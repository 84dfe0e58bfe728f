"""One vocabulary for confidence intervals: one result type, one Wilson interval, one t interval.

Every chapter reports a proportion over replicates with the Wilson score interval and a mean over
replicates with the Student-t interval of the mean, through the functions here, so the same words
mean the same computation on every page: :func:`t_interval` for one set of values,
:func:`summarise_replicates` for every group of a results table at once.

References
----------
wilson1927probable
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from analysis.core.validation import (
    ArrayLike,
    Boolean,
    Frame,
    InstanceOf,
    Integral,
    Interval,
    Real,
    Relation,
    ordered,
    validate_params,
)

__all__ = ["ConfidenceInterval", "wilson_score", "wilson_interval", "t_interval", "summarise_replicates"]

_LEVEL = [Interval(Real, 0, 1, closed="neither")]
_COUNTS = {"successes": [Interval(Integral, 0, None, closed="left")],
           "trials": [Interval(Integral, 1, None, closed="left")], "level": _LEVEL}


class ConfidenceInterval(NamedTuple):
    """An estimate with its confidence interval, the interval's level and how it was computed."""

    estimate: float
    low: float
    high: float
    level: float
    method: str


@validate_params(_COUNTS, relations=[ordered("successes", "trials", strict=False)])
def wilson_score(successes: int, trials: int, *, level: float = 0.95) -> tuple[float, float]:
    """Centre and half-width of the Wilson score interval of a proportion (Wilson 1927).

    Parameters
    ----------
    successes : int
        Successes k, at most ``trials``.
    trials : int
        Trials n (at least 1).
    level : float
        Confidence level in (0, 1).

    Returns
    -------
    tuple of float
        The centre :math:`(k + z^2/2) / (n + z^2)` and the half-width
        :math:`z / (n + z^2) \\sqrt{k (n - k) / n + z^2 / 4}`, with :math:`z` the normal quantile.

    References
    ----------
    wilson1927probable

    Examples
    --------
    >>> centre, half = wilson_score(5, 10)
    >>> round(centre, 3), round(half, 3)
    (0.5, 0.263)
    """
    trials, successes = int(trials), int(successes)
    z = float(stats.norm.ppf(0.5 * (1 + float(level))))
    denom = trials + z * z
    centre = (successes + z * z / 2) / denom
    half = z / denom * math.sqrt(successes * (trials - successes) / trials + z * z / 4)
    return centre, half


@validate_params(_COUNTS, relations=[ordered("successes", "trials", strict=False)])
def wilson_interval(successes: int, trials: int, *, level: float = 0.95) -> ConfidenceInterval:
    """The observed proportion k / n with its Wilson score interval, e.g. "vanished in k of n runs".

    Parameters
    ----------
    successes : int
        Successes k, at most ``trials``.
    trials : int
        Trials n (at least 1).
    level : float
        Confidence level in (0, 1).

    Returns
    -------
    ConfidenceInterval
        k / n and the ends of :func:`analysis.core.stats.wilson_score`'s interval, exactly 0 at k = 0 and 1 at k = n
        (the formula gives them up to rounding), ``method="wilson"``.

    References
    ----------
    wilson1927probable
    """
    trials, successes = int(trials), int(successes)
    centre, half = wilson_score(successes, trials, level=level)
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return ConfidenceInterval(successes / trials, low, high, float(level), "wilson")


@validate_params({"values": [ArrayLike(allow_nan=True, min_size=2)], "level": _LEVEL})
def t_interval(values: np.ndarray | list | pd.Series, *, level: float = 0.95) -> ConfidenceInterval:
    """Mean of ``values`` (NaN ignored) with the Student-t interval of the mean.

    Parameters
    ----------
    values : array_like
        Replicate values or paired differences (at least 2 not NaN).
    level : float
        Confidence level in (0, 1).

    Returns
    -------
    ConfidenceInterval
        :math:`\\bar x \\pm t_{n-1} s / \\sqrt n`, ``method="student-t"``.

    Examples
    --------
    >>> iv = t_interval([1.0, 2.0, 3.0], level=0.95)
    >>> round(iv.estimate, 3), round(iv.low, 3), round(iv.high, 3)
    (2.0, -0.484, 4.484)
    """
    level = float(level)
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if len(v) < 2:
        raise ValueError(f"values: need at least 2 non-missing values, got {len(v)}")
    se = v.std(ddof=1) / np.sqrt(len(v))
    half = stats.t.ppf(0.5 + level / 2, len(v) - 1) * se
    return ConfidenceInterval(float(v.mean()), float(v.mean() - half), float(v.mean() + half), level, "student-t")


def _replicate_example() -> pd.DataFrame:
    return pd.DataFrame({"group": ["a", "a", "a", "b", "b"], "value": [1.0, 2.0, 4.0, 0.5, 0.75]})


_REPLICATES = Frame(min_rows=1)
_REPLICATES.example = _replicate_example()
_BY = InstanceOf((list, tuple), "a list of column names")
_BY.example = ["group"]
_VALUE = InstanceOf(str, "a column name (str)")
_VALUE.example = "value"


def _names_columns(frame: pd.DataFrame, by: list | tuple, value: str) -> bool:
    names = [*by, value]
    return (len(by) > 0 and len(set(names)) == len(names) and all(c in frame.columns for c in names)
            and pd.api.types.is_numeric_dtype(frame[value]) and not pd.api.types.is_bool_dtype(frame[value]))


@validate_params({"frame": [_REPLICATES], "by": [_BY], "value": [_VALUE], "level": _LEVEL, "sort": [Boolean()]},
                 relations=[Relation(("frame", "by", "value"), _names_columns,
                                     "by must name at least one column of frame and value a numeric column, "
                                     "none twice")])
def summarise_replicates(frame: pd.DataFrame, *, by: list[str] | tuple[str, ...], value: str = "value",
                         level: float = 0.95, sort: bool = True) -> pd.DataFrame:
    """Mean of ``value`` over the replicates of every group of ``frame``, with the Student-t interval of the mean.

    The same interval as :func:`t_interval`, computed for all groups at once: mean
    :math:`\\bar x \\pm t_{n-1} s / \\sqrt n` over the rows of each group, NaN values ignored.
    Where a group has fewer than 2 values the interval is not defined and ``low``/``high`` are NaN.

    Parameters
    ----------
    frame : DataFrame
        One row per replicate (and per metric, for a long table).
    by : list of str
        Grouping columns (rows with a missing key are left out, as in ``DataFrame.groupby``).
    value : str
        The numeric column summarised.
    level : float
        Confidence level in (0, 1).
    sort : bool
        Groups in sorted order of ``by`` (True) or in order of first appearance (False).

    Returns
    -------
    DataFrame
        One row per group: the ``by`` columns, then ``mean``, ``sd`` (ddof = 1), ``n`` (values not
        NaN), ``low`` and ``high``.

    Examples
    --------
    >>> frame = pd.DataFrame({"arm": ["a", "a", "a", "b"], "value": [1.0, 2.0, 3.0, 5.0]})
    >>> summarise_replicates(frame, by=["arm"]).round(3)
      arm  mean   sd  n    low   high
    0   a   2.0  1.0  3 -0.484  4.484
    1   b   5.0  NaN  1    NaN    NaN
    """
    level = float(level)
    out = frame.groupby(list(by), sort=bool(sort))[value].agg(mean="mean", sd="std", n="count").reset_index()
    n = out["n"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):  # a group with no value: NaN, as documented
        se = out["sd"].to_numpy(dtype=float) / np.sqrt(n)
    q = stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1))
    half = np.where(n > 1, q * se, np.nan)
    out["low"], out["high"] = out["mean"] - half, out["mean"] + half
    return out
