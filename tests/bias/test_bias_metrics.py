"""Fairness metrics from confusion counts against fairlearn's MetricFrame (the reference), and the classifier's solver."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.bias import loop as bias_loop
from analysis.bias import metrics as bias_metrics
from analysis.bias import table as bias_table


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 60), seed=st.integers(0, 2**31 - 1), p_min=st.floats(0.05, 0.95),
       p_true=st.sampled_from([0.0, 0.3, 1.0]), p_pred=st.sampled_from([0.0, 0.5, 1.0]))
def test_counts_metrics_equal_metricframe(n, seed, p_min, p_true, p_pred):
    # including degenerate tables: a group without positives or negatives, one predicted class
    rng = np.random.default_rng(seed)
    groups = np.where(rng.random(n) < p_min, "min", "maj")
    groups[:2] = ["min", "maj"]
    y_true = (rng.random(n) < p_true).astype(int)
    y_pred = (rng.random(n) < p_pred).astype(int)
    fast = bias_metrics.fairness_metrics(y_true, y_pred, groups, minority="min")
    ref = bias_metrics.fairness_metrics_fairlearn(y_true, y_pred, groups, minority="min")
    np.testing.assert_allclose(np.array(fast), np.array(ref), rtol=0, atol=1e-12)


def test_stacked_counts_equal_one_at_a_time():
    rng = np.random.default_rng(1)
    stack = rng.integers(0, 20, size=(5, 3, 2, 2, 2))
    many = bias_metrics.metrics_from_counts(stack)
    for i in range(5):
        for j in range(3):
            one = bias_metrics.metrics_from_counts(stack[i, j])
            for k in many:
                assert many[k][i, j] == pytest.approx(float(one[k]), nan_ok=True)


def test_metrics_reject_bad_input():
    with pytest.raises(ValueError, match="counts"):
        bias_metrics.metrics_from_counts(np.ones((2, 2)))
    with pytest.raises(ValueError, match="y_true"):
        bias_metrics.fairness_metrics([0, 3], [0, 1], ["a", "b"], minority="a")
    with pytest.raises(ValueError, match="groups: expected at most 2"):
        bias_metrics.fairness_metrics([0, 1, 1], [0, 1, 1], ["a", "b", "c"], minority="a")


def test_newton_fit_predicts_like_sklearn_fitted_to_convergence():
    # the loop's numpy Newton fit against scikit-learn's L-BFGS at tol 1e-10 (same objective, C = 1),
    # with and without sample weights, on the arrests table and on synthetic generations of it:
    # coefficients within 1e-6 and the same predictions
    from sklearn.linear_model import LogisticRegression

    table = bias_table.load_table("arrests")
    enc = bias_table.encode_table(table, group="colour", label="released")
    rng = np.random.default_rng(3)
    train, test = bias_table.split_table(enc.codes, test_size=bias_table.TEST_SIZE, rng=rng)
    tables = bias_loop.training_tables(enc.codes[train], enc.numeric[train], enc.meta, generations=2,
                                       real_fraction=0.0, temperature=0.9, strategy="naive", rng=rng)
    for codes, num in tables:
        x = bias_loop.features(codes, num, enc.meta)
        mean, scale = x.mean(0), x.std(0)
        scale[scale == 0] = 1
        xs = (x - mean) / scale
        xt = (bias_loop.features(enc.codes[test], enc.numeric[test], enc.meta) - mean) / scale
        for weight in (None, np.where(codes[:, 0] == 1, 3.0, 0.5)):
            w, b = bias_loop.fit_logistic(xs, codes[:, 1].astype(float), sample_weight=weight)
            ref = LogisticRegression(solver="lbfgs", tol=1e-10, max_iter=100_000).fit(xs, codes[:, 1],
                                                                                     sample_weight=weight)
            np.testing.assert_allclose(w, ref.coef_[0], atol=1e-6)
            assert b == pytest.approx(ref.intercept_[0], abs=1e-6)
            np.testing.assert_array_equal((xt @ w + b > 0).astype(int), ref.predict(xt))
        got = bias_loop.fit_predict(codes, num, enc.codes[test], enc.numeric[test], enc.meta, reweight=False)
        ref = LogisticRegression(solver="lbfgs", tol=1e-10, max_iter=100_000).fit(xs, codes[:, 1])
        np.testing.assert_array_equal(got, ref.predict(xt))
