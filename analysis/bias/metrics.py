"""Group fairness metrics of a binary classifier, from per-group confusion counts.

The loop scores a classifier on the same real test set thousands of times. fairlearn's
``MetricFrame`` is the reference implementation {cite:p}`weerts2023fairlearn`, but building one costs
milliseconds of pandas and type checks for what is arithmetic on eight numbers: the counts of
(group, truth, prediction). :func:`metrics_from_counts` computes the same metrics from those counts
in numpy, for one table or a stack of them at once; ``tests/bias/test_bias_metrics.py`` asserts it equals
:func:`fairness_metrics_fairlearn` (``MetricFrame``) on the same predictions, including the
degenerate cases (a group with no positives, a classifier that predicts one class).

Conventions follow fairlearn and scikit-learn: a rate with an empty denominator (TPR of a group
without positives, FPR of a group without negatives) is 0; a difference is the largest minus the
smallest group value over the groups present in the test set; the equalized odds difference is the
larger of the TPR and FPR differences.

References
----------
weerts2023fairlearn
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numbers

import numpy as np
import pandas as pd

from analysis.core.validation import ArrayLike, BooleanArray, InstanceOf, same_length, validate_params

__all__ = ["GROUP_METRICS", "FairnessMetrics", "confusion_counts", "metrics_from_counts", "fairness_metrics",
           "fairness_metrics_fairlearn"]

_BINARY = [ArrayLike(lo=0, hi=1, integer=True, min_size=1)]
#: group membership: 0/1 codes, or a boolean mask (True = minority)
_MASK = [ArrayLike(lo=0, hi=1, integer=True, min_size=1),
         InstanceOf(np.ndarray, "a 1-d boolean array (True = minority)")]
_GROUPS = [InstanceOf((list, tuple, np.ndarray, pd.Series), "a 1-d array-like of group values")]
_GROUP_VALUE = [InstanceOf((str, numbers.Integral), "a group value (str or int)"), "boolean"]

GROUP_METRICS = ("accuracy", "selection_rate", "tpr", "fpr")


class FairnessMetrics(NamedTuple):
    """Overall accuracy, the two gap metrics, and the four per-group metrics of each group."""

    accuracy: float
    demographic_parity_difference: float
    equalized_odds_difference: float
    accuracy_minority: float
    accuracy_majority: float
    selection_rate_minority: float
    selection_rate_majority: float
    tpr_minority: float
    tpr_majority: float
    fpr_minority: float
    fpr_majority: float


def _check_binary(y_true, y_pred, groups) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y_true, y_pred, groups = np.asarray(y_true), np.asarray(y_pred), np.asarray(groups)
    if not (y_true.ndim == y_pred.ndim == groups.ndim == 1):
        raise ValueError("y_true, y_pred, groups: expected 1-D arrays")
    if not (len(y_true) == len(y_pred) == len(groups)) or len(y_true) == 0:
        raise ValueError("y_true, y_pred, groups: need the same non-zero length")
    for name, arr in (("y_true", y_true), ("y_pred", y_pred)):
        if arr.dtype == bool or not np.isin(arr, (0, 1)).all():
            raise ValueError(f"{name}: values must be 0 or 1")
    return y_true.astype(np.int64), y_pred.astype(np.int64), groups


# minority_mask: _MASK's 0/1 codes, or a boolean array -- not any ndarray, as _MASK[1] allowed (an array
# holding NaN passed). Declared here rather than by editing _MASK, which the bias sweeps' code
# fingerprint covers (a module constant), so their stored results stay valid.
@validate_params({"y_true": _BINARY, "y_pred": _BINARY, "minority_mask": [_MASK[0], BooleanArray()]},
                 relations=[same_length("y_true", "y_pred", "minority_mask")])
def confusion_counts(y_true: np.ndarray | list, y_pred: np.ndarray | list,
                     minority_mask: np.ndarray | list) -> np.ndarray:
    """Counts of shape (2, 2, 2): [group (0 = majority, 1 = minority), truth, prediction].

    Parameters
    ----------
    y_true, y_pred : array_like of 0/1
        True and predicted labels.
    minority_mask : array_like of 0/1 or bool
        1 (True) for a row of the minority.

    Returns
    -------
    ndarray of int, shape (2, 2, 2)
        Rows per (group, truth, prediction).
    """
    g = np.asarray(minority_mask).astype(np.int64)
    key = g * 4 + np.asarray(y_true, dtype=np.int64) * 2 + np.asarray(y_pred, dtype=np.int64)
    return np.bincount(key, minlength=8).reshape(2, 2, 2)


@validate_params({"counts": [ArrayLike(ndim=None, lo=0, min_size=8)]})
def metrics_from_counts(counts: np.ndarray) -> dict[str, np.ndarray]:
    """Fairness metrics from confusion counts of shape (..., 2 groups, 2 truth, 2 prediction).

    Group 0 is the majority, group 1 the minority; leading axes are a stack of tables (e.g.
    replicates x generations), all computed at once.

    Parameters
    ----------
    counts : array_like, shape (..., 2, 2, 2)
        Non-negative counts per (group, truth, prediction), e.g. from :func:`confusion_counts`.

    Returns
    -------
    dict of str to ndarray
        The fields of :class:`FairnessMetrics`, each of shape ``counts.shape[:-3]``. A group
        absent from the test set has NaN metrics and is left out of the differences.

    Notes
    -----
    With :math:`n_{gyp}` the count of group g, truth y, prediction p:
    accuracy :math:`(n_{g00} + n_{g11}) / n_g`, selection rate :math:`(n_{g01} + n_{g11}) / n_g`,
    TPR :math:`n_{g11} / (n_{g10} + n_{g11})`, FPR :math:`n_{g01} / (n_{g00} + n_{g01})`.

    References
    ----------
    weerts2023fairlearn
    """
    c = np.asarray(counts, dtype=float)
    if c.shape[-3:] != (2, 2, 2) or (c < 0).any():
        raise ValueError("counts: expected non-negative counts of shape (..., 2, 2, 2)")
    n_g = c.sum(axis=(-1, -2))
    pos, neg = c[..., 1, :].sum(-1), c[..., 0, :].sum(-1)
    present = n_g > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        acc_g = np.where(present, (c[..., 0, 0] + c[..., 1, 1]) / n_g, np.nan)
        sel_g = np.where(present, (c[..., 0, 1] + c[..., 1, 1]) / n_g, np.nan)
        tpr_g = np.where(present, np.where(pos > 0, c[..., 1, 1] / pos, 0.0), np.nan)
        fpr_g = np.where(present, np.where(neg > 0, c[..., 0, 1] / neg, 0.0), np.nan)
        total = n_g.sum(-1)
        accuracy = (c[..., 0, 0] + c[..., 1, 1]).sum(-1) / total

    def gap(v):
        return np.nanmax(v, axis=-1) - np.nanmin(v, axis=-1)

    eod = np.maximum(gap(tpr_g), gap(fpr_g))
    return {
        "accuracy": accuracy,
        "demographic_parity_difference": gap(sel_g),
        "equalized_odds_difference": eod,
        "accuracy_minority": acc_g[..., 1], "accuracy_majority": acc_g[..., 0],
        "selection_rate_minority": sel_g[..., 1], "selection_rate_majority": sel_g[..., 0],
        "tpr_minority": tpr_g[..., 1], "tpr_majority": tpr_g[..., 0],
        "fpr_minority": fpr_g[..., 1], "fpr_majority": fpr_g[..., 0],
    }


@validate_params({"y_true": _BINARY, "y_pred": _BINARY, "groups": _GROUPS, "minority": _GROUP_VALUE})
def fairness_metrics(y_true: np.ndarray | list, y_pred: np.ndarray | list, groups: np.ndarray | list | pd.Series, *,
                     minority: str | int | bool) -> FairnessMetrics:
    """Per-group accuracy, selection rate, TPR and FPR, and the demographic parity and equalized odds differences.

    Parameters
    ----------
    y_true, y_pred : array_like of 0/1
        True and predicted labels (1 = the positive outcome).
    groups : array_like
        Group of each row; exactly the groups present are compared.
    minority : str, int or bool
        Which group value is the minority (the other one is the majority).

    Returns
    -------
    FairnessMetrics
        Computed from confusion counts (:func:`metrics_from_counts`); equal to fairlearn's
        ``MetricFrame`` on the same rows (tested).

    References
    ----------
    weerts2023fairlearn
    """
    y_true, y_pred, groups = _check_binary(y_true, y_pred, groups)
    levels = pd.unique(groups)
    if minority not in set(levels.tolist()):
        raise ValueError(f"minority: {minority!r} is not one of the groups {sorted(map(str, levels))}")
    if len(levels) > 2:
        raise ValueError(f"groups: expected at most 2 groups, found {len(levels)}")
    counts = confusion_counts(y_true, y_pred, groups == minority)
    return FairnessMetrics(**{k: float(v) for k, v in metrics_from_counts(counts).items()})


@validate_params({"y_true": _BINARY, "y_pred": _BINARY, "groups": _GROUPS, "minority": _GROUP_VALUE})
def fairness_metrics_fairlearn(y_true: np.ndarray | list, y_pred: np.ndarray | list,
                               groups: np.ndarray | list | pd.Series, *, minority: str | int | bool) -> FairnessMetrics:
    """The same metrics computed by ``fairlearn.metrics.MetricFrame`` on the raw rows (the reference).

    Parameters
    ----------
    y_true, y_pred : array_like of 0/1
        True and predicted labels (1 = the positive outcome).
    groups : array_like
        Group of each row.
    minority : str, int or bool
        Which group value is the minority.

    Returns
    -------
    FairnessMetrics
        As :func:`fairness_metrics`, computed by ``MetricFrame``.

    References
    ----------
    weerts2023fairlearn
    """
    from fairlearn.metrics import MetricFrame, false_positive_rate, selection_rate, true_positive_rate
    from sklearn.exceptions import UndefinedMetricWarning
    from sklearn.metrics import accuracy_score

    y_true, y_pred, groups = _check_binary(y_true, y_pred, groups)
    metrics = {"accuracy": accuracy_score, "selection_rate": selection_rate,
               "tpr": true_positive_rate, "fpr": false_positive_rate}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        frame = MetricFrame(metrics=metrics, y_true=y_true, y_pred=y_pred, sensitive_features=groups)
        by_group, diff = frame.by_group, frame.difference(method="between_groups")
    majority = [v for v in by_group.index if v != minority]
    out = {"accuracy": float(frame.overall["accuracy"]),
           "demographic_parity_difference": float(diff["selection_rate"]),
           "equalized_odds_difference": float(max(diff["tpr"], diff["fpr"]))}
    for m in GROUP_METRICS:
        out[f"{m}_minority"] = float(by_group.loc[minority, m]) if minority in by_group.index else np.nan
        out[f"{m}_majority"] = float(by_group.loc[majority[0], m]) if majority else np.nan
    return FairnessMetrics(**out)
