"""Tests for analysis.exhaustion: the re-implementation of Villalobos et al. (2024) and Muennighoff et al. (2023)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from analysis import data
from analysis import exhaustion as ex

N = 40_000
SEED = 20240601


# --- Muennighoff et al. (2023): value of repeated data ------------------------------------------

def test_one_epoch_is_the_unique_data():
    assert ex.effective_data(1e12, 1) == pytest.approx(1e12, rel=1e-12)


def test_four_epochs_are_worth_nearly_four_times_the_data():
    # The paper's abstract: up to 4 epochs of repetition give "negligible changes to loss".
    value = ex.effective_data(1.0, 4)
    assert 3.6 <= value < 4.0


def test_the_limit_of_repetition_is_one_plus_r_star():
    u = 2.5e11
    assert ex.effective_data(u, 1e6) == pytest.approx(u * (1 + ex.R_STAR), rel=1e-9)
    assert ex.effective_data(u, 200) < u * (1 + ex.R_STAR)


def test_default_r_star_is_the_value_in_the_parameter_table():
    table = ex.parameters().set_index("parameter")
    assert ex.R_STAR == table.at["repetition_decay_r_star", "value"]


def test_effective_data_is_vectorised_and_increasing():
    epochs = np.array([1, 2, 4, 8, 16, 64])
    values = ex.effective_data(np.full(6, 1.0), epochs)
    assert np.all(np.diff(values) > 0)
    assert np.all(values <= epochs)  # a repeated token is never worth more than a new one


@pytest.mark.parametrize("kwargs", [{"unique_tokens": -1, "epochs": 2}, {"unique_tokens": 1, "epochs": 0.5}])
def test_effective_data_rejects_bad_input(kwargs):
    with pytest.raises(ValueError):
        ex.effective_data(**kwargs)


# --- parameters ----------------------------------------------------------------------------------

def test_lognormal_interval_round_trip():
    mu, sigma = ex.lognormal_from_interval(low=2, high=5, credibility=0.95)
    assert math.exp(mu + norm.ppf(0.025) * sigma) == pytest.approx(2)
    assert math.exp(mu + norm.ppf(0.975) * sigma) == pytest.approx(5)


def test_parameter_table_is_complete():
    params = ex.parameters()
    lognormal = params[params["distribution"] == "lognormal"]
    assert lognormal[["low", "high", "credibility"]].notna().all().all()
    assert (lognormal["high"] > lognormal["low"]).all()
    assert params.loc[params["distribution"] == "fixed", "value"].notna().all()


# --- stock: Villalobos et al. (2024) -------------------------------------------------------------

def test_effective_stock_reproduces_the_paper():
    # Epoch blog / paper Sec. 2: effective stock "on the order of 300 trillion tokens, with a 90%
    # confidence interval of 100T to 1000T". We allow a factor of 1.5 on each figure.
    s = ex.stock_samples(n=N, seed=SEED)
    p05, p50, p95 = np.quantile(s, [0.05, 0.5, 0.95])
    assert 3e14 / 1.5 <= p50 <= 3e14 * 1.5
    assert 1e14 / 1.5 <= p05 <= 1e14 * 1.5
    assert 1e15 / 1.5 <= p95 <= 1e15 * 1.5


def test_stock_stages_are_ordered_and_grow():
    raw = ex.stock_samples(n=N, seed=SEED, stage="raw")
    quality = ex.stock_samples(n=N, seed=SEED, stage="quality")
    later = ex.stock_samples(n=N, seed=SEED, year=2030)
    now = ex.stock_samples(n=N, seed=SEED)
    assert np.median(quality) < np.median(raw)
    # Same draws (common seed); page-count growth can dip below 1 in a few draws, so compare medians.
    assert np.median(later / now) > 1.1


def test_mean_log_raw_stock_matches_the_closed_form():
    # log(raw) = log(pages) + log(bytes per page) - log(max(6 - deficit, 1)); the first two terms
    # are normal with known means, the last one's mean is a one-dimensional integral. The sample
    # mean of log(raw) must agree within 4 Monte Carlo standard errors.
    from scipy.integrate import quad

    p = ex.parameters().set_index("parameter")

    def mu_sigma(name):
        return ex.lognormal_from_interval(low=p.at[name, "low"], high=p.at[name, "high"], credibility=p.at[name, "credibility"])

    mu_pages, _ = mu_sigma("indexed_pages")
    mu_bytes, _ = mu_sigma("bytes_per_page")
    mu_d, sd_d = mu_sigma("bytes_per_token_deficit")
    ceiling = p.at["bytes_per_token_ceiling", "value"]
    e_log_bpt, _ = quad(lambda z: np.log(max(ceiling - math.exp(mu_d + sd_d * z), 1.0)) * norm.pdf(z), -12, 12, points=[0.0], limit=200)
    expected = mu_pages + mu_bytes - e_log_bpt
    log_raw = np.log(ex.stock_samples(n=N, seed=SEED, stage="raw"))
    se = log_raw.std() / math.sqrt(N)
    assert abs(log_raw.mean() - expected) < 4 * se


def test_epochs_replace_the_repetition_multiplier():
    quality = ex.stock_samples(n=1000, seed=1, stage="quality")
    four = ex.stock_samples(n=1000, seed=1, epochs=4)
    np.testing.assert_allclose(four / quality, ex.effective_data(1.0, 4))


@pytest.mark.parametrize(
    "kwargs, error",
    [({"n": 0}, ValueError), ({"n": 1.5}, TypeError), ({"n": 10, "stage": "cooked"}, ValueError),
     ({"n": 10, "year": 1800}, ValueError), ({"n": 10, "epochs": 0}, ValueError)],
)
def test_stock_samples_rejects_bad_input(kwargs, error):
    with pytest.raises(error):
        ex.stock_samples(**kwargs)


# --- run-out year ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def baseline():
    return ex.runout_distribution(n=N, seed=SEED)


def test_runout_reproduces_the_paper_within_a_calendar_year(baseline):
    # Paper, Fig. 1 caption: median year of full utilisation 2028; abstract: 2026 to 2032, an 80%
    # interval (10th/90th percentile crossings, src/projections.py). The paper states whole years
    # (its code reads them off np.linspace(2015, 2039, 100), a 0.24-year grid, taking the grid year
    # just before each crossing), so this test compares CALENDAR years: the floor of our decimal
    # year must be within +-1 of the paper's year. That accepts any decimal year in
    # [paper - 1, paper + 2), which is looser than +-1 in decimal years. With this seed our values
    # are median 2029.0 (December 2028), p10 2027.3 and p90 2031.1: the median is in the paper's
    # year and each end one calendar year inside the paper's interval, but the lower end is 1.3
    # decimal years after 1 January 2026, so a decimal comparison with 2026.0 +- 1 would fail.
    # The chapter states this. Our demand is the historical projection only; the paper pools it
    # with a compute-based projection whose input file is unpublished (see the chapter).
    assert abs(math.floor(baseline["median"]) - 2028) <= 1
    assert abs(math.floor(baseline["p10"]) - 2026) <= 1
    assert abs(math.floor(baseline["p90"]) - 2032) <= 1


def test_overtraining_brings_the_date_forward(baseline):
    # src/projections.py annotates "~2027: Median date with 5x overtraining"; 100x is "by 2025" in
    # secondary summaries of the Epoch blog. Compare calendar years within +-1.
    five = ex.runout_distribution(overtraining=5, n=N, seed=SEED)
    hundred = ex.runout_distribution(overtraining=100, n=N, seed=SEED)
    assert hundred["median"] < five["median"] < baseline["median"]
    assert abs(math.floor(five["median"]) - 2027) <= 1
    assert abs(math.floor(hundred["median"]) - 2025) <= 1


def test_restrictions_bring_the_date_forward_monotonically(baseline):
    medians = [ex.runout_distribution(restricted_share=s, n=N, seed=SEED)["median"] for s in (0.05, 0.25, 0.45)]
    assert baseline["median"] > medians[0] > medians[1] > medians[2]


def test_shift_from_a_multiplier_matches_the_closed_form():
    # Multiplying demand by sqrt(k) shifts every draw's crossing by -log(sqrt(k)) / log(G / g).
    rng = np.random.default_rng(3)
    s0, g = rng.lognormal(33, 0.8, 500), rng.lognormal(0.07, 0.01, 500)
    d0, gd = rng.lognormal(29, 0.4, 500), rng.lognormal(0.85, 0.1, 500)
    t1 = ex.crossing_years(s0, g, d0, gd)
    t5 = ex.crossing_years(s0, g, d0 * math.sqrt(5), gd)
    np.testing.assert_allclose(t1 - t5, np.log(math.sqrt(5)) / np.log(gd / g), rtol=1e-10)


def test_quantiles_of_crossing_years_equal_the_papers_probability_crossings():
    # The paper evaluates P(D(t) >= S(t)) on a grid of years and reads where it crosses 0.1, 0.5 and
    # 0.9. With the same draws, those crossings equal quantiles of per-draw crossing years, up to
    # the grid step.
    grid = np.arange(2022, 2040, 0.01)
    p = ex.runout_probability_grid(grid_years=grid, n=N, seed=7)
    r = ex.runout_distribution(n=N, seed=7)
    for q, key in ((0.1, "p10"), (0.5, "median"), (0.9, "p90")):
        assert grid[np.searchsorted(p, q)] == pytest.approx(r[key], abs=0.011)


def test_crossing_years_handle_demand_that_never_catches_up():
    t = ex.crossing_years(np.array([10.0, 1.0]), np.array([2.0, 2.0]), np.array([1.0, 10.0]), np.array([1.5, 1.5]))
    assert t[0] == np.inf and t[1] == -np.inf


@pytest.mark.parametrize(
    "kwargs, error",
    [({"overtraining": 0.5}, ValueError), ({"restricted_share": 1.2}, ValueError),
     ({"restricted_share": -0.1}, ValueError), ({"restricted_share": 1.0}, ValueError),
     ({"n": 0}, ValueError), ({"seed": "x"}, TypeError), ({"overtraining": "5x"}, TypeError)],
)
def test_runout_rejects_bad_input(kwargs, error):
    with pytest.raises(error):
        ex.runout_distribution(**kwargs)


def test_runout_is_deterministic_for_a_seed():
    a = ex.runout_distribution(n=2000, seed=11)
    b = ex.runout_distribution(n=2000, seed=11)
    assert a["median"] == b["median"]


def test_scenario_table_lists_every_scenario():
    table = ex.scenario_table(n=4000, seed=1)
    assert list(table["scenario"]) == [name for name, _ in ex.SCENARIOS]
    assert (table["p10_year"] < table["median_year"]).all() and (table["median_year"] < table["p90_year"]).all()


# --- synthetic need --------------------------------------------------------------------------------

def test_synthetic_need_is_zero_early_and_grows():
    need = ex.synthetic_need(years=[2024, 2030, 2034], n=N, seed=SEED)
    assert need.loc[0, "synthetic_share_median"] == 0
    assert need["synthetic_share_median"].is_monotonic_increasing
    assert (need["synthetic_share_p90"] <= 1).all()
    assert need.loc[2, "prob_any_synthetic"] > 0.9


def test_synthetic_share_median_matches_run_out_median():
    # The share is positive exactly when the run has passed its crossing year, so P(any synthetic)
    # at year t equals the fraction of crossing years <= t (same draws).
    r = ex.runout_distribution(n=N, seed=5)
    need = ex.synthetic_need(years=[2029.5], n=N, seed=5)
    assert need.loc[0, "prob_any_synthetic"] == pytest.approx(np.mean(r["years"] <= 2029.5), abs=1e-12)


# --- growth fit --------------------------------------------------------------------------------------

def _synthetic_trend(slope, n=60, noise=0.3, seed=0):
    rng = np.random.default_rng(seed)
    dates = pd.to_datetime("2018-01-01") + pd.to_timedelta(rng.integers(0, 7 * 365, n), unit="D")
    x = ex.decimal_year(dates) - 2024
    tokens = 10 ** (12 + slope * x + rng.normal(0, noise, n))
    return pd.DataFrame({"release_date": dates, "training_tokens": tokens}), x


def test_fit_growth_matches_polyfit_and_recovers_the_slope():
    df, x = _synthetic_trend(0.4)
    fit = ex.fit_growth(df, bootstrap=2000, seed=1)
    slope, intercept = np.polyfit(x, np.log10(df["training_tokens"]), 1)
    assert math.log10(fit["growth_per_year"]) == pytest.approx(slope, rel=1e-10)
    assert fit["intercept"] == pytest.approx(intercept, rel=1e-10)
    # The true slope 0.4 should lie within 4 OLS standard errors of the estimate.
    se = 0.3 / (np.std(x) * math.sqrt(len(x)))
    assert abs(slope - 0.4) < 4 * se
    assert fit["ci_low"] < fit["growth_per_year"] < fit["ci_high"]


def test_fit_growth_bootstrap_se_matches_the_ols_se():
    # For homoscedastic noise the bootstrap SD of the slope approximates the OLS SE. The bootstrap
    # SD estimates it from one data set of n = 200 points (relative error about 1/sqrt(2n) = 5%)
    # with 2000 resamples (about 1/sqrt(2*2000) = 1.6%), together about 5.2%: 15% is about 3 of
    # those errors, and still fails if resampling is wrong (e.g. not with replacement).
    df, x = _synthetic_trend(0.3, n=200, seed=4)
    fit = ex.fit_growth(df, bootstrap=2000, seed=2)
    se = 0.3 / (np.std(x) * math.sqrt(len(x)))
    assert np.std(fit["slopes"]) == pytest.approx(se, rel=0.15)


def test_fit_growth_on_the_curated_models():
    df = data.load("llm_training_tokens")
    fit = ex.fit_growth(df.dropna(subset=["training_tokens"]), bootstrap=500, seed=1)
    assert fit["n"] == df["training_tokens"].notna().sum()
    assert 1 < fit["growth_per_year"] < 10


@pytest.mark.parametrize(
    "df, kwargs, error",
    [("not a frame", {}, TypeError),
     (pd.DataFrame({"release_date": ["2020-01-01"]}), {}, ValueError),
     (pd.DataFrame({"release_date": ["2020-01-01", "2021-01-01", "2022-01-01"], "training_tokens": [1e9, -1, 1e11]}), {}, ValueError),
     (pd.DataFrame({"release_date": ["2020-01-01"] * 3, "training_tokens": [1e9, 1e10, 1e11]}), {}, ValueError),
     (pd.DataFrame({"release_date": ["2020-01-01", "2021-01-01", "2022-01-01"], "training_tokens": [1e9, 1e10, 1e11]}), {"bootstrap": 0}, ValueError)],
)
def test_fit_growth_rejects_bad_input(df, kwargs, error):
    with pytest.raises(error):
        ex.fit_growth(df, **kwargs)


def test_curated_token_table_flags_gaps_instead_of_guessing():
    df = data.load("llm_training_tokens")
    assert len(df) >= 25
    undisclosed = df[df["training_tokens"].isna()]
    assert (undisclosed["tokens_basis"] == "not disclosed").all()
    assert (df["params_active"].dropna() <= df.loc[df["params_active"].notna(), "params_total"]).all()
