"""Summaries of the language-model collapse sweeps for the chapter: confidence intervals over replicates and paired changes."""

from __future__ import annotations

import pandas as pd

from analysis.collapse.lm import METRICS, REGIMES
from analysis.core.stats import summarise_replicates, t_interval
from analysis.core.validation import InstanceOf, Integral, Interval, Options, Real, validate_params

__all__ = ["CORPUS_WORDS", "summarise", "paired_change", "change_table"]


@validate_params({"frame": [InstanceOf(pd.DataFrame)], "level": [Interval(Real, 0, 1, closed="neither")]})
def summarise(frame: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Mean and Student-t confidence interval over replicates of each metric, per model, regime and generation.

    Parameters
    ----------
    frame : DataFrame
        Rows of the collapse_lm sweep.
    level : float
        Confidence level.

    Returns
    -------
    DataFrame
        One row per (model, regime, generation): ``replicates`` and, per metric, its mean and the
        interval bounds ``<metric>_lo`` and ``<metric>_hi``
        (:func:`analysis.core.stats.summarise_replicates`; NaN values ignored).
    """
    keys = ["model", "regime", "generation"]
    out = frame.groupby(keys, sort=False).size().rename("replicates").reset_index()
    long = frame.melt(id_vars=keys, value_vars=list(METRICS), var_name="metric")
    t = summarise_replicates(long, by=[*keys, "metric"], value="value", level=level, sort=False)
    for m in METRICS:
        at = t[t["metric"] == m].set_index(keys).reindex(pd.MultiIndex.from_frame(out[keys]))
        out[m], out[f"{m}_lo"], out[f"{m}_hi"] = (at[c].to_numpy() for c in ("mean", "low", "high"))
    return out


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
    generation 0).

    Parameters
    ----------
    frame : DataFrame
        Rows of the collapse_lm sweep.
    metric, regime : str
        What is compared, and for which regime.
    generation : int
        The generation compared.
    baseline_regime : str or None
        Compare with this regime at the same generation instead of the same regime earlier.
    baseline_generation : int
        The generation of the baseline (when ``baseline_regime`` is None).
    model : str
        ``"ngram"`` or ``"transformer"``.
    level : float
        Confidence level.

    Returns
    -------
    (float, float, float)
        The mean paired difference and its interval.
    """

    f = frame[frame["model"] == model]
    a = f[(f["regime"] == regime) & (f["generation"] == generation)].set_index("replicate")[metric]
    b_reg, b_gen = (baseline_regime, generation) if baseline_regime else (regime, baseline_generation)
    b = f[(f["regime"] == b_reg) & (f["generation"] == b_gen)].set_index("replicate")[metric]
    d = (a - b.reindex(a.index)).dropna().to_numpy(float)
    if len(d) < 2:
        raise ValueError("frame: fewer than two paired replicates for this comparison")
    iv = t_interval(d, level=level)  # the one t interval (analysis.core.stats)
    return iv.estimate, iv.low, iv.high


@validate_params({"frame": [InstanceOf(pd.DataFrame)], "model": [InstanceOf(str)],
                  "level": [Interval(Real, 0, 1, closed="neither")]})
def change_table(frame: pd.DataFrame, *, model: str = "ngram", level: float = 0.95) -> pd.DataFrame:
    """For each regime and metric: the paired change from generation 0 to the last generation, with its interval.

    One row per (regime, metric) with columns ``start``, ``end`` (means over replicates),
    ``change``, ``lo``, ``hi`` (the paired mean difference and its Student-t interval) and
    ``vs_replace``, ``vs_lo``, ``vs_hi`` (the regime's last generation minus replace's, paired).

    Parameters
    ----------
    frame : DataFrame
        Rows of the collapse_lm sweep.
    model : str
        ``"ngram"`` or ``"transformer"``.
    level : float
        Confidence level.

    Returns
    -------
    DataFrame
    """
    f = frame[frame["model"] == model]
    if f.empty:
        raise ValueError(f"model: no rows for {model!r}")
    last = int(f["generation"].max())
    rows = []
    for regime in [r for r in REGIMES if r in set(f["regime"])]:
        for metric in METRICS:
            d, lo, hi = paired_change(frame, metric=metric, regime=regime, generation=last, model=model, level=level)
            vs = (paired_change(frame, metric=metric, regime=regime, generation=last, baseline_regime="replace",
                                model=model, level=level) if regime != "replace" else (0.0, 0.0, 0.0))
            g = f[f["regime"] == regime]
            rows.append({"regime": regime, "metric": metric, "generation": last,
                         "start": g.loc[g["generation"] == 0, metric].mean(),
                         "end": g.loc[g["generation"] == last, metric].mean(), "change": d, "lo": lo, "hi": hi,
                         "vs_replace": vs[0], "vs_lo": vs[1], "vs_hi": vs[2]})
    return pd.DataFrame(rows)


#: words (not punctuation) in the cleaned GCIDE text, training and held-out parts together
#: (checked against the corpus by tests/collapse/test_collapse_lm.py where it is installed)
CORPUS_WORDS = 3_592_604
