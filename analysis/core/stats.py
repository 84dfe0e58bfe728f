"""One vocabulary for confidence intervals: one result type, one Wilson interval, one t interval.

Every chapter reports a proportion over replicates with the Wilson score interval and a mean over
replicates with the Student-t interval of the mean, through the functions here, so the same words
mean the same computation on every page.

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

from analysis.core.validation import ArrayLike, Integral, Interval, Real, ordered, validate_params

__all__ = ["ConfidenceInterval", "wilson_score", "wilson_interval", "t_interval"]

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
