"""Summaries of the privacy-utility sweep for chapter 6: means with 95% intervals over replicates."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analysis.validation import Frame, InstanceOf, Interval, Real, validate_params

__all__ = ["summarise", "cell"]


@validate_params({"results": [Frame(["table", "generator", "metric", "value"], min_rows=0)],
                  "confidence": [Interval(Real, 0, 1, closed="neither")]})
def summarise(results: pd.DataFrame, *, confidence: float = 0.95) -> pd.DataFrame:
    """Mean, Student-t interval and replicate count of every (table, generator, metric).

    The interval is mean +/- t_{n-1} s / sqrt(n) over the replicates (different splits and
    generator seeds); with one replicate it is not defined (NaN).
    """
    if results.empty:
        raise ValueError("results: has no rows")
    g = results.groupby(["table", "generator", "metric"], sort=False)["value"]
    out = g.agg(mean="mean", sd="std", n="count").reset_index()
    t = stats.t.ppf(0.5 + confidence / 2, np.maximum(out["n"] - 1, 1))
    half = np.where(out["n"] > 1, t * out["sd"] / np.sqrt(out["n"]), np.nan)
    out["low"], out["high"] = out["mean"] - half, out["mean"] + half
    return out


@validate_params({"summary": [Frame(["table", "generator", "metric"], min_rows=0)], "table": [InstanceOf(str)],
                  "generator": [InstanceOf(str)], "metric": [InstanceOf(str)]})
def cell(summary: pd.DataFrame, table: str, generator: str, metric: str) -> pd.Series:
    """One row (mean, low, high, n) of a :func:`summarise` table; ``ValueError`` if absent."""
    hit = summary[(summary["table"] == table) & (summary["generator"] == generator) & (summary["metric"] == metric)]
    if len(hit) != 1:
        raise ValueError(f"summary: no single row for table={table!r}, generator={generator!r}, metric={metric!r}")
    return hit.iloc[0]
