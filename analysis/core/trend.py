"""Shared statistics for the trend chapters: decimal years, closed-form OLS slopes, lognormal intervals.

Used by ``exhaustion.fit_growth`` (training-set sizes, Villalobos et al. 2024) and
``cost.fit_cost_trend`` (training costs, Cottier et al. 2024), which both regress log10 of a
quantity on the date and bootstrap the slope by resampling models (pairs bootstrap).

The bootstrap vocabulary is the same across modules: the number of resamples is ``n_boot``, the
random source ``seed`` (or ``rng``, a numpy Generator, here), the interval's coverage ``level``;
the result is a :class:`SlopeBootstrap` whose resampled slopes are ``boot_slopes``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from analysis.core.validation import LEVEL, ArrayLike, DateSequence, InstanceOf, Integral, Interval, Real, same_length, validate_params

__all__ = ["SlopeBootstrap", "decimal_year", "ols_slopes", "bootstrap_slopes", "lognormal_params"]

_DATES = [DateSequence()]
_ARRAY = [ArrayLike(ndim=None, min_size=1)]
_MAX_BOOT = 200_000



@validate_params({"dates": _DATES})
def decimal_year(dates: list | tuple | pd.Series | pd.Index | np.ndarray) -> np.ndarray:
    """Dates as fractional years (2024.0 is 1 January 2024).

    Parameters
    ----------
    dates : list, tuple, Series, Index or ndarray
        Timestamps (``datetime``, ``numpy.datetime64``, pandas) or strings in ISO 8601 only:
        ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (a time part after ``T`` or a space is ignored;
        a missing month or day is read as the first). Any other string, e.g. ``05/01/2024`` or
        ``24-01-05``, raises ``ValueError`` naming the value: guessing day-first or month-first
        would silently return a wrong year.

    Returns
    -------
    numpy.ndarray
        One float per date, ``year + (day of year - 1) / days in year``.

    Examples
    --------
    >>> decimal_year(["2024-01-01", "2024-07-02"])
    array([2024. , 2024.5])

    A bare number is not a date, and is refused by name:

    >>> try:
    ...     decimal_year([2024])
    ... except ValueError as err:
    ...     print(err)
    dates: must be a non-empty sequence of dates (timestamps or ISO 8601 strings YYYY, YYYY-MM or YYYY-MM-DD), got [2024] (holds 2024 (int), which is not a date)
    """
    # the declaration (DateSequence) has checked every date: here they are only converted
    series = pd.Series(dates)
    if series.map(lambda v: isinstance(v, str)).any():
        text = series.astype(str).str.strip().str.split(r"[T ]", n=1, regex=True).str[0]
        ts = pd.to_datetime(text.map(lambda t: (t + "-01-01")[:10] if len(t) < 10 else t), format="%Y-%m-%d")
    else:
        ts = pd.to_datetime(series)
    start = pd.to_datetime(ts.dt.year.astype(str) + "-01-01")
    days = np.where(ts.dt.is_leap_year, 366.0, 365.0)
    return (ts.dt.year + (ts - start).dt.days / days).to_numpy(dtype=float)


@validate_params({"x": _ARRAY, "y": _ARRAY})
def ols_slopes(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """OLS slope of ``y`` on ``x`` along the last axis: one closed form per bootstrap resample.

    Parameters
    ----------
    x, y : array_like
        Arrays of the same shape (or broadcastable); the regression runs along the last axis.

    Returns
    -------
    numpy.ndarray
        The slopes, shape ``x.shape[:-1]`` (a 0-d array for 1-D input). NaN where ``x`` is
        constant along the last axis (no slope exists).

    Notes
    -----
    .. math:: \\hat b = \\frac{\\sum_i (x_i - \\bar x)(y_i - \\bar y)}{\\sum_i (x_i - \\bar x)^2}
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    try:
        np.broadcast_shapes(x.shape, y.shape)
    except ValueError:
        raise ValueError(f"x, y: shapes {x.shape} and {y.shape} do not match") from None
    xm = x.mean(axis=-1, keepdims=True)
    ym = y.mean(axis=-1, keepdims=True)
    num = ((x - xm) * (y - ym)).sum(axis=-1)
    den = ((x - xm) ** 2).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


@dataclass(frozen=True)
class SlopeBootstrap:
    """An OLS slope with its pairs-bootstrap resamples (:func:`bootstrap_slopes`).

    Attributes
    ----------
    slope : float
        OLS slope of the full sample (units of y per unit of x).
    intercept : float
        Full-sample intercept: ``y`` at ``x = 0`` on the fitted line.
    boot_slopes : numpy.ndarray
        Slopes of the resamples that have one (resamples whose ``x`` are all equal are dropped).
    n : int
        Number of observations (models) in the sample.
    """

    slope: float
    intercept: float
    boot_slopes: np.ndarray
    n: int

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """Central ``level`` percentile interval of the bootstrap slopes, as ``(low, high)``."""
        if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
            raise ValueError(f"level: must be a number in (0, 1), got {level!r}")
        lo, hi = np.quantile(self.boot_slopes, [(1 - level) / 2, (1 + level) / 2])
        return float(lo), float(hi)

    def __getitem__(self, key: str):
        # Transition only (0.2.0): callers written against the former dict result keep working.
        # Use the attributes; this shim goes once every module reads them.
        if key in ("slope", "intercept", "boot_slopes"):
            return getattr(self, key)
        raise KeyError(key)


@validate_params({"x": [ArrayLike(ndim=1, min_size=2)], "y": [ArrayLike(ndim=1, min_size=2)],
                  "n_boot": [Interval(Integral, 1, _MAX_BOOT, closed="both", cap_reason="the resamples are held in memory")],
                  "rng": [InstanceOf(np.random.Generator, "a numpy Generator")]},
                 relations=[same_length("x", "y")])
def bootstrap_slopes(x: np.ndarray, y: np.ndarray, *, n_boot: int, rng: np.random.Generator) -> SlopeBootstrap:
    """Full-sample OLS slope and intercept of ``y`` on ``x``, and the slopes of ``n_boot`` pairs-bootstrap resamples.

    Parameters
    ----------
    x, y : array_like
        1-D arrays of equal length (at least 2), finite; ``x`` must not be constant.
    n_boot : int
        Number of resamples, in [1, 200000] (the resamples are held in memory).
    rng : numpy.random.Generator
        Random source of the resampling (callers make it with ``numpy.random.default_rng(seed)``).

    Returns
    -------
    SlopeBootstrap
        ``slope``, ``intercept``, ``boot_slopes`` (possibly slightly fewer than ``n_boot``:
        resamples whose ``x`` are all equal have no slope and are dropped) and ``n``.

    Notes
    -----
    Each resample draws ``n`` (x, y) pairs with replacement and refits by OLS (:func:`ols_slopes`),
    as in the trend fits of the papers reproduced in chapters 1 and 2.

    References
    ----------
    villalobos2024will, cottier2024rising
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if np.ptp(x) == 0:
        raise ValueError("x: all values are equal, so no slope exists")
    slope = float(ols_slopes(x, y))
    intercept = float(y.mean() - slope * x.mean())
    idx = rng.integers(0, len(x), size=(n_boot, len(x)))
    xs, ys = x[idx], y[idx]
    ok = np.ptp(xs, axis=1) > 0
    return SlopeBootstrap(slope=slope, intercept=intercept, boot_slopes=ols_slopes(xs[ok], ys[ok]), n=int(len(x)))


_POSITIVE = [Interval(Real, 0, None, closed="neither"), ArrayLike(ndim=None, min_size=1, lo=0)]


@validate_params({"low": _POSITIVE, "high": _POSITIVE, "level": [LEVEL]})
def lognormal_params(*, low: float | np.ndarray, high: float | np.ndarray, level: float) -> tuple[float | np.ndarray, float | np.ndarray]:
    """Log-scale ``(mu, sigma)`` of the lognormal whose central ``level`` interval is ``[low, high]``.

    Parameters
    ----------
    low, high : float or array_like
        Positive bounds, ``low <= high`` (elementwise for arrays).
    level : float
        Coverage of the interval, in (0, 1).

    Returns
    -------
    tuple
        ``(mu, sigma)``, floats or arrays of the broadcast shape.

    Notes
    -----
    .. math:: \\mu = \\frac{\\ln L + \\ln H}{2}, \\qquad
              \\sigma = \\frac{\\ln H - \\ln L}{2\\,\\Phi^{-1}\\left(\\frac{1 + \\mathrm{level}}{2}\\right)}
    """
    lo_arr, hi_arr = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    if np.any(lo_arr <= 0) or np.any(hi_arr <= 0):
        raise ValueError("low, high: must be > 0 (a lognormal is positive)")
    if np.any(lo_arr > hi_arr):
        raise ValueError("low: must be <= high")
    z = norm.ppf(0.5 + level / 2.0)
    mu = (np.log(low) + np.log(high)) / 2.0
    sigma = (np.log(high) - np.log(low)) / (2.0 * z)
    return mu, sigma
