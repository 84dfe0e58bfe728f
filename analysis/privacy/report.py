"""Summaries of the privacy-utility sweep for chapter 6: means with 95% intervals over replicates."""

from __future__ import annotations

import pandas as pd

from analysis.core.stats import summarise_replicates
from analysis.core.frames import lookup_row
from analysis.core.validation import Frame, InstanceOf, Interval, Real, validate_params

__all__ = ["summarise", "cell", "cell_interval", "frontier_table", "with_unclipped_risks", "with_difference", "RISKS"]

RISKS = ("singling_out", "linkability", "inference")


@validate_params({"results": [Frame(["table", "generator", "metric", "value"], min_rows=0)],
                  "confidence": [Interval(Real, 0, 1, closed="neither")]})
def summarise(results: pd.DataFrame, *, confidence: float = 0.95) -> pd.DataFrame:
    """Mean, Student-t interval and replicate count of every (table, generator, metric).

    The interval is mean +/- t_{n-1} s / sqrt(n) over the replicates (different splits and
    generator seeds), :func:`analysis.core.stats.summarise_replicates`; with one replicate it is not
    defined (NaN).
    """
    if results.empty:
        raise ValueError("results: has no rows")
    return summarise_replicates(results, by=["table", "generator", "metric"], value="value", level=confidence,
                                sort=False)


@validate_params({"summary": [Frame(["table", "generator", "metric"], min_rows=0)], "table": [InstanceOf(str)],
                  "generator": [InstanceOf(str)], "metric": [InstanceOf(str)]})
def cell(summary: pd.DataFrame, table: str, generator: str, metric: str) -> pd.Series:
    """One row (mean, low, high, n) of a :func:`summarise` table; ``ValueError`` if absent."""
    return lookup_row(summary, {"table": table, "generator": generator, "metric": metric}, name="summary")


@validate_params({"summary": [Frame(["table", "generator", "metric", "mean", "low", "high"], min_rows=0)],
                  "table": [InstanceOf(str)], "generator": [InstanceOf(str)], "metric": [InstanceOf(str)]})
def cell_interval(summary: pd.DataFrame, table: str, generator: str, metric: str) -> tuple[float, float, float]:
    """The (mean, low, high) of one row of a :func:`summarise` table, for ``glue_interval``.

    Parameters
    ----------
    summary : pandas.DataFrame
        Output of :func:`summarise`.
    table, generator, metric : str
        The row's keys.

    Returns
    -------
    tuple of float
        Mean over replicates and the ends of its interval (NaN with one replicate).
    """
    row = cell(summary, table, generator, metric)
    return row["mean"], row["low"], row["high"]


@validate_params({"summary": [Frame(["table", "generator", "metric", "mean", "low", "high", "n"], min_rows=0)],
                  "tables": [InstanceOf((list, tuple), "a list of table keys")],
                  "generators": [InstanceOf((list, tuple), "a list of generator keys")],
                  "labels": [InstanceOf(dict, "a dict of generator key -> label")]})
def frontier_table(summary: pd.DataFrame, *, tables: list[str] | tuple[str, ...], generators: list[str] | tuple[str, ...],
                   labels: dict[str, str]) -> pd.DataFrame:
    """The privacy-utility frontier: membership AUC and TSTR accuracy, with intervals, per table and generator.

    Parameters
    ----------
    summary : pandas.DataFrame
        Output of :func:`summarise`, with the metrics ``mia_auc``, ``tstr`` and ``trtr``.
    tables : list of str
        Table keys, in the order of the rows.
    generators : list of str
        Generator keys, in the order of the rows within a table.
    labels : dict
        Generator key -> label shown in the legend.

    Returns
    -------
    pandas.DataFrame
        One row per (table, generator): ``table``, ``generator``, ``label``, ``mia_auc`` with
        ``mia_auc_low``/``mia_auc_high``, ``tstr`` with ``tstr_low``/``tstr_high``, ``trtr``
        (the table's real-data accuracy) and ``replicates``.
    """
    rows = []
    for t in tables:
        for g in generators:
            a, u = cell(summary, t, g, "mia_auc"), cell(summary, t, g, "tstr")
            rows.append({"table": t, "generator": g, "label": labels[g], "mia_auc": a["mean"], "mia_auc_low": a["low"],
                         "mia_auc_high": a["high"], "tstr": u["mean"], "tstr_low": u["low"], "tstr_high": u["high"],
                         "trtr": cell(summary, t, g, "trtr")["mean"], "replicates": int(a["n"])})
    return pd.DataFrame(rows)


def _aligned(results: pd.DataFrame, first: str, second: str, *, param: str) -> tuple[pd.Series, pd.Series]:
    """The values of two metrics, indexed by (table, generator, replicate) in the same order.

    ``ValueError`` naming ``param`` if the two metrics do not cover the same replicates.
    """
    key = ["table", "generator", "replicate"]
    a = results[results["metric"] == first].set_index(key)["value"]
    b = results[results["metric"] == second].set_index(key)["value"]
    if not a.index.sort_values().equals(b.index.sort_values()):
        raise ValueError(f"{param}: {second!r} does not cover the same replicates as {first!r}")
    return a, b.reindex(a.index)


@validate_params({"results": [Frame(["table", "generator", "replicate", "metric", "value"], min_rows=0)]})
def with_unclipped_risks(results: pd.DataFrame) -> pd.DataFrame:
    """The sweep's results with each anonymeter risk also before clipping, as metric ``<risk>_risk_unclipped``.

    Per release, a risk is read as anonymeter reports it, clipped to [0, 1]. A mean over replicates
    of clipped values is biased upwards: a generator that leaks nothing scores below zero in about
    half of the replicates, and clipping turns those into zeros, so with enough replicates its
    mean risk is "significantly" positive. The unclipped residual risk has mean zero when the
    attack does no better on training rows than on control rows, and is what a mean and its
    interval over replicates must be computed from. It is rebuilt exactly from the rates each
    replicate stores:

    ``risk_unclipped = (r_attack - r_control) / (1 - r_control)``, and ``risk = clip(risk_unclipped, 0, 1)``.

    Parameters
    ----------
    results : pandas.DataFrame
        Long results of the privacy sweep: ``table``, ``generator``, ``replicate``, ``metric``,
        ``value``, holding ``<risk>_attack_rate`` and ``<risk>_control_rate`` for each risk of
        ``RISKS`` that is present.

    Returns
    -------
    pandas.DataFrame
        ``results`` with one more row per (table, generator, replicate, risk).

    References
    ----------
    giomi2023unified
    """
    extra = []
    for risk in RISKS:
        a, c = _aligned(results, f"{risk}_attack_rate", f"{risk}_control_rate", param="results")
        if a.empty and c.empty:
            continue
        if (c >= 1).any():
            raise ValueError(f"results: {risk}_control_rate must be < 1 (the risk divides by 1 - control rate)")
        u = ((a - c) / (1 - c)).rename("value").reset_index()
        u["metric"] = f"{risk}_risk_unclipped"
        extra.append(u)
    if not extra:
        return results.copy()
    return pd.concat([results, *extra], ignore_index=True)


@validate_params({"results": [Frame(["table", "generator", "replicate", "metric", "value"], min_rows=0)],
                  "metric": [InstanceOf(str)], "baseline": [InstanceOf(str)], "name": [InstanceOf(str)]})
def with_difference(results: pd.DataFrame, *, metric: str, baseline: str, name: str) -> pd.DataFrame:
    """The results with ``metric - baseline`` of each replicate added as metric ``name``.

    A paired difference (for example the attack's AUC on outliers minus its AUC on all records of
    the same replicate) has a narrower interval over replicates than the two means compared side
    by side, because what the two share within a replicate (the split, the generator's draw)
    cancels.

    Parameters
    ----------
    results : pandas.DataFrame
        Long results: ``table``, ``generator``, ``replicate``, ``metric``, ``value``.
    metric, baseline : str
        Metrics present for the same (table, generator, replicate) keys.
    name : str
        The new metric's name; must not be present already.

    Returns
    -------
    pandas.DataFrame
        ``results`` with one more row per (table, generator, replicate).
    """
    present = set(results["metric"])
    for param, m in (("metric", metric), ("baseline", baseline)):
        if m not in present:
            raise ValueError(f"{param}: {m!r} is not a metric of the results")
    if name in present:
        raise ValueError(f"name: {name!r} is already a metric of the results")
    a, b = _aligned(results, metric, baseline, param="baseline")
    d = (a - b).rename("value").reset_index()
    d["metric"] = name
    return pd.concat([results, d], ignore_index=True)

