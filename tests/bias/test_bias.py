"""The synthetic-data feedback loop of analysis.bias: closed forms, Monte Carlo checks and fairlearn agreement.

Monte Carlo tolerances are 4 standard errors (SE stated in each test), so a correct
implementation fails a given check with probability below 1e-4.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    equalized_odds_difference,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
from sklearn.metrics import accuracy_score

from analysis import bias


def make_table(*, rows: int, minority_rows: int, seed: int = 0) -> pd.DataFrame:
    """A small table with a binary group, a binary label, one categorical and two numeric columns."""
    rng = np.random.default_rng(seed)
    group = np.array(["B"] * minority_rows + ["A"] * (rows - minority_rows))
    label = np.where(rng.random(rows) < np.where(group == "B", 0.4, 0.7), "Yes", "No")
    # make sure both labels occur in both groups, so every (group, label) cell is populated
    label[[0, 1, minority_rows, minority_rows + 1]] = ["Yes", "No", "Yes", "No"]
    return pd.DataFrame(
        {
            "label": label,
            "group": group,
            "kind": rng.choice(["x", "y", "z"], size=rows),
            "age": rng.integers(18, 70, size=rows),
            "score": rng.normal(0.0, 1.0, size=rows),
        }
    )


def shares(table, *, replicates, seed, **kwargs) -> np.ndarray:
    return bias.simulate_shares(table, group="group", label="label", seed=seed, replicates=replicates, **kwargs)


def test_replicated_shares_equal_one_call_per_child_seed():
    # the replicates= shortcut encodes the table once; it must draw exactly the same numbers
    table = make_table(rows=40, minority_rows=12)
    kw = {"group": "group", "label": "label", "generations": 5, "temperature": 0.8}
    fast = bias.simulate_shares(table, seed=17, replicates=3, **kw)
    slow = [bias.simulate_shares(table, seed=c, **kw) for c in np.random.SeedSequence(17).spawn(3)]
    np.testing.assert_array_equal(fast, np.array(slow))
    with pytest.raises(ValueError, match="replicates"):
        bias.simulate_shares(table, seed=1, replicates=0, **kw)


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small():
    return make_table(rows=60, minority_rows=15)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"group": "nope"}, ValueError, "group: 'nope' is not a column"),
        ({"label": "nope"}, ValueError, "label: 'nope' is not a column"),
        ({"categorical": ["nope"]}, ValueError, "categorical: unknown column"),
        ({"real_fraction": 1.5}, ValueError, r"real_fraction: must be a finite number in \[0, 1\], got 1.5"),
        ({"real_fraction": -0.1}, ValueError, "real_fraction"),
        ({"test_size": 1.0}, ValueError, r"test_size: must be a finite number in \(0, 1\), got 1.0"),
        ({"temperature": 0.0}, ValueError, "temperature"),
        ({"strategy": "magic"}, ValueError, "strategy: must be one of 'naive', 'stratified', 'reweighted', got 'magic'"),
        ({"generations": -1}, ValueError, "generations"),
        ({"generations": 2.5}, TypeError, "generations"),
    ],
)
def test_feedback_loop_rejects_bad_input(small, kwargs, error, match):
    args = {"generations": 1, "group": "group", "label": "label", "seed": 0, **kwargs}
    with pytest.raises(error, match=match):
        bias.feedback_loop(small, **args)


def test_a_group_with_fewer_than_two_rows_is_refused():
    table = make_table(rows=30, minority_rows=4).iloc[3:].reset_index(drop=True)  # one "B" row left
    with pytest.raises(ValueError, match="group 'B' has 1 row"):
        bias.feedback_loop(table, generations=1, group="group", label="label", seed=0)


def test_not_a_dataframe_and_missing_values_are_refused(small):
    with pytest.raises(TypeError, match="table: expected a pandas DataFrame"):
        bias.feedback_loop(small.to_numpy(), generations=1, group="group", label="label")
    holed = small.copy()
    holed.loc[3, "age"] = np.nan
    with pytest.raises(ValueError, match=r"missing values in column\(s\) \['age'\]"):
        bias.feedback_loop(holed, generations=1, group="group", label="label")


# ---------------------------------------------------------------------------------------------
# the generator
# ---------------------------------------------------------------------------------------------


def test_sampled_table_has_the_same_schema_and_stays_in_range(small):
    synthetic = bias.sample_table(small, rows=500, group="group", label="label", temperature=0.7, seed=1)
    assert list(synthetic.columns) == list(small.columns)
    assert (synthetic.dtypes == small.dtypes).all()
    assert len(synthetic) == 500
    for col in ("label", "group", "kind"):
        assert set(synthetic[col]) <= set(small[col])
    for col in ("age", "score"):
        assert small[col].min() <= synthetic[col].min() and synthetic[col].max() <= small[col].max()
    assert (synthetic["age"] == synthetic["age"].round()).all()


def test_tempered_probabilities_closed_form():
    p = bias.tempered_probabilities([10, 30, 0, 60], temperature=0.5)
    expected = np.array([0.1**2, 0.3**2, 0.0, 0.6**2])
    np.testing.assert_allclose(p, expected / expected.sum(), rtol=1e-12)
    np.testing.assert_allclose(bias.tempered_probabilities([10, 30, 0, 60], temperature=1.0), [0.1, 0.3, 0, 0.6])
    with pytest.raises(ValueError, match="temperature"):
        bias.tempered_probabilities([1, 2], temperature=-1)


@pytest.mark.parametrize("temperature", [1.0, 0.6])
def test_one_generation_minority_share_has_the_closed_form_mean(temperature):
    # E[share of the next table] = sum over minority cells of the tempered cell probabilities;
    # at T = 1 this is the current share (the martingale property). SE from the Binomial variance.
    table = make_table(rows=80, minority_rows=24)
    enc = bias.encode_table(table, group="group", label="label")
    gen = bias.fit_generator(enc.codes, enc.numeric, temperature=temperature)
    p = bias.tempered_probabilities(gen.counts, temperature=temperature)
    expected = p[2] + p[3]  # cells 2, 3 = minority x (negative, positive)
    rng = np.random.default_rng(7)
    draws = 4000
    observed = np.array([bias.sample_encoded(gen, rows=80, rng=rng)[0][:, 0].mean() for _ in range(draws)])
    se = np.sqrt(expected * (1 - expected) / 80 / draws)
    assert abs(observed.mean() - expected) < 4 * se
    if temperature == 1.0:
        assert expected == pytest.approx(24 / 80)
    else:
        assert expected < 24 / 80 - 8 * se  # low temperature really does favour the majority


@pytest.mark.parametrize("temperature", [1.0, 0.5])
def test_numeric_sampler_has_the_closed_form_variance_unlike_sklearn_kde(temperature):
    # Within a cell the sampler draws mean + (x_I - mean + noise) / sqrt(1 + h^2), noise ~ N(0, T h^2 sd^2):
    # its variance is sd^2 (1 + T h^2) / (1 + h^2), i.e. exactly sd^2 at T = 1. scikit-learn's
    # KernelDensity.sample (x_I + noise) has variance sd^2 (1 + h^2) instead, which compounds over a loop.
    # SE of a sample variance: sqrt((m4 - var^2) / N); tolerance 4 SE.
    rng = np.random.default_rng(21)
    n = 160
    table = pd.DataFrame({"group": np.repeat(["A", "B"], n // 2), "label": np.tile(["Yes", "No"], n // 2),
                          "score": rng.gamma(2.0, 1.0, n)})  # skewed, like age or police checks
    enc = bias.encode_table(table, group="group", label="label")
    gen = bias.fit_generator(enc.codes, enc.numeric, temperature=temperature)
    codes, x = bias.sample_encoded(gen, rows=200_000, rng=np.random.default_rng(22))
    cell_of = codes[:, 0] * 2 + codes[:, 1]

    def var_and_se(v):
        dev2 = (v - v.mean()) ** 2
        return dev2.mean(), np.sqrt((np.mean(dev2**2) - dev2.mean() ** 2) / len(v))

    for c, fitted in enumerate(gen.cells):
        got = x[cell_of == c, 0]
        h, sd, mean = fitted.h, fitted.sd[0], fitted.mean[0]
        expected = sd**2 * (1 + temperature * h**2) / (1 + h**2)
        var, se = var_and_se(got)
        assert abs(var - expected) < 4 * se
        assert abs(got.mean() - mean) < 4 * np.sqrt(expected / len(got))
        if temperature == 1.0:
            from sklearn.neighbors import KernelDensity

            z = (enc.numeric[fitted.rows, 0] - mean) / sd
            kde = KernelDensity(bandwidth="scott").fit(z[:, None])
            assert kde.bandwidth_ == pytest.approx(h)
            y = mean + sd * kde.sample(len(got), random_state=23)[:, 0]
            var_kde, se_kde = var_and_se(y)
            assert abs(var_kde - sd**2 * (1 + h**2)) < 4 * se_kde
            assert var_kde - var > 4 * np.hypot(se, se_kde)


# ---------------------------------------------------------------------------------------------
# the loop: neutral drift, low temperature, stratification, real data
# ---------------------------------------------------------------------------------------------


def test_neutral_loop_is_a_martingale_with_the_wright_fisher_variance():
    # temperature 1, no real data: s_{t+1} ~ Binomial(n, s_t)/n, so E s_t = s0 and
    # Var s_t = s0 (1 - s0) (1 - (1 - 1/n)^t) exactly
    n, s0, t_max, reps = 50, 0.3, 8, 600
    table = make_table(rows=n, minority_rows=int(s0 * n))
    paths = shares(table, replicates=reps, seed=11, generations=t_max)
    sd = bias.drift_sd(initial_share=s0, rows=n, generations=np.arange(t_max + 1))
    assert np.all(np.abs(paths.mean(axis=0) - s0) <= 4 * sd / np.sqrt(reps) + 1e-12)
    # variance at the last generation: SE of a sample variance is sqrt((m4 - var^2) / reps)
    dev = paths[:, -1] - s0
    var_hat = np.mean(dev**2)
    se_var = np.sqrt((np.mean(dev**4) - var_hat**2) / reps)
    assert abs(var_hat - sd[-1] ** 2) < 4 * se_var


def test_run_to_absorption_the_minority_is_lost_with_probability_one_minus_its_share():
    n, s0, reps = 10, 0.3, 1000
    table = make_table(rows=n, minority_rows=3)
    paths = shares(table, replicates=reps, seed=5, generations=400, stop_when_absorbed=True)
    final = paths[:, -1]
    assert np.isin(final, (0.0, 1.0)).all(), "every run should be absorbed within 400 generations"
    lost = np.mean(final == 0.0)
    se = np.sqrt((1 - s0) * s0 / reps)
    assert abs(lost - (1 - s0)) < 4 * se


def test_low_temperature_shrinks_the_minority_share_every_generation():
    n, reps = 200, 200
    table = make_table(rows=n, minority_rows=60)
    paths = shares(table, replicates=reps, seed=3, generations=4, temperature=0.8)
    steps = paths[:, 1:] - paths[:, :-1]
    se = steps.std(axis=0, ddof=1) / np.sqrt(reps)
    # the expected share falls at every step, by far more than its Monte Carlo error
    assert np.all(steps.mean(axis=0) < -4 * se)


def test_stratified_generation_keeps_the_group_shares_exactly():
    table = make_table(rows=200, minority_rows=60)
    paths = shares(table, replicates=20, seed=4, generations=6, temperature=0.6, strategy="stratified")
    np.testing.assert_array_equal(paths, 0.3)


def test_half_real_data_keeps_the_minority_share_within_its_band():
    # with a fraction f of fresh real rows, the real part alone contributes f * s0 in expectation:
    # the share can never be expected below f * s0, whatever the generator does; at temperature 1
    # it stays at s0 (SE from the replicates)
    n, s0, f, reps = 200, 0.3, 0.5, 150
    table = make_table(rows=n, minority_rows=60)
    neutral = shares(table, replicates=reps, seed=8, generations=6, real_fraction=f)
    se = neutral.std(axis=0, ddof=1) / np.sqrt(reps)
    assert np.all(np.abs(neutral.mean(axis=0) - s0) <= 4 * se + 1e-12)
    cold = shares(table, replicates=reps, seed=9, generations=6, real_fraction=f, temperature=0.6)
    se = cold.std(axis=0, ddof=1) / np.sqrt(reps)
    mean = cold.mean(axis=0)
    assert np.all(mean >= f * s0 - 4 * se)
    assert np.all(mean[1:] <= s0)
    # and without the real rows the same generator loses much more of the minority
    alone = shares(table, replicates=reps, seed=10, generations=6, temperature=0.6)
    assert alone.mean(axis=0)[-1] < mean[-1] - 4 * np.hypot(se[-1], alone[:, -1].std(ddof=1) / np.sqrt(reps))


# ---------------------------------------------------------------------------------------------
# fairness metrics
# ---------------------------------------------------------------------------------------------


def test_metrics_match_a_hand_computed_table_and_fairlearn():
    # group a: 4 rows, y = 1 1 0 0, pred = 1 0 1 0 -> acc 1/2, selection 1/2, TPR 1/2, FPR 1/2
    # group b: 6 rows, y = 1 1 1 0 0 0, pred = 1 1 1 1 0 0 -> acc 5/6, selection 4/6, TPR 1, FPR 1/3
    y_true = np.array([1, 1, 0, 0, 1, 1, 1, 0, 0, 0])
    y_pred = np.array([1, 0, 1, 0, 1, 1, 1, 1, 0, 0])
    groups = np.array(["a"] * 4 + ["b"] * 6)
    got = bias.fairness_metrics(y_true, y_pred, groups, minority="a")._asdict()
    hand = {
        "accuracy": 7 / 10,
        "accuracy_minority": 1 / 2, "accuracy_majority": 5 / 6,
        "selection_rate_minority": 1 / 2, "selection_rate_majority": 4 / 6,
        "tpr_minority": 1 / 2, "tpr_majority": 1.0,
        "fpr_minority": 1 / 2, "fpr_majority": 1 / 3,
        "demographic_parity_difference": 4 / 6 - 1 / 2,
        "equalized_odds_difference": max(1.0 - 1 / 2, 1 / 2 - 1 / 3),
    }
    assert got == pytest.approx(hand, abs=1e-12)
    assert got["demographic_parity_difference"] == pytest.approx(
        demographic_parity_difference(y_true, y_pred, sensitive_features=groups), abs=1e-12)
    assert got["equalized_odds_difference"] == pytest.approx(
        equalized_odds_difference(y_true, y_pred, sensitive_features=groups), abs=1e-12)


def test_sufficient_statistics_shortcut_equals_metricframe_on_raw_rows():
    rng = np.random.default_rng(0)
    n = 500
    y_true, y_pred = rng.integers(0, 2, n), rng.integers(0, 2, n)
    groups = rng.choice(np.array(["min", "maj"], dtype=object), size=n, p=[0.2, 0.8])
    got = bias.fairness_metrics(y_true, y_pred, groups, minority="min")._asdict()
    raw = MetricFrame(
        metrics={"accuracy": accuracy_score, "selection_rate": selection_rate,
                 "tpr": true_positive_rate, "fpr": false_positive_rate},
        y_true=y_true, y_pred=y_pred, sensitive_features=groups,
    )
    for m in bias.GROUP_METRICS:
        assert got[f"{m}_minority"] == pytest.approx(raw.by_group.loc["min", m], abs=1e-12)
        assert got[f"{m}_majority"] == pytest.approx(raw.by_group.loc["maj", m], abs=1e-12)
    assert got["accuracy"] == pytest.approx(raw.overall["accuracy"], abs=1e-12)
    assert got["demographic_parity_difference"] == pytest.approx(
        demographic_parity_difference(y_true, y_pred, sensitive_features=groups), abs=1e-12)
    assert got["equalized_odds_difference"] == pytest.approx(
        equalized_odds_difference(y_true, y_pred, sensitive_features=groups), abs=1e-12)


def test_metrics_reject_non_binary_predictions():
    with pytest.raises(ValueError, match=r"y_pred: must be .*in \[0, 1\].*contains values above 1"):
        bias.fairness_metrics([0, 1], [0, 2], ["a", "b"], minority="a")
    with pytest.raises(ValueError, match="minority: 'c' is not one of the groups"):
        bias.fairness_metrics([0, 1], [0, 1], ["a", "b"], minority="c")


# ---------------------------------------------------------------------------------------------
# the full loop with a classifier
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def medium():
    return make_table(rows=300, minority_rows=80, seed=2)


def test_feedback_loop_returns_one_row_per_generation_with_every_metric(medium):
    out = bias.feedback_loop(medium, generations=3, group="group", label="label", temperature=0.8, seed=1)
    assert list(out["generation"]) == [0, 1, 2, 3]
    expected = {"minority_share_train", "positive_rate_train_minority", "positive_rate_train_majority",
                "accuracy", "demographic_parity_difference", "equalized_odds_difference"}
    expected |= {f"{m}_{g}" for m in bias.GROUP_METRICS for g in ("minority", "majority")}
    assert expected <= set(out.columns)
    assert (out["train_rows"] == out["train_rows"].iloc[0]).all()
    assert out.attrs["minority"] == "B" and out.attrs["positive"] == "Yes"
    # generation 0 trains on real data: its minority share is the stratified training share
    assert out["minority_share_train"].iloc[0] == pytest.approx(80 / 300, abs=0.01)


def test_generation_zero_is_the_same_real_baseline_for_naive_and_stratified(medium):
    kw = {"generations": 1, "group": "group", "label": "label", "seed": 42, "temperature": 0.7}
    naive = bias.feedback_loop(medium, strategy="naive", **kw)
    strat = bias.feedback_loop(medium, strategy="stratified", **kw)
    cols = [c for c in naive.columns if c != "strategy"]
    pd.testing.assert_frame_equal(naive.loc[:0, cols], strat.loc[:0, cols])


def test_replicates_do_not_depend_on_the_number_of_jobs(medium):
    kw = {"replicates": 2, "seed": 3, "generations": 2, "group": "group", "label": "label",
          "configs": [{"temperature": 1.0}, {"temperature": 0.8, "strategy": "reweighted"}]}
    serial = bias.run_replicates(medium, n_jobs=1, **kw)
    parallel = bias.run_replicates(medium, n_jobs=2, **kw)
    pd.testing.assert_frame_equal(serial, parallel)
    assert set(serial["replicate"]) == {0, 1} and set(serial["config"]) == {0, 1}
    with pytest.raises(ValueError, match="seed: a fixed seed is required"):
        bias.run_replicates(medium, replicates=1, seed=None, generations=1, group="group", label="label")


def test_summarise_gives_mean_and_standard_error(medium):
    results = pd.DataFrame({"config": 0, "generation": [0, 0, 0], "replicate": [0, 1, 2], "x": [1.0, 2.0, 6.0]})
    s = bias.summarise(results)
    row = s.loc[s["metric"] == "x"].iloc[0]
    assert row["mean"] == pytest.approx(3.0)
    assert row["se"] == pytest.approx(np.std([1, 2, 6], ddof=1) / np.sqrt(3))
    assert (row["low"], row["high"]) == (1.0, 6.0)


# ---------------------------------------------------------------------------------------------
# closed forms
# ---------------------------------------------------------------------------------------------


def _bound_by_the_sum(t, n0, m, k):
    """Taori & Hashimoto (2023) Theorem 1 as a double sum, the slow way."""
    n = lambda s: n0 + s * (m + k)  # noqa: E731
    total = 0.0
    for i in range(1, t + 1):
        prod = 1.0
        for j in range(i + 1, t + 1):
            prod *= (n(j) - m) / n(j)
        total += k / n(i) * prod
    return 1 + total


@pytest.mark.parametrize("n0, m, k", [(10_000, 1_000, 4_000), (10_000, 2_500, 2_500), (500, 10, 90), (100, 50, 0)])
def test_feedback_bound_recursion_equals_the_sum(n0, m, k):
    bound = bias.feedback_bound(rounds=60, initial_size=n0, human_per_round=m, model_per_round=k)
    slow = [_bound_by_the_sum(t, n0, m, k) for t in range(61)]
    np.testing.assert_allclose(bound, slow, rtol=1e-12)
    assert bound[0] == 1.0
    assert bound[1] == pytest.approx(1 + k / (n0 + m + k))
    assert np.all(np.diff(bound) >= 0)
    assert np.all(bound <= bias.feedback_bound_limit(human_per_round=m, model_per_round=k) + 1e-12)


def test_feedback_bound_gap_to_its_limit_closes_as_a_product():
    # with L = k/m the recursion gives B_t - L = (B_{t-1} - L)(1 - m/n_t), so
    # (1 + k/m) - bound_t = (k/m) prod_{j<=t} (1 - m/n_j): the limit is approached only slowly
    n0, m, k, t = 10_000, 1_000, 4_000, 5_000
    bound = bias.feedback_bound(rounds=t, initial_size=n0, human_per_round=m, model_per_round=k)
    n = n0 + np.arange(1, t + 1) * (m + k)
    gap = (k / m) * np.cumprod(1 - m / n)
    limit = bias.feedback_bound_limit(human_per_round=m, model_per_round=k)
    assert limit == 5.0
    np.testing.assert_allclose(limit - bound[1:], gap, rtol=1e-9)
    assert gap[-1] < gap[0] and gap[-1] > 0
    with pytest.raises(ValueError, match="human_per_round"):
        bias.feedback_bound(rounds=3, initial_size=10, human_per_round=0, model_per_round=0)


def test_drift_sd_limits():
    sd = bias.drift_sd(initial_share=0.25, rows=100, generations=[0, 1, 10**6])
    assert sd[0] == 0.0
    assert sd[1] == pytest.approx(np.sqrt(0.25 * 0.75 / 100))
    assert sd[2] == pytest.approx(np.sqrt(0.25 * 0.75))
    with pytest.raises(ValueError, match="initial_share"):
        bias.drift_sd(initial_share=1.2, rows=10, generations=1)
