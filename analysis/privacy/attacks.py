"""Privacy attacks on synthetic tables, each measured against a held-out control set of real rows.

Three families, all computed here in numpy on the same mixed-type distance:

* the three risks of the anonymeter framework (Giomi et al. 2023), which follow the three
  criteria of the Article 29 Working Party's opinion on anonymisation (singling out, linkability,
  inference). Each attack is run twice with the same synthetic data: against the training rows
  (the people whose data built the generator) and against a control set of real rows the
  generator never saw. The control success rate is what the attacker gets from the population
  alone; the risk is the excess, normalised, ``(r_train - r_control) / (1 - r_control)``. Rates
  are Wilson estimates with their 95% error, propagated to the risk by the delta method, as in
  the paper. (anonymeter 1.1.0 requires numpy < 1.27 and cannot be installed with this project's
  numpy 2.4, so the attacks are re-implemented from the paper's description.)
* distance to closest record (DCR): how close synthetic rows sit to training rows, against how
  close an independent real row (the holdout) sits to them;
* a membership-inference attack (the distance attack of Chen et al. 2020, "GAN-Leaks", in its
  black-box form): a record is guessed to be a member of the training set when a synthetic row
  lies close to it. Reported as the ROC AUC and the true-positive rate at a 1% false-positive
  rate (Carlini et al. 2022 argue that the low-FPR regime is what matters), over all target
  records and over the vulnerable ones: outliers and minority-group rows (Stadler et al. 2022).

The distance is Gower's: for numeric columns ``|x - y| / range`` (range over all the tables
compared), for categorical ones 0 if equal and 1 if not; anonymeter sums the terms, DCR here
reports their mean (a number in [0, 1]).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core.stats import wilson_score
from analysis.generators.tabular import check_table
from analysis.core.validation import (Boolean, Frame, InstanceOf, Integral, Interval, Real, Relation, Seed, ordered, validate_params)

__all__ = [
    "Risk", "DCR", "MembershipInference", "singling_out_risk", "linkability_risk", "inference_risk",
    "distance_to_closest_record", "membership_inference", "outlier_mask", "wilson_rate", "residual_risk",
    "gower_nearest",
]


# --------------------------------------------------------------------------------------------
# shared encoding and nearest neighbours
# --------------------------------------------------------------------------------------------


def _check_same_columns(reference: pd.DataFrame, **others) -> None:
    cols = list(reference.columns)
    for name, frame in others.items():
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise ValueError(f"{name}: missing column(s) {missing}; expected the columns of train: {cols}")


def _encode(frames, columns, scale=None) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Numeric parts scaled by their range over ``scale`` (default: all frames); categorical parts as codes."""
    num = [c for c in columns if pd.api.types.is_numeric_dtype(frames[0][c])]
    cat = [c for c in columns if c not in num]
    nums, cats = [], []
    if num:
        stacked = np.vstack([f[num].to_numpy(dtype=float) for f in (frames if scale is None else [*frames, scale])])
        span = stacked.max(axis=0) - stacked.min(axis=0)
        span[span == 0] = 1.0
        nums = [f[num].to_numpy(dtype=float) / span for f in frames]
    else:
        nums = [np.empty((len(f), 0)) for f in frames]
    if cat:
        codes = [np.empty((len(f), len(cat)), dtype=np.int64) for f in frames]
        for j, c in enumerate(cat):
            levels = pd.Index(pd.unique(pd.concat([f[c] for f in frames], ignore_index=True)))
            for k, f in enumerate(frames):
                codes[k][:, j] = levels.get_indexer(f[c])
        cats = codes
    else:
        cats = [np.empty((len(f), 0), dtype=np.int64) for f in frames]
    return nums, cats


def _exact_row_sums(terms: list[np.ndarray], count: np.ndarray | None, *, shape: tuple[int, int]) -> np.ndarray:
    """Sum of ``terms`` (and an integer ``count``), element by element, as if rounded once.

    Two distances that are equal in exact arithmetic must compare equal: a synthetic row can be
    exactly as far from a training row as from a holdout row, reached through different columns
    (0.5 + 0.5 in two numeric columns against one categorical mismatch). Summed left to right,
    the two sums round differently, and which side wins the tie then depends on the last bits of
    the other columns, which vary with the BLAS kernel that sampled the synthetic table. Each
    addition is therefore made error-free (Knuth's two-sum) and the errors are carried along, so
    the result is the exact sum rounded to the nearest float except within about 1e-32 of a
    rounding midpoint.
    """
    s = np.zeros(shape)
    comp = np.zeros(shape)
    parts = list(terms) + ([count.astype(float)] if count is not None else [])
    for x in parts:
        t = s + x
        virtual = t - s
        comp += (s - (t - virtual)) + (x - virtual)
        s = t
    return s + comp


@validate_params({"targets": [Frame(min_rows=0)], "pool": [Frame(min_rows=0)], "columns": [InstanceOf((list, tuple)), None],
                  "k": [Interval(Integral, 1, 10_000, closed="both")], "exclude_self": [Boolean()],
                  "scale": [Frame(min_rows=0), None]},
                 relations=[Relation(("k", "pool", "exclude_self"), lambda k, pool, exclude_self: k <= len(pool) - exclude_self,
                                     "k must not exceed the rows of pool (less one when exclude_self)")])
def gower_nearest(targets: pd.DataFrame, pool: pd.DataFrame, *, columns: list[str] | tuple[str, ...] | None = None, k: int = 1,
                  exclude_self: bool = False, scale: pd.DataFrame | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Indices and Gower distances (sum over columns) of the ``k`` nearest rows of ``pool`` to each target.

    Numeric columns are divided by their range over ``targets``, ``pool`` and ``scale``. An attack
    that compares distances of two groups of targets (members and non-members, train and control)
    must put them on one scale: pass the union of every table involved as ``scale``, otherwise a
    group whose own range happens to be wider gets shorter distances. Ties are broken by the lower
    pool index (a stable sort). With ``exclude_self`` (targets and pool the same table) a row is
    not its own neighbour.
    """
    columns = list(targets.columns if columns is None else columns)
    k = int(k)
    (tn, pn), (tc, pc) = _encode([targets, pool], columns, None if scale is None else scale[columns])
    idx = np.empty((len(targets), k), dtype=np.int64)
    dist = np.empty((len(targets), k))
    chunk = max(1, 2_000_000 // max(1, len(pool) * max(1, len(columns))))
    for start in range(0, len(targets), chunk):
        stop = min(start + chunk, len(targets))
        d = _exact_row_sums(
            [np.abs(tn[start:stop, j:j + 1] - pn[:, j]) for j in range(tn.shape[1])],
            (tc[start:stop, :, None] != pc.T[None, :, :]).sum(axis=1) if tc.shape[1] else None,
            shape=(stop - start, len(pool)))
        if exclude_self:
            d[np.arange(stop - start), np.arange(start, stop)] = np.inf
        part = np.argsort(d, axis=1, kind="stable")[:, :k]
        idx[start:stop] = part
        dist[start:stop] = np.take_along_axis(d, part, axis=1)
    return idx, dist


# --------------------------------------------------------------------------------------------
# anonymeter's statistics
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Risk:
    """A privacy risk with its 95% interval, and the two success rates it comes from."""

    value: float
    low: float
    high: float
    attack_rate: float
    control_rate: float
    attacks: int


@validate_params({"successes": [Interval(Integral, 0, None, closed="left")], "trials": [Interval(Integral, 1, None, closed="left")],
                  "confidence": [Interval(Real, 0, 1, closed="neither")]},
                 relations=[ordered("successes", "trials", strict=False)])
def wilson_rate(successes: int, trials: int, *, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson estimate of a success rate and its error at ``confidence`` (Wilson 1927).

    rate = (k + z^2/2) / (n + z^2), error = z / (n + z^2) * sqrt(k (n - k) / n + z^2 / 4): the centre
    and half-width of :func:`analysis.core.stats.wilson_score`, as anonymeter reports them.
    """
    return wilson_score(successes, trials, level=confidence)  # the one implementation (analysis.core.stats)


@validate_params({"attack": [InstanceOf(tuple)], "control": [InstanceOf(tuple)], "attacks": [Interval(Integral, 0, None, closed="left")]})
def residual_risk(attack: tuple[float, float], control: tuple[float, float], attacks: int) -> Risk:
    """Risk = (r_a - r_c) / (1 - r_c), error by the delta method, point and interval clipped to [0, 1].

    References
    ----------
    giomi2023unified
    """
    (ra, ea), (rc, ec) = attack, control
    value = (ra - rc) / (1 - rc)
    err = math.sqrt((ea / (1 - rc)) ** 2 + (ec * (ra - 1) / (1 - rc) ** 2) ** 2)
    clip = lambda v: min(max(v, 0.0), 1.0)  # noqa: E731
    return Risk(clip(value), clip(value - err), clip(value + err), ra, rc, attacks)


def _risk(success_train: int, success_control: int, attacks_train: int, attacks_control: int) -> Risk:
    return residual_risk(wilson_rate(success_train, attacks_train), wilson_rate(success_control, attacks_control),
                         attacks_train)


def _check_three(train, synthetic, control, min_rows=2):
    check_table(train, name="train", min_rows=min_rows)
    check_table(synthetic, name="synthetic", min_rows=min_rows)
    check_table(control, name="control", min_rows=min_rows)
    _check_same_columns(train, synthetic=synthetic, control=control)


# --------------------------------------------------------------------------------------------
# singling out
# --------------------------------------------------------------------------------------------


def _predicates_from(synthetic: pd.DataFrame, *, n_cols: int, n_attacks: int, rng, max_attempts: int):
    """Multivariate predicates built from synthetic rows that isolate exactly one synthetic row."""
    cols = list(synthetic.columns)
    numeric = {c: pd.api.types.is_numeric_dtype(synthetic[c]) for c in cols}
    medians = {c: float(synthetic[c].median()) for c in cols if numeric[c]}
    arrays = {c: synthetic[c].to_numpy() for c in cols}
    out, seen = [], set()
    for _ in range(max_attempts):
        row = int(rng.integers(len(synthetic)))
        chosen = rng.choice(len(cols), size=min(n_cols, len(cols)), replace=False)
        pred = []
        for j in sorted(chosen):
            c = cols[j]
            v = arrays[c][row]
            if numeric[c]:
                # point at the tail the value lies in, so the predicate selects few rows
                op = ">=" if v >= medians[c] else "<="
                if v == medians[c]:
                    op = "=="
            else:
                op = "=="
            pred.append((c, op, v))
        key = tuple(pred)
        if key in seen:
            continue
        seen.add(key)
        if _matches(arrays, pred) == 1:
            out.append(pred)
            if len(out) == n_attacks:
                break
    return out


def _matches(frame, pred) -> int:
    """Number of rows of ``frame`` (a DataFrame or a dict of column arrays) matching every condition."""
    mask = None
    for c, op, v in pred:
        col = frame[c] if isinstance(frame, dict) else frame[c].to_numpy()
        hit = (col == v) if op == "==" else (col >= v) if op == ">=" else (col <= v)
        mask = hit if mask is None else mask & hit
    return int(mask.sum())


@validate_params({"train": [Frame(min_rows=0)], "synthetic": [Frame(min_rows=0)], "control": [Frame(min_rows=0)], "n_attacks": [Interval(Integral, 1, 100_000, closed="both")],
                  "n_cols": [Interval(Integral, 1, 1000, closed="both")], "seed": [Seed()],
                  "max_attempts": [Interval(Integral, 1, 10**6, closed="both", cap_reason="time")]},
                 relations=[Relation(("n_cols", "train"), lambda n_cols, train: n_cols <= train.shape[1],
                                     "n_cols must not exceed the columns of train"),
                            Relation(("train", "control"), lambda train, control: len(train) == len(control), "control must have as many rows as train")])
def singling_out_risk(train: pd.DataFrame, synthetic: pd.DataFrame, control: pd.DataFrame, *,
                      n_attacks: int = 500, n_cols: int = 3, seed: int | np.random.Generator | None = None, max_attempts: int = 10_000) -> Risk:
    """Singling-out risk: predicates learnt from the synthetic rows that isolate one real person.

    The attacker builds predicates on ``n_cols`` attributes of random synthetic rows (equality on
    categorical values, a one-sided bound towards the tail on numeric ones), keeping those that
    isolate exactly one synthetic row. A predicate succeeds when it matches exactly one row of the
    training table; the control rate is the same on the control table. Train and control must have
    the same number of rows (a predicate is more likely to isolate a row of a smaller table);
    pass equal-sized samples.

    References
    ----------
    giomi2023unified, article29wp2014anonymisation
    """
    _check_three(train, synthetic, control)
    n_attacks = int(n_attacks)
    n_cols = int(n_cols)
    max_attempts = int(max_attempts)
    rng = np.random.default_rng(seed)
    preds = _predicates_from(synthetic, n_cols=n_cols, n_attacks=n_attacks, rng=rng, max_attempts=max_attempts)
    if not preds:
        # no predicate isolates a synthetic row: the attacker has nothing to try
        return Risk(0.0, 0.0, 0.0, 0.0, 0.0, 0)
    tr = {c: train[c].to_numpy() for c in train.columns}
    co = {c: control[c].to_numpy() for c in control.columns}
    s_train = sum(_matches(tr, p) == 1 for p in preds)
    s_control = sum(_matches(co, p) == 1 for p in preds)
    return _risk(s_train, s_control, len(preds), len(preds))


# --------------------------------------------------------------------------------------------
# linkability
# --------------------------------------------------------------------------------------------


@validate_params({"train": [Frame(min_rows=0)], "synthetic": [Frame(min_rows=0)], "control": [Frame(min_rows=0)], "aux_cols": [InstanceOf((list, tuple)), None],
                  "n_attacks": [Interval(Integral, 1, 100_000, closed="both")], "n_neighbors": [Interval(Integral, 1, 10_000, closed="both")],
                  "seed": [Seed()]},
                 relations=[Relation(("n_neighbors", "synthetic"), lambda n_neighbors, synthetic: n_neighbors <= len(synthetic),
                                     "n_neighbors must not exceed the rows of synthetic")])
def linkability_risk(train: pd.DataFrame, synthetic: pd.DataFrame, control: pd.DataFrame, *,
                     aux_cols: list[str] | tuple[str, ...] | None = None, n_attacks: int = 500,
                     n_neighbors: int = 1, seed: int | np.random.Generator | None = None) -> Risk:
    """Linkability risk: can two halves of a person's record be joined through the synthetic data?

    The attacker holds, for each target, two disjoint sets of attributes (``aux_cols``, default:
    the first and second half of the columns), as if from two different databases. For each set
    it finds the ``n_neighbors`` nearest synthetic rows (Gower distance); the link succeeds when
    the two neighbour sets share a row. Targets are ``n_attacks`` training rows; the control rate
    is the same attack on control rows.

    References
    ----------
    giomi2023unified
    """
    _check_three(train, synthetic, control)
    cols = list(train.columns)
    if aux_cols is None:
        half = len(cols) // 2
        aux_cols = (cols[:half], cols[half:])
    if len(aux_cols) != 2 or not all(len(a) for a in aux_cols) or set(aux_cols[0]) & set(aux_cols[1]):
        raise ValueError("aux_cols: expected two non-empty, disjoint lists of columns")
    unknown = [c for c in [*aux_cols[0], *aux_cols[1]] if c not in cols]
    if unknown:
        raise ValueError(f"aux_cols: unknown column(s) {unknown}")
    n_attacks = int(n_attacks)
    n_neighbors = int(n_neighbors)
    rng = np.random.default_rng(seed)

    scale = pd.concat([train, control, synthetic[list(train.columns)]], ignore_index=True)

    def successes(targets: pd.DataFrame) -> tuple[int, int]:
        pick = rng.choice(len(targets), size=min(n_attacks, len(targets)), replace=False)
        t = targets.iloc[pick]
        a, _ = gower_nearest(t, synthetic, columns=list(aux_cols[0]), k=n_neighbors, scale=scale)
        b, _ = gower_nearest(t, synthetic, columns=list(aux_cols[1]), k=n_neighbors, scale=scale)
        hit = [(len(set(x) & set(y)) > 0) for x, y in zip(a, b)]
        return int(np.sum(hit)), len(pick)

    st, nt = successes(train)
    sc, nc = successes(control)
    return _risk(st, sc, nt, nc)


# --------------------------------------------------------------------------------------------
# attribute inference
# --------------------------------------------------------------------------------------------


@validate_params({"train": [Frame(min_rows=0)], "synthetic": [Frame(min_rows=0)], "control": [Frame(min_rows=0)], "secret": [InstanceOf(str)], "aux_cols": [InstanceOf((list, tuple)), None],
                  "n_attacks": [Interval(Integral, 1, 100_000, closed="both")], "tolerance": [Interval(Real, 0, 1, closed="both")],
                  "seed": [Seed()]})
def inference_risk(train: pd.DataFrame, synthetic: pd.DataFrame, control: pd.DataFrame, *, secret: str,
                   aux_cols: list[str] | tuple[str, ...] | None = None, n_attacks: int = 500,
                   tolerance: float = 0.05, seed: int | np.random.Generator | None = None) -> Risk:
    """Attribute-inference risk: guess a person's ``secret`` from the nearest synthetic row.

    The attacker knows the target's ``aux_cols`` (default: every other column), finds the nearest
    synthetic row on them and guesses its ``secret``. A categorical guess succeeds if equal; a
    numeric one if within ``tolerance`` relative error. Control rows give the rate an attacker gets
    from what the synthetic data say about the population, not about the person.

    References
    ----------
    giomi2023unified
    """
    _check_three(train, synthetic, control)
    if not isinstance(secret, str) or secret not in train.columns:
        raise ValueError(f"secret: {secret!r} is not a column; columns: {list(train.columns)}")
    aux = [c for c in train.columns if c != secret] if aux_cols is None else list(aux_cols)
    if not aux or secret in aux or any(c not in train.columns for c in aux):
        raise ValueError("aux_cols: expected a non-empty list of columns other than the secret")
    n_attacks = int(n_attacks)
    tolerance = float(tolerance)
    rng = np.random.default_rng(seed)
    numeric = pd.api.types.is_numeric_dtype(train[secret]) and train[secret].nunique() > 10
    scale = pd.concat([train, control, synthetic[list(train.columns)]], ignore_index=True)

    def successes(targets: pd.DataFrame) -> tuple[int, int]:
        pick = rng.choice(len(targets), size=min(n_attacks, len(targets)), replace=False)
        t = targets.iloc[pick]
        nn, _ = gower_nearest(t, synthetic, columns=aux, k=1, scale=scale)
        guess = synthetic[secret].to_numpy()[nn[:, 0]]
        truth = t[secret].to_numpy()
        if numeric:
            ok = np.abs(guess.astype(float) - truth.astype(float)) <= tolerance * np.abs(truth.astype(float))
        else:
            ok = guess == truth
        return int(ok.sum()), len(pick)

    st, nt = successes(train)
    sc, nc = successes(control)
    return _risk(st, sc, nt, nc)


# --------------------------------------------------------------------------------------------
# distance to closest record
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DCR:
    """Distances to the closest training record (mean Gower distance, in [0, 1])."""

    synthetic_median: float
    holdout_median: float
    synthetic_exact: float
    holdout_exact: float
    share_closer_to_train: float


@validate_params({"train": [Frame(min_rows=0)], "synthetic": [Frame(min_rows=0)], "holdout": [Frame(min_rows=0)]},
                 relations=[Relation(("train", "holdout"), lambda train, holdout: len(train) == len(holdout), "holdout must have as many rows as train")])
def distance_to_closest_record(train: pd.DataFrame, synthetic: pd.DataFrame, holdout: pd.DataFrame) -> DCR:
    """DCR of synthetic rows and of holdout rows to the training rows, and where synthetic rows sit.

    ``synthetic_median`` vs ``holdout_median``: a generator that copies people puts its rows closer
    to the training rows than fresh real people are. ``*_exact``: share at distance 0.
    ``share_closer_to_train``: share of synthetic rows whose nearest real row (train or holdout,
    same size) is a training row; 0.5 when the generator has learnt nothing individual (ties
    count one half).
    """
    _check_three(train, synthetic, holdout)
    cols = list(train.columns)
    scale = pd.concat([train, holdout, synthetic[cols]], ignore_index=True)
    _, d_syn = gower_nearest(synthetic, train, columns=cols, scale=scale)
    _, d_hold = gower_nearest(holdout, train, columns=cols, scale=scale)
    _, d_syn_hold = gower_nearest(synthetic, holdout, columns=cols, scale=scale)
    a, b = d_syn[:, 0], d_syn_hold[:, 0]
    closer = np.mean((a < b) + 0.5 * (a == b))
    p = len(cols)
    return DCR(float(np.median(a) / p), float(np.median(d_hold[:, 0]) / p), float(np.mean(a == 0)),
               float(np.mean(d_hold[:, 0] == 0)), float(closer))


# --------------------------------------------------------------------------------------------
# membership inference
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MembershipInference:
    """Distance attack: ROC AUC and TPR at 1% FPR, overall and on a subset of targets."""

    auc: float
    tpr_at_1pct_fpr: float
    members: int
    non_members: int
    subsets: dict


def _roc(scores_members: np.ndarray, scores_non: np.ndarray) -> tuple[float, float]:
    from sklearn.metrics import roc_auc_score, roc_curve

    y = np.r_[np.ones(len(scores_members)), np.zeros(len(scores_non))]
    s = np.r_[scores_members, scores_non]
    auc = float(roc_auc_score(y, s))
    fpr, tpr, _ = roc_curve(y, s, drop_intermediate=False)
    # the straight segment across tied scores is a randomised threshold: interpolate on it
    return auc, float(np.interp(0.01, fpr, tpr))


@validate_params({"train": [Frame(min_rows=0)], "synthetic": [Frame(min_rows=0)], "holdout": [Frame(min_rows=0)],
                  "subsets": [InstanceOf(dict), None]})
def membership_inference(train: pd.DataFrame, synthetic: pd.DataFrame, holdout: pd.DataFrame, *,
                         subsets: dict | None = None) -> MembershipInference:
    """Distance-based membership inference (GAN-Leaks, black box): closer synthetic row = member.

    Members are the training rows, non-members the holdout rows; each gets the score minus its
    Gower distance to the nearest synthetic row. ``subsets`` maps a name to a pair of boolean
    masks (over train, over holdout) of vulnerable targets (outliers, a minority group): the same
    scores, evaluated on those targets only; ``result.subsets[name]`` is ``(auc, tpr_at_1pct_fpr)``.

    References
    ----------
    chen2020ganleaks, carlini2022membership, stadler2022synthetic
    """
    _check_three(train, synthetic, holdout)
    cols = list(train.columns)
    # one scale for members and non-members (see gower_nearest)
    scale = pd.concat([train, holdout, synthetic[cols]], ignore_index=True)
    _, d_mem = gower_nearest(train, synthetic, columns=cols, scale=scale)
    _, d_non = gower_nearest(holdout, synthetic, columns=cols, scale=scale)
    s_mem, s_non = -d_mem[:, 0], -d_non[:, 0]
    auc, tpr = _roc(s_mem, s_non)
    parts = {}
    for name, (m1, m2) in (subsets or {}).items():
        m1, m2 = np.asarray(m1, dtype=bool), np.asarray(m2, dtype=bool)
        if m1.shape != (len(train),) or m2.shape != (len(holdout),):
            raise ValueError(f"subsets: {name!r} needs boolean masks as long as train and holdout")
        if not m1.any() or not m2.any():
            raise ValueError(f"subsets: {name!r} needs at least one member and one non-member")
        parts[name] = _roc(s_mem[m1], s_non[m2])
    return MembershipInference(auc, tpr, len(s_mem), len(s_non), parts)


@validate_params({"table": [Frame(min_rows=0)], "share": [Interval(Real, 0, 1, closed="right")]})
def outlier_mask(table: pd.DataFrame, *, share: float = 0.1) -> np.ndarray:
    """The ``share`` of rows farthest from their nearest other row (Gower): the outliers of a table."""
    check_table(table, min_rows=3)
    share = float(share)
    _, d = gower_nearest(table, table, k=1, exclude_self=True)
    cut = np.quantile(d[:, 0], 1 - share)
    return d[:, 0] >= cut
