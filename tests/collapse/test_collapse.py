"""Model-collapse simulations against their closed forms.

Monte Carlo checks use |estimate - exact| <= 4 SE, with the SE computed from the simulated chains
(sample standard deviation / sqrt(chains)). Every seed is fixed, so a pass is reproducible; 4 SE
makes a false failure about a 1-in-16,000 event per comparison for a new seed.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from scipy.special import digamma, polygamma

from analysis.collapse import models as c
from analysis.data.wordfreq import word_frequencies

Z = 4.0  # tolerance in standard errors


def assert_mean_close(samples, exact, *, axis=-1, z=Z):
    samples = np.asarray(samples, dtype=float)
    est = samples.mean(axis=axis)
    se = samples.std(axis=axis, ddof=1) / np.sqrt(samples.shape[axis])
    # 1e-12: floating-point rounding when a quantity is deterministic (SE 0), not Monte Carlo slack
    assert np.all(np.abs(est - exact) <= z * se + 1e-12), f"estimate {est} vs exact {exact} (SE {se})"


# ------------------------------------------------------------------------------------------------
# Gaussian, replace, unbiased estimator (Shumailov et al. Theorem 3.1 setting)

M_U, T_U, R_U = 100, (1, 5, 10, 20), 20_000


@pytest.fixture(scope="module")
def unbiased_paths():
    return c.gaussian_recursion(
        generations=max(T_U), sample_size=M_U, chains=R_U, estimator="unbiased", mu0=3.0, sigma0=2.0, seed=11
    )


def test_unbiased_variance_is_a_martingale(unbiased_paths):
    # raw moments only for t << M/2, where var_t is not yet heavy-tailed (E var^2 grows as (1+2/(M-1))^t)
    for t in T_U:
        assert_mean_close(unbiased_paths.var[t], 4.0)


def test_unbiased_mean_random_walk(unbiased_paths):
    for t in T_U:
        assert_mean_close((unbiased_paths.mean[t] - 3.0) ** 2, t * 4.0 / M_U)


def test_unbiased_log_variance_drift_and_spread(unbiased_paths):
    drift = digamma((M_U - 1) / 2) + np.log(2 / (M_U - 1))
    trigamma = float(polygamma(1, (M_U - 1) / 2))
    for t in T_U:
        log_ratio = np.log(unbiased_paths.var[t] / 4.0)
        assert_mean_close(log_ratio, t * drift)
        # SE of a sample variance: sqrt((m4 - s^4) / R), from the simulated fourth central moment
        dev = log_ratio - log_ratio.mean()
        s2, m4 = np.mean(dev**2), np.mean(dev**4)
        se = np.sqrt((m4 - s2**2) / R_U)
        assert abs(log_ratio.var(ddof=1) - t * trigamma) <= Z * se
    theory = c.gaussian_theory(generations=max(T_U), sample_size=M_U, estimator="unbiased", sigma0=2.0)
    assert theory.loc[10, "log_var_drift"] == pytest.approx(10 * drift)
    assert theory.loc[10, "mean_sq_err"] == pytest.approx(10 * 4.0 / M_U)


def test_unbiased_variance_collapses_while_mean_error_grows():
    # the theorem's two limits, seen at M=10 over 300 generations: median var -> 0, E(mean error^2) grows like t/M
    g = c.gaussian_recursion(generations=300, sample_size=10, chains=4000, seed=3)
    assert np.median(g.var[-1]) < 1e-10
    assert_mean_close(g.mean[50] ** 2, 50 / 10)


# ------------------------------------------------------------------------------------------------
# Gaussian, replace, MLE (the released code's np.std)


def test_mle_variance_and_mean_error_closed_forms():
    m, gens = 20, 60
    g = c.gaussian_recursion(generations=gens, sample_size=m, chains=20_000, estimator="mle", mu0=-1.0, sigma0=0.5, seed=5)
    theory = c.gaussian_theory(generations=gens, sample_size=m, estimator="mle", sigma0=0.5)
    for t in (1, 10, 30, 60):
        assert theory.loc[t, "var_mean"] == pytest.approx(0.25 * ((m - 1) / m) ** t)
        assert theory.loc[t, "mean_sq_err"] == pytest.approx(0.25 * (1 - ((m - 1) / m) ** t))
        assert_mean_close(g.var[t], theory.loc[t, "var_mean"])
        assert_mean_close((g.mean[t] + 1.0) ** 2, theory.loc[t, "mean_sq_err"])


# ------------------------------------------------------------------------------------------------
# Gaussian, accumulate (Gerstgrasser et al. 2024)


def test_accumulate_mle_mean_error_bounded_and_variance_stays_up():
    n, gens, sigma0 = 20, 60, 1.5
    g = c.gaussian_recursion(
        generations=gens, sample_size=n, chains=40_000, estimator="mle", workflow="accumulate", sigma0=sigma0, seed=7
    )
    sq = g.mean[1:] ** 2
    est = sq.mean(axis=1)
    se = sq.std(axis=1, ddof=1) / np.sqrt(sq.shape[1])
    bound = np.pi**2 / 6 * sigma0**2 / n
    assert np.all(est <= bound + Z * se)
    exact_var = c.accumulate_var_theory(generations=gens, sample_size=n, sigma0=sigma0)
    for t in (1, 2, 10, 60):
        assert_mean_close(g.var[t], exact_var[t])
    limit = sigma0**2 * np.sqrt(n) * np.sin(np.pi / np.sqrt(n)) / np.pi
    assert exact_var[-1] == pytest.approx(limit, rel=2e-3)
    assert g.var[1:].mean(axis=1).min() > 0.9 * limit  # bounded away from zero, unlike replace


def test_replace_mle_variance_falls_below_accumulate():
    rep = c.gaussian_recursion(generations=60, sample_size=20, chains=5000, estimator="mle", seed=8)
    acc = c.gaussian_recursion(generations=60, sample_size=20, chains=5000, estimator="mle", workflow="accumulate", seed=8)
    assert rep.var[-1].mean() < 0.1 < 0.8 < acc.var[-1].mean()


# ------------------------------------------------------------------------------------------------
# exact (sufficient statistics) versus sample (every point drawn)

KS_CASES = [
    dict(estimator="unbiased", workflow="replace", real_fraction=0.0),
    dict(estimator="mle", workflow="replace", real_fraction=0.0),
    dict(estimator="unbiased", workflow="replace", real_fraction=0.3),
    dict(estimator="mle", workflow="accumulate", real_fraction=0.0),
    dict(estimator="unbiased", workflow="accumulate", real_fraction=0.5),
    dict(estimator="mle", workflow="replace", real_fraction=0.96),  # one synthetic point: chi^2 with 0 df
]


@pytest.mark.parametrize("case", KS_CASES, ids=lambda d: "-".join(map(str, d.values())))
def test_exact_and_sample_methods_agree_in_distribution(case):
    common = dict(generations=15, sample_size=25, chains=3000, mu0=1.0, sigma0=2.0, **case)
    exact = c.gaussian_recursion(method="exact", seed=101, **common)
    sample = c.gaussian_recursion(method="sample", seed=202, **common)
    for field in ("mean", "var"):
        a, b = getattr(exact, field)[-1], getattr(sample, field)[-1]
        assert stats.ks_2samp(a, b).pvalue > 1e-4, field


def test_ks_comparison_has_power():
    # the same check must reject when the two runs really differ (MLE against unbiased)
    common = dict(generations=15, sample_size=25, chains=3000)
    a = c.gaussian_recursion(estimator="mle", seed=1, **common).var[-1]
    b = c.gaussian_recursion(estimator="unbiased", seed=2, **common).var[-1]
    assert stats.ks_2samp(a, b).pvalue < 1e-4


def test_pooling_identity_matches_concatenated_samples():
    rng = np.random.default_rng(0)
    x, y = rng.normal(1.0, 2.0, (5, 7)), rng.normal(-3.0, 0.5, (5, 4))
    n, m, ss = c._pool(7, x.mean(1), ((x - x.mean(1, keepdims=True)) ** 2).sum(1),
                       4, y.mean(1), ((y - y.mean(1, keepdims=True)) ** 2).sum(1))
    z = np.concatenate([x, y], axis=1)
    assert n == 11
    np.testing.assert_allclose(m, z.mean(1), rtol=1e-12)
    np.testing.assert_allclose(ss, z.var(1) * 11, rtol=1e-12)


def test_same_seed_same_paths_and_row_zero_is_truth():
    a = c.gaussian_recursion(generations=5, sample_size=10, chains=4, mu0=2.0, sigma0=3.0, seed=9)
    b = c.gaussian_recursion(generations=5, sample_size=10, chains=4, mu0=2.0, sigma0=3.0, seed=9)
    np.testing.assert_array_equal(a.var, b.var)
    assert a.mean.shape == a.var.shape == (6, 4)
    assert np.all(a.mean[0] == 2.0) and np.all(a.var[0] == 9.0)


def test_full_real_fraction_never_drifts():
    # all-real training data: every generation is an independent fit to the truth
    g = c.gaussian_recursion(generations=40, sample_size=30, chains=20_000, real_fraction=1.0, seed=4)
    assert_mean_close(g.var[40], 1.0)
    assert_mean_close(g.mean[40] ** 2, 1 / 30)


# ------------------------------------------------------------------------------------------------
# mixes: exact first-moment recursion and the first-generation error


@pytest.mark.parametrize("estimator", ["unbiased", "mle"])
@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.8])
def test_mixing_recursion_matches_simulation(estimator, fraction):
    m, gens = 20, 40
    g = c.gaussian_recursion(generations=gens, sample_size=m, chains=20_000, real_fraction=fraction,
                             estimator=estimator, sigma0=1.3, seed=int(fraction * 100))
    theory = c.mixing_theory(generations=gens, sample_size=m, real_fraction=fraction, estimator=estimator, sigma0=1.3)
    for t in (1, 2, 10, 40):
        assert_mean_close(g.mean[t] ** 2, theory.loc[t, "mean_sq_err"])
        assert_mean_close(g.var[t], theory.loc[t, "var_mean"])


def test_mixing_recursion_reduces_to_pure_replace():
    pure = c.mixing_theory(generations=30, sample_size=15, real_fraction=0.0, estimator="mle")
    closed = c.gaussian_theory(generations=30, sample_size=15, estimator="mle")
    np.testing.assert_allclose(pure["mean_sq_err"], closed["mean_sq_err"], rtol=1e-12)
    np.testing.assert_allclose(pure["var_mean"], closed["var_mean"], rtol=1e-12)


@pytest.mark.parametrize("estimator", ["unbiased", "mle"])
def test_first_generation_w2_closed_form(estimator):
    g = c.gaussian_recursion(generations=1, sample_size=12, chains=50_000, estimator=estimator, sigma0=2.0, seed=21)
    w = c.wasserstein2_sq(g.mean[1], g.var[1], sigma0=2.0)
    assert_mean_close(w, c.expected_w2_first_generation(sample_size=12, estimator=estimator, sigma0=2.0))


def test_smallest_sufficient_fraction_requires_all_larger_fractions():
    f = [0.0, 0.25, 0.5, 0.75, 1.0]
    assert c.smallest_sufficient_fraction(f, [5.0, 1.05, 1.2, 1.08, 1.0]) == 0.75
    assert c.smallest_sufficient_fraction(f, [5.0, 3.0, 2.0, 1.5, 1.0]) == 1.0
    assert np.isnan(c.smallest_sufficient_fraction(f, [5.0, 3.0, 2.0, 1.5, 1.2]))


# ------------------------------------------------------------------------------------------------
# categorical refit (Wright-Fisher)


def test_gini_simpson_decays_geometrically():
    p = np.arange(10, 0, -1) / 55.0
    m, gens = 50, 50
    result = c.categorical_recursion(p, generations=gens, sample_size=m, chains=20_000, top_k=3, seed=13)
    assert isinstance(result, c.CategoricalPaths) and result.snapshots == {}
    table = result.table
    exact = c.gini_simpson_theory(p, generations=gens, sample_size=m)
    for t in (0, 1, 10, 50):
        assert_mean_close(table.loc[table.generation == t, "gini_simpson"].to_numpy(), exact[t])
    # the mass on a fixed set of categories is a martingale: on average the tail is not lost, it is reshuffled
    tail = table.pivot(index="chain", columns="generation", values="tail_mass")
    assert_mean_close(tail[50].to_numpy(), p[3:].sum())


def test_absorption_probability_equals_initial_share():
    p = np.array([0.5, 0.3, 0.2])
    table, snaps = c.categorical_recursion(p, generations=400, sample_size=20, chains=6000, top_k=1,
                                           snapshot_generations=[400], seed=17)
    final = snaps[400]
    absorbed = final.max(axis=1) == 1.0
    assert absorbed.mean() > 0.999
    winners = final[absorbed].argmax(axis=1)
    share = np.bincount(winners, minlength=3) / absorbed.sum()
    se = np.sqrt(p * (1 - p) / absorbed.sum())
    assert np.all(np.abs(share - p) <= Z * se), share
    last = table[table.generation == 400]
    assert np.all(last.loc[absorbed[last.chain], "support_size"] == 1)


def test_categorical_metrics_are_consistent():
    p = np.array([0.4, 0.3, 0.2, 0.05, 0.05])
    table, snaps = c.categorical_recursion(p, generations=5, sample_size=10, chains=50, top_k=2, pseudo_count=0.5,
                                           snapshot_generations=[0, 5], seed=19)
    g0 = table[table.generation == 0].iloc[0]
    assert g0.support_size == 5 and g0.lost_mass == 0.0
    assert g0.tail_mass == pytest.approx(0.3)
    assert g0.gini_simpson == pytest.approx(1 - np.sum(p**2))
    assert g0.entropy_bits == pytest.approx(-np.sum(p * np.log2(p)))
    q = (10 * p + 0.5) / (10 + 0.5 * 5)
    assert g0.cross_entropy_bits == pytest.approx(-np.sum(p * np.log2(q)))
    g5 = table[table.generation == 5].set_index("chain")
    np.testing.assert_allclose(g5.gini_simpson, 1 - (snaps[5] ** 2).sum(1))
    np.testing.assert_allclose(g5.lost_mass, (snaps[5] == 0) @ p)
    assert np.all(snaps[5] * 10 == np.round(snaps[5] * 10))  # frequencies of 10 draws
    lost = table.pivot(index="chain", columns="generation", values="lost_mass").to_numpy()
    assert np.all(np.diff(lost, axis=1) >= 0)  # a category once lost never returns


# ------------------------------------------------------------------------------------------------
# linear regression (fixed design)


@pytest.mark.parametrize("workflow", ["replace", "accumulate"])
def test_regression_error_matches_closed_form(workflow):
    d, t_samples, sigma, gens = 10, 50, 1.0, 20
    err = c.linear_regression_recursion(generations=gens, n_samples=t_samples, n_features=d, noise_std=sigma,
                                        workflow=workflow, chains=6000, seed=23)
    exact = c.regression_theory(generations=gens, n_samples=t_samples, n_features=d, noise_std=sigma, workflow=workflow)
    unit = sigma**2 * d / (t_samples - d - 1)
    assert exact[1] == pytest.approx(unit)
    assert exact[gens] == pytest.approx(unit * (gens if workflow == "replace" else sum(1 / i**2 for i in range(1, gens + 1))))
    for t in (1, 2, 5, 20):
        assert_mean_close(err[t], exact[t])
    if workflow == "accumulate":
        assert exact.max() <= unit * np.pi**2 / 6


def test_regression_matches_least_squares_on_the_literal_pool():
    from sklearn.linear_model import LinearRegression

    chains, t_samples, d, gens, sigma = 2, 12, 3, 4, 0.7
    for workflow in ("replace", "accumulate"):
        err = c.linear_regression_recursion(generations=gens, n_samples=t_samples, n_features=d, noise_std=sigma,
                                            workflow=workflow, chains=chains, seed=31)
        # replay the documented draw order, then fit with scikit-learn on explicitly stacked data
        rng = np.random.default_rng(31)
        x = rng.standard_normal((chains, t_samples, d))
        w_star = rng.standard_normal((chains, d))
        w = w_star.copy()
        pools = [[] for _ in range(chains)]
        for t in range(1, gens + 1):
            noise = rng.standard_normal((chains, t_samples))
            for k in range(chains):
                y = x[k] @ w[k] + sigma * noise[k]
                pools[k] = [y] if workflow == "replace" else pools[k] + [y]
            for k in range(chains):
                design = np.vstack([x[k]] * len(pools[k]))
                fit = LinearRegression(fit_intercept=False).fit(design, np.concatenate(pools[k]))
                w[k] = fit.coef_
            np.testing.assert_allclose(err[t], ((w - w_star) ** 2).sum(1), rtol=1e-8)


# ------------------------------------------------------------------------------------------------
# word frequencies


def test_word_frequencies_are_a_ranked_distribution():
    wf = word_frequencies("en", top_n=500)
    assert list(wf.columns) == ["rank", "word", "frequency", "probability"]
    assert len(wf) == 500 and wf["word"].is_unique
    assert wf["word"].iloc[0] == "the"
    assert np.all(np.diff(wf["frequency"]) <= 0)
    assert wf["probability"].sum() == pytest.approx(1.0)
    wf.loc[0, "frequency"] = -1.0  # the cached table must not be affected
    assert word_frequencies("en", top_n=500)["frequency"].iloc[0] > 0


# ------------------------------------------------------------------------------------------------
# input validation

BAD_CALLS = [
    (lambda: c.gaussian_recursion(generations=0, sample_size=10, chains=2), ValueError, "generations"),
    (lambda: c.gaussian_recursion(generations=2, sample_size=1, chains=2), ValueError, "sample_size"),
    (lambda: c.gaussian_recursion(generations=2, sample_size=10, chains=0), ValueError, "chains"),
    (lambda: c.gaussian_recursion(generations=2.5, sample_size=10, chains=2), TypeError, "generations"),
    (lambda: c.gaussian_recursion(generations=2, sample_size=10, chains=2, estimator="ols"), ValueError, "estimator"),
    (lambda: c.gaussian_recursion(generations=2, sample_size=10, chains=2, workflow="mix"), ValueError, "workflow"),
    (lambda: c.gaussian_recursion(generations=2, sample_size=10, chains=2, method="fast"), ValueError, "method"),
    (lambda: c.gaussian_recursion(generations=2, sample_size=10, chains=2, real_fraction=1.5), ValueError, "real_fraction"),
    (lambda: c.gaussian_recursion(generations=2, sample_size=10, chains=2, sigma0=0.0), ValueError, "sigma0"),
    (lambda: c.gaussian_recursion(generations=2, sample_size=10, chains=2, seed="x"), TypeError, "seed"),
    (lambda: c.categorical_recursion([0.5, 0.6], generations=2, sample_size=10, chains=2, top_k=1), ValueError, "probs"),
    (lambda: c.categorical_recursion([1.0], generations=2, sample_size=10, chains=2), ValueError, "probs"),
    (lambda: c.categorical_recursion([0.5, 0.5], generations=2, sample_size=10, chains=2, top_k=2), ValueError, "top_k"),
    (lambda: c.categorical_recursion([0.5, 0.5], generations=2, sample_size=10, chains=2, top_k=1, pseudo_count=0), ValueError, "pseudo_count"),
    (lambda: c.categorical_recursion([0.5, 0.5], generations=2, sample_size=10, chains=2, top_k=1, snapshot_generations=[3]), ValueError, "snapshot_generations"),
    (lambda: c.linear_regression_recursion(generations=2, n_samples=5, n_features=4, noise_std=1.0, chains=2), ValueError, "n_samples"),
    (lambda: c.linear_regression_recursion(generations=2, n_samples=20, n_features=4, noise_std=-1.0, chains=2), ValueError, "noise_std"),
    (lambda: c.linear_regression_recursion(generations=2, n_samples=20, n_features=4, noise_std=1.0, chains=2, workflow="x"), ValueError, "workflow"),
    (lambda: c.mixing_theory(generations=2, sample_size=10, real_fraction=-0.1), ValueError, "real_fraction"),
    (lambda: c.wasserstein2_sq([0.0], [-1.0]), ValueError, "var"),
    (lambda: word_frequencies("en", top_n=1), ValueError, "top_n"),
    (lambda: word_frequencies("xx-nonexistent", top_n=10), ValueError, "lang"),
]


@pytest.mark.parametrize("call, error, name", BAD_CALLS, ids=[f"{i}-{b[2]}" for i, b in enumerate(BAD_CALLS)])
def test_bad_input_names_the_parameter(call, error, name):
    with pytest.raises(error, match=name):
        call()


# ------------------------------------------------------------------------------------------------
# helpers used by the chapter


def test_grid_all_real_row_matches_first_generation_error():
    # with only real data every generation is a fresh fit to the truth, so the ratio is exactly 1 in expectation
    grid = c.real_fraction_grid(fractions=[0.0, 1.0], sample_sizes=[10, 50], generations=30, chains=20_000, seed=3)
    real = grid[grid.real_fraction == 1.0]
    assert np.all(np.abs(real.ratio - 1.0) <= Z * real.ratio_se)
    none = grid[grid.real_fraction == 0.0]
    assert np.all(none.ratio > 3.0)


def test_mean_error_threshold_approaches_first_order_value():
    first_order = c.first_order_threshold(tolerance=0.10)
    assert first_order == pytest.approx(1 - np.sqrt(1 - 1 / 1.1))
    assert c.mean_error_threshold(sample_size=1000, generations=100) == pytest.approx(first_order, abs=2e-3)
    assert c.mean_error_threshold(sample_size=1000, generations=100, tolerance=1.0) < first_order


def test_fan_quantiles_match_numpy():
    rng = np.random.default_rng(0)
    v = rng.random((4, 101))
    fan = c.fan_quantiles(v, quantiles=(0.1, 0.5))
    np.testing.assert_allclose(fan[fan.q == 0.5].value, np.median(v, axis=1))
    np.testing.assert_allclose(fan[fan.q == 0.1].value, np.quantile(v, 0.1, axis=1))


# ------------------------------------------------------------------------------------------------
# closed forms moved out of the chapter's cells (issue 18)


@pytest.mark.parametrize("estimator", ["unbiased", "mle"])
def test_vectorised_threshold_scan_equals_mixing_theory_loop(estimator):
    m, gens = 40, 25
    loop = [c.mixing_theory(generations=gens, sample_size=m, real_fraction=r / m, estimator=estimator).mean_sq_err.iloc[-1]
            for r in range(m + 1)]
    fast = c._mixing_mean_sq(generations=gens, sample_size=m, n_real=np.arange(m + 1), estimator=estimator)
    np.testing.assert_allclose(fast, loop, rtol=1e-12, atol=0)
    expected = c.smallest_sufficient_fraction(np.arange(m + 1) / m, np.asarray(loop) * m, tolerance=0.1)
    assert c.mean_error_threshold(sample_size=m, generations=gens, estimator=estimator) == expected


def test_first_order_threshold_solves_its_equation():
    for tol in (0.01, 0.1, 1.0, 5.0):
        f = c.first_order_threshold(tolerance=tol)
        assert 0 < f <= 1
        assert 1 / (f * (2 - f)) == pytest.approx(1 + tol)


def test_halving_generations_halves_the_geometric_mean_variance():
    m = 100
    h = c.halving_generations(sample_size=m)
    drift = c.gaussian_theory(generations=1, sample_size=m).log_var_drift.iloc[1]
    assert h == pytest.approx(np.log(2) / -drift)
    t = int(round(h))
    g = c.gaussian_recursion(generations=t, sample_size=m, chains=20_000, seed=11)
    # E log var_t = t * drift exactly; at t ~ h that is close to log(1/2)
    assert_mean_close(np.log(g.var[t]), t * drift)
    assert t * drift == pytest.approx(np.log(0.5), abs=abs(drift))


def test_accumulate_limit_is_the_limit_of_the_product():
    for n in (10, 20, 100):
        prod = c.accumulate_var_theory(generations=100_000, sample_size=n)[-1]
        assert c.accumulate_var_limit(sample_size=n) == pytest.approx(prod, rel=1e-5)


def test_regression_unit_is_the_first_generation_error():
    unit = c.regression_unit(n_samples=50, n_features=10, noise_std=1.5)
    assert unit == pytest.approx(c.regression_theory(generations=1, n_samples=50, n_features=10, noise_std=1.5)[1])
    err = c.linear_regression_recursion(generations=1, n_samples=50, n_features=10, noise_std=1.5, chains=20_000, seed=5)
    assert_mean_close(err[1], unit)


# ------------------------------------------------------------------------------------------------
# strong model collapse (Dohmatob et al. 2025): a fixed synthetic share from a shifted teacher

SMC = dict(n_features=10, shift_sq=2.0, noise_std=1.0)


@pytest.mark.parametrize("p", [0.0, 1.0])
def test_mixed_regression_exact_at_the_ends(p):
    # p = 0: pure variance sigma^2 d/(n-d-1); p = 1: w_hat estimates w2, so bias = c^2 exactly
    for n in (13, 30, 200):
        th = c.mixed_regression_theory(n_samples=n, synthetic_fraction=p, **SMC)
        e = c.mixed_regression_simulation(n_samples=n, synthetic_fraction=p, replicates=40_000, seed=n, **SMC)
        assert_mean_close(e, th.total)


@pytest.mark.parametrize("n, p, d", [(12, 0.5, 10), (13, 0.3, 10), (30, 0.5, 10), (40, 0.75, 10), (10, 0.5, 1),
                                     (20, 0.4, 3), (500, 0.3, 10), (2_000, 0.05, 10), (100_000, 0.01, 10), (10**7, 0.001, 10)])
def test_mixed_regression_closed_form_within_4_se(n, p, d):
    # the exact bias formula, from the smallest possible sample (n = d + 2) to the paper's scaling regime
    kw = dict(SMC, n_features=d)
    th = c.mixed_regression_theory(n_samples=n, synthetic_fraction=p, **kw)
    if n < 100:
        # the variance is heavy-tailed near n = d + 2; compare the bias part alone (noise-free labels
        # make the error the bias term exactly), whose SE is well defined
        e = c.mixed_regression_simulation(n_samples=n, synthetic_fraction=p, replicates=100_000, seed=17,
                                          **dict(kw, noise_std=1e-12))
        assert_mean_close(e, th.bias)
        return
    e = c.mixed_regression_simulation(n_samples=n, synthetic_fraction=p, replicates=100_000, seed=17, **kw)
    assert_mean_close(e, th.total)


def test_exact_bias_approaches_its_first_order_form():
    for n in (100, 1_000, 10_000):
        th = c.mixed_regression_theory(n_samples=n, synthetic_fraction=0.3, **SMC)
        k = 10 / (n - 11)
        p2 = th.n_synthetic / n
        first = SMC["shift_sq"] * (p2**2 + (1 - p2) * p2 * k)
        # the simple form misses terms of order 1/n (not only (d/n)^2): bounded here by c^2 / n
        assert abs(th.bias - first) <= SMC["shift_sq"] / n
        assert th.bias > first  # and it undershoots: the exact bias is larger


@pytest.mark.parametrize("n, p", [(500, 0.3), (100_000, 0.01)])
def test_mixed_regression_total_within_4_se(n, p):
    th = c.mixed_regression_theory(n_samples=n, synthetic_fraction=p, **SMC)
    e = c.mixed_regression_simulation(n_samples=n, synthetic_fraction=p, replicates=40_000, seed=7, **SMC)
    assert_mean_close(e, th.total)


def test_mixed_regression_first_order_term_is_needed():
    # power check: dropping the p1 p2 d/(n-d-1) term would be rejected by the same test
    n, p = 60, 0.5
    th = c.mixed_regression_theory(n_samples=n, synthetic_fraction=p, **SMC)
    e = c.mixed_regression_simulation(n_samples=n, synthetic_fraction=p, replicates=40_000, seed=8, **SMC)
    se = e.std(ddof=1) / np.sqrt(e.size)
    leading_only = th.variance + SMC["shift_sq"] * (th.n_synthetic / n) ** 2
    assert abs(e.mean() - leading_only) > Z * se


def test_wishart_shortcut_equals_drawing_every_row():
    kw = dict(n_samples=25, n_features=4, synthetic_fraction=0.4, shift_sq=1.0, noise_std=0.7, replicates=20_000)
    fast = c.mixed_regression_simulation(method="wishart", seed=1, **kw)
    slow = c.mixed_regression_simulation(method="rows", seed=2, **kw)
    se = np.sqrt(fast.var(ddof=1) / fast.size + slow.var(ddof=1) / slow.size)
    assert abs(fast.mean() - slow.mean()) <= Z * se
    assert stats.ks_2samp(fast, slow).pvalue > 1e-4
    # n_real < d uses the Gram matrix of explicit rows: same law either way
    kw2 = dict(kw, n_samples=9, synthetic_fraction=0.8)
    fast2 = c.mixed_regression_simulation(method="wishart", seed=3, **kw2)
    slow2 = c.mixed_regression_simulation(method="rows", seed=4, **kw2)
    assert stats.ks_2samp(fast2, slow2).pvalue > 1e-4


def test_mixed_regression_plateaus_at_the_floor():
    for p in (0.001, 0.01, 0.1):
        floor = c.mixed_regression_floor(synthetic_fraction=p, shift_sq=2.0)
        big = c.mixed_regression_theory(n_samples=10**13, synthetic_fraction=p, **SMC)
        assert big.total == pytest.approx(floor, rel=1e-3)
        # more data never brings the error below the floor
        errs = [c.mixed_regression_theory(n_samples=n, synthetic_fraction=p, **SMC).total for n in (10**3, 10**5, 10**7)]
        assert min(errs) >= floor * (1 - 1e-9)
    real = [c.mixed_regression_theory(n_samples=n, synthetic_fraction=0.0, **SMC).total for n in (10**3, 10**6, 10**9)]
    assert real[2] < real[1] < real[0] and real[2] < 1e-7


def test_max_synthetic_fraction_solves_the_tolerance_and_shrinks_like_root_n():
    kw = dict(n_features=10, tolerance=0.1, shift_sq=1.0, noise_std=1.0)
    ps = {n: c.max_synthetic_fraction(n_samples=n, **kw) for n in (10**4, 10**6, 10**8)}
    for n, p in ps.items():
        th = c.mixed_regression_theory(n_samples=n, n_features=10, synthetic_fraction=p, shift_sq=1.0, noise_std=1.0)
        # at the rounded synthetic count the exact bias is tolerance x the all-real error (to rounding of n2)
        assert th.bias == pytest.approx(0.1 * th.variance, rel=2 / (p * n))
        assert th.n_synthetic == round(p * n)
    assert ps[10**6] * 1e3 == pytest.approx(ps[10**8] * 1e4, rel=0.02)
    assert c.max_synthetic_fraction(n_samples=20, n_features=10, tolerance=100.0, shift_sq=1.0, noise_std=1.0) == 1.0


# ------------------------------------------------------------------------------------------------
# caps on loop counts and sizes (issue 18: no hangs)


@pytest.mark.parametrize("call, name", [
    (lambda: c.mean_error_threshold(sample_size=10**6, generations=100), "sample_size"),
    (lambda: c.mean_error_threshold(sample_size=100, generations=10**6), "generations"),
    (lambda: c.gaussian_recursion(generations=100_000, sample_size=10, chains=10**6), "generations x chains"),
    (lambda: c.categorical_recursion(np.full(10**6, 1e-6), generations=10, sample_size=10, chains=10_000), "chains x categories"),
    (lambda: c.linear_regression_recursion(generations=2, n_samples=10**6, n_features=1000, noise_std=1.0, chains=10), "chains x n_samples"),
    (lambda: c.mixed_regression_simulation(n_samples=10**6, n_features=100, synthetic_fraction=0.1, shift_sq=1.0,
                                           noise_std=1.0, replicates=100_000, method="rows"), "replicates"),
])
def test_oversized_calls_are_refused_quickly_with_the_cap(call, name):
    import time

    start = time.perf_counter()
    with pytest.raises(ValueError, match=name) as info:
        call()
    assert "cap" in str(info.value)
    assert time.perf_counter() - start < 2.0


def test_crossover_is_where_the_variance_meets_the_floor():
    for p in (0.001, 0.01, 0.3):
        n_star = c.mixed_regression_crossover(n_features=10, synthetic_fraction=p, shift_sq=2.0, noise_std=1.5)
        assert 1.5**2 * 10 / (n_star - 11) == pytest.approx(c.mixed_regression_floor(synthetic_fraction=p, shift_sq=2.0))
