"""When do training sets reach the stock of public human text? A re-implementation of Villalobos et al. (2024).

The model, written from the paper and the parameter values in the authors' code (which has no
licence, so none of it is reused):

- stock of effective tokens in year ``t``:
  ``S(t) = pages * bytes_per_page / bytes_per_token * quality * repetition * (g_page * g_n) ** (t - 2024)``;
- size of the largest training set (the paper's *historical* projection):
  ``D(t) = D_2024 * G ** (t - 2024)``, with ``G`` from a bootstrap of an OLS fit of
  ``log10(tokens)`` on date;
- over-training by a factor ``k`` (``20 k`` tokens per parameter at fixed compute ``C = 6 N D``)
  multiplies the compute-optimal dataset by ``sqrt(k)``;
- the run-out year is where ``P(D(t) >= S(t))`` crosses 0.5; the paper's 80% interval is where it
  crosses 0.1 and 0.9.

Every uncertain input is a lognormal given by a central interval, read from
``analysis/data/exhaustion_parameters.csv``. The paper's *compute-based* projection relies on an
unpublished compute-availability projection and is not reproduced; see the chapter.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from analysis.trend import bootstrap_slopes, decimal_year, lognormal_params
from analysis.validation import check_int, check_real, check_seed

REFERENCE_YEAR = 2024.0
R_STAR = 15.387756  # Muennighoff et al. (2023), R_D*; also in exhaustion_parameters.csv
_STAGES = ("raw", "quality", "effective")


# --- input checks ----------------------------------------------------------------------------

def _check_years(years) -> np.ndarray:
    yrs = np.asarray(years, dtype=float)
    if yrs.ndim != 1 or yrs.size == 0 or not np.all(np.isfinite(yrs)):
        raise ValueError("years: must be a non-empty 1-D array of finite years")
    return yrs


# --- parameters --------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _parameters() -> dict[str, dict]:
    from analysis import data

    table = data.load("exhaustion_parameters")
    return {row["parameter"]: row for row in table.to_dict("records")}


def parameters() -> pd.DataFrame:
    """The model's inputs (``exhaustion_parameters.csv``) as a DataFrame, one row per parameter."""
    from analysis import data

    return data.load("exhaustion_parameters")


def _fixed(name: str) -> float:
    return float(_parameters()[name]["value"])


def lognormal_from_interval(*, low: float, high: float, credibility: float) -> tuple[float, float]:
    """(mu, sigma) of the lognormal whose central ``credibility`` interval is [low, high]."""
    low = check_real("low", low, lo=0, lo_open=True)
    high = check_real("high", high, lo=0, lo_open=True)
    credibility = check_real("credibility", credibility, lo=0, hi=1, lo_open=True)
    if high <= low:
        raise ValueError(f"high: must exceed low ({low}), got {high}")
    if credibility >= 1:
        raise ValueError("credibility: must be < 1")
    mu, sigma = lognormal_params(low=low, high=high, level=credibility)
    return float(mu), float(sigma)


def _draw(name: str, rng: np.random.Generator, n: int) -> np.ndarray:
    p = _parameters()[name]
    if p["distribution"] == "fixed":
        return np.full(n, float(p["value"]))
    mu, sigma = lognormal_from_interval(low=p["low"], high=p["high"], credibility=p["credibility"])
    return rng.lognormal(mu, sigma, n)


# --- repetition (Muennighoff et al. 2023) ------------------------------------------------------

def effective_data(unique_tokens, epochs, r_star: float = R_STAR):
    """Effective tokens of ``epochs`` passes over ``unique_tokens``: U + U r* (1 - exp(-(epochs - 1) / r*)) (Muennighoff et al. 2023)."""
    u = np.asarray(unique_tokens, dtype=float)
    e = np.asarray(epochs, dtype=float)
    if np.any(~np.isfinite(u)) or np.any(u < 0):
        raise ValueError("unique_tokens: must be finite and >= 0")
    if np.any(~np.isfinite(e)) or np.any(e < 1):
        raise ValueError("epochs: must be finite and >= 1 (one pass over the data at least)")
    r_star = check_real("r_star", r_star, lo=0, lo_open=True)
    out = u + u * r_star * (1 - np.exp(-(e - 1) / r_star))
    return float(out) if out.ndim == 0 else out


# --- stock of human text -----------------------------------------------------------------------

def stock_samples(*, n: int, year: float = 2024, seed=None, stage: str = "effective", epochs=None) -> np.ndarray:
    """Monte Carlo draws of the stock of public human text in tokens at ``year`` (Villalobos et al. 2024, Sec. 2).

    ``stage`` is ``raw`` (indexed web), ``quality`` (after quality filtering) or ``effective``
    (also multiplied by the value of repetition). ``epochs`` replaces the paper's repetition
    multiplier by the Muennighoff et al. value of that many epochs (``epochs=1``: no repetition).
    """
    n = check_int("n", n, minimum=1)
    year = check_real("year", year, lo=1990, hi=2100)
    if stage not in _STAGES:
        raise ValueError(f"stage: must be one of {', '.join(_STAGES)}, got {stage!r}")
    if epochs is not None:
        check_real("epochs", epochs, lo=1)
    rng = np.random.default_rng(check_seed(seed))
    return _stock(rng, n, year=year, stage=stage, epochs=epochs)


def _stock(rng, n, *, year, stage="effective", epochs=None, with_growth=False):
    pages = _draw("indexed_pages", rng, n)
    bytes_page = _draw("bytes_per_page", rng, n)
    # A lognormal deficit can exceed the ceiling; a token holds at least one byte.
    bytes_token = np.maximum(_fixed("bytes_per_token_ceiling") - _draw("bytes_per_token_deficit", rng, n), 1.0)
    growth = _draw("page_size_growth", rng, n) * _draw("page_count_growth", rng, n)
    quality = _draw("quality_share", rng, n)
    repetition = _draw("repetition_multiplier", rng, n)
    if epochs is not None:
        repetition = np.full(n, effective_data(1.0, epochs))
    stock = pages * bytes_page / bytes_token
    if stage != "raw":
        stock = stock * quality
    if stage == "effective":
        stock = stock * repetition
    if with_growth:
        return stock, growth
    return stock * growth ** (year - _fixed("reference_year"))


# --- dataset-size trend ------------------------------------------------------------------------

def fit_growth(df: pd.DataFrame, *, bootstrap: int = 2000, seed=None, level: float = 0.95) -> dict:
    """Bootstrap OLS of log10(training tokens) on date: growth factor per year with a ``level`` interval (Villalobos et al. 2024).

    ``df`` needs ``release_date`` and ``training_tokens`` (rows with no tokens are dropped).
    Returns growth_per_year (full-sample fit), ci_low, ci_high, slopes (bootstrap, log10 per
    year), intercept (log10 tokens at 2024.0) and n.
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df: expected a pandas DataFrame, got {type(df).__name__}")
    missing = {"release_date", "training_tokens"} - set(df.columns)
    if missing:
        raise ValueError(f"df: missing column(s) {sorted(missing)}")
    bootstrap = check_int("bootstrap", bootstrap, minimum=1)
    level = check_real("level", level, lo=0, hi=1, lo_open=True)
    rows = df.dropna(subset=["training_tokens"])
    tokens = rows["training_tokens"].to_numpy(dtype=float)
    if np.any(tokens <= 0):
        raise ValueError("df: training_tokens must be > 0")
    if len(rows) < 3:
        raise ValueError(f"df: need at least 3 rows with training_tokens, got {len(rows)}")
    x = decimal_year(rows["release_date"]) - REFERENCE_YEAR
    if np.ptp(x) == 0:
        raise ValueError("df: release dates must not all be equal")
    rng = np.random.default_rng(check_seed(seed))
    fit = bootstrap_slopes(x, np.log10(tokens), n_boot=bootstrap, rng=rng)
    slope, intercept, slopes = fit["slope"], fit["intercept"], fit["boot_slopes"]
    alpha = (1 - level) / 2
    lo, hi = np.quantile(slopes, [alpha, 1 - alpha])
    return {
        "growth_per_year": 10**slope,
        "ci_low": float(10**lo),
        "ci_high": float(10**hi),
        "slopes": slopes,
        "intercept": intercept,
        "n": int(len(x)),
    }


# --- run-out year ------------------------------------------------------------------------------

def _check_scenario(overtraining, restricted_share, epochs):
    overtraining = check_real("overtraining", overtraining, lo=1)
    restricted_share = check_real("restricted_share", restricted_share, lo=0, hi=1)
    if restricted_share == 1:
        raise ValueError("restricted_share: must be < 1 (a fully restricted stock never meets demand)")
    if epochs is not None:
        check_real("epochs", epochs, lo=1)
    return overtraining, restricted_share


def _draw_model(rng, n, *, overtraining, restricted_share, epochs):
    stock0, stock_growth = _stock(rng, n, year=REFERENCE_YEAR, epochs=epochs, with_growth=True)
    stock0 = stock0 * (1 - restricted_share)
    demand0 = _draw("largest_dataset_2024", rng, n) * np.sqrt(overtraining)
    demand_growth = _draw("dataset_growth", rng, n)
    return stock0, stock_growth, demand0, demand_growth


def crossing_years(stock0, stock_growth, demand0, demand_growth) -> np.ndarray:
    """Year at which D0 G^(t-2024) reaches S0 g^(t-2024), per draw (+inf if never, -inf if always above)."""
    log_gap = np.log(stock0) - np.log(demand0)
    log_rate = np.log(demand_growth) - np.log(stock_growth)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = REFERENCE_YEAR + log_gap / log_rate
    # Demand growing no faster than the stock: it never catches up, or was always above.
    t = np.where(log_rate > 0, t, np.where(log_gap > 0, np.inf, -np.inf))
    return t


def runout_distribution(
    *,
    overtraining: float = 1.0,
    restricted_share: float = 0.0,
    epochs=None,
    n: int = 20000,
    seed=None,
) -> dict:
    """Distribution of the year training sets reach the effective stock (Villalobos et al. 2024, historical projection).

    ``overtraining`` k multiplies datasets by sqrt(k); ``restricted_share`` removes that share of
    the stock; ``epochs`` replaces the repetition multiplier (see ``stock_samples``). Each draw's
    trajectories are exponential, so the year at which P(D(t) >= S(t)) crosses q is exactly the
    q-quantile of the per-draw crossing years (checked against a time grid in the tests).
    Returns median, p10, p90 (decimal years) and the crossing years.
    """
    overtraining, restricted_share = _check_scenario(overtraining, restricted_share, epochs)
    n = check_int("n", n, minimum=1)
    rng = np.random.default_rng(check_seed(seed))
    years = crossing_years(*_draw_model(rng, n, overtraining=overtraining,
                                        restricted_share=restricted_share, epochs=epochs))
    p10, median, p90 = np.quantile(years, [0.1, 0.5, 0.9], method="inverted_cdf")
    return {"median": float(median), "p10": float(p10), "p90": float(p90), "years": years}


def runout_probability_grid(*, grid_years, overtraining=1.0, restricted_share=0.0, epochs=None, n=20000, seed=None):
    """P(D(t) >= S(t)) on a grid of years, the slow way the paper computes it (for checking and plotting)."""
    overtraining, restricted_share = _check_scenario(overtraining, restricted_share, epochs)
    n = check_int("n", n, minimum=1)
    grid = np.asarray(grid_years, dtype=float)
    if grid.ndim != 1 or grid.size == 0 or not np.all(np.isfinite(grid)):
        raise ValueError("grid_years: must be a non-empty 1-D array of finite years")
    rng = np.random.default_rng(check_seed(seed))
    s0, g, d0, gd = _draw_model(rng, n, overtraining=overtraining, restricted_share=restricted_share, epochs=epochs)
    dt = grid[:, None] - REFERENCE_YEAR
    return (np.log(d0) + dt * np.log(gd) >= np.log(s0) + dt * np.log(g)).mean(axis=1)


def projection_bands(*, years, n: int = 20000, seed=None, quantiles=(0.05, 0.5, 0.95), overtraining: float = 1.0) -> pd.DataFrame:
    """Quantiles of the effective stock and of the projected largest dataset at each year (tidy: year, series, quantile, tokens)."""
    overtraining = check_real("overtraining", overtraining, lo=1)
    n = check_int("n", n, minimum=1)
    yrs = _check_years(years)
    q = np.asarray(quantiles, dtype=float)
    if np.any((q <= 0) | (q >= 1)):
        raise ValueError("quantiles: each must be in (0, 1)")
    rng = np.random.default_rng(check_seed(seed))
    s0, g, d0, gd = _draw_model(rng, n, overtraining=overtraining, restricted_share=0.0, epochs=None)
    dt = yrs[:, None] - REFERENCE_YEAR
    # Quantiles of log-values: the exponential of a quantile of the log is the quantile of the value.
    frames = []
    for series, logv in (("stock", np.log(s0) + dt * np.log(g)), ("dataset", np.log(d0) + dt * np.log(gd))):
        qs = np.exp(np.quantile(logv, q, axis=1))  # shape (len(q), len(years))
        for qi, row in zip(q, qs):
            frames.append(pd.DataFrame({"year": yrs, "series": series, "quantile": qi, "tokens": row}))
    return pd.concat(frames, ignore_index=True)


def synthetic_need(*, years, overtraining: float = 1.0, restricted_share: float = 0.0, n: int = 20000, seed=None) -> pd.DataFrame:
    """Synthetic tokens a frontier run in each year would need if the dataset trend continues past the stock: max(D - S, 0) and its share of D.

    Returns, per year, the median and 10th/90th percentiles of the synthetic tokens and of the
    synthetic share, and the probability that any synthetic data is needed.
    """
    overtraining, restricted_share = _check_scenario(overtraining, restricted_share, None)
    n = check_int("n", n, minimum=1)
    yrs = _check_years(years)
    rng = np.random.default_rng(check_seed(seed))
    s0, g, d0, gd = _draw_model(rng, n, overtraining=overtraining, restricted_share=restricted_share, epochs=None)
    dt = yrs[:, None] - REFERENCE_YEAR
    demand = d0 * gd**dt
    stock = s0 * g**dt
    synthetic = np.maximum(demand - stock, 0.0)
    share = synthetic / demand
    q = [0.1, 0.5, 0.9]
    tq = np.quantile(synthetic, q, axis=1)
    sq = np.quantile(share, q, axis=1)
    return pd.DataFrame(
        {
            "year": yrs,
            "dataset_tokens_median": np.median(demand, axis=1),
            "synthetic_tokens_p10": tq[0],
            "synthetic_tokens_median": tq[1],
            "synthetic_tokens_p90": tq[2],
            "synthetic_share_p10": sq[0],
            "synthetic_share_median": sq[1],
            "synthetic_share_p90": sq[2],
            "prob_any_synthetic": (synthetic > 0).mean(axis=1),
        }
    )


SCENARIOS = (
    ("Baseline (paper's assumptions)", {}),
    ("5x over-training", {"overtraining": 5.0}),
    ("100x over-training", {"overtraining": 100.0}),
    ("5% of the stock restricted", {"restricted_share": 0.05}),
    ("25% of the stock restricted", {"restricted_share": 0.25}),
    ("45% of the stock restricted", {"restricted_share": 0.45}),
    ("No repetition (1 epoch)", {"epochs": 1.0}),
    ("Repetition up to 4 epochs", {"epochs": 4.0}),
)


def scenario_table(*, n: int = 20000, seed=None) -> pd.DataFrame:
    """Median run-out year and 80% interval for each scenario in ``SCENARIOS`` (same seed for each, so differences are not noise)."""
    rows = []
    for name, kwargs in SCENARIOS:
        r = runout_distribution(n=n, seed=seed, **kwargs)
        rows.append({"scenario": name, "median_year": r["median"], "p10_year": r["p10"], "p90_year": r["p90"]})
    return pd.DataFrame(rows)
