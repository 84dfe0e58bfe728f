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
- the *compute-based* projection: the largest training compute ``C(t) = C_2024 * g_C ** (t - 2024)``
  turned into a compute-optimal dataset with the Chinchilla rule (``N = D / 20``, ``C = 6 N D``):
  ``D(t) = sqrt(20 C(t) / 6)``. The paper's own compute projection (``data/compute_projection.csv``
  in the authors' repository) is published but too large to retrieve here, so ``C_2024`` and ``g_C``
  are lognormals from the authors' code and Epoch's compute trend (see the parameter table);
- the paper *pools* the two projections: its code concatenates equally many draws of each
  (``dataset_size`` in ``src/dataset_size_projections.py``); ``projection="pooled"`` does the same;
- the run-out year is where ``P(D(t) >= S(t))`` crosses 0.5; the paper's 80% interval is where it
  crosses 0.1 and 0.9. The paper reads these crossings off a grid of years and reports the grid
  year just before each crossing (``paper_grid_year``); we also give the exact decimal year.

Every uncertain input is a lognormal given by a central interval, read from
``analysis/data/exhaustion_parameters.csv``.

References: villalobos2024will, epochai2024datastock, hoffmann2022training, muennighoff2023scaling,
sevilla2024compute.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import binom

from analysis.core.trend import bootstrap_slopes, decimal_year, lognormal_params
from analysis.core.validation import (
    LEVEL,
    ArrayLike,
    Frame,
    InstanceOf,
    Integral,
    Interval,
    Options,
    Real,
    check_choice,
    check_int,
    check_real,
    ordered,
    validate_params,
)

REFERENCE_YEAR = 2024.0
R_STAR = 15.387756  # Muennighoff et al. (2023), R_D*; also in exhaustion_parameters.csv
_STAGES = ("raw", "quality", "effective")
PROJECTIONS = ("historical", "compute", "pooled")
# The grid on which the authors' code evaluates P(D(t) >= S(t)) (src/projections.py,
# np.linspace(2015, 2039, 100)); it reports the grid year just before each crossing.
PAPER_GRID = np.linspace(2015.0, 2039.0, 100)
# Largest Monte Carlo sample a call may ask for: about 40 MB per array of float64 draws.
MAX_DRAWS = 5_000_000
# Token counts whose basis is not text pretraining tokens, and counts we could not verify, stay out
# of the growth fit (they are plotted, flagged).
EXCLUDED_BASES = ("speculative", "not disclosed", "multimodal pretraining tokens")


# Declared constraints (analysis.core.validation), shared by the functions below.
_N = [Interval(Integral, 1, MAX_DRAWS, closed="both", cap_reason="about 40 MB per array of draws")]
# at least 2 draws where a Monte Carlo standard error is reported (quantile_bootstrap_se needs 2)
_N2 = [Interval(Integral, 2, MAX_DRAWS, closed="both", cap_reason="about 40 MB per array of draws")]
_SEED = ["seed"]
_OVERTRAINING = [Interval(Real, 1, 1e4, closed="both")]
# Share of the stock removed. Beyond 0.99 what is left is smaller than datasets already trained on,
# so the run-out year falls before the data the projections are fitted on (0.999 gives a median
# of about 2019): the model says nothing there, so the share is refused rather than answered.
_RESTRICTED = [Interval(Real, 0, 0.99, closed="both")]
_EPOCHS = [None, Interval(Real, 1, 1e4, closed="both")]
_PROJECTION = [Options(str, PROJECTIONS)]
# calendar years, the range stock_samples accepts (the projections are fitted on 2010s-2020s data)
_YEARS = [ArrayLike(ndim=1, min_size=1, max_size=10_000, lo=1990, hi=2100)]
_POSITIVE = [Interval(Real, 0, None, closed="neither")]


def _seed(seed):
    if seed is None or isinstance(seed, np.random.Generator):
        return seed
    return check_int("seed", seed, minimum=0, maximum=2**32 - 1)


def _draws(n) -> int:
    return check_int("n", n, minimum=1, maximum=MAX_DRAWS)


# --- input checks ----------------------------------------------------------------------------

def _check_years(years) -> np.ndarray:
    try:
        yrs = np.asarray(years, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("years: expected a 1-D array of numbers") from None
    if yrs.ndim != 1 or yrs.size == 0 or not np.all(np.isfinite(yrs)):
        raise ValueError("years: must be a non-empty 1-D array of finite years")
    return yrs


# --- parameters --------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _parameters() -> dict[str, dict]:
    from analysis.data import loader as data

    table = data.load("exhaustion_parameters")
    return {row["parameter"]: row for row in table.to_dict("records")}


@validate_params({})
def parameters() -> pd.DataFrame:
    """The model's inputs (``exhaustion_parameters.csv``) as a DataFrame, one row per parameter.

    References: villalobos2024will, epochai2024datastock, sevilla2024compute.
    """
    from analysis.data import loader as data

    return data.load("exhaustion_parameters")


def _fixed(name: str) -> float:
    return float(_parameters()[name]["value"])


@validate_params({"low": _POSITIVE, "high": _POSITIVE, "credibility": [LEVEL]}, relations=[ordered("low", "high")])
def lognormal_mu_sigma_for_interval(*, low: float, high: float, credibility: float) -> tuple[float, float]:
    """Log-scale parameters (mu, sigma) of the lognormal whose central ``credibility`` interval is [low, high].

    ``log X ~ Normal(mu, sigma)`` with ``mu = (log low + log high) / 2`` and
    ``sigma = (log high - log low) / (2 z)``, ``z`` the standard-normal quantile at
    ``(1 + credibility) / 2``. Named for what it returns (not samples: compare
    ``cost.lognormal_from_interval``, which draws).

    References: villalobos2024will (squigglepy's ``sq.to``, as used in the authors' code).
    """
    mu, sigma = lognormal_params(low=low, high=high, level=credibility)
    return float(mu), float(sigma)


@validate_params({"low": _POSITIVE, "high": _POSITIVE},
                 relations=[ordered("low", "high", strict=False)])
def geometric_midpoint(*, low: float, high: float) -> float:
    """Geometric midpoint ``sqrt(low * high)`` of an interval: the median of a lognormal given by that central interval.

    This is how 0.1.0 quoted "2.38x per year" for the paper's growth: the midpoint of the 95%
    interval [1.845, 3.062] of the bootstrap, not the bootstrap's own median (about 2.35x).

    References: villalobos2024will.
    """
    low = float(low)
    high = float(high)
    return float(np.sqrt(low * high))


@validate_params({"name": [InstanceOf(str, "a parameter name of exhaustion_parameters.csv")]})
def parameter_median(name: str) -> float:
    """Median of a parameter of ``exhaustion_parameters.csv``: its value if fixed, else the geometric midpoint of its interval.

    References: villalobos2024will, epochai2024datastock.
    """
    params = _parameters()
    if name not in params:
        raise ValueError(f"name: unknown parameter {name!r}; known: {', '.join(sorted(params))}")
    p = params[name]
    if p["distribution"] == "fixed":
        return float(p["value"])
    return geometric_midpoint(low=float(p["low"]), high=float(p["high"]))


def _draw(name: str, rng: np.random.Generator, n: int) -> np.ndarray:
    p = _parameters()[name]
    if p["distribution"] == "fixed":
        return np.full(n, float(p["value"]))
    mu, sigma = lognormal_mu_sigma_for_interval(low=p["low"], high=p["high"], credibility=p["credibility"])
    return rng.lognormal(mu, sigma, n)


def _draw_log(name: str, rng: np.random.Generator, n: int) -> np.ndarray:
    """log of ``_draw(name, rng, n)`` without the exp and log: the same random stream (numpy's lognormal is exp of its normal)."""
    p = _parameters()[name]
    if p["distribution"] == "fixed":
        return np.full(n, np.log(float(p["value"])))
    mu, sigma = lognormal_mu_sigma_for_interval(low=p["low"], high=p["high"], credibility=p["credibility"])
    return rng.normal(mu, sigma, n)


# --- repetition (Muennighoff et al. 2023) ------------------------------------------------------

@validate_params({"unique_tokens": [Interval(Real, 0, None, closed="left"), ArrayLike(ndim=None, lo=0)],
                  "epochs": [Interval(Real, 1, None, closed="left"), ArrayLike(ndim=None, lo=1)],
                  "r_star": _POSITIVE})
def effective_data(unique_tokens: npt.ArrayLike, epochs: npt.ArrayLike,
                   r_star: float = R_STAR) -> float | np.ndarray:
    """Effective tokens of ``epochs`` passes over ``unique_tokens``: U + U r* (1 - exp(-(epochs - 1) / r*)) (Muennighoff et al. 2023).

    References: muennighoff2023scaling.
    """
    u = np.asarray(unique_tokens, dtype=float)
    e = np.asarray(epochs, dtype=float)
    if np.any(~np.isfinite(u)) or np.any(u < 0):
        raise ValueError("unique_tokens: must be finite and >= 0")
    if np.any(~np.isfinite(e)) or np.any(e < 1):
        raise ValueError("epochs: must be finite and >= 1 (one pass over the data at least)")
    r_star = float(r_star)
    out = u + u * r_star * (1 - np.exp(-(e - 1) / r_star))
    return float(out) if out.ndim == 0 else out


# --- stock of human text -----------------------------------------------------------------------

@validate_params({"n": _N, "year": [Interval(Real, 1990, 2100, closed="both")], "seed": _SEED,
                  "stage": [Options(str, _STAGES)], "epochs": _EPOCHS})
def stock_samples(*, n: int, year: float = 2024, seed: int | np.random.Generator | None = None,
                  stage: str = "effective", epochs: float | None = None) -> np.ndarray:
    """Monte Carlo draws of the stock of public human text in tokens at ``year`` (Villalobos et al. 2024, Sec. 2).

    ``stage`` is ``raw`` (indexed web), ``quality`` (after quality filtering) or ``effective``
    (also multiplied by the value of repetition). ``epochs`` replaces the paper's repetition
    multiplier by the Muennighoff et al. value of that many epochs (``epochs=1``: no repetition).

    References: villalobos2024will, epochai2024datastock, muennighoff2023scaling.
    """
    n = _draws(n)
    year = float(year)
    rng = np.random.default_rng(_seed(seed))
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


def _log_stock(rng, n, *, epochs=None, split=False):
    """log S(2024) and log of its yearly growth, drawn in the order of ``_stock`` (same random stream).

    ``split=True`` returns the log stock without repetition and the log repetition multiplier
    separately (for ``scenario_table``); the repetition draw is made either way, so the stream of
    later draws does not depend on ``epochs``.
    """
    log_stock = _draw_log("indexed_pages", rng, n) + _draw_log("bytes_per_page", rng, n)
    # A lognormal deficit can exceed the ceiling; a token holds at least one byte.
    log_stock -= np.log(np.maximum(_fixed("bytes_per_token_ceiling") - _draw("bytes_per_token_deficit", rng, n), 1.0))
    log_growth = _draw_log("page_size_growth", rng, n) + _draw_log("page_count_growth", rng, n)
    log_stock += _draw_log("quality_share", rng, n)
    log_repetition = _draw_log("repetition_multiplier", rng, n)
    if split:
        return log_stock, log_repetition, log_growth
    if epochs is not None:
        log_repetition = np.full(n, np.log(effective_data(1.0, epochs)))
    return log_stock + log_repetition, log_growth


# --- dataset-size trend ------------------------------------------------------------------------

class GrowthFit(NamedTuple):
    """Bootstrap OLS fit of log10(training tokens) on release date (``fit_growth``)."""

    growth_per_year: float  # 10 ** slope of the full-sample OLS fit
    bootstrap_median: float  # 10 ** median of the bootstrap slopes
    ci_low: float  # 10 ** the (1 - level) / 2 quantile of the bootstrap slopes
    ci_high: float
    level: float
    slopes: np.ndarray  # bootstrap slopes, log10 tokens per year
    intercept: float  # log10 tokens at 2024.0 on the full-sample line
    n: int


@validate_params({"df": [Frame(("training_tokens", "tokens_basis", "evidence"), min_rows=0)]})
def in_growth_fit(df: pd.DataFrame) -> pd.Series:
    """Rows of a token table that enter the growth fit: a text-token count that was seen (not recalled, not speculative, not multimodal).

    References: villalobos2024will.
    """
    _check_frame(df, ("training_tokens", "tokens_basis", "evidence"))
    return (
        df["training_tokens"].notna()
        & (df["evidence"] != "recalled_unverified")
        & ~df["tokens_basis"].isin(EXCLUDED_BASES)
    ).astype(bool)


def _check_frame(df, required) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df: expected a pandas DataFrame, got {type(df).__name__}")
    missing = set(required) - set(df.columns)
    if missing:
        raise ValueError(f"df: missing column(s) {sorted(missing)}")


@validate_params({"df": [Frame(("release_date", "training_tokens"), min_rows=3)],
                  "bootstrap": [Interval(Integral, 1, 200_000, closed="both", cap_reason="the resamples are held in memory")],
                  "seed": _SEED, "level": [Interval(Real, 0, 1, closed="neither")]})
def fit_growth(df: pd.DataFrame, *, bootstrap: int = 2000, seed: int | None = None, level: float = 0.95) -> GrowthFit:
    """Bootstrap OLS of log10(training tokens) on release date: the growth factor per year and its interval.

    ``df`` needs ``release_date`` (ISO 8601 strings ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, or
    timestamps; anything else raises ``ValueError``) and ``training_tokens`` (rows with no tokens
    are dropped). The slope ``b`` of ``log10 D = a + b (t - 2024)`` is fitted by OLS on all rows and
    on ``bootstrap`` pairs-bootstrap resamples, as the authors do (``src/dataset_size_projections.py``).

    Returns
    -------
    GrowthFit
        ``growth_per_year = 10**b`` (full sample), ``bootstrap_median``, the ``level`` interval,
        the bootstrap slopes, the intercept at 2024.0 and the number of models.

    References: villalobos2024will, epochai2024datastock.
    """
    _check_frame(df, ("release_date", "training_tokens"))
    bootstrap = int(bootstrap)
    level = float(level)
    rows = df.dropna(subset=["training_tokens"])
    tokens = rows["training_tokens"].to_numpy(dtype=float)
    if np.any(~np.isfinite(tokens)) or np.any(tokens <= 0):
        raise ValueError("df: training_tokens must be finite and > 0")
    if len(rows) < 3:
        raise ValueError(f"df: need at least 3 rows with training_tokens, got {len(rows)}")
    x = decimal_year(rows["release_date"]) - REFERENCE_YEAR
    if np.ptp(x) == 0:
        raise ValueError("df: release dates must not all be equal")
    rng = np.random.default_rng(_seed(seed))
    fit = bootstrap_slopes(x, np.log10(tokens), n_boot=bootstrap, rng=rng)
    slopes = fit["boot_slopes"]
    alpha = (1 - level) / 2
    lo, med, hi = np.quantile(slopes, [alpha, 0.5, 1 - alpha])
    return GrowthFit(
        growth_per_year=float(10 ** fit["slope"]),
        bootstrap_median=float(10**med),
        ci_low=float(10**lo),
        ci_high=float(10**hi),
        level=level,
        slopes=slopes,
        intercept=float(fit["intercept"]),
        n=int(len(x)),
    )


# --- Monte Carlo summaries --------------------------------------------------------------------

@validate_params({"draws": [ArrayLike(ndim=1, min_size=2)], "q": [Interval(Real, 0, 1, closed="neither")]})
def quantile_bootstrap_se(draws: npt.ArrayLike, q: float) -> float:
    """Monte Carlo standard error of the ``q``-quantile of ``draws``: the exact bootstrap SD, without resampling.

    The ``q``-quantile (``inverted_cdf``) of a resample is the order statistic ``x_(j)`` for which
    the number of resampled values <= ``x_(j)`` first reaches ``k = ceil(q n)``; that number is
    ``Binomial(n, j / n)``. So ``P(Q* <= x_(j)) = P(Binomial(n, j/n) >= k)``, and the bootstrap
    distribution of the quantile, hence its SD, follows in closed form (checked against resampling
    in the tests).

    References: villalobos2024will (the quantities it is applied to).
    """
    x = np.asarray(draws, dtype=float)
    if x.ndim != 1 or x.size < 2:
        raise ValueError("draws: expected a 1-D array of at least 2 values")
    q = float(q)
    n = x.size
    k = int(np.ceil(q * n))
    half = int(12 * np.sqrt(n * q * (1 - q))) + 2  # the bootstrap quantile stays within ~12 SD of k
    j = np.arange(max(k - half, 1), min(k + half, n) + 1)
    # Only the order statistics in the window are needed: partition (linear time), then sort the window.
    part = np.partition(x, [j[0] - 1, j[-1] - 1])
    values = np.sort(part[j[0] - 1 : j[-1]])
    cdf = binom.sf(k - 1, n, j / n)  # P(Q* <= x_(j))
    pmf = np.diff(np.concatenate(([0.0], cdf)))
    pmf[-1] += 1.0 - cdf[-1]
    if not np.all(np.isfinite(values[pmf > 1e-12])):
        return float("inf")
    mean = np.sum(pmf * values)
    return float(np.sqrt(np.sum(pmf * (values - mean) ** 2)))


@validate_params({"year": [Interval(Real, float(PAPER_GRID[0]), float(PAPER_GRID[-1]), closed="right")]})
def paper_grid_year(year: float) -> float:
    """The year the authors' code would report for a crossing at decimal ``year``: the last point of their grid before it.

    The code evaluates P(D >= S) on ``np.linspace(2015, 2039, 100)`` and reports
    ``grid[searchsorted(p, q) - 1]``, the grid year just before the crossing (``src/projections.py``).

    References: epochai2024datastock.
    """
    year = float(year)
    return float(PAPER_GRID[np.searchsorted(PAPER_GRID, year, side="left") - 1])


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


@validate_params({"year": [Interval(Real, 1900, 2200, closed="both")], "se": [None, Interval(Real, 0, None, closed="left")],
                  "k": [Interval(Real, 0, None, closed="left")]})
def month_label(year: float, se: float | None = None, *, k: float = 3.0) -> str:
    """The calendar month a decimal year falls in, e.g. 2028.95 -> 'December 2028' (months as twelfths of the year).

    With a Monte Carlo standard error ``se``, a value within ``k * se`` of the start of a month is
    labelled with both months ('December 2028 or January 2029'): no number of draws can make a
    median that sits on a month boundary stable to the month, so the label says so instead.

    References: villalobos2024will.
    """
    year = float(year)
    if se is not None:
        se = float(se)
        k = float(k)
        lo_month = int(np.floor((year - k * se) * 12))
        hi_month = int(np.floor((year + k * se) * 12))
        if hi_month - lo_month > 1:
            raise ValueError(f"se: {se} is too large to name a month (the interval spans more than two months)")
        if hi_month != lo_month:
            return f"{_month_name(lo_month)} or {_month_name(hi_month)}"
    return _month_name(int(np.floor(year * 12)))


def _month_name(months: int) -> str:
    return f"{MONTHS[months % 12]} {months // 12}"


# --- run-out year ------------------------------------------------------------------------------

class RunoutDistribution(NamedTuple):
    """Run-out year of one scenario (``runout_distribution``): decimal years, their MC standard errors, the paper's convention."""

    median: float
    p10: float
    p90: float
    median_se: float  # Monte Carlo standard error (exact bootstrap over draws)
    p10_se: float
    p90_se: float
    median_grid: float  # the paper's convention: grid year just before the crossing (NaN outside its 2015-2039 grid)
    p10_grid: float
    p90_grid: float
    projection: str
    n_draws: int
    years: np.ndarray  # per-draw crossing years (+inf: never; -inf: already in 2024)


def _check_scenario(overtraining, restricted_share, epochs, projection, dataset_growth):
    overtraining = check_real("overtraining", overtraining, lo=1, hi=1e4)
    restricted_share = float(restricted_share)
    if epochs is not None:
        check_real("epochs", epochs, lo=1, hi=1e4)
    check_choice("projection", projection, PROJECTIONS)
    if dataset_growth is not None:
        if not isinstance(dataset_growth, tuple) or len(dataset_growth) != 2:
            raise TypeError("dataset_growth: expected a (low, high) tuple, the 95% interval of the growth factor per year")
        low = check_real("dataset_growth[0]", dataset_growth[0], lo=0, lo_open=True, hi=1e3)
        high = check_real("dataset_growth[1]", dataset_growth[1], lo=0, lo_open=True, hi=1e3)
        if high <= low:
            raise ValueError(f"dataset_growth: high ({high}) must exceed low ({low})")
    return overtraining, restricted_share


def _draw_components(rng, n, *, projection, dataset_growth=None):
    """Log draws of one scenario-free model: stock without repetition, repetition, stock growth, D0, G.

    Pooled: ``n`` historical draws, then ``n`` compute-based draws, each with its own stock draws.
    Working with logs skips an exp and a log per array; the draws are those of ``_draw_model``.
    """
    if projection == "pooled":
        parts = [_draw_components(rng, n, projection=p, dataset_growth=dataset_growth) for p in ("historical", "compute")]
        return tuple(np.concatenate(a) for a in zip(*parts))
    log_s0, log_rep, log_g = _log_stock(rng, n, split=True)
    if projection == "historical":
        log_d0 = _draw_log("largest_dataset_2024", rng, n)
        if dataset_growth is None:
            log_gd = _draw_log("dataset_growth", rng, n)
        else:
            mu, sigma = lognormal_mu_sigma_for_interval(low=dataset_growth[0], high=dataset_growth[1], credibility=0.95)
            log_gd = rng.normal(mu, sigma, n)
    else:
        # Chinchilla: N = D / 20 and C = 6 N D give D = sqrt(20 C / 6); D grows as sqrt(g_C).
        ratio = _fixed("chinchilla_tokens_per_parameter")
        log_d0 = 0.5 * (np.log(ratio / 6.0) + _draw_log("largest_compute_2024", rng, n))
        log_gd = 0.5 * _draw_log("compute_growth", rng, n)
    return log_s0, log_rep, log_g, log_d0, log_gd


def _apply_scenario(components, *, overtraining=1.0, restricted_share=0.0, epochs=None):
    """log S0, log g, log D0, log G of a scenario from the scenario-free draws (exact: each scenario only shifts logs)."""
    log_s0, log_rep, log_g, log_d0, log_gd = components
    if epochs is not None:
        log_rep = np.log(effective_data(1.0, epochs))
    # Over-training by k (k times the tokens per parameter at the same compute) multiplies D by sqrt(k).
    return log_s0 + log_rep + np.log1p(-restricted_share), log_g, log_d0 + 0.5 * np.log(overtraining), log_gd


def _draw_model_log(rng, n, *, overtraining, restricted_share, epochs, projection="pooled", dataset_growth=None):
    """Logs of the stock and demand draws (each an exponential in t): log S0, log g, log D0, log G."""
    return _apply_scenario(_draw_components(rng, n, projection=projection, dataset_growth=dataset_growth),
                           overtraining=overtraining, restricted_share=restricted_share, epochs=epochs)


def _draw_model(rng, n, **kwargs):
    """Stock and demand draws S0, g, D0, G (see ``_draw_model_log``)."""
    return tuple(np.exp(a) for a in _draw_model_log(rng, n, **kwargs))


def _crossing_years_log(log_s0, log_g, log_d0, log_gd) -> np.ndarray:
    log_gap = log_s0 - log_d0
    log_rate = log_gd - log_g
    with np.errstate(divide="ignore", invalid="ignore"):
        t = REFERENCE_YEAR + log_gap / log_rate
    return np.where(log_rate > 0, t, np.where(log_gap > 0, np.inf, -np.inf))


@validate_params({name: [Interval(Real, 0, None, closed="neither"), ArrayLike(ndim=None, min_size=1, lo=0)]
                  for name in ("stock0", "stock_growth", "demand0", "demand_growth")})
def crossing_years(stock0: npt.ArrayLike, stock_growth: npt.ArrayLike, demand0: npt.ArrayLike,
                   demand_growth: npt.ArrayLike) -> np.ndarray:
    """Year at which D0 G^(t-2024) reaches S0 g^(t-2024), per draw (+inf if never, -inf if always above).

    ``t = 2024 + log(S0 / D0) / log(G / g)`` where demand grows faster than the stock.

    References: villalobos2024will.
    """
    arrays = [np.asarray(a, dtype=float) for a in (stock0, stock_growth, demand0, demand_growth)]
    if any(np.any(~np.isfinite(a)) or np.any(a <= 0) for a in arrays):
        raise ValueError("stock0, stock_growth, demand0, demand_growth: must be finite and > 0")
    # Demand growing no faster than the stock: it never catches up, or was always above.
    return _crossing_years_log(*(np.log(a) for a in arrays))


@validate_params({"overtraining": _OVERTRAINING, "restricted_share": _RESTRICTED, "epochs": _EPOCHS,
                  "projection": _PROJECTION, "dataset_growth": [None, InstanceOf(tuple, "a (low, high) tuple")],
                  "n": _N2, "seed": _SEED})
def runout_distribution(
    *,
    overtraining: float = 1.0,
    restricted_share: float = 0.0,
    epochs: float | None = None,
    projection: str = "pooled",
    dataset_growth: tuple[float, float] | None = None,
    n: int = 20000,
    seed: int | None = None,
) -> RunoutDistribution:
    """Distribution of the year training sets reach the effective stock (Villalobos et al. 2024, Sec. 2 and Fig. 1).

    Parameters
    ----------
    overtraining : float
        k >= 1; multiplies datasets by sqrt(k).
    restricted_share : float
        Share of the stock removed, in [0, 0.99].
    epochs : float or None
        Replaces the repetition multiplier (see ``stock_samples``).
    projection : {'pooled', 'historical', 'compute'}
        Dataset-size projection. 'pooled' concatenates ``n`` draws of each, as the paper does.
    dataset_growth : (low, high) or None
        95% interval of the historical growth factor per year (default: the parameter table, the
        authors' bootstrap on their data); used to compare fits on other model tables.
    n : int
        Draws per projection (at most ``MAX_DRAWS``).
    seed : int or None

    Returns
    -------
    RunoutDistribution
        Each draw's trajectories are exponential, so the year at which P(D(t) >= S(t)) crosses q is
        exactly the q-quantile of the per-draw crossing years (checked against a time grid in the
        tests). Every quantile carries its Monte Carlo SE (``quantile_bootstrap_se``) and its value
        in the paper's grid convention (``paper_grid_year``).

    References: villalobos2024will, epochai2024datastock.
    """
    overtraining, restricted_share = _check_scenario(overtraining, restricted_share, epochs, projection, dataset_growth)
    n = _draws(n)
    rng = np.random.default_rng(_seed(seed))
    years = _crossing_years_log(*_draw_model_log(rng, n, overtraining=overtraining, restricted_share=restricted_share,
                                                 epochs=epochs, projection=projection, dataset_growth=dataset_growth))
    return _summarise(years, projection)


def _grid_year_or_nan(year: float) -> float:
    # the authors' grid spans 2015-2039: a crossing outside it has no reading in their convention
    inside = PAPER_GRID[0] < year <= PAPER_GRID[-1]
    return paper_grid_year(year) if inside else float("nan")


def _summarise(years: np.ndarray, projection: str) -> RunoutDistribution:
    p10, median, p90 = np.quantile(years, [0.1, 0.5, 0.9], method="inverted_cdf")
    return RunoutDistribution(
        median=float(median), p10=float(p10), p90=float(p90),
        median_se=quantile_bootstrap_se(years, 0.5),
        p10_se=quantile_bootstrap_se(years, 0.1),
        p90_se=quantile_bootstrap_se(years, 0.9),
        median_grid=_grid_year_or_nan(median), p10_grid=_grid_year_or_nan(p10), p90_grid=_grid_year_or_nan(p90),
        projection=projection, n_draws=int(years.size), years=years,
    )


@validate_params({"grid_years": _YEARS, "overtraining": _OVERTRAINING, "restricted_share": _RESTRICTED,
                  "epochs": _EPOCHS, "projection": _PROJECTION, "n": _N, "seed": _SEED})
def runout_probability_grid(*, grid_years: npt.ArrayLike, overtraining: float = 1.0, restricted_share: float = 0.0,
                            epochs: float | None = None,
                            projection: str = "pooled", n: int = 20000, seed: int | None = None) -> np.ndarray:
    """P(D(t) >= S(t)) on a grid of years, the slow way the paper computes it (for checking and plotting).

    References: villalobos2024will, epochai2024datastock.
    """
    overtraining, restricted_share = _check_scenario(overtraining, restricted_share, epochs, projection, None)
    n = _draws(n)
    grid = np.asarray(grid_years, dtype=float)
    if grid.ndim != 1 or grid.size == 0 or grid.size > 10_000 or not np.all(np.isfinite(grid)):
        raise ValueError("grid_years: must be a 1-D array of 1 to 10,000 finite years")
    if n * grid.size > 2e8:
        raise ValueError(f"n: n x len(grid_years) must be at most 2e8, got {n * grid.size:.3g}")
    rng = np.random.default_rng(_seed(seed))
    ls0, lg, ld0, lgd = _draw_model_log(rng, n, overtraining=overtraining, restricted_share=restricted_share,
                                        epochs=epochs, projection=projection)
    dt = grid[:, None] - REFERENCE_YEAR
    return (ld0 + dt * lgd >= ls0 + dt * lg).mean(axis=1)


@validate_params({"years": _YEARS, "n": _N, "seed": _SEED, "quantiles": [ArrayLike(ndim=1, min_size=1, lo=0, hi=1)],
                  "overtraining": _OVERTRAINING, "projection": _PROJECTION})
def projection_bands(*, years: npt.ArrayLike, n: int = 20000, seed: int | None = None,
                     quantiles: Sequence[float] = (0.05, 0.5, 0.95),
                     overtraining: float = 1.0, projection: str = "pooled") -> pd.DataFrame:
    """Quantiles of the effective stock and of the projected largest dataset at each year (tidy: year, series, quantile, tokens).

    References: villalobos2024will.
    """
    overtraining, _ = _check_scenario(overtraining, 0.0, None, projection, None)
    n = _draws(n)
    yrs = _check_years(years)
    if yrs.size * n > 2e8:
        raise ValueError(f"years: len(years) x n must be at most 2e8, got {yrs.size * n:.3g}")
    q = np.asarray(quantiles, dtype=float)
    if q.ndim != 1 or q.size == 0 or np.any(~np.isfinite(q)) or np.any((q <= 0) | (q >= 1)):
        raise ValueError("quantiles: each must be in (0, 1)")
    rng = np.random.default_rng(_seed(seed))
    ls0, lg, ld0, lgd = _draw_model_log(rng, n, overtraining=overtraining, restricted_share=0.0, epochs=None, projection=projection)
    dt = yrs[:, None] - REFERENCE_YEAR
    # Quantiles of log-values: the exponential of a quantile of the log is the quantile of the value.
    frames = []
    for series, logv in (("stock", ls0 + dt * lg), ("dataset", ld0 + dt * lgd)):
        qs = np.exp(np.quantile(logv, q, axis=1))  # shape (len(q), len(years))
        for qi, row in zip(q, qs):
            frames.append(pd.DataFrame({"year": yrs, "series": series, "quantile": qi, "tokens": row}))
    return pd.concat(frames, ignore_index=True)


@validate_params({"years": _YEARS, "overtraining": _OVERTRAINING, "restricted_share": _RESTRICTED,
                  "projection": _PROJECTION, "n": _N2, "seed": _SEED})
def synthetic_need(*, years: npt.ArrayLike, overtraining: float = 1.0, restricted_share: float = 0.0, projection: str = "pooled",
                   n: int = 20000, seed: int | None = None) -> pd.DataFrame:
    """Synthetic tokens a frontier run in each year would need if the dataset trend continues past the stock: max(D - S, 0) and its share of D.

    Returns, per year, the median and 10th/90th percentiles of the synthetic tokens and of the
    synthetic share (and its 5th/95th percentiles), the probability that any synthetic data is needed, and the Monte Carlo SE of
    the median share (exact bootstrap over draws).

    References: villalobos2024will.
    """
    overtraining, restricted_share = _check_scenario(overtraining, restricted_share, None, projection, None)
    n = _draws(n)
    yrs = _check_years(years)
    if yrs.size * n > 2e8:
        raise ValueError(f"years: len(years) x n must be at most 2e8, got {yrs.size * n:.3g}")
    rng = np.random.default_rng(_seed(seed))
    s0, g, d0, gd = _draw_model(rng, n, overtraining=overtraining, restricted_share=restricted_share,
                                epochs=None, projection=projection)
    dt = yrs[:, None] - REFERENCE_YEAR
    demand = d0 * gd**dt
    stock = s0 * g**dt
    synthetic = np.maximum(demand - stock, 0.0)
    share = synthetic / demand
    q = [0.1, 0.5, 0.9]
    tq = np.quantile(synthetic, q, axis=1)
    sq = np.quantile(share, q, axis=1)
    # the landing page states every range as a 90% interval
    sq90 = np.quantile(share, [0.05, 0.95], axis=1)
    any_syn = (synthetic > 0).mean(axis=1)
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
            "synthetic_share_p05": sq90[0],
            "synthetic_share_p95": sq90[1],
            "synthetic_share_median_se": [quantile_bootstrap_se(row, 0.5) for row in share],
            "prob_any_synthetic": any_syn,
            "prob_any_synthetic_se": np.sqrt(any_syn * (1 - any_syn) / share.shape[1]),
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


@validate_params({"n": _N2, "seed": _SEED, "projection": _PROJECTION})
def scenario_table(*, n: int = 20000, seed: int | None = None, projection: str = "pooled") -> pd.DataFrame:
    """Median run-out year, 80% interval and MC SE of the median for each scenario in ``SCENARIOS``.

    All scenarios use the same draws (so differences are not noise): the model is drawn once and
    each scenario shifts the logs of stock or demand (``_apply_scenario``), which gives exactly what
    ``runout_distribution`` gives with the same seed (tested), several times faster.

    References: villalobos2024will, longpre2024consent, muennighoff2023scaling, hoffmann2022training.
    """
    _check_scenario(1.0, 0.0, None, projection, None)
    n = _draws(n)
    components = _draw_components(np.random.default_rng(_seed(seed)), n, projection=projection)
    rows = []
    for name, kwargs in SCENARIOS:
        r = _summarise(_crossing_years_log(*_apply_scenario(components, **kwargs)), projection)
        rows.append({"scenario": name, "median_year": r.median, "median_se": r.median_se,
                     "p10_year": r.p10, "p90_year": r.p90})
    return pd.DataFrame(rows)


class Comparison(NamedTuple):
    """Growth fit and run-out year on one table of models (``compare_model_tables``)."""

    label: str
    fit: GrowthFit | None  # None for the paper's data (its bootstrap is in the parameter table)
    growth_low: float  # 95% interval of the growth factor used in the projection
    growth_high: float
    historical: RunoutDistribution
    pooled: RunoutDistribution


@validate_params({"tables": [InstanceOf(dict, "a dict of label -> DataFrame")], "n": _N, "seed": _SEED,
                  "bootstrap": [Interval(Integral, 1, 200_000, closed="both")]})
def compare_model_tables(tables: dict, *, n: int, seed: int | None = None, bootstrap: int = 4000) -> list[Comparison]:
    """Growth fit and run-out year on the paper's data and on each table of models, with everything else equal.

    ``tables`` maps a label to a token table (``release_date``, ``training_tokens``,
    ``tokens_basis``, ``evidence``); its growth fit (rows ``in_growth_fit``) replaces the paper's
    growth interval in the historical projection, with the same seed, so differences between rows
    are not Monte Carlo noise. The first row is the paper's own growth interval.

    References: villalobos2024will, epochai2024datastock.
    """
    if not isinstance(tables, dict) or not tables:
        raise TypeError("tables: expected a non-empty dict of label -> DataFrame")
    n = _draws(n)
    p = _parameters()["dataset_growth"]
    out = [Comparison("paper", None, float(p["low"]), float(p["high"]),
                      runout_distribution(projection="historical", n=n, seed=seed),
                      runout_distribution(projection="pooled", n=n, seed=seed))]
    for label, df in tables.items():
        fit = fit_growth(df[in_growth_fit(df)], bootstrap=bootstrap, seed=seed)
        # The same summary the authors give their bootstrap: the 95% quantiles of 10**slope.
        low, high = 10 ** np.quantile(fit.slopes, [0.025, 0.975])
        growth = (float(low), float(high))
        out.append(Comparison(str(label), fit, growth[0], growth[1],
                              runout_distribution(projection="historical", dataset_growth=growth, n=n, seed=seed),
                              runout_distribution(projection="pooled", dataset_growth=growth, n=n, seed=seed)))
    return out


class IntervalBudget(NamedTuple):
    """What the compute half of the pooled projection must carry for the pooled interval to reach the paper's.

    The pooled projection mixes ``n`` historical and ``n`` compute-based draws, so its distribution
    function is ``F = (F_h + F_c) / 2``. Its lower percentile ``(1 - level) / 2`` falls before
    ``low_year + 1`` only if ``F_c(low_year + 1) >= (1 - level) - F_h(low_year + 1)``, and its upper
    percentile falls on or after ``high_year`` only if
    ``1 - F_c(high_year) >= (1 - level) - (1 - F_h(high_year))``.
    """

    low_year: int  # the paper's interval, as calendar years
    high_year: int
    level: float
    historical_below: float  # share of historical draws crossing before low_year + 1
    historical_above: float  # share crossing on or after high_year (never: counted above)
    compute_below_needed: float  # the least share of compute draws before low_year + 1
    compute_above_needed: float  # the least share on or after high_year
    compute_below: float  # our rebuilt compute projection's shares
    compute_above: float

    @property
    def reachable(self) -> bool:
        """Whether our rebuilt compute projection carries what the paper's interval needs."""
        return self.compute_below >= self.compute_below_needed and self.compute_above >= self.compute_above_needed


class _PooledConstraint(InstanceOf):
    @property
    def example(self) -> RunoutDistribution:
        """A valid value for tests that need one: four pooled draws."""
        return _summarise(np.array([2027.0, 2028.0, 2029.0, 2031.0]), "pooled")


@validate_params({"pooled": [_PooledConstraint(RunoutDistribution, "a pooled RunoutDistribution")],
                  "low_year": [Interval(Integral, 2015, 2039, closed="both")],
                  "high_year": [Interval(Integral, 2015, 2039, closed="both")],
                  "level": [Interval(Real, 0, 1, closed="neither")]},
                 relations=[ordered("low_year", "high_year")])
def interval_budget(pooled: RunoutDistribution, *, low_year: int, high_year: int, level: float = 0.8) -> IntervalBudget:
    """How much of its mass the compute half must put outside the paper's interval for the pooled one to reach it.

    The historical half of the pooled projection is rebuilt from published inputs only (the
    bootstrap on the authors' data file, the 2024 starting point and the stock model); the compute
    half takes its future compute from a file of the authors that is too large to retrieve, which we
    replace by a lognormal trend. Splitting the pooled draws in their halves shows which of the two
    must carry the width of the paper's interval (see :class:`IntervalBudget` for the conditions).

    Parameters
    ----------
    pooled : RunoutDistribution
        A pooled run-out distribution (``runout_distribution(projection="pooled")``): its first half
        of draws historical, its second compute-based.
    low_year, high_year : int
        The paper's interval as calendar years (2026 and 2032).
    level : float
        Probability of the interval (0.8).

    Returns
    -------
    IntervalBudget
        Shares of each half before ``low_year + 1`` and from ``high_year`` on, and the least shares
        the compute half needs.

    References
    ----------
    villalobos2024will, epochai2024datastock.
    """
    if pooled.projection != "pooled" or pooled.years.size % 2:
        raise ValueError("pooled: needs the draws of a pooled projection (historical half, then compute half)")
    n = pooled.years.size // 2
    hist, comp = pooled.years[:n], pooled.years[n:]
    tail = 1 - level
    h_below, h_above = float(np.mean(hist < low_year + 1)), float(np.mean(hist >= high_year))
    return IntervalBudget(
        low_year=low_year, high_year=high_year, level=level,
        historical_below=h_below, historical_above=h_above,
        compute_below_needed=max(0.0, tail - h_below), compute_above_needed=max(0.0, tail - h_above),
        compute_below=float(np.mean(comp < low_year + 1)), compute_above=float(np.mean(comp >= high_year)),
    )
