"""The synthetic-data feedback loop with a classifier, row by row, and its replicates.

Generation 0 trains a classifier on the real training rows; generation t+1 trains on a table
sampled from the tempered generator fitted to generation t's training table (optionally mixed with
fresh real rows). Every generation is scored on the same held-out real test set. This is the
model-induced distribution shift of {cite:t}`wyllie2024fairness` in its simplest tabular form.

The classifier is scikit-learn's standardised, L2-penalised (C = 1) logistic regression, fitted
to convergence by Newton's method in numpy (:func:`fit_logistic`): the encoded design has a dozen or
so columns and thousands of rows, where a Newton step is cheap and a few steps reach the optimum
that the default L-BFGS fit only approaches at its default tolerance (``tests/bias/test_bias_metrics.py``
checks the predictions against scikit-learn's L-BFGS at ``tol=1e-10``).

References
----------
wyllie2024fairness
pedregosa2011scikit
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from analysis.bias.generator import fit_generator, sample_encoded
from analysis.bias.metrics import confusion_counts, metrics_from_counts
from analysis.bias.table import (
    _CATEGORICAL,
    _COLUMN,
    _TEST_SIZE,
    _VALUE,
    TEST_SIZE,
    TableMeta,
    check_fraction,
    check_table,
    check_temperature,
    encode_table,
    finish_numeric,
    split_table,
)
from analysis.core.validation import Frame, InstanceOf, Integral, Interval, Options, Real, Seed, check_int, validate_params

__all__ = ["STRATEGIES", "CLASSIFIER_TOL", "simulate_shares", "fit_logistic", "feedback_loop", "run_replicates"]

STRATEGIES = ("naive", "stratified", "reweighted")
_STRATEGY = [Options(str, STRATEGIES)]
_FRACTION = [Interval(Real, 0, 1, closed="both")]
_TEMPERATURE = [Interval(Real, 0, None, closed="neither")]
_GENERATIONS = [Interval(Integral, 0, 10_000, closed="both", cap_reason="10,000 generations")]
#: a seed, or a SeedSequence (a replicate's child sequence)
_SEED = [Seed(), InstanceOf(np.random.SeedSequence)]
_N_JOBS = [None, Interval(Integral, -1, 1024, closed="both")]
#: tolerance of the Newton fit (largest gradient entry per unit of total weight)
CLASSIFIER_TOL = 1e-10


def check_loop(generations, real_fraction, temperature, strategy) -> tuple[int, float, float]:
    """Checked (generations, real_fraction, temperature) of a loop; ``strategy`` must be one of STRATEGIES."""
    generations = check_int("generations", generations, minimum=0, maximum=10_000)
    real_fraction = check_fraction("real_fraction", real_fraction)
    temperature = check_temperature(temperature)
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy: {strategy!r} is not one of {', '.join(STRATEGIES)}")
    return generations, real_fraction, temperature


def check_n_jobs(n_jobs) -> int | None:
    """``n_jobs`` if it is None (the caller's joblib context decides), -1 (all cores) or an integer >= 1."""
    if n_jobs is None:
        return None
    n_jobs = check_int("n_jobs", n_jobs, minimum=-1, maximum=1024)
    if n_jobs == 0:
        raise ValueError("n_jobs: must be None, -1 or an integer in [1, 1024], got 0")
    return n_jobs


def stratified_group_rows(real_group_rows: np.ndarray, synthetic_rows: int) -> np.ndarray:
    """Synthetic rows per group keeping the real group shares (largest-remainder rounding, sums to the total)."""
    n = real_group_rows.sum()
    exact = real_group_rows / n * synthetic_rows
    group_rows = np.floor(exact).astype(np.int64)
    group_rows[np.argmax(exact - group_rows)] += synthetic_rows - group_rows.sum()
    return group_rows


def training_tables(codes, numeric, meta: TableMeta, *, generations, real_fraction, temperature, strategy, rng,
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
        # algorithmic reparation on the generator side: every synthetic table keeps the real group shares
        group_rows = stratified_group_rows(real_group_rows, n_syn) if strategy == "stratified" else None
        parts_c, parts_n = [], []
        if n_syn > 0:
            syn_c, syn_n = sample_encoded(gen, rows=n_syn, rng=rng, group_rows=group_rows)
            parts_c.append(syn_c)
            parts_n.append(finish_numeric(syn_n, meta))
        if n_real > 0:
            keep = rng.choice(n, size=n_real, replace=False)
            parts_c.append(codes[keep])
            parts_n.append(numeric[keep])
        cur_codes, cur_num = np.concatenate(parts_c), np.concatenate(parts_n)
        yield cur_codes, cur_num


@validate_params({"table": [Frame()], "generations": _GENERATIONS, "group": _COLUMN, "label": _COLUMN,
                  "real_fraction": _FRACTION, "temperature": _TEMPERATURE, "strategy": _STRATEGY,
                  "categorical": _CATEGORICAL, "seed": _SEED, "stop_when_absorbed": ["boolean"],
                  "replicates": [None, Interval(Integral, 1, 1_000_000, closed="both", cap_reason="10**6 replicates")]})
def simulate_shares(table: pd.DataFrame, *, generations: int, group: str, label: str, real_fraction: float = 0.0,
                    temperature: float = 1.0, strategy: str = "naive",
                    categorical: list[str] | tuple[str, ...] | None = None,
                    seed: int | np.random.Generator | np.random.SeedSequence | None = None,
                    stop_when_absorbed: bool = False, replicates: int | None = None) -> np.ndarray:
    """Minority share of the training table at generations 0..generations, drawing every row (no classifier).

    ``table`` is generation 0. With ``stop_when_absorbed`` the loop stops once one group is lost or
    fixed and the last share is carried forward. With ``replicates`` the table is encoded once and
    replicate r draws from the r-th child of ``numpy.random.SeedSequence(seed)``; the result has
    one row per replicate. :func:`analysis.bias.chain.simulate_cells` draws the same distribution
    from the four cell counts alone, orders of magnitude faster.

    Parameters
    ----------
    table : DataFrame
        The real table (generation 0).
    generations : int
        Synthetic generations after generation 0.
    group, label : str
        The group and outcome columns.
    real_fraction : float
        Share of every later table that is fresh real rows, in [0, 1].
    temperature : float
        T > 0 of the generator.
    strategy : {"naive", "stratified", "reweighted"}
        "stratified" keeps the real group shares in every synthetic table.
    categorical : list of str, optional
        Categorical columns besides group and label.
    seed : int, Generator or SeedSequence, optional
        Seed of the draws (of the replicates' parent sequence with ``replicates``).
    stop_when_absorbed : bool
        Stop once one group is lost or fixed (the last share is carried forward).
    replicates : int, optional
        Replicates drawn at once (the result gains a leading replicate axis).

    Returns
    -------
    ndarray
        Minority share per generation, shape (generations + 1,) or (replicates, generations + 1).

    References
    ----------
    wyllie2024fairness
    """
    generations, real_fraction, temperature = check_loop(generations, real_fraction, temperature, strategy)
    if replicates is not None:
        replicates = int(replicates)
    check_table(table, group=group, label=label, categorical=categorical)
    # which label is "positive" does not matter for group shares: take the last in sorted order
    positive = sorted(pd.unique(table[label]).tolist(), key=str)[-1]
    enc = encode_table(table, group=group, label=label, categorical=categorical, positive_label=positive)

    def one(rng) -> np.ndarray:
        shares = [
            c[:, 0].mean()
            for c, _ in training_tables(enc.codes, enc.numeric, enc.meta, generations=generations,
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


# --------------------------------------------------------------------------------------------
# the classifier
# --------------------------------------------------------------------------------------------


def _one_hot(codes: np.ndarray, sizes: list[int]) -> np.ndarray:
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    out = np.zeros((len(codes), int(np.sum(sizes))))
    out[np.arange(len(codes))[:, None], codes + offsets] = 1.0
    return out


def features(codes: np.ndarray, numeric: np.ndarray, meta: TableMeta) -> np.ndarray:
    """Design matrix: group and the other categoricals one-hot (fixed levels), then the numeric columns."""
    # fixed levels, so every generation has the same design even when a level has vanished
    sizes = [2] + [len(meta.levels[c]) for c in meta.categorical]
    cat = np.concatenate([codes[:, :1], codes[:, 2:]], axis=1)
    return np.hstack([_one_hot(cat, sizes), numeric])


_X = InstanceOf(np.ndarray, "a 2-d float array (rows, features)")
_X.example = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
_Y = InstanceOf(np.ndarray, "a 1-d array of 0/1 labels")
_Y.example = np.array([0.0, 1.0, 1.0, 0.0])


@validate_params({"x": [_X], "y": [_Y], "sample_weight": [None, InstanceOf(np.ndarray, "a 1-d array of weights")],
                  "c": [Interval(Real, 0, None, closed="neither")], "tol": [Interval(Real, 0, None, closed="neither")],
                  "max_iter": [Interval(Integral, 1, 10_000, closed="both", cap_reason="10,000 Newton steps")]})
def fit_logistic(x: np.ndarray, y: np.ndarray, *, sample_weight: np.ndarray | None = None, c: float = 1.0,
                 tol: float = CLASSIFIER_TOL, max_iter: int = 100) -> tuple[np.ndarray, float]:
    r"""L2-penalised logistic regression by Newton's method (Cholesky steps, backtracking line search).

    Minimises scikit-learn's ``LogisticRegression`` objective, :math:`C \sum_i s_i\,\ell(y_i, x_i w + b)
    + \tfrac12 \lVert w \rVert^2` (intercept b not penalised), to a gradient below ``tol`` x the
    total weight. The design here has a dozen or so columns and thousands of rows, where a Newton
    step costs two small matrix products and a 15 x 15 Cholesky solve; scikit-learn's estimator
    spends most of its time on input validation around the same arithmetic. Tested equal to
    scikit-learn fitted to convergence (``tests/bias/test_bias_metrics.py``).

    Parameters
    ----------
    x : ndarray, shape (rows, features)
        The (standardised) design.
    y : ndarray of 0/1, shape (rows,)
        The labels.
    sample_weight : ndarray, optional
        Row weights s_i (default 1).
    c : float
        Inverse penalty strength C > 0.
    tol : float
        Stop when the largest gradient entry is below tol x the total weight.
    max_iter : int
        At most this many Newton steps.

    Returns
    -------
    (w, b) : tuple of ndarray and float
        Coefficients and intercept.

    References
    ----------
    pedregosa2011scikit
    """
    n, d = x.shape
    s = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=float)
    xa = np.hstack([x, np.ones((n, 1))])
    penalty = np.ones(d + 1) / c
    penalty[-1] = 0.0
    theta = np.zeros(d + 1)

    def objective(th):
        z = xa @ th
        # log(1 + e^z) - y z, computed stably
        return float(s @ (np.logaddexp(0.0, z) - y * z) + 0.5 * (penalty * th * th).sum())

    f = objective(theta)
    for _ in range(max_iter):
        z = xa @ theta
        p = 1.0 / (1.0 + np.exp(-z))
        grad = xa.T @ (s * (p - y)) + penalty * theta
        if np.abs(grad).max() <= tol * s.sum():
            break
        hess = (xa * (s * p * (1 - p))[:, None]).T @ xa + np.diag(penalty)
        # the Hessian is singular only without penalty and with a constant column: fall back to lstsq
        try:
            step = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(hess, grad, rcond=None)[0]
        decrement = float(grad @ step)
        if decrement <= 1e-12 * max(1.0, abs(f)):
            # the predicted decrease is at the rounding level of the objective: converged
            theta = theta - step
            break
        t = 1.0
        for _ in range(40):
            new = theta - t * step
            f_new = objective(new)
            if f_new <= f - 1e-4 * t * decrement:
                break
            t *= 0.5
        else:
            break
        theta, f = new, f_new
    return theta[:-1], float(theta[-1])


def fit_predict(train_codes, train_num, test_codes, test_num, meta: TableMeta, *, reweight: bool,
                tol: float = CLASSIFIER_TOL) -> np.ndarray:
    """Fit the standardised logistic regression on a training table and predict the test rows (0/1)."""
    y = train_codes[:, 1]
    if y.min() == y.max():
        # one label left in the training table: any classifier predicts that label
        return np.full(len(test_codes), y[0])
    x_train = features(train_codes, train_num, meta)
    # StandardScaler's transform, in numpy: constant columns keep scale 1
    mean = x_train.mean(axis=0)
    scale = x_train.std(axis=0)
    scale[scale == 0] = 1.0
    weight = None
    if reweight:
        # classifier-side algorithmic reparation: each group present carries equal total weight
        g = train_codes[:, 0]
        n_g = np.bincount(g, minlength=2)
        weight = len(g) / ((n_g > 0).sum() * n_g[g])
    w, b = fit_logistic((x_train - mean) / scale, y.astype(float), sample_weight=weight, tol=tol)
    decision = ((features(test_codes, test_num, meta) - mean) / scale) @ w + b
    return (decision > 0).astype(np.int64)


# --------------------------------------------------------------------------------------------
# the loop and its replicates
# --------------------------------------------------------------------------------------------


@validate_params({"table": [Frame()], "generations": _GENERATIONS, "group": _COLUMN, "label": _COLUMN,
                  "real_fraction": _FRACTION, "temperature": _TEMPERATURE, "strategy": _STRATEGY,
                  "test_size": _TEST_SIZE, "seed": _SEED, "categorical": _CATEGORICAL,
                  "positive_label": [None, *_VALUE]})
def feedback_loop(table: pd.DataFrame, *, generations: int, group: str, label: str, real_fraction: float = 0.0,
                  temperature: float = 1.0, strategy: str = "naive", test_size: float = TEST_SIZE,
                  seed: int | np.random.Generator | np.random.SeedSequence | None = None,
                  categorical: list[str] | tuple[str, ...] | None = None,
                  positive_label: str | int | bool | None = None) -> pd.DataFrame:
    """Train a classifier on generations 0..generations of a synthetic-data loop; score each on the same real test set.

    Parameters
    ----------
    table : DataFrame
        The real table.
    generations : int
        Synthetic generations after generation 0 (the real training rows).
    group, label : str
        Binary protected-group and outcome columns.
    real_fraction : float
        Share of every later training table that is fresh real training rows.
    temperature : float
        Temperature of the generator (1 = faithful in expectation).
    strategy : {"naive", "stratified", "reweighted"}
        "stratified": the generator keeps the real group shares (generator-side algorithmic
        reparation of Wyllie et al. 2024); "reweighted": the classifier gives each group equal
        total weight (classifier-side).
    test_size : float
        Share of each (group, label) cell held out as the real test set.
    seed : int, Generator or SeedSequence, optional
        Seed of the split and of every draw.
    categorical : list of str, optional
        Categorical columns besides group and label.
    positive_label : str, int or bool, optional
        The favourable label value (default: 1, True or "Yes").

    Returns
    -------
    DataFrame
        One row per generation: training-table shares and the :class:`~analysis.bias.metrics.FairnessMetrics` fields.

    References
    ----------
    wyllie2024fairness
    """
    generations, real_fraction, temperature = check_loop(generations, real_fraction, temperature, strategy)
    test_size = check_fraction("test_size", test_size, open_interval=True)
    enc = encode_table(table, group=group, label=label, categorical=categorical, positive_label=positive_label)
    rng = np.random.default_rng(seed)
    train, test = split_table(enc.codes, test_size=test_size, rng=rng)
    test_codes, test_num = enc.codes[test], enc.numeric[test]
    # the problems are tiny: BLAS threads only contend with each other (and with joblib workers)
    with threadpool_limits(limits=1):
        records = _loop_records(enc.codes[train], enc.numeric[train], enc.meta, test_codes, test_num,
                                generations=generations, real_fraction=real_fraction, temperature=temperature,
                                strategy=strategy, rng=rng)
    out = pd.DataFrame.from_records(records)
    out.attrs.update(minority=enc.meta.minority, majority=enc.meta.majority, positive=enc.meta.positive)
    return out


def _loop_records(train_codes, train_num, meta, test_codes, test_num, *, generations, real_fraction, temperature,
                  strategy, rng) -> list[dict]:
    records, counts = [], []
    for t, (tr_c, tr_n) in enumerate(
        training_tables(train_codes, train_num, meta, generations=generations, real_fraction=real_fraction,
                        temperature=temperature, strategy=strategy, rng=rng)
    ):
        y_pred = fit_predict(tr_c, tr_n, test_codes, test_num, meta, reweight=strategy == "reweighted")
        g, y = tr_c[:, 0], tr_c[:, 1]
        records.append({
            "generation": t,
            "strategy": strategy,
            "temperature": temperature,
            "real_fraction": real_fraction,
            "train_rows": len(tr_c),
            "minority_share_train": float(g.mean()),
            "positive_rate_train_minority": float(y[g == 1].mean()) if (g == 1).any() else np.nan,
            "positive_rate_train_majority": float(y[g == 0].mean()) if (g == 0).any() else np.nan,
        })
        counts.append(confusion_counts(test_codes[:, 1], y_pred, test_codes[:, 0]))
    # all generations' metrics in one vectorised call
    metrics = metrics_from_counts(np.stack(counts))
    for t, rec in enumerate(records):
        rec.update({k: float(v[t]) for k, v in metrics.items()})
    return records


@validate_params({"table": [Frame()], "replicates": [Interval(Integral, 1, 100_000, closed="both")],
                  "seed": [None, *_SEED], "configs": [None, InstanceOf((list, tuple), "a list of dicts")],
                  "n_jobs": _N_JOBS, "first_replicate": [Interval(Integral, 0, 100_000, closed="both")]})
def run_replicates(table: pd.DataFrame, *, replicates: int, seed: int | np.random.SeedSequence | None,
                   configs: list[dict] | tuple[dict, ...] | None = None, n_jobs: int | None = None,
                   first_replicate: int = 0, **loop_kwargs: object) -> pd.DataFrame:
    """Run :func:`feedback_loop` for each config (dict of keyword arguments) and replicate; one tidy frame.

    Replicate r of every config uses the r-th child of ``numpy.random.SeedSequence(seed)``, so all
    configs share the same train/test split per replicate (common random numbers) and the result
    does not depend on ``n_jobs`` or on the joblib backend. ``n_jobs=None`` defers to the caller's
    ``joblib.parallel_config`` (e.g. a Dask cluster), ``-1`` uses every core. ``first_replicate``
    runs replicates first_replicate..first_replicate + replicates - 1 (a sweep in batches).

    Parameters
    ----------
    table : DataFrame
        The real table.
    replicates : int
        Replicates per config.
    seed : int or SeedSequence
        Parent seed (required: replicates must be reproducible).
    configs : list of dict, optional
        Keyword arguments of :func:`feedback_loop` per configuration (default: one, empty).
    n_jobs : int, -1 or None
        joblib workers; None defers to the caller's ``joblib.parallel_config``.
    first_replicate : int
        Index of the first replicate.
    **loop_kwargs
        Keyword arguments of :func:`feedback_loop` shared by every config.

    Returns
    -------
    DataFrame
        The :func:`feedback_loop` frames with ``config`` and ``replicate`` columns.

    References
    ----------
    wyllie2024fairness
    """
    from joblib import Parallel, delayed

    replicates = int(replicates)
    first_replicate = int(first_replicate)
    n_jobs = check_n_jobs(n_jobs)
    if seed is None:
        raise ValueError("seed: a fixed seed is required so that replicates are reproducible")
    configs = [{}] if configs is None else list(configs)
    if not configs or not all(isinstance(c, dict) for c in configs):
        raise TypeError("configs: expected a non-empty list of dicts of feedback_loop keyword arguments")
    children = np.random.SeedSequence(seed).spawn(first_replicate + replicates)
    tasks = [(i, r, {**loop_kwargs, **cfg}) for i, cfg in enumerate(configs)
             for r in range(first_replicate, first_replicate + replicates)]
    frames = Parallel(n_jobs=n_jobs)(
        delayed(feedback_loop)(table, seed=children[r], **kw) for _, r, kw in tasks
    )
    for (i, r, _), f in zip(tasks, frames):
        f.insert(0, "replicate", r)
        f.insert(0, "config", i)
    return pd.concat(frames, ignore_index=True)
