"""Bias amplification in a synthetic-data feedback loop, on real tabular data.

A tabular generator is fitted to a training table and samples a synthetic table of the same
schema; a downstream classifier is trained on it and evaluated on held-out *real* rows. Repeating
this (generation t+1 trains on data sampled from the generator fitted to generation t) is the
model-induced distribution shift of Wyllie, Shumailov & Papernot (2024), in its simplest tabular
form.

The generator is deliberately transparent, so its behaviour can be checked against closed forms:

* the (group, label) cell of each synthetic row is drawn multinomially from the fitted cell shares,
  tempered as ``p_c ** (1 / temperature)`` and renormalised (temperature < 1 favours the
  high-likelihood cells, as low-temperature decoding does);
* within a cell, the remaining categorical columns are resampled with the cell's rows (their joint
  combinations tempered the same way), and the numeric columns are drawn from a Gaussian kernel
  density estimate of the cell: a resampled row plus Gaussian noise of s.d. h x (the cell's s.d.),
  with Scott's factor h = n ** (-1 / (d + 4)), shrunk towards the cell mean by sqrt(1 + h**2) so
  that the cell's mean and variance are preserved exactly at temperature 1 (the kernel variance
  is multiplied by the temperature, so T < 1 also narrows the numeric spread).

Why not scikit-learn's ``KernelDensity`` or ``GaussianMixture``, as one would by default? The
loop refits and resamples its own output 20+ times, so any systematic change per generation
compounds. ``KernelDensity.sample`` returns a resampled row plus kernel noise, so every generation
*adds* the kernel variance: in standardised units the variance grows by a factor (1 + h**2) a
generation, about 16% for a cell of 600 rows with three numeric columns, i.e. about 20-fold over
20 generations. That spreading would itself change the classifier and the fairness gaps, and could
not be told apart from the effect of the sampling bias this chapter studies. A ``GaussianMixture``
per cell would replace skewed, integer-valued columns (year, number of police checks) by a few
Gaussians, needs a choice of components, and would add many EM fits to every run. The shrunk
smoothed bootstrap's distribution has exactly the mean and variance of the cell it was fitted to,
so at temperature 1 the next table differs from the current one only by sampling noise, as with
plain resampling of rows; ``tests/test_bias.py`` checks the variance against its closed form and
against ``KernelDensity``.

At temperature 1 with no real data, the minority count of the next table is Binomial(n, share),
so the minority share is a Wright-Fisher martingale: neutral drift, lost with probability
1 - initial share. Fairness metrics come from ``fairlearn.metrics.MetricFrame``.
"""

from __future__ import annotations

import functools
import numbers
import warnings

import numpy as np
import pandas as pd
from sklearn.exceptions import UndefinedMetricWarning
from threadpoolctl import threadpool_limits
from analysis.validation import check_int

STRATEGIES = ("naive", "stratified", "reweighted")
GROUP_METRICS = ("accuracy", "selection_rate", "tpr", "fpr")


# --------------------------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------------------------


def _check_fraction(name: str, value, *, open_interval: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise TypeError(f"{name}: expected a number in [0, 1], got {value!r}")
    lo_ok = value > 0 if open_interval else value >= 0
    hi_ok = value < 1 if open_interval else value <= 1
    if not (lo_ok and hi_ok):
        rng = "(0, 1)" if open_interval else "[0, 1]"
        raise ValueError(f"{name}: {value} is outside the valid range {rng}")
    return float(value)


def _check_temperature(temperature) -> float:
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real):
        raise TypeError(f"temperature: expected a positive number, got {temperature!r}")
    if not (np.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature: {temperature} must be a finite number > 0")
    return float(temperature)


def _check_table(table, *, group: str, label: str, categorical) -> list[str]:
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table: expected a pandas DataFrame, got {type(table).__name__}")
    for name, col in (("group", group), ("label", label)):
        if not isinstance(col, str) or col not in table.columns:
            raise ValueError(f"{name}: {col!r} is not a column of table; columns: {list(table.columns)}")
    if group == label:
        raise ValueError("group and label must be different columns")
    if table.isna().any().any():
        bad = [c for c in table.columns if table[c].isna().any()]
        raise ValueError(f"table: missing values in column(s) {bad}; drop or impute them first")
    if categorical is None:
        categorical = [
            c for c in table.columns
            if c not in (group, label) and not pd.api.types.is_numeric_dtype(table[c])
        ]
    else:
        categorical = list(categorical)
        unknown = [c for c in categorical if c not in table.columns]
        if unknown:
            raise ValueError(f"categorical: unknown column(s) {unknown}; columns: {list(table.columns)}")
        categorical = [c for c in categorical if c not in (group, label)]
    numeric = [c for c in table.columns if c not in (group, label, *categorical)]
    not_numeric = [c for c in numeric if not pd.api.types.is_numeric_dtype(table[c])]
    if not_numeric:
        raise ValueError(f"categorical: column(s) {not_numeric} are not numeric, list them as categorical")
    groups = table[group].value_counts()
    if len(groups) != 2:
        raise ValueError(f"group: column {group!r} must hold exactly 2 groups, found {len(groups)}")
    if groups.min() < 2:
        raise ValueError(
            f"group: group {groups.idxmin()!r} has {groups.min()} row(s); each group needs at least 2"
        )
    if table[label].nunique() != 2:
        raise ValueError(f"label: column {label!r} must be binary, found {table[label].nunique()} values")
    return categorical


def _positive_value(values, positive_label):
    levels = sorted(pd.unique(values).tolist(), key=str)
    if positive_label is not None:
        if positive_label not in levels:
            raise ValueError(f"positive_label: {positive_label!r} is not a value of the label; values: {levels}")
        return positive_label
    for candidate in (1, True, "Yes", "yes"):
        if candidate in levels:
            return candidate
    raise ValueError(f"positive_label: cannot tell which of {levels} is positive; pass positive_label=")


# --------------------------------------------------------------------------------------------
# encoding: the loop works on integer codes and float arrays, decoded only for display
# --------------------------------------------------------------------------------------------


def encode_table(table: pd.DataFrame, *, group: str, label: str, categorical=None, positive_label=None) -> dict:
    """Encode a table for the loop: group code (1 = minority), label code (1 = positive), other codes, numerics."""
    categorical = _check_table(table, group=group, label=label, categorical=categorical)
    positive = _positive_value(table[label], positive_label)
    counts = table[group].value_counts()
    # minority = the smaller group; ties broken by sorted value so the choice is deterministic
    ordered = sorted(counts.index.tolist(), key=lambda v: (counts[v], str(v)))
    minority, majority = ordered[0], ordered[1]
    numeric = [c for c in table.columns if c not in (group, label, *categorical)]
    levels = {c: sorted(pd.unique(table[c]).tolist(), key=str) for c in categorical}
    codes = np.empty((len(table), 2 + len(categorical)), dtype=np.int64)
    codes[:, 0] = (table[group].to_numpy() == minority).astype(np.int64)
    codes[:, 1] = (table[label].to_numpy() == positive).astype(np.int64)
    for j, c in enumerate(categorical, start=2):
        lookup = {v: i for i, v in enumerate(levels[c])}
        codes[:, j] = table[c].map(lookup).to_numpy()
    values = table[numeric].to_numpy(dtype=float) if numeric else np.empty((len(table), 0))
    labels = sorted(pd.unique(table[label]).tolist(), key=str)
    return {
        "codes": codes,
        "numeric": values,
        "meta": {
            "columns": list(table.columns),
            "group": group,
            "label": label,
            "categorical": categorical,
            "numeric": numeric,
            "levels": levels,
            "minority": minority,
            "majority": majority,
            "positive": positive,
            "negative": next(v for v in labels if v != positive),
            "integer": [pd.api.types.is_integer_dtype(table[c]) for c in numeric],
            "dtypes": {c: table[c].dtype for c in table.columns},
            "low": values.min(axis=0) if len(values) else np.empty(0),
            "high": values.max(axis=0) if len(values) else np.empty(0),
        },
    }


def decode_table(codes: np.ndarray, numeric: np.ndarray, meta: dict) -> pd.DataFrame:
    """Turn encoded rows back into a DataFrame with the original columns and dtypes."""
    out = {
        meta["group"]: np.where(codes[:, 0] == 1, meta["minority"], meta["majority"]),
        meta["label"]: np.where(codes[:, 1] == 1, meta["positive"], meta["negative"]),
    }
    for j, c in enumerate(meta["categorical"], start=2):
        out[c] = np.asarray(meta["levels"][c], dtype=object)[codes[:, j]]
    for j, c in enumerate(meta["numeric"]):
        out[c] = numeric[:, j]
    df = pd.DataFrame(out)[meta["columns"]]
    return df.astype(meta["dtypes"])


# --------------------------------------------------------------------------------------------
# the generator
# --------------------------------------------------------------------------------------------


def tempered_probabilities(counts, *, temperature: float) -> np.ndarray:
    """Cell probabilities p_c ** (1/T), renormalised (T = 1: the empirical shares); empty cells stay 0."""
    temperature = _check_temperature(temperature)
    counts = np.asarray(counts, dtype=float)
    if counts.ndim != 1 or (counts < 0).any() or counts.sum() <= 0:
        raise ValueError("counts: expected a 1-D array of non-negative counts with a positive total")
    # work with shares, not counts, so large counts cannot overflow at low temperature
    shares = counts / counts.sum()
    with np.errstate(divide="ignore"):
        logw = np.where(shares > 0, np.log(np.where(shares > 0, shares, 1.0)) / temperature, -np.inf)
    w = np.exp(logw - logw.max())
    return w / w.sum()


def _combo_key(codes: np.ndarray) -> np.ndarray:
    # one integer per combination of categorical codes (mixed radix): np.unique on 1-D keys is
    # much faster than on rows
    key = np.zeros(len(codes), dtype=np.int64)
    for j in range(codes.shape[1]):
        key = key * (int(codes[:, j].max()) + 1) + codes[:, j]
    return key


def fit_generator(codes: np.ndarray, numeric: np.ndarray, *, temperature: float = 1.0) -> dict:
    """Fit the group- and label-conditional generator to encoded rows (cell counts, row weights, KDE)."""
    temperature = _check_temperature(temperature)
    cell = codes[:, 0] * 2 + codes[:, 1]
    counts = np.bincount(cell, minlength=4)
    d = numeric.shape[1]
    cells = []
    for c in range(4):
        rows = np.flatnonzero(cell == c)
        if len(rows) == 0:
            cells.append(None)
            continue
        # tempering the joint combination of the other categorical columns: a row whose
        # combination occurs m times gets weight m ** (1/T - 1), so combinations get m ** (1/T)
        if codes.shape[1] > 2 and temperature != 1.0:
            key = _combo_key(codes[rows, 2:])
            _, inverse, combo_counts = np.unique(key, return_inverse=True, return_counts=True)
            w = tempered_probabilities(combo_counts, temperature=temperature)[inverse] / combo_counts[inverse]
            w = w / w.sum()
        else:
            w = None
        x = numeric[rows]
        mean = x.mean(axis=0) if d else np.empty(0)
        sd = x.std(axis=0) if d and len(rows) > 1 else np.zeros(d)
        h = len(rows) ** (-1.0 / (d + 4)) if d else 0.0  # Scott's rule
        cells.append({"rows": rows, "weights": w, "mean": mean, "sd": sd, "h": h})
    return {"counts": counts, "cells": cells, "temperature": temperature, "codes": codes, "numeric": numeric}


def _cell_totals(gen: dict, *, rows: int, group_rows, rng) -> np.ndarray:
    counts, t = gen["counts"], gen["temperature"]
    if group_rows is None:
        return rng.multinomial(rows, tempered_probabilities(counts, temperature=t))
    totals = np.zeros(4, dtype=np.int64)
    for g in (0, 1):
        n_g = int(group_rows[g])
        if n_g == 0:
            continue
        within = counts[2 * g : 2 * g + 2]
        if within.sum() == 0:
            raise ValueError(f"group_rows: group code {g} has no rows in the fitted table, cannot stratify")
        totals[2 * g : 2 * g + 2] = rng.multinomial(n_g, tempered_probabilities(within, temperature=t))
    return totals


def sample_encoded(gen: dict, *, rows: int, rng, group_rows=None) -> tuple[np.ndarray, np.ndarray]:
    """Sample encoded synthetic rows; ``group_rows`` = (majority, minority) counts fixes group sizes (stratified)."""
    totals = _cell_totals(gen, rows=rows, group_rows=group_rows, rng=rng)
    codes, numeric, t = gen["codes"], gen["numeric"], gen["temperature"]
    out_codes, out_num = [], []
    for c, k in enumerate(totals):
        if k == 0:
            continue
        cell = gen["cells"][c]
        pick = cell["rows"][rng.choice(len(cell["rows"]), size=k, replace=True, p=cell["weights"])]
        out_codes.append(codes[pick])
        x = numeric[pick]
        if x.shape[1]:
            noise = rng.standard_normal(x.shape) * (np.sqrt(t) * cell["h"] * cell["sd"])
            x = cell["mean"] + (x - cell["mean"] + noise) / np.sqrt(1.0 + cell["h"] ** 2)
        out_num.append(x)
    return np.concatenate(out_codes), np.concatenate(out_num)


def _finish_numeric(numeric: np.ndarray, meta: dict) -> np.ndarray:
    x = np.clip(numeric, meta["low"], meta["high"])
    for j, is_int in enumerate(meta["integer"]):
        if is_int:
            x[:, j] = np.round(x[:, j])
    return x


def sample_table(table: pd.DataFrame, *, rows: int, group: str, label: str, temperature: float = 1.0,
                 categorical=None, positive_label=None, seed=None) -> pd.DataFrame:
    """Fit the generator to ``table`` and sample ``rows`` synthetic rows with the same columns and dtypes."""
    rows = check_int("rows", rows, minimum=1)
    enc = encode_table(table, group=group, label=label, categorical=categorical, positive_label=positive_label)
    gen = fit_generator(enc["codes"], enc["numeric"], temperature=temperature)
    codes, numeric = sample_encoded(gen, rows=rows, rng=np.random.default_rng(seed))
    return decode_table(codes, _finish_numeric(numeric, enc["meta"]), enc["meta"])


# --------------------------------------------------------------------------------------------
# the loop
# --------------------------------------------------------------------------------------------


def _check_loop(generations, real_fraction, temperature, strategy):
    generations = check_int("generations", generations, minimum=0)
    real_fraction = _check_fraction("real_fraction", real_fraction)
    temperature = _check_temperature(temperature)
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy: {strategy!r} is not one of {', '.join(STRATEGIES)}")
    return generations, real_fraction, temperature


def _training_tables(codes, numeric, meta, *, generations, real_fraction, temperature, strategy, rng,
                     stop_when_absorbed=False):
    """Yield the encoded training table of generations 0..generations (generation 0 = the real rows)."""
    n = len(codes)
    n_real = int(round(real_fraction * n))
    real_group_rows = np.bincount(codes[:, 0], minlength=2)
    cur_codes, cur_num = codes, numeric
    yield cur_codes, cur_num
    for _ in range(generations):
        if stop_when_absorbed and cur_codes[:, 0].min() == cur_codes[:, 0].max():
            return
        gen = fit_generator(cur_codes, cur_num, temperature=temperature)
        n_syn = n - n_real
        group_rows = None
        if strategy == "stratified":
            # algorithmic reparation on the generator side: every synthetic table keeps the real
            # group shares (largest-remainder rounding so the two counts add up to n_syn)
            exact = real_group_rows / n * n_syn
            group_rows = np.floor(exact).astype(np.int64)
            group_rows[np.argmax(exact - group_rows)] += n_syn - group_rows.sum()
        parts_c, parts_n = [], []
        if n_syn > 0:
            syn_c, syn_n = sample_encoded(gen, rows=n_syn, rng=rng, group_rows=group_rows)
            parts_c.append(syn_c)
            parts_n.append(_finish_numeric(syn_n, meta))
        if n_real > 0:
            keep = rng.choice(n, size=n_real, replace=False)
            parts_c.append(codes[keep])
            parts_n.append(numeric[keep])
        cur_codes, cur_num = np.concatenate(parts_c), np.concatenate(parts_n)
        yield cur_codes, cur_num


def simulate_shares(table: pd.DataFrame, *, generations: int, group: str, label: str, real_fraction: float = 0.0,
                    temperature: float = 1.0, strategy: str = "naive", categorical=None, seed=None,
                    stop_when_absorbed: bool = False, replicates: int | None = None) -> np.ndarray:
    """Minority share of the training table at generations 0..generations (no classifier; ``table`` is generation 0).

    With ``stop_when_absorbed`` the loop stops once one group is lost or fixed and the last share
    is carried forward (absorption is permanent: a generator never samples a group it has not seen).
    With ``replicates`` the table is validated and encoded once, replicate r draws from the r-th
    child of ``numpy.random.SeedSequence(seed)`` (the same numbers as passing that child as
    ``seed``), and the result has one row per replicate.
    """
    generations, real_fraction, temperature = _check_loop(generations, real_fraction, temperature, strategy)
    if replicates is not None:
        replicates = check_int("replicates", replicates, minimum=1)
    _check_table(table, group=group, label=label, categorical=categorical)
    # which label is "positive" does not matter for group shares: take the last in sorted order
    positive = sorted(pd.unique(table[label]).tolist(), key=str)[-1]
    enc = encode_table(table, group=group, label=label, categorical=categorical, positive_label=positive)

    def one(rng) -> np.ndarray:
        shares = [
            c[:, 0].mean()
            for c, _ in _training_tables(enc["codes"], enc["numeric"], enc["meta"], generations=generations,
                                         real_fraction=real_fraction, temperature=temperature, strategy=strategy,
                                         rng=rng, stop_when_absorbed=stop_when_absorbed)
        ]
        out = np.full(generations + 1, shares[-1])
        out[: len(shares)] = shares
        return out

    if replicates is None:
        return one(np.random.default_rng(seed))
    children = np.random.SeedSequence(seed).spawn(replicates)
    return np.array([one(np.random.default_rng(c)) for c in children])


def split_table(codes: np.ndarray, *, test_size: float, rng) -> tuple[np.ndarray, np.ndarray]:
    """Row indices of a train/test split stratified by (group, label), with deterministic stratum sizes."""
    test_size = _check_fraction("test_size", test_size, open_interval=True)
    cell = codes[:, 0] * 2 + codes[:, 1]
    train, test = [], []
    for c in range(4):
        rows = rng.permutation(np.flatnonzero(cell == c))
        k = int(round(test_size * len(rows)))
        test.append(rows[:k])
        train.append(rows[k:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))


def _one_hot(codes: np.ndarray, sizes: list[int]) -> np.ndarray:
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    out = np.zeros((len(codes), int(np.sum(sizes))))
    out[np.arange(len(codes))[:, None], codes + offsets] = 1.0
    return out


def _features(codes: np.ndarray, numeric: np.ndarray, meta: dict) -> np.ndarray:
    # group and the other categorical columns one-hot (fixed levels, so every generation has the
    # same design even when a level has vanished), then the numeric columns; the label is column 1
    sizes = [2] + [len(meta["levels"][c]) for c in meta["categorical"]]
    cat = np.concatenate([codes[:, :1], codes[:, 2:]], axis=1)
    return np.hstack([_one_hot(cat, sizes), numeric])


def _fit_predict(train_codes, train_num, test_codes, test_num, meta, *, reweight: bool) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    y = train_codes[:, 1]
    if y.min() == y.max():
        # one label left in the training table: any classifier predicts that label
        return np.full(len(test_codes), y[0])
    model = Pipeline([("scale", StandardScaler()), ("logisticregression", LogisticRegression(max_iter=2000))])
    fit_params = {}
    if reweight:
        # classifier-side algorithmic reparation: each group present carries equal total weight
        g = train_codes[:, 0]
        n_g = np.bincount(g, minlength=2)
        present = (n_g > 0).sum()
        fit_params["logisticregression__sample_weight"] = len(g) / (present * n_g[g])
    model.fit(_features(train_codes, train_num, meta), y, **fit_params)
    return model.predict(_features(test_codes, test_num, meta))


def fairness_metrics(y_true, y_pred, groups, *, minority) -> dict:
    """Per-group accuracy/selection rate/TPR/FPR, demographic parity and equalized odds differences (fairlearn).

    ``y_true`` and ``y_pred`` are 0/1. The metrics are computed by ``fairlearn.metrics.MetricFrame``
    on the sufficient statistics (one row per (truth, prediction, group) with its count as
    sample weight), which gives the same numbers as on the raw rows, several times faster, and
    lets identical confusion tables (common once a loop has collapsed) reuse one computation.
    The equalized odds difference is fairlearn's worst case: max of the TPR and FPR differences.
    """
    y_true, y_pred, groups = np.asarray(y_true), np.asarray(y_pred), np.asarray(groups)
    if not (len(y_true) == len(y_pred) == len(groups)) or len(y_true) == 0:
        raise ValueError("y_true, y_pred, groups: need the same non-zero length")
    for name, arr in (("y_true", y_true), ("y_pred", y_pred)):
        if not np.isin(arr, (0, 1)).all():
            raise ValueError(f"{name}: values must be 0 or 1")
    levels = tuple(sorted(pd.unique(groups).tolist(), key=str))
    if minority not in levels:
        raise ValueError(f"minority: {minority!r} is not one of the groups {list(levels)}")
    lookup = {v: i for i, v in enumerate(levels)}
    g = np.array([lookup[v] for v in groups]) if groups.dtype == object else np.searchsorted(
        np.asarray(levels), groups)
    key = (y_true.astype(np.int64) * 2 + y_pred.astype(np.int64)) * len(levels) + g
    counts = tuple(np.bincount(key, minlength=4 * len(levels)).tolist())
    return dict(_metrics_from_counts(counts, levels, minority))


@functools.lru_cache(maxsize=4096)
def _metrics_from_counts(counts: tuple, levels: tuple, minority) -> tuple:
    from fairlearn.metrics import MetricFrame, false_positive_rate, selection_rate, true_positive_rate
    from sklearn.metrics import accuracy_score

    counts = np.asarray(counts)
    n_levels = len(levels)
    k = np.flatnonzero(counts)
    metrics = {"accuracy": accuracy_score, "selection_rate": selection_rate,
               "tpr": true_positive_rate, "fpr": false_positive_rate}
    with warnings.catch_warnings():
        # a group without positives (or negatives) in the test set has an undefined TPR (FPR);
        # sklearn warns and returns 0, which is what fairlearn reports too
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        frame = MetricFrame(
            metrics=metrics,
            y_true=k // (2 * n_levels),
            y_pred=(k // n_levels) % 2,
            sensitive_features=np.asarray(levels, dtype=object)[k % n_levels],
            sample_params={m: {"sample_weight": counts[k]} for m in metrics},
        )
        by_group, diff = frame.by_group, frame.difference(method="between_groups")
    out = {"accuracy": float(frame.overall["accuracy"]),
           "demographic_parity_difference": float(diff["selection_rate"]),
           "equalized_odds_difference": float(max(diff["tpr"], diff["fpr"]))}
    majority = [v for v in levels if v != minority]
    for m in GROUP_METRICS:
        out[f"{m}_minority"] = float(by_group.loc[minority, m]) if minority in by_group.index else np.nan
        if len(majority) == 1:
            out[f"{m}_majority"] = float(by_group.loc[majority[0], m]) if majority[0] in by_group.index else np.nan
    return tuple(out.items())


def feedback_loop(table: pd.DataFrame, *, generations: int, group: str, label: str, real_fraction: float = 0.0,
                  temperature: float = 1.0, strategy: str = "naive", test_size: float = 0.3, seed=None,
                  categorical=None, positive_label=None) -> pd.DataFrame:
    """Train a classifier on generations 0..generations of a synthetic-data loop; score each on the same real test set.

    Generation 0 trains on the real training rows; generation t+1 on a table sampled from the
    generator fitted to generation t's training table, of which ``real_fraction`` are fresh real
    training rows. ``strategy``: "naive"; "stratified" (the generator keeps the real group shares,
    the generator-side algorithmic reparation of Wyllie et al. 2024); "reweighted" (the classifier
    gives each group equal total weight, the classifier-side version). One row per generation.
    """
    generations, real_fraction, temperature = _check_loop(generations, real_fraction, temperature, strategy)
    test_size = _check_fraction("test_size", test_size, open_interval=True)
    enc = encode_table(table, group=group, label=label, categorical=categorical, positive_label=positive_label)
    codes, numeric, meta = enc["codes"], enc["numeric"], enc["meta"]
    rng = np.random.default_rng(seed)
    train, test = split_table(codes, test_size=test_size, rng=rng)
    test_codes, test_num = codes[test], numeric[test]
    records = []
    # the problems are tiny: BLAS threads only contend with each other (and with joblib workers)
    with threadpool_limits(limits=1):
        records = _loop_records(codes[train], numeric[train], meta, test_codes, test_num, generations=generations,
                                real_fraction=real_fraction, temperature=temperature, strategy=strategy, rng=rng)
    out = pd.DataFrame.from_records(records)
    out.attrs.update(minority=meta["minority"], majority=meta["majority"], positive=meta["positive"])
    return out


def _loop_records(train_codes, train_num, meta, test_codes, test_num, *, generations, real_fraction, temperature,
                  strategy, rng) -> list[dict]:
    records = []
    for t, (tr_c, tr_n) in enumerate(
        _training_tables(train_codes, train_num, meta, generations=generations, real_fraction=real_fraction,
                         temperature=temperature, strategy=strategy, rng=rng)
    ):
        y_pred = _fit_predict(tr_c, tr_n, test_codes, test_num, meta, reweight=strategy == "reweighted")
        g, y = tr_c[:, 0], tr_c[:, 1]
        rec = {
            "generation": t,
            "strategy": strategy,
            "temperature": temperature,
            "real_fraction": real_fraction,
            "train_rows": len(tr_c),
            "minority_share_train": float(g.mean()),
            "positive_rate_train_minority": float(y[g == 1].mean()) if (g == 1).any() else np.nan,
            "positive_rate_train_majority": float(y[g == 0].mean()) if (g == 0).any() else np.nan,
        }
        rec.update(fairness_metrics(test_codes[:, 1], y_pred, test_codes[:, 0], minority=1))
        records.append(rec)
    return records


def run_replicates(table: pd.DataFrame, *, replicates: int, seed, configs=None, n_jobs: int = 1,
                   **loop_kwargs) -> pd.DataFrame:
    """Run ``feedback_loop`` for each config (dict of keyword arguments) and replicate; one tidy frame.

    Replicate r of every config uses the r-th child of ``numpy.random.SeedSequence(seed)``, so all
    configs share the same train/test split per replicate (common random numbers) and the result
    does not depend on ``n_jobs``.
    """
    from joblib import Parallel, delayed

    replicates = check_int("replicates", replicates, minimum=1)
    n_jobs = check_int("n_jobs", n_jobs, minimum=1)
    if seed is None:
        raise ValueError("seed: a fixed seed is required so that replicates are reproducible")
    configs = [{}] if configs is None else list(configs)
    if not configs or not all(isinstance(c, dict) for c in configs):
        raise TypeError("configs: expected a non-empty list of dicts of feedback_loop keyword arguments")
    children = np.random.SeedSequence(seed).spawn(replicates)
    tasks = [(i, r, {**loop_kwargs, **cfg}) for i, cfg in enumerate(configs) for r in range(replicates)]
    frames = Parallel(n_jobs=n_jobs)(
        delayed(feedback_loop)(table, seed=children[r], **kw) for _, r, kw in tasks
    )
    for (i, r, _), f in zip(tasks, frames):
        f.insert(0, "replicate", r)
        f.insert(0, "config", i)
    return pd.concat(frames, ignore_index=True)


def summarise(results: pd.DataFrame, *, by=("config", "generation"), columns=None) -> pd.DataFrame:
    """Mean, standard error, minimum and maximum over replicates of each metric column (tidy)."""
    by = list(by)
    if columns is None:
        skip = set(by) | {"replicate", "strategy", "temperature", "real_fraction", "train_rows", "config"}
        columns = [c for c in results.columns if c not in skip and pd.api.types.is_numeric_dtype(results[c])]
    long = results.melt(id_vars=by, value_vars=list(columns), var_name="metric")
    grouped = long.groupby(by + ["metric"], sort=True)["value"]
    out = grouped.agg(mean="mean", sd="std", n="count", low="min", high="max").reset_index()
    out["se"] = out["sd"] / np.sqrt(out["n"])
    return out


# --------------------------------------------------------------------------------------------
# closed forms
# --------------------------------------------------------------------------------------------


def drift_sd(*, initial_share: float, rows: int, generations) -> np.ndarray:
    """Exact SD of the minority share after t generations of neutral (Wright-Fisher) resampling of ``rows`` rows.

    Var(s_t) = s0 (1 - s0) (1 - (1 - 1/n)^t) for s_{t+1} ~ Binomial(n, s_t) / n.
    """
    s0 = _check_fraction("initial_share", initial_share)
    n = check_int("rows", rows, minimum=1)
    t = np.asarray(generations, dtype=float)
    if (t < 0).any():
        raise ValueError("generations: must be >= 0")
    return np.sqrt(s0 * (1 - s0) * (1 - (1 - 1 / n) ** t))


def feedback_bound(*, rounds: int, initial_size: int, human_per_round: int, model_per_round: int) -> np.ndarray:
    """Taori & Hashimoto (2023) Theorem 1 bound on bias amplification, as multiples of the initial calibration error.

    Rounds t = 0..rounds; n_t = n0 + t (m + k). The bound 1 + sum_i (k / n_i) prod_{j>i} (n_j - m) / n_j
    is computed by its recursion B_t = B_{t-1} (1 - m / n_t) + k / n_t, which tends to k / m.
    """
    rounds = check_int("rounds", rounds, minimum=0)
    n0 = check_int("initial_size", initial_size, minimum=1)
    m = check_int("human_per_round", human_per_round, minimum=0)
    k = check_int("model_per_round", model_per_round, minimum=0)
    if m + k == 0:
        raise ValueError("human_per_round, model_per_round: at least one must be > 0")
    b = np.zeros(rounds + 1)
    for t in range(1, rounds + 1):
        n_t = n0 + t * (m + k)
        b[t] = b[t - 1] * (1 - m / n_t) + k / n_t
    return 1 + b


def feedback_bound_limit(*, human_per_round: int, model_per_round: int) -> float:
    """Long-run Taori & Hashimoto bound 1 + k/m (k model-labelled, m human-labelled samples per round)."""
    m = check_int("human_per_round", human_per_round, minimum=1)
    k = check_int("model_per_round", model_per_round, minimum=0)
    return 1 + k / m
