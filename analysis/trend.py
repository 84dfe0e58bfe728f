"""Shared statistics for the trend chapters: decimal years, closed-form OLS slopes, lognormal intervals.

Used by ``exhaustion.fit_growth`` (training-set sizes, Villalobos et al. 2024) and
``cost.fit_cost_trend`` (training costs, Cottier et al. 2024), which both regress log10 of a
quantity on the date and bootstrap the slope by resampling models (pairs bootstrap).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from scipy.stats import norm

from analysis.validation import ArrayLike, InstanceOf, Integral, Interval, Real, validate_params

_DATES = [InstanceOf((list, tuple, pd.Series, pd.Index, np.ndarray), "a list, tuple, Series, Index or array of dates")]
_ARRAY = [ArrayLike(ndim=None, min_size=1)]


_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@validate_params({"dates": _DATES})
def decimal_year(dates) -> np.ndarray:
    """Dates as fractional years (2024.0 is 1 January 2024).

    Accepts timestamps (``datetime``, ``numpy.datetime64``, pandas) and strings in ISO 8601 only:
    ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (a time part after ``T`` or a space is ignored). Any
    other string, e.g. ``05/01/2024`` or ``24-01-05``, raises ``ValueError`` naming the value:
    guessing day-first or month-first would silently return a wrong year.
    """
    series = pd.Series(dates)
    if series.empty:
        raise ValueError("dates: expected at least one date")
    if series.isna().any():
        raise ValueError("dates: missing dates are not allowed")
    if series.map(lambda v: isinstance(v, str)).any():
        text = series.astype(str).str.strip().str.split(r"[T ]", n=1, regex=True).str[0]
        bad = text[~text.str.match(_ISO_DATE)]
        if len(bad):
            raise ValueError(
                f"dates: {bad.iloc[0]!r} is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)"
            )
        try:
            ts = pd.to_datetime(text.map(lambda t: (t + "-01-01")[:10] if len(t) < 10 else t), format="%Y-%m-%d")
        except ValueError as err:
            raise ValueError(f"dates: not a valid calendar date ({err})") from None
    else:
        ts = pd.to_datetime(series)
    start = pd.to_datetime(ts.dt.year.astype(str) + "-01-01")
    days = np.where(ts.dt.is_leap_year, 366.0, 365.0)
    return (ts.dt.year + (ts - start).dt.days / days).to_numpy(dtype=float)


@validate_params({"x": _ARRAY, "y": _ARRAY})
def ols_slopes(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """OLS slope of y on x along the last axis, cov(x, y) / var(x): one closed form per bootstrap resample."""
    xm = x.mean(axis=-1, keepdims=True)
    ym = y.mean(axis=-1, keepdims=True)
    return ((x - xm) * (y - ym)).sum(axis=-1) / ((x - xm) ** 2).sum(axis=-1)


@validate_params({"x": [ArrayLike(ndim=1, min_size=2)], "y": [ArrayLike(ndim=1, min_size=2)],
                  "n_boot": [Interval(Integral, 1, 200_000, closed="both", cap_reason="the resamples are held in memory")],
                  "rng": [InstanceOf(np.random.Generator, "a numpy Generator")]})
def bootstrap_slopes(x: np.ndarray, y: np.ndarray, *, n_boot: int, rng: np.random.Generator) -> dict:
    """Full-sample OLS slope and intercept of y on x, and the slopes of ``n_boot`` pairs-bootstrap resamples.

    Resamples whose dates are all equal have no slope and are dropped (``boot_slopes`` may hold
    slightly fewer than ``n_boot`` values).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"x, y: expected two 1-D arrays of equal length, got shapes {x.shape} and {y.shape}")
    slope = float(ols_slopes(x, y))
    intercept = float(y.mean() - slope * x.mean())
    idx = rng.integers(0, len(x), size=(n_boot, len(x)))
    xs, ys = x[idx], y[idx]
    ok = np.ptp(xs, axis=1) > 0
    return {"slope": slope, "intercept": intercept, "boot_slopes": ols_slopes(xs[ok], ys[ok])}


@validate_params({"low": [Interval(Real, 0, None, closed="neither"), ArrayLike(ndim=None, min_size=1, lo=0)],
                  "high": [Interval(Real, 0, None, closed="neither"), ArrayLike(ndim=None, min_size=1, lo=0)],
                  "level": [Interval(Real, 0, 1, closed="neither")]})
def lognormal_params(*, low, high, level: float) -> tuple:
    """(mu, sigma) of the lognormal whose central ``level`` interval is [low, high] (inputs already validated)."""
    z = norm.ppf(0.5 + level / 2.0)
    mu = (np.log(low) + np.log(high)) / 2.0
    sigma = (np.log(high) - np.log(low)) / (2.0 * z)
    return mu, sigma
