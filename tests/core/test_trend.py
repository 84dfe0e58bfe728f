"""analysis.core.trend: the shared OLS / pairs-bootstrap helpers of chapters 1 and 2."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.core import trend


def _data(n=40, seed=1):
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(2015, 2025, n)) - 2024
    y = 20 + 0.5 * x + rng.normal(0, 0.3, n)
    return x, y


def test_slope_and_intercept_equal_numpy_least_squares():
    x, y = _data()
    fit = trend.bootstrap_slopes(x, y, n_boot=50, rng=np.random.default_rng(0))
    slope, intercept = np.polyfit(x, y, 1)
    assert fit.slope == pytest.approx(slope, rel=1e-12)
    assert fit.intercept == pytest.approx(intercept, rel=1e-12)
    assert fit.n == len(x)


def test_bootstrap_is_seeded_and_resamples_pairs():
    x, y = _data()
    a = trend.bootstrap_slopes(x, y, n_boot=300, rng=np.random.default_rng(7))
    b = trend.bootstrap_slopes(x, y, n_boot=300, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a.boot_slopes, b.boot_slopes)
    # the first resample, by hand: the same indices, refitted with numpy
    idx = np.random.default_rng(7).integers(0, len(x), size=(300, len(x)))[0]
    assert a.boot_slopes[0] == pytest.approx(np.polyfit(x[idx], y[idx], 1)[0], rel=1e-10)


def test_interval_is_the_central_quantile_range_and_covers_the_slope():
    x, y = _data()
    fit = trend.bootstrap_slopes(x, y, n_boot=2000, rng=np.random.default_rng(3))
    lo, hi = fit.interval(0.9)
    assert (lo, hi) == tuple(np.quantile(fit.boot_slopes, [0.05, 0.95]))
    assert lo < fit.slope < hi
    with pytest.raises(ValueError, match="^level: "):
        fit.interval(1.5)


def test_former_dict_access_still_reads_the_same_values():
    x, y = _data()
    fit = trend.bootstrap_slopes(x, y, n_boot=20, rng=np.random.default_rng(0))
    assert fit["slope"] == fit.slope and fit["intercept"] == fit.intercept
    assert fit["boot_slopes"] is fit.boot_slopes
    with pytest.raises(KeyError):
        fit["growth"]


def test_ols_slopes_is_nan_for_a_constant_predictor():
    out = trend.ols_slopes(np.array([[1.0, 1.0, 1.0], [1.0, 2.0, 3.0]]), np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0]]))
    assert np.isnan(out[0]) and out[1] == pytest.approx(2.0)


def test_lognormal_params_put_the_interval_at_the_stated_level():
    from scipy.stats import lognorm

    mu, sigma = trend.lognormal_params(low=2.0, high=50.0, level=0.9)
    dist = lognorm(s=sigma, scale=np.exp(mu))
    assert dist.ppf(0.05) == pytest.approx(2.0) and dist.ppf(0.95) == pytest.approx(50.0)


def test_decimal_year_of_iso_dates():
    out = trend.decimal_year(["2024", "2024-07", "2023-07-02", "2024-12-31T12:00"])
    np.testing.assert_allclose(out, [2024.0, 2024 + 182 / 366, 2023 + 182 / 365, 2024 + 365 / 366])
