"""Utility of synthetic tables: train on synthetic, test on real; fidelity; mixes of real and synthetic.

* **TSTR vs TRTR** (train on synthetic / on real, test on real): the classifier of chapter 4
  (standardised logistic regression on one-hot categorical columns and the numeric columns)
  is fitted to a training table and scored on held-out real rows, overall and per group, so
  that the link to the bias chapter is visible.
* **Fidelity**: marginals (1 - total variation distance for categorical columns, 1 - the
  Kolmogorov-Smirnov statistic for numeric ones, as SDMetrics' TVComplement and KSComplement)
  and pairwise dependence (1 - total variation distance between the two-way tables of every
  pair of columns, numeric columns cut at the real table's deciles, as SDMetrics'
  ContingencySimilarity); each is 1 for identical distributions.
* **Mixes**: accuracy on real test rows when a fixed-size training table has a given share of
  synthetic rows, and when synthetic rows are added to a small real table.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from analysis.generators.tabular import check_table
from analysis.core.validation import Frame, InstanceOf, Integral, Interval, Real, Seed, validate_params

__all__ = ["Accuracy", "Fidelity", "classifier_accuracy", "fidelity", "mixed_training_table"]


@dataclass(frozen=True)
class Accuracy:
    """Accuracy on real test rows, overall and for the minority and majority groups."""

    overall: float
    minority: float
    majority: float


def _model(train: pd.DataFrame, label: str):
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    features = [c for c in train.columns if c != label]
    cat = [c for c in features if not pd.api.types.is_numeric_dtype(train[c])]
    num = [c for c in features if c not in cat]
    pre = ColumnTransformer([
        ("cat", OneHotEncoder(handle_unknown="ignore"), cat),
        ("num", StandardScaler(), num),
    ])
    return Pipeline([("encode", pre), ("logisticregression", LogisticRegression(max_iter=2000))]), features


@validate_params({"train": [Frame(min_rows=0)], "test": [Frame(min_rows=0)], "label": [InstanceOf(str)],
                  "group": [InstanceOf(str)], "minority": [InstanceOf((str, Real))]})
def classifier_accuracy(train: pd.DataFrame, test: pd.DataFrame, *, label: str, group: str,
                        minority: str | float) -> Accuracy:
    """Fit the chapter-4 classifier on ``train`` and score it on the real ``test`` rows.

    A training table with a single label value predicts that value (as any classifier would).
    """
    check_table(train, name="train", columns=[label, group])
    check_table(test, name="test", columns=list(train.columns))
    if minority not in set(test[group]):
        raise ValueError(f"minority: {minority!r} is not a value of test[{group!r}]")
    y = train[label].to_numpy()
    if len(pd.unique(y)) == 1:
        pred = np.full(len(test), y[0], dtype=object)
    else:
        model, features = _model(train, label)
        model.fit(train[features], y)
        pred = model.predict(test[features])
    ok = pred == test[label].to_numpy()
    mino = (test[group] == minority).to_numpy()
    return Accuracy(float(ok.mean()), float(ok[mino].mean()), float(ok[~mino].mean()))


@dataclass(frozen=True)
class Fidelity:
    """Mean marginal and mean pairwise similarity (1 = the same distribution as the real table)."""

    marginal: float
    pairwise: float


def _binned(real: pd.Series, synth: pd.Series, bins: int) -> tuple[np.ndarray, np.ndarray]:
    if pd.api.types.is_numeric_dtype(real) and real.nunique() > bins:
        edges = np.unique(np.quantile(real.to_numpy(float), np.linspace(0, 1, bins + 1)[1:-1]))
        return (np.searchsorted(edges, real.to_numpy(float), side="right"),
                np.searchsorted(edges, synth.to_numpy(float), side="right"))
    levels = pd.Index(pd.unique(pd.concat([real, synth], ignore_index=True)))
    return levels.get_indexer(real), levels.get_indexer(synth)


def _tvd(a: np.ndarray, b: np.ndarray, size: int) -> float:
    pa = np.bincount(a, minlength=size) / len(a)
    pb = np.bincount(b, minlength=size) / len(b)
    return 0.5 * float(np.abs(pa - pb).sum())


@validate_params({"real": [Frame(min_rows=0)], "synthetic": [Frame(min_rows=0)], "bins": [Interval(Integral, 2, 100, closed="both")]})
def fidelity(real: pd.DataFrame, synthetic: pd.DataFrame, *, bins: int = 10) -> Fidelity:
    """Marginal and pairwise similarity of ``synthetic`` to ``real`` (see the module docstring).

    References
    ----------
    sdmetrics2024
    """
    check_table(real, name="real")
    check_table(synthetic, name="synthetic", columns=list(real.columns))
    bins = int(bins)
    from scipy.stats import ks_2samp

    marg, codes = [], {}
    for c in real.columns:
        if pd.api.types.is_numeric_dtype(real[c]) and real[c].nunique() > bins:
            marg.append(1 - ks_2samp(real[c].to_numpy(float), synthetic[c].to_numpy(float)).statistic)
        else:
            a, b = _binned(real[c], synthetic[c], bins)
            marg.append(1 - _tvd(a, b, max(a.max(), b.max()) + 1))
        codes[c] = _binned(real[c], synthetic[c], bins)
    pair = []
    for c1, c2 in combinations(real.columns, 2):
        (a1, b1), (a2, b2) = codes[c1], codes[c2]
        k2 = max(a2.max(), b2.max()) + 1
        size = (max(a1.max(), b1.max()) + 1) * k2
        pair.append(1 - _tvd(a1 * k2 + a2, b1 * k2 + b2, size))
    return Fidelity(float(np.mean(marg)), float(np.mean(pair)) if pair else float("nan"))


@validate_params({"real": [Frame(min_rows=0)], "synthetic": [Frame(min_rows=0)],
                  "rows": [Interval(Integral, 2, 10**7, closed="both", cap_reason="memory")],
                  "synthetic_share": [Interval(Real, 0, 1, closed="both")], "seed": [Seed()]})
def mixed_training_table(real: pd.DataFrame, synthetic: pd.DataFrame, *, rows: int, synthetic_share: float,
                         seed: int | np.random.Generator | None = None) -> pd.DataFrame:
    """``rows`` training rows of which round(share x rows) are synthetic, the rest real (no repeats)."""
    check_table(real, name="real")
    check_table(synthetic, name="synthetic", columns=list(real.columns))
    rows = int(rows)
    share = float(synthetic_share)
    n_syn = int(round(share * rows))
    n_real = rows - n_syn
    if n_real > len(real) or n_syn > len(synthetic):
        raise ValueError(f"rows: {rows} at share {share} needs {n_real} real and {n_syn} synthetic rows; "
                         f"have {len(real)} and {len(synthetic)}")
    rng = np.random.default_rng(seed)
    parts = [real.iloc[rng.choice(len(real), n_real, replace=False)],
             synthetic.iloc[rng.choice(len(synthetic), n_syn, replace=False)][list(real.columns)]]
    return pd.concat(parts, ignore_index=True)
