"""Model collapse: models refit, generation after generation, to samples drawn from the previous model.

Three settings where the theory is exact, so every simulation can be checked against a closed form:

- a 1-D Gaussian refit by its sample mean and variance (Shumailov et al. 2024, Theorem 3.1 and the
  released code; Gerstgrasser et al. 2024 for data that accumulate);
- a categorical distribution (a unigram language model) refit by empirical frequencies, which is a
  Wright-Fisher chain: diversity decays geometrically and the chain ends on a single category;
- ordinary least squares refit to labels produced by the previous fit (Dohmatob, Feng & Kempe 2024;
  Gerstgrasser et al. 2024), with a fixed design matrix.

Generation 0 is always the true distribution; generation 1 is fitted to real data only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.optimize import brentq
from scipy.special import digamma, gammaln, polygamma
from analysis.core.validation import (FRACTION, MAX_GENERATIONS, ArrayLike, Integral, Interval, Options, Real, Relation, Seed, same_length, check_finite_output, check_int,
                                 check_seed, validate_params)

__all__ = [
    "GaussianPaths",
    "gaussian_recursion",
    "wasserstein2_sq",
    "expected_w2_first_generation",
    "gaussian_theory",
    "accumulate_var_theory",
    "mixing_theory",
    "smallest_sufficient_fraction",
    "real_fraction_grid",
    "mean_error_threshold",
    "fan_quantiles",
    "CategoricalPaths",
    "categorical_recursion",
    "gini_simpson_theory",
    "linear_regression_recursion",
    "regression_theory",
    "halving_generations",
    "accumulate_var_limit",
    "first_order_threshold",
    "regression_unit",
    "MixedRegressionError",
    "mixed_regression_theory",
    "mixed_regression_curve",
    "mixed_regression_simulation",
    "mixed_regression_floor",
    "max_synthetic_fraction",
    "mixed_regression_crossover",
]

ESTIMATORS = ("unbiased", "mle")
WORKFLOWS = ("replace", "accumulate")
METHODS = ("exact", "sample")
# the sample method holds one (chains x sample_size) block at a time; above this it goes chain-block by block
_SAMPLE_BLOCK = 4_000_000
# caps on loop counts and sizes: beyond them a call would run for minutes to hours or exhaust memory on
# the two-core machine the report is built on (the product caps are checked in the functions)
_MAX_GENERATIONS = 100_000
_MAX_CHAINS = 10**6
_MAX_SAMPLE = 10**9
_MAX_DRAWS = 2 * 10**9  # generations x chains (random numbers drawn by the exact method, two per cell)
_MAX_CELLS = 2 * 10**8  # elements held in memory at once (design matrices, categorical tables)
_MAX_THRESHOLD_SIZE = 20_000  # mean_error_threshold scans every R = 0..M, each for every generation

_GEN = Interval(Integral, 1, _MAX_GENERATIONS, closed="both", cap_reason="time: one loop step per generation")
_GEN0 = Interval(Integral, 0, _MAX_GENERATIONS, closed="both", cap_reason="time: one loop step per generation")
_CHAINS = Interval(Integral, 1, _MAX_CHAINS, closed="both", cap_reason="memory: one value per chain and generation")
_SIZE = Interval(Integral, 2, _MAX_SAMPLE, closed="both", cap_reason="time and memory")
_POS = Interval(Real, 0, None, closed="neither")
_REAL = Interval(Real, None, None)
_FRACTION = FRACTION  # [0, 1], the shared meaning
_ESTIMATOR = Options(str, ESTIMATORS)


class CategoricalPaths(NamedTuple):
    """Result of :func:`categorical_recursion`: the per-generation, per-chain ``table`` and the
    fitted probabilities at the requested generations (``snapshots[g]``, shape (chains, K); empty if none requested)."""

    table: pd.DataFrame
    snapshots: dict


class GaussianPaths(NamedTuple):
    """Fitted means and variances, arrays of shape (generations + 1, chains); row 0 is the truth."""

    mean: np.ndarray
    var: np.ndarray


# --------------------------------------------------------------------------------------------------
# input checks


def _check_work(name: str, amount: int, cap: int) -> None:
    """Refuse a call whose combined size (a product of parameters) would take unreasonable time or memory."""
    if amount > cap:
        raise ValueError(f"{name}: must be <= {cap:,}, got {amount:,} (capped: time and memory on one machine)")


def _rng(seed) -> np.random.Generator:
    return np.random.default_rng(check_seed(seed))


# --------------------------------------------------------------------------------------------------
# 1-D Gaussian


@validate_params({"generations": [_GEN], "sample_size": [_SIZE], "chains": [_CHAINS], "estimator": [_ESTIMATOR],
                  "workflow": [Options(str, WORKFLOWS)], "real_fraction": [_FRACTION], "mu0": [_REAL],
                  "sigma0": [_POS], "method": [Options(str, METHODS)], "seed": [Seed()]})
def gaussian_recursion(
    *,
    generations: int,
    sample_size: int,
    chains: int,
    estimator: str = "unbiased",
    workflow: str = "replace",
    real_fraction: float = 0.0,
    mu0: float = 0.0,
    sigma0: float = 1.0,
    method: str = "exact",
    seed: int | None = None,
) -> GaussianPaths:
    """Refit N(mean, var) to samples of the previous fit, for many independent chains (Shumailov et al. 2024, Gerstgrasser et al. 2024).

    Each generation draws ``sample_size`` points: ``round(real_fraction * sample_size)`` from the
    true N(mu0, sigma0^2), the rest from the current fit. ``workflow="replace"`` fits on these points
    only; ``"accumulate"`` adds them to a pool holding every earlier generation's points (generation 1
    pools the first real sample) and fits on the pool. ``estimator`` divides the sum of squares by
    n - 1 (``"unbiased"``, the theorem) or n (``"mle"``, ``np.std`` in the released code).
    ``method="sample"`` draws every point; ``method="exact"`` draws only each group's sufficient
    statistics, the sample mean ~ N(m, s^2/n) and the sum of squares ~ s^2 chi^2_{n-1}, independent,
    and pools groups with the exact identity SS = SS_1 + SS_2 + n_1 n_2 / n (mean_1 - mean_2)^2.
    Both give the same distribution; exact costs two random numbers per group and generation.

    Parameters
    ----------
    generations : int
        Generations fitted after the truth, 1..100,000 (generations x chains <= 10^9).
    sample_size : int
        Points per generation M, >= 2.
    chains : int
        Independent chains, 1..10^6.
    estimator : {"unbiased", "mle"}
        Divide the sum of squares by M - 1 or by M.
    workflow : {"replace", "accumulate"}
        Fit on the newest points only, or on the pool of all points so far.
    real_fraction : float
        Share of each generation's points drawn from the truth, in [0, 1].
    mu0, sigma0 : float
        Mean and standard deviation (> 0) of the true normal.
    method : {"exact", "sample"}
        Sufficient-statistic draws or every point.
    seed : int, Generator or None
        Seed of the random generator.

    Returns
    -------
    GaussianPaths
        ``mean`` and ``var``, arrays of shape (generations + 1, chains); row 0 is the truth.

    References
    ----------
    shumailov2024ai, gerstgrasser2024model
    """
    generations = int(generations)
    sample_size = int(sample_size)
    chains = int(chains)
    real_fraction = float(real_fraction)
    mu0 = float(mu0)
    sigma0 = float(sigma0)
    _check_work("generations x chains", generations * chains, _MAX_DRAWS // 2)
    rng = _rng(seed)

    n_real = int(round(real_fraction * sample_size))
    n_syn = sample_size - n_real
    ddof = 1 if estimator == "unbiased" else 0
    draw = _draw_exact if method == "exact" else _draw_sample

    mean = np.empty((generations + 1, chains))
    var = np.empty((generations + 1, chains))
    mean[0], var[0] = mu0, sigma0**2
    pool_n, pool_mean, pool_ss = 0, np.zeros(chains), np.zeros(chains)
    for t in range(1, generations + 1):
        if t == 1:
            # the generation-0 model is the truth, so the first training set is entirely real
            n, m, ss = draw(rng, sample_size, np.full(chains, mu0), np.full(chains, sigma0**2))
        else:
            n, m, ss = draw(rng, n_syn, mean[t - 1], var[t - 1])
            if n_real:
                n, m, ss = _pool(n, m, ss, *draw(rng, n_real, np.full(chains, mu0), np.full(chains, sigma0**2)))
        if workflow == "accumulate":
            pool_n, pool_mean, pool_ss = _pool(pool_n, pool_mean, pool_ss, n, m, ss)
            n, m, ss = pool_n, pool_mean, pool_ss
        mean[t] = m
        var[t] = ss / (n - ddof)
    return GaussianPaths(mean=mean, var=var)


def _pool(n1, m1, ss1, n2, m2, ss2):
    """Size, mean and sum of squared deviations of two groups merged (exact, Chan et al.'s update)."""
    if n1 == 0:
        return n2, m2, ss2
    if n2 == 0:
        return n1, m1, ss1
    n = n1 + n2
    delta = m2 - m1
    return n, m1 + delta * (n2 / n), ss1 + ss2 + delta**2 * (n1 * n2 / n)


def _draw_exact(rng, n, mean, var):
    if n == 0:
        return 0, np.zeros_like(mean), np.zeros_like(mean)
    sd = np.sqrt(var)
    m = mean + sd * rng.standard_normal(mean.shape) / np.sqrt(n)
    ss = var * rng.chisquare(n - 1, mean.shape) if n > 1 else np.zeros_like(mean)
    return n, m, ss


def _draw_sample(rng, n, mean, var):
    if n == 0:
        return 0, np.zeros_like(mean), np.zeros_like(mean)
    sd = np.sqrt(var)
    m = np.empty_like(mean)
    ss = np.empty_like(mean)
    step = max(1, _SAMPLE_BLOCK // n)
    for lo in range(0, mean.shape[0], step):
        block = slice(lo, lo + step)
        x = mean[block, None] + sd[block, None] * rng.standard_normal((len(mean[block]), n))
        m[block] = x.mean(axis=1)
        ss[block] = ((x - m[block, None]) ** 2).sum(axis=1)
    return n, m, ss


@validate_params({"mean": [ArrayLike(ndim=None), _REAL], "var": [ArrayLike(ndim=None, lo=0.0), Interval(Real, 0, None)],
                  "mu0": [_REAL], "sigma0": [_POS]})
def wasserstein2_sq(mean: npt.ArrayLike, var: npt.ArrayLike, *, mu0: float = 0.0,
                    sigma0: float = 1.0) -> float | np.ndarray:
    """Squared 2-Wasserstein distance between N(mean, var) and N(mu0, sigma0^2): (mean - mu0)^2 + (sd - sigma0)^2.

    Parameters
    ----------
    mean, var : float or array
        Means and variances (>= 0) of the fitted normals, same shape.
    mu0, sigma0 : float
        The true normal (sigma0 > 0).

    Returns
    -------
    numpy.ndarray
        Squared 2-Wasserstein distances, the shape of ``mean``.

    References
    ----------
    shumailov2024ai
    """
    mean = np.asarray(mean, dtype=float)
    var = np.asarray(var, dtype=float)
    if mean.shape != var.shape:
        raise ValueError(f"mean, var: shapes differ ({mean.shape} vs {var.shape})")
    if np.any(var < 0) or not np.all(np.isfinite(var)):
        raise ValueError("var: variances must be finite and >= 0")
    mu0 = float(mu0)
    sigma0 = float(sigma0)
    return (mean - mu0) ** 2 + (np.sqrt(var) - sigma0) ** 2


@validate_params({"sample_size": [_SIZE], "estimator": [_ESTIMATOR], "sigma0": [_POS]})
def expected_w2_first_generation(*, sample_size: int, estimator: str = "unbiased", sigma0: float = 1.0) -> float:
    """E W2^2 after one fit to real data: sigma0^2/M + E(sd_hat - sigma0)^2, with sd_hat^2 = c sigma0^2 chi^2_{M-1} (closed form).

    Parameters
    ----------
    sample_size : int
        Points M of the real sample, >= 2.
    estimator : {"unbiased", "mle"}
        Variance estimator.
    sigma0 : float
        True standard deviation, > 0.

    Returns
    -------
    float
        sigma0^2 [1/M + c(M-1) - 2 sqrt(c) E chi_{M-1} + 1], with c = 1/(M-1) or 1/M and
        E chi_k = sqrt(2) Gamma((k+1)/2) / Gamma(k/2).

    References
    ----------
    shumailov2024ai
    """
    m = int(sample_size)
    sigma0 = float(sigma0)
    k = m - 1
    c = 1.0 / (m - 1) if estimator == "unbiased" else 1.0 / m
    e_sqrt_chi2 = np.sqrt(2.0) * np.exp(gammaln((k + 1) / 2) - gammaln(k / 2))
    e_sd_err = c * k - 2.0 * np.sqrt(c) * e_sqrt_chi2 + 1.0
    return float(sigma0**2 * (1.0 / m + e_sd_err))


@validate_params({"generations": [_GEN0], "sample_size": [_SIZE], "estimator": [_ESTIMATOR], "sigma0": [_POS]})
def gaussian_theory(*, generations: int, sample_size: int, estimator: str = "unbiased", sigma0: float = 1.0) -> pd.DataFrame:
    """Exact moments of the replace recursion with no real data, for t = 0..generations (derived from the chi-square law of the refit).

    ``var_mean`` = E var_t: sigma0^2 (unbiased, a martingale) or sigma0^2 ((M-1)/M)^t (MLE).
    ``mean_sq_err`` = E (mean_t - mu0)^2: t sigma0^2 / M (unbiased) or sigma0^2 (1 - ((M-1)/M)^t) (MLE).
    ``log_var_drift`` = E log var_t - log sigma0^2 = t [digamma((M-1)/2) + ln(2/(M-1))] (unbiased; ln(2/M) for MLE).
    ``log_var_var`` = Var log var_t = t trigamma((M-1)/2), for either estimator.

    Parameters
    ----------
    generations : int
        Last generation t, 0..100,000.
    sample_size : int
        Points per generation M, >= 2.
    estimator : {"unbiased", "mle"}
        Variance estimator.
    sigma0 : float
        True standard deviation, > 0.

    Returns
    -------
    pandas.DataFrame
        Columns generation, var_mean, mean_sq_err, log_var_drift, log_var_var.

    References
    ----------
    shumailov2024ai

    Examples
    --------
    With the unbiased variance estimator the expected variance stays at sigma0^2 while the mean's
    squared error grows by sigma0^2 / M a generation:

    >>> gaussian_theory(generations=2, sample_size=100)[["generation", "var_mean", "mean_sq_err"]]
       generation  var_mean  mean_sq_err
    0           0       1.0         0.00
    1           1       1.0         0.01
    2           2       1.0         0.02
    """
    generations = int(generations)
    m = int(sample_size)
    sigma0 = float(sigma0)
    t = np.arange(generations + 1, dtype=float)
    s2 = sigma0**2
    if estimator == "unbiased":
        var_mean = np.full_like(t, s2)
        mean_sq = t * s2 / m
        drift = digamma((m - 1) / 2) + np.log(2.0 / (m - 1))
    else:
        shrink = ((m - 1) / m) ** t
        var_mean = s2 * shrink
        mean_sq = s2 * (1.0 - shrink)
        drift = digamma((m - 1) / 2) + np.log(2.0 / m)
    return pd.DataFrame(
        {
            "generation": t.astype(int),
            "var_mean": var_mean,
            "mean_sq_err": mean_sq,
            "log_var_drift": t * drift,
            "log_var_var": t * float(polygamma(1, (m - 1) / 2)),
        }
    )


@validate_params({"generations": [_GEN0], "sample_size": [_SIZE], "sigma0": [_POS]})
def accumulate_var_theory(*, generations: int, sample_size: int, sigma0: float = 1.0) -> np.ndarray:
    """E var_t under accumulate with the MLE, t = 0..generations: sigma0^2 (n-1)/n prod_{i=2..t} (1 - 1/(n i^2)) (derived; limit sigma0^2 sqrt(n) sin(pi/sqrt(n))/pi).

    Parameters
    ----------
    generations : int
        Last generation, 0..100,000.
    sample_size : int
        Points added per generation n, >= 2.
    sigma0 : float
        True standard deviation, > 0.

    Returns
    -------
    numpy.ndarray
        E var_t for t = 0..generations.

    References
    ----------
    gerstgrasser2024model
    """
    generations = int(generations)
    n = int(sample_size)
    sigma0 = float(sigma0)
    out = np.empty(generations + 1)
    out[0] = sigma0**2
    if generations >= 1:
        i = np.arange(2, generations + 1, dtype=float)
        out[1:] = sigma0**2 * (n - 1) / n * np.concatenate([[1.0], np.cumprod(1.0 - 1.0 / (n * i**2))])
    return out


@validate_params({"generations": [_GEN0], "sample_size": [_SIZE], "real_fraction": [_FRACTION],
                  "estimator": [_ESTIMATOR], "sigma0": [_POS]})
def mixing_theory(
    *, generations: int, sample_size: int, real_fraction: float, estimator: str = "unbiased", sigma0: float = 1.0
) -> pd.DataFrame:
    """Exact E (mean_t - mu0)^2 and E var_t for replace with a fixed real fraction, t = 0..generations (first-moment recursion).

    With R real and S = M - R synthetic points and m, v the previous generation's values:
    m_t = (R sigma0^2 + S^2 m + S v) / M^2 and
    v_t = [(R - 1 + S/M) sigma0^2 + (S - 1 + R/M) v + (R S / M) m] / (M - ddof),
    the Gaussian case of the fresh-data loop of Alemohammad et al. (2024) with lambda = 1.

    Parameters
    ----------
    generations : int
        Last generation, 0..100,000.
    sample_size : int
        Points per generation M, >= 2.
    real_fraction : float
        Share of real points per generation, in [0, 1] (R = round(real_fraction M)).
    estimator : {"unbiased", "mle"}
        Variance estimator.
    sigma0 : float
        True standard deviation, > 0.

    Returns
    -------
    pandas.DataFrame
        Columns generation, mean_sq_err, var_mean.

    References
    ----------
    alemohammad2024self
    """
    generations = int(generations)
    m_size = int(sample_size)
    real_fraction = float(real_fraction)
    sigma0 = float(sigma0)
    s2 = sigma0**2
    r = int(round(real_fraction * m_size))
    s = m_size - r
    divisor = m_size - (1 if estimator == "unbiased" else 0)
    m = np.zeros(generations + 1)
    v = np.full(generations + 1, s2)
    for t in range(1, generations + 1):
        if t == 1 or s == 0:
            m[t], v[t] = s2 / m_size, s2 * (m_size - 1) / divisor
            continue
        m[t] = (r * s2 + s * s * m[t - 1] + s * v[t - 1]) / m_size**2
        ss = (s - 1) * v[t - 1]
        if r:
            ss += (r - 1 + s / m_size) * s2 + (r / m_size) * v[t - 1] + (r * s / m_size) * m[t - 1]
        v[t] = ss / divisor
    return pd.DataFrame({"generation": np.arange(generations + 1), "mean_sq_err": m, "var_mean": v})


@validate_params({"fractions": [ArrayLike(min_size=1, lo=0.0, hi=1.0, increasing=True, max_size=10**6)],
                  "ratios": [ArrayLike(min_size=1, lo=0.0, max_size=10**6)],
                  "tolerance": [Interval(Real, 0, None, closed="neither")]},
                 relations=[same_length("fractions", "ratios")])
def smallest_sufficient_fraction(fractions: npt.ArrayLike, ratios: npt.ArrayLike, *, tolerance: float = 0.10) -> float:
    """Smallest real fraction on a grid from which every larger fraction keeps error / error_1 <= 1 + tolerance (NaN if none).

    Parameters
    ----------
    fractions : array of float
        Strictly increasing grid of real fractions, each in [0, 1].
    ratios : array of float
        Error ratio (>= 0) at each fraction, same length.
    tolerance : float
        Allowed relative increase, > 0.

    Returns
    -------
    float
        The smallest grid fraction from which every larger one is within 1 + tolerance, or NaN.

    References
    ----------
    alemohammad2024self

    Examples
    --------
    >>> smallest_sufficient_fraction([0.1, 0.5, 0.9], [2.0, 1.05, 1.0], tolerance=0.10)
    0.5
    """
    f = np.asarray(fractions, dtype=float)
    r = np.asarray(ratios, dtype=float)
    ok = r <= 1.0 + tolerance
    # require the condition to hold from the threshold upwards, so a lucky Monte Carlo dip below it is not reported
    tail_ok = np.flip(np.logical_and.accumulate(np.flip(ok)))
    return float(f[np.argmax(tail_ok)]) if tail_ok.any() else float("nan")


@validate_params({"fractions": [ArrayLike(min_size=1, lo=0.0, hi=1.0, max_size=1000)],
                  "sample_sizes": [ArrayLike(ndim=None, min_size=1, lo=2, hi=_MAX_SAMPLE, integer=True, max_size=1000),
                                   _SIZE],
                  "generations": [_GEN], "chains": [_CHAINS], "estimator": [_ESTIMATOR],
                  "seed": [Interval(Integral, 0, 4000, closed="both")]})
def real_fraction_grid(
    *,
    fractions: npt.ArrayLike,
    sample_sizes: npt.ArrayLike,
    generations: int,
    chains: int,
    estimator: str = "unbiased",
    seed: int = 0,
) -> pd.DataFrame:
    """E W2^2 after ``generations`` of replace with each real fraction and sample size, relative to the exact generation-1 value.

    One row per (sample_size, real_fraction): ``w2`` (mean over chains), ``w2_se`` (its Monte Carlo
    standard error), ``w2_first`` (exact E W2^2 at generation 1), ``ratio`` = w2 / w2_first and
    ``ratio_se``. Each cell uses its own seed derived from ``seed`` and the cell's position.

    Parameters
    ----------
    fractions : array of float
        Real fractions in [0, 1].
    sample_sizes : int or array of int
        Points per generation, each >= 2.
    generations : int
        Generations of the recursion, 1..100,000.
    chains : int
        Chains per cell, 1..10^6.
    estimator : {"unbiased", "mle"}
        Variance estimator.
    seed : int
        Base seed, 0..4000 (cell seeds are derived from it).

    Returns
    -------
    pandas.DataFrame
        Columns sample_size, real_fraction, w2, w2_se, w2_first, ratio, ratio_se.

    References
    ----------
    shumailov2024ai, alemohammad2024self
    """
    fractions = np.asarray(fractions, dtype=float)
    sizes = [int(m) for m in np.atleast_1d(sample_sizes).tolist()]
    if fractions.ndim != 1 or fractions.size == 0 or np.any((fractions < 0) | (fractions > 1)):
        raise ValueError("fractions: need a non-empty 1-D array of values in [0, 1]")
    seed = int(seed)
    rows = []
    for i, m in enumerate(sizes):
        first = expected_w2_first_generation(sample_size=m, estimator=estimator)
        for j, f in enumerate(fractions):
            g = gaussian_recursion(generations=generations, sample_size=m, chains=chains, estimator=estimator,
                                   real_fraction=float(f), seed=seed * 1_000_003 + i * 1009 + j)
            w = wasserstein2_sq(g.mean[-1], g.var[-1])
            se = w.std(ddof=1) / np.sqrt(w.size)
            rows.append({"sample_size": m, "real_fraction": float(f), "w2": w.mean(), "w2_se": se,
                         "w2_first": first, "ratio": w.mean() / first, "ratio_se": se / first})
    return pd.DataFrame(rows)


@validate_params({"sample_size": [Interval(Integral, 2, _MAX_THRESHOLD_SIZE, closed="both",
                                           cap_reason="time: the scan solves the recursion for every R = 0..M")],
                  "generations": [Interval(Integral, 1, MAX_GENERATIONS, closed="both", cap_reason="time: one step per generation")],
                  "tolerance": [Interval(Real, 0, None, closed="neither")], "estimator": [_ESTIMATOR]})
def mean_error_threshold(*, sample_size: int, generations: int, tolerance: float = 0.10, estimator: str = "unbiased") -> float:
    """Smallest real fraction R/M keeping the mean's error at ``generations`` within 1 + tolerance of generation 1.

    Scans every R = 0..M with the exact first-moment recursion of :func:`mixing_theory`, vectorised
    over R (one pass over the generations), and applies :func:`smallest_sufficient_fraction` to the
    ratios E(mean_t - mu0)^2 / E(mean_1 - mu0)^2 = M E(mean_t - mu0)^2 / sigma0^2.

    Parameters
    ----------
    sample_size : int
        Points per generation M, 2 <= M <= 20,000 (the scan costs M x generations steps).
    generations : int
        Generation t at which the error is compared, 1 <= t <= 10,000.
    tolerance : float
        Allowed relative increase over the first generation's error, > 0.
    estimator : {"unbiased", "mle"}
        Variance estimator of the refit.

    Returns
    -------
    float
        The smallest fraction R/M from which every larger fraction keeps the ratio within 1 + tolerance.

    References
    ----------
    alemohammad2024self, shumailov2024ai
    """
    m = int(sample_size)
    fractions = np.arange(m + 1) / m
    ratios = _mixing_mean_sq(generations=int(generations), sample_size=m, n_real=np.arange(m + 1), estimator=estimator) * m
    return smallest_sufficient_fraction(fractions, ratios, tolerance=tolerance)


def _mixing_mean_sq(*, generations: int, sample_size: int, n_real: np.ndarray, estimator: str) -> np.ndarray:
    """E (mean_t - mu0)^2 at t = generations for every real count in ``n_real`` (sigma0 = 1), vectorised form of mixing_theory."""
    m_size = sample_size
    r = np.asarray(n_real, dtype=float)
    s = m_size - r
    divisor = m_size - (1 if estimator == "unbiased" else 0)
    m = np.full(r.shape, 1.0 / m_size)
    v = np.full(r.shape, (m_size - 1) / divisor)
    if generations == 1:
        return m
    has_real = r > 0
    for _ in range(2, generations + 1):
        m_new = (r + s * s * m + s * v) / m_size**2
        ss = (s - 1) * v + np.where(has_real, (r - 1 + s / m_size) + (r / m_size) * v + (r * s / m_size) * m, 0.0)
        v = ss / divisor
        m = m_new
    # with no synthetic data every generation is a fresh fit (mixing_theory's s == 0 branch)
    return np.where(s == 0, 1.0 / m_size, m)


# values: ndim checked in the body (a 2-d declaration would make the generic fuzz harness pass 1-d placeholders)
@validate_params({"values": [ArrayLike(ndim=None, min_size=1)], "quantiles": [ArrayLike(min_size=1, lo=0.0, hi=1.0)]})
def fan_quantiles(values: npt.ArrayLike, *, quantiles: Sequence[float] = (0.1, 0.5, 0.9)) -> pd.DataFrame:
    """Per-generation quantiles over chains of a (generations + 1, chains) array, as a tidy table (generation, q, value).

    Parameters
    ----------
    values : 2-d array
        Shape (generations + 1, chains).
    quantiles : array of float
        Quantile levels in [0, 1].

    Returns
    -------
    pandas.DataFrame
        Columns generation, q, value.

    References
    ----------
    shumailov2024ai
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 2:
        raise ValueError(f"values: expected a (generations + 1, chains) array, got shape {values.shape}")
    qs = np.asarray(quantiles, dtype=float)
    if qs.ndim != 1 or np.any((qs < 0) | (qs > 1)):
        raise ValueError("quantiles: need values in [0, 1]")
    table = np.quantile(values, qs, axis=1)
    return pd.DataFrame(
        {
            "generation": np.tile(np.arange(values.shape[0]), qs.size),
            "q": np.repeat(qs, values.shape[0]),
            "value": table.ravel(),
        }
    )


# --------------------------------------------------------------------------------------------------
# categorical (unigram language model)


@validate_params({"probs": [ArrayLike(min_size=2, lo=0.0, max_size=10**6)], "generations": [_GEN],
                  "sample_size": [_SIZE], "chains": [Interval(Integral, 1, 100_000, closed="both", cap_reason="memory")],
                  "top_k": [Interval(Integral, 1, None, closed="left")], "pseudo_count": [_POS],
                  "snapshot_generations": [ArrayLike(integer=True, lo=0), None], "seed": [Seed()]})
def categorical_recursion(
    probs: npt.ArrayLike,
    *,
    generations: int,
    sample_size: int,
    chains: int,
    top_k: int = 100,
    pseudo_count: float = 0.5,
    snapshot_generations: Sequence[int] | None = None,
    seed: int | None = None,
) -> CategoricalPaths:
    """Refit a categorical distribution to ``sample_size`` draws from the previous fit (empirical frequencies; Shumailov et al. 2024, Sec. 3.1).

    The table has one row per generation and chain, with ``support_size`` (categories
    with non-zero probability), ``lost_mass`` (original probability of the categories the model can
    no longer produce), ``tail_mass`` (probability on categories ranked below ``top_k`` in
    the original distribution), ``gini_simpson`` (1 - sum p^2), ``entropy_bits`` and
    ``cross_entropy_bits``: the cross-entropy of the original distribution under the current model
    after add-``pseudo_count`` smoothing, q = (M p + a) / (M + a K). Smoothing is applied only when
    scoring, at every generation including 0; the next generation samples the unsmoothed fit.
    ``snapshots[g]`` is the (chains, K) array of fitted probabilities at each generation g of
    ``snapshot_generations``, categories in the order of ``probs``. One return type whatever the
    arguments (issue 18): a :class:`CategoricalPaths`.

    Parameters
    ----------
    probs : array of float
        The true distribution (>= 2 categories, non-negative, summing to 1).
    generations : int
        Generations, 1..100,000.
    sample_size : int
        Draws per generation M, >= 2.
    chains : int
        Independent chains, 1..100,000 (chains x categories <= 2 x 10^7).
    top_k : int
        Rank below which a category counts as tail, smaller than the number of categories.
    pseudo_count : float
        Smoothing used when scoring, > 0.
    snapshot_generations : list of int or None
        Generations whose fitted probabilities are returned.
    seed : int, Generator or None
        Seed of the random generator.

    Returns
    -------
    CategoricalPaths
        ``table`` (pandas.DataFrame) and ``snapshots`` (dict, empty without ``snapshot_generations``).

    References
    ----------
    shumailov2024ai
    """
    p0 = _probs(probs)
    generations = int(generations)
    sample_size = int(sample_size)
    chains = int(chains)
    top_k = int(top_k)
    if top_k >= p0.size:
        raise ValueError(f"top_k: must be smaller than the number of categories ({p0.size}), got {top_k}")
    pseudo_count = float(pseudo_count)
    keep = _snapshots(snapshot_generations, generations)
    _check_work("chains x categories", chains * p0.size, _MAX_CELLS // 10)
    _check_work("generations x chains x categories", generations * chains * p0.size, 10 * _MAX_CELLS)
    rng = _rng(seed)

    k = p0.size
    order = np.argsort(-p0, kind="stable")
    tail = np.zeros(k, dtype=bool)
    tail[order[top_k:]] = True
    log_q_denominator = np.log2(sample_size + pseudo_count * k)

    tables, snaps = [], {}
    p = np.broadcast_to(p0, (chains, k)).copy()
    for t in range(generations + 1):
        if t > 0:
            p = rng.multinomial(sample_size, p) / sample_size
        if t in keep:
            snaps[t] = p.copy()
        plogp = np.where(p > 0, p * np.log2(np.where(p > 0, p, 1.0)), 0.0)
        log_q = np.log2(sample_size * p + pseudo_count) - log_q_denominator
        tables.append(
            pd.DataFrame(
                {
                    "generation": t,
                    "chain": np.arange(chains),
                    "support_size": (p > 0).sum(axis=1),
                    "lost_mass": (p == 0) @ p0,
                    "tail_mass": p[:, tail].sum(axis=1),
                    "gini_simpson": 1.0 - (p**2).sum(axis=1),
                    "entropy_bits": -plogp.sum(axis=1),
                    "cross_entropy_bits": -(log_q @ p0),
                }
            )
        )
    table = pd.concat(tables, ignore_index=True)
    return CategoricalPaths(table=table, snapshots=snaps)


@validate_params({"probs": [ArrayLike(min_size=2, lo=0.0, max_size=10**6)], "generations": [_GEN0], "sample_size": [_SIZE]})
def gini_simpson_theory(probs: npt.ArrayLike, *, generations: int, sample_size: int) -> np.ndarray:
    """E Gini-Simpson_t = GS_0 (1 - 1/M)^t for the categorical refit, t = 0..generations (Wright-Fisher heterozygosity decay).

    Parameters
    ----------
    probs : array of float
        The true distribution.
    generations : int
        Last generation, 0..100,000.
    sample_size : int
        Draws per generation M, >= 2.

    Returns
    -------
    numpy.ndarray
        E GS_t for t = 0..generations.

    References
    ----------
    shumailov2024ai
    """
    p0 = _probs(probs)
    generations = int(generations)
    m = int(sample_size)
    return (1.0 - np.sum(p0**2)) * (1.0 - 1.0 / m) ** np.arange(generations + 1)


def _probs(probs) -> np.ndarray:
    try:
        p = np.asarray(probs, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("probs: expected a 1-D array of probabilities") from None
    if p.ndim != 1 or p.size < 2:
        raise ValueError(f"probs: need a 1-D array of at least 2 probabilities, got shape {p.shape}")
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        raise ValueError("probs: every probability must be finite and >= 0")
    if abs(p.sum() - 1.0) > 1e-9:
        raise ValueError(f"probs: must sum to 1 (within 1e-9), got {p.sum()!r}")
    return p / p.sum()


def _snapshots(snapshot_generations, generations: int) -> frozenset[int]:
    if snapshot_generations is None:
        return frozenset()
    keep = [check_int("snapshot_generations", g, minimum=0) for g in snapshot_generations]
    if any(g > generations for g in keep):
        raise ValueError(f"snapshot_generations: every generation must be in [0, {generations}], got {keep}")
    return frozenset(keep)


# --------------------------------------------------------------------------------------------------
# linear regression


@validate_params({"generations": [_GEN], "n_samples": [Interval(Integral, 3, 10**6, closed="both", cap_reason="memory")],
                  "n_features": [Interval(Integral, 1, 1000, closed="both", cap_reason="memory")], "noise_std": [_POS],
                  "workflow": [Options(str, WORKFLOWS)], "chains": [_CHAINS], "seed": [Seed()]},
                 relations=[Relation(("n_samples", "n_features"), lambda n_samples, n_features: n_samples >= n_features + 2,
                                     "n_samples must be at least n_features + 2 (the closed form needs T > d + 1)")])
def linear_regression_recursion(
    *,
    generations: int,
    n_samples: int,
    n_features: int,
    noise_std: float,
    workflow: str = "replace",
    chains: int,
    seed: int | None = None,
) -> np.ndarray:
    """Test error ||w_t - w*||^2 of OLS refit to labels from the previous fit, shape (generations + 1, chains) (Dohmatob et al. 2024; Gerstgrasser et al. 2024).

    Each chain draws one fixed design X (``n_samples`` x ``n_features``, standard Gaussian rows, so
    the test error on fresh x equals ||w - w*||^2) and a true weight w*. Generation t labels X with
    the previous fit plus fresh N(0, noise_std^2) noise (generation 1 labels with w*). ``replace``
    fits on the newest labels only; ``accumulate`` fits on X stacked t times with all labels so far,
    which is least squares on the pooled data. Row 0 is the truth (error 0).

    Parameters
    ----------
    generations : int
        Generations, 1..100,000.
    n_samples : int
        Design rows T, at least n_features + 2.
    n_features : int
        Features d, 1..1000.
    noise_std : float
        Label noise sigma, > 0.
    workflow : {"replace", "accumulate"}
        Labels of the newest generation only, or all labels so far.
    chains : int
        Independent chains (chains x n_samples x n_features <= 10^8).
    seed : int, Generator or None
        Seed of the random generator.

    Returns
    -------
    numpy.ndarray
        Test errors, shape (generations + 1, chains).

    References
    ----------
    dohmatob2024model, gerstgrasser2024model
    """
    generations = int(generations)
    n_features = int(n_features)
    n_samples = int(n_samples)
    noise_std = float(noise_std)
    chains = int(chains)
    _check_work("chains x n_samples x n_features", chains * n_samples * n_features, _MAX_CELLS // 2)
    _check_work("generations x chains x n_samples", generations * chains * n_samples, 10 * _MAX_CELLS)
    rng = _rng(seed)

    x = rng.standard_normal((chains, n_samples, n_features))
    w_star = rng.standard_normal((chains, n_features))
    xt = np.swapaxes(x, 1, 2)
    # least squares on a fixed design is one linear map, (X^T X)^{-1} X^T, computed once per chain
    solver = np.linalg.solve(xt @ x, xt)
    err = np.zeros((generations + 1, chains))
    w = w_star
    label_sum = np.zeros((chains, n_samples))
    for t in range(1, generations + 1):
        y = np.einsum("ctd,cd->ct", x, w) + noise_std * rng.standard_normal((chains, n_samples))
        if workflow == "replace":
            target = y
        else:
            # OLS on [X; X; ...] against [y_1; y_2; ...] has the normal equations of X against mean(y_i)
            label_sum += y
            target = label_sum / t
        w = np.einsum("cdt,ct->cd", solver, target)
        err[t] = np.sum((w - w_star) ** 2, axis=1)
    return err


@validate_params({"generations": [_GEN0], "n_samples": [Interval(Integral, 3, None, closed="left")],
                  "n_features": [Interval(Integral, 1, None, closed="left")], "noise_std": [_POS],
                  "workflow": [Options(str, WORKFLOWS)]},
                 relations=[Relation(("n_samples", "n_features"), lambda n_samples, n_features: n_samples >= n_features + 2,
                                     "n_samples must be at least n_features + 2 (the error variance is finite)")])
def regression_theory(*, generations: int, n_samples: int, n_features: int, noise_std: float, workflow: str = "replace") -> np.ndarray:
    """E||w_t - w*||^2, t = 0..generations: sigma^2 d/(T-d-1) times t (replace) or sum_{i<=t} 1/i^2 (accumulate) (Gerstgrasser et al. 2024).

    Parameters
    ----------
    generations : int
        Last generation, 0..100,000.
    n_samples : int
        Design rows T, at least n_features + 2.
    n_features : int
        Features d, >= 1.
    noise_std : float
        Label noise sigma, > 0.
    workflow : {"replace", "accumulate"}
        Data regime.

    Returns
    -------
    numpy.ndarray
        E||w_t - w*||^2 for t = 0..generations.

    References
    ----------
    dohmatob2024model, gerstgrasser2024model
    """
    generations = int(generations)
    n_features = int(n_features)
    n_samples = int(n_samples)
    noise_std = float(noise_std)
    unit = noise_std**2 * n_features / (n_samples - n_features - 1)
    t = np.arange(generations + 1, dtype=float)
    if workflow == "replace":
        return unit * t
    return unit * np.concatenate([[0.0], np.cumsum(1.0 / t[1:] ** 2)])


# --------------------------------------------------------------------------------------------------
# closed forms the chapter quotes (moved out of the notebook so tests reach them)


@validate_params({"sample_size": [_SIZE]})
def halving_generations(*, sample_size: int) -> float:
    """Generations for the typical (geometric-mean) fitted variance to halve, unbiased refit with no real data.

    Parameters
    ----------
    sample_size : int
        Points per generation M, >= 2.

    Returns
    -------
    float
        ln 2 / -[psi((M-1)/2) + ln(2/(M-1))], from the drift of E log var_t in :func:`gaussian_theory`.

    Notes
    -----
    log var_t is a random walk with i.i.d. steps log(chi^2_{M-1}/(M-1)), whose mean is negative, so
    exp(E log var_t) halves every ln 2 / ``|drift|`` generations while E var_t stays at sigma0^2.

    References
    ----------
    shumailov2024ai
    """
    m = int(sample_size)
    drift = digamma((m - 1) / 2) + np.log(2.0 / (m - 1))
    return float(np.log(2.0) / -drift)


@validate_params({"sample_size": [_SIZE]})
def accumulate_var_limit(*, sample_size: int) -> float:
    """Limit of E var_t / sigma0^2 under accumulate with the MLE: sqrt(n) sin(pi / sqrt(n)) / pi.

    Parameters
    ----------
    sample_size : int
        Points added per generation n, >= 2.

    Returns
    -------
    float
        (n-1)/n prod_{i>=2} (1 - 1/(n i^2)), which by the product formula of the sine equals
        sqrt(n) sin(pi/sqrt(n)) / pi.

    References
    ----------
    gerstgrasser2024model
    """
    n = int(sample_size)
    return float(np.sqrt(n) * np.sin(np.pi / np.sqrt(n)) / np.pi)


@validate_params({"tolerance": [Interval(Real, 0, None, closed="neither")]})
def first_order_threshold(*, tolerance: float) -> float:
    """Real share f keeping the mean's stationary error within 1 + tolerance of one fresh fit, for large samples.

    Parameters
    ----------
    tolerance : float
        Allowed relative increase, > 0.

    Returns
    -------
    float
        f = 1 - sqrt(1 - 1/(1 + tolerance)), solving 1/(f(2 - f)) = 1 + tolerance.

    Notes
    -----
    For large M the recursion of :func:`mixing_theory` has the stationary mean error
    sigma0^2 / (M f (2 - f)), i.e. the first generation's sigma0^2/M inflated by 1/(f(2-f)).

    References
    ----------
    alemohammad2024self
    """
    return float(1.0 - np.sqrt(1.0 - 1.0 / (1.0 + tolerance)))


@validate_params({"n_samples": [Interval(Integral, 3, None, closed="left")],
                  "n_features": [Interval(Integral, 1, None, closed="left")], "noise_std": [_POS]},
                 relations=[Relation(("n_samples", "n_features"), lambda n_samples, n_features: n_samples >= n_features + 2, "n_samples must be at least n_features + 2 (the error variance is finite)")])
def regression_unit(*, n_samples: int, n_features: int, noise_std: float) -> float:
    """Expected test error of one least-squares fit with Gaussian design: sigma^2 d / (T - d - 1) (exact).

    Parameters
    ----------
    n_samples : int
        Training points T, must exceed n_features + 1.
    n_features : int
        Features d, >= 1.
    noise_std : float
        Label noise standard deviation sigma, > 0.

    Returns
    -------
    float
        sigma^2 E tr (X'X)^{-1} = sigma^2 d / (T - d - 1), from the mean of the inverse Wishart.

    References
    ----------
    dohmatob2024model, gerstgrasser2024model
    """
    return float(noise_std**2 * n_features / (n_samples - n_features - 1))


# --------------------------------------------------------------------------------------------------
# strong model collapse: a fixed share of synthetic data from a shifted teacher (Dohmatob et al. 2025)


class MixedRegressionError(NamedTuple):
    """Expected excess test error E||w_hat - w1||^2 of least squares on a real/synthetic mix, and its parts."""

    n_samples: int
    n_real: int
    n_synthetic: int
    variance: float
    bias: float
    total: float


def _split(n_samples: int, synthetic_fraction: float) -> tuple[int, int]:
    n_syn = int(round(synthetic_fraction * n_samples))
    return n_samples - n_syn, n_syn


_MIX = {
    "n_samples": [Interval(Integral, 3, 10**15, closed="both", cap_reason="float precision")],
    "n_features": [Interval(Integral, 1, 200, closed="both", cap_reason="time: d^3 per replicate")],
    "synthetic_fraction": [_FRACTION],
    "shift_sq": [Interval(Real, 0, None, closed="left")],
    "noise_std": [_POS],
}


@validate_params(_MIX)
def mixed_regression_theory(*, n_samples: int, n_features: int, synthetic_fraction: float, shift_sq: float,
                            noise_std: float) -> MixedRegressionError:
    """Test error of least squares trained on n1 real points (labels x'w1 + noise) and n2 synthetic ones (x'w2 + noise).

    The design rows are N(0, I_d), n2 = round(p n) for the synthetic share p and n1 = n - n2; both
    kinds of label carry N(0, sigma^2) noise, and the model is evaluated on the real distribution,
    where the excess test error is ||w_hat - w1||^2. With S = X'X and B the synthetic rows' X'X,
    w_hat - w1 = S^{-1} B delta + S^{-1} X' eps, delta = w2 - w1, so the error is a variance term
    plus a bias term (the cross term has mean zero).

    Parameters
    ----------
    n_samples : int
        Total training points n (real plus synthetic), must exceed n_features + 1.
    n_features : int
        Dimension d, 1..200.
    synthetic_fraction : float
        Share p of synthetic points, in [0, 1].
    shift_sq : float
        Squared distance ||w2 - w1||^2 = c^2 between the synthetic and the real teacher, >= 0.
    noise_std : float
        Label noise sigma, > 0.

    Returns
    -------
    MixedRegressionError
        ``variance`` = sigma^2 d / (n - d - 1): exact (mean of the inverse Wishart).
        ``bias`` = c^2 E tr(B S^-2 B) / d: exact for every n, d, n2 (derivation in Notes); it is
        close to c^2 [p2^2 + p1 p2 d / (n - d - 1)] with p1 = n1/n, p2 = n2/n (a simpler form that
        misses terms of order c^2/n) and tends to p2^2 c^2.
        ``total`` = variance + bias.

    Notes
    -----
    Exact bias (our derivation). Rotational invariance gives E[B S^-2 B] = (E tr(B S^-2 B) / d) I, so
    the bias depends on delta only through c^2. Write X = U L V' (SVD); for Gaussian X the frame U is
    Haar-distributed and independent of the singular values, and with u_a the synthetic rows of
    column a of U, tr(B S^-2 B) = sum_{a,b} (l_b / l_a)^2 (u_a . u_b)^2. Hence
    E tr(B S^-2 B) = d alpha + beta (E[tr S tr S^-1] - d), where
    alpha = ``E|u_a|^4`` = n2 (n2 + 2) / (n (n + 2)) (``|u_a|^2`` ~ Beta(n2/2, n1/2)),
    beta = E(u_a . u_b)^2 for a != b, from d alpha + d (d - 1) beta = E sum_{i,j synthetic} P_ij^2
    = n2 h + n2 (n2 - 1) (d/n - h) / (n - 1), with P = U U' and h = E P_ii^2 = d (d + 2) / (n (n + 2))
    (leverages ~ Beta(d/2, (n-d)/2)), and E[tr S tr S^-1] = d (n d - 2) / (n - d - 1) (tr S is
    independent of S / tr S). The tests check this against the simulation within 4 standard errors.

    As n grows with d fixed, variance -> 0 but bias -> p2^2 c^2 = :func:`mixed_regression_floor`:
    the error stops falling at the floor, the classical-linear-model case of "strong model collapse",
    whose scaling limit (d/n -> 0) is the paper's zeta ~ p2^2 tr(Delta).

    References
    ----------
    dohmatob2025strong
    """
    n, d = int(n_samples), int(n_features)
    if n < d + 2:
        raise ValueError(f"n_samples: must be >= n_features + 2 = {d + 2} (finite variance), got {n}")
    n_real, n_syn = _split(n, synthetic_fraction)
    k = d / (n - d - 1)
    variance = noise_std**2 * k
    bias = shift_sq * _bias_trace(n, d, n_syn) / d
    return MixedRegressionError(n, n_real, n_syn, float(variance), float(bias), float(variance + bias))


def _bias_trace(n: int, d: int, n_syn: int) -> float:
    """E tr(B S^-2 B) for S ~ W_d(n, I) split into n - n_syn real and n_syn synthetic rows (exact; see mixed_regression_theory)."""
    n, d, n2 = float(n), float(d), float(n_syn)
    alpha = n2 * (n2 + 2) / (n * (n + 2))
    if d == 1:
        return alpha
    h = d * (d + 2) / (n * (n + 2))
    pair_sum = n2 * h + n2 * (n2 - 1) * (d / n - h) / (n - 1)
    beta = (pair_sum - d * alpha) / (d * (d - 1))
    trace_product = d * (n * d - 2) / (n - d - 1)
    return d * alpha + beta * (trace_product - d)


@validate_params({"synthetic_fraction": [_FRACTION], "shift_sq": [Interval(Real, 0, None, closed="left")]})
def mixed_regression_floor(*, synthetic_fraction: float, shift_sq: float) -> float:
    """Limit of the mixed-regression test error as the sample grows with the synthetic share fixed: p^2 c^2.

    Parameters
    ----------
    synthetic_fraction : float
        Share p of synthetic data, in [0, 1].
    shift_sq : float
        ||w2 - w1||^2 = c^2, >= 0.

    Returns
    -------
    float
        p^2 c^2; positive for every p > 0, so more data of the same mix cannot bring the error to zero.

    References
    ----------
    dohmatob2025strong
    """
    return float(synthetic_fraction**2 * shift_sq)


@validate_params({"sample_sizes": [ArrayLike(min_size=1, max_size=10_000, integer=True, lo=3)],
                  "n_features": _MIX["n_features"], "synthetic_fractions": [ArrayLike(min_size=1, max_size=100, lo=0.0, hi=1.0)],
                  "shift_sq": _MIX["shift_sq"], "noise_std": _MIX["noise_std"]})
def mixed_regression_curve(sample_sizes: npt.ArrayLike, *, n_features: int, synthetic_fractions: npt.ArrayLike, shift_sq: float,
                           noise_std: float) -> pd.DataFrame:
    """:func:`mixed_regression_theory` over a grid of total sample sizes and synthetic shares, as a tidy table.

    Parameters
    ----------
    sample_sizes : array of int
        Total sample sizes n, each > n_features + 1.
    n_features, shift_sq, noise_std : int, float, float
        As in :func:`mixed_regression_theory`.
    synthetic_fractions : array of float
        Synthetic shares p in [0, 1].

    Returns
    -------
    pandas.DataFrame
        One row per (synthetic_fraction, n_samples): n_real, n_synthetic, variance, bias, total and
        ``floor`` (:func:`mixed_regression_floor`).

    References
    ----------
    dohmatob2025strong
    """
    sizes = np.asarray(sample_sizes).astype(np.int64)
    if np.any(sizes < n_features + 2):
        raise ValueError(f"sample_sizes: each must be >= n_features + 2 = {n_features + 2} (finite variance), "
                         f"got {int(sizes.min())}")
    rows = []
    for p in np.asarray(synthetic_fractions, dtype=float):
        for n in sizes:
            r = mixed_regression_theory(n_samples=int(n), n_features=n_features, synthetic_fraction=float(p),
                                        shift_sq=shift_sq, noise_std=noise_std)
            rows.append({"synthetic_fraction": float(p), **r._asdict(),
                         "floor": mixed_regression_floor(synthetic_fraction=float(p), shift_sq=shift_sq)})
    return pd.DataFrame(rows)


def _wishart(rng: np.random.Generator, dof: int, d: int, reps: int) -> np.ndarray:
    """(reps, d, d) draws of W_d(dof, I): Bartlett's decomposition if dof >= d, else X'X of dof Gaussian rows."""
    if dof == 0:
        return np.zeros((reps, d, d))
    if dof < d:
        x = rng.standard_normal((reps, dof, d))
        return np.einsum("rni,rnj->rij", x, x)
    low = np.zeros((reps, d, d))
    rows, cols = np.tril_indices(d, -1)
    low[:, rows, cols] = rng.standard_normal((reps, rows.size))
    diag = np.arange(d)
    low[:, diag, diag] = np.sqrt(rng.chisquare(dof - diag, size=(reps, d)))
    return low @ np.swapaxes(low, 1, 2)


@validate_params({**_MIX, "replicates": [Interval(Integral, 2, 10**6, closed="both", cap_reason="memory: d^2 per replicate")],
                  "method": [Options(str, ("wishart", "rows"))], "seed": [Seed()]})
def mixed_regression_simulation(*, n_samples: int, n_features: int, synthetic_fraction: float, shift_sq: float,
                                noise_std: float, replicates: int, method: str = "wishart",
                                seed: int | None = None) -> np.ndarray:
    """Simulated test errors ||w_hat - w1||^2 of least squares on the real/synthetic mix, one per replicate.

    ``method="rows"`` draws every design row and label and solves least squares (the slow way, for
    tests). ``method="wishart"`` draws only what the error depends on, exactly in distribution: the
    real and synthetic Gram matrices A ~ W_d(n1, I) and B ~ W_d(n2, I) (independent; Bartlett's
    decomposition), and X'eps | X ~ N(0, sigma^2 S) with S = A + B, so
    w_hat - w1 = S^{-1}(B delta + sigma L z), L L' = S, z ~ N(0, I). Its cost does not depend on n.
    The error is invariant to rotations, so delta = (c, 0, ..., 0) loses no generality.

    Parameters
    ----------
    n_samples, n_features, synthetic_fraction, shift_sq, noise_std : int, int, float, float, float
        As in :func:`mixed_regression_theory`.
    replicates : int
        Independent training sets, 2..10^6.
    method : {"wishart", "rows"}
        Sufficient-statistic draw or full rows (``rows`` needs replicates x n_samples x n_features <= 10^8).
    seed : int, Generator or None
        Seed of the random generator.

    Returns
    -------
    numpy.ndarray
        Shape (replicates,): the excess test errors; their mean estimates ``mixed_regression_theory(...).total``.

    References
    ----------
    dohmatob2025strong
    """
    n, d, reps = int(n_samples), int(n_features), int(replicates)
    if n < d + 2:
        raise ValueError(f"n_samples: must be >= n_features + 2 = {d + 2}, got {n}")
    _check_work("replicates x n_features^2", reps * d * d, _MAX_CELLS // 4)
    n_real, n_syn = _split(n, synthetic_fraction)
    rng = _rng(seed)
    delta = np.zeros(d)
    delta[0] = np.sqrt(shift_sq)
    if method == "rows":
        _check_work("replicates x n_samples x n_features", reps * n * d, _MAX_CELLS // 2)
        x = rng.standard_normal((reps, n, d))
        w1 = np.zeros(d)
        y = np.concatenate([np.broadcast_to(x[:, :n_real] @ w1, (reps, n_real)),
                            x[:, n_real:] @ (w1 + delta)], axis=1) + noise_std * rng.standard_normal((reps, n))
        w_hat = np.linalg.lstsq(x[0], y[0], rcond=None)[0][None] if reps == 1 else np.stack(
            [np.linalg.lstsq(x[i], y[i], rcond=None)[0] for i in range(reps)])
        return np.sum((w_hat - w1) ** 2, axis=1)
    a = _wishart(rng, n_real, d, reps)
    b = _wishart(rng, n_syn, d, reps)
    s = a + b
    chol = np.linalg.cholesky(s)
    rhs = b @ delta + noise_std * np.einsum("rij,rj->ri", chol, rng.standard_normal((reps, d)))
    err_vec = np.linalg.solve(s, rhs[..., None])[..., 0]
    return np.sum(err_vec**2, axis=1)


@validate_params({"n_samples": _MIX["n_samples"], "n_features": _MIX["n_features"],
                  "tolerance": [Interval(Real, 0, None, closed="neither")], "shift_sq": [_POS], "noise_std": [_POS]})
def max_synthetic_fraction(*, n_samples: int, n_features: int, tolerance: float, shift_sq: float, noise_std: float) -> float:
    """Largest synthetic share p whose bias stays within ``tolerance`` times the all-real error at sample size n.

    Solves c^2 E tr(B S^-2 B) / d = tolerance sigma^2 d / (n - d - 1) for the synthetic count
    n2 = p n, with the exact bias of :func:`mixed_regression_theory` evaluated at real-valued n2
    (root by Brent's method; the bias increases with n2). For large n,
    p ~ sqrt(tolerance sigma^2 d / (c^2 n)): the admissible synthetic share shrinks like 1/sqrt(n).

    Parameters
    ----------
    n_samples, n_features, shift_sq, noise_std : int, int, float, float
        As in :func:`mixed_regression_theory` (shift_sq > 0 here).
    tolerance : float
        Allowed increase of the test error relative to training on real data only, > 0.

    Returns
    -------
    float
        The share p in [0, 1] (1.0 if even all-synthetic data stays within the tolerance).

    References
    ----------
    dohmatob2025strong
    """
    n, d = int(n_samples), int(n_features)
    if n < d + 2:
        raise ValueError(f"n_samples: must be >= n_features + 2 = {d + 2}, got {n}")
    target = tolerance * noise_std**2 * (d / (n - d - 1))

    def excess(p: float) -> float:
        return shift_sq * _bias_trace(n, d, p * n) / d - target

    if excess(1.0) <= 0:
        return 1.0
    return float(brentq(excess, 0.0, 1.0, xtol=1e-15, rtol=1e-12))


@validate_params({"n_features": _MIX["n_features"], "synthetic_fraction": [Interval(Real, 0, 1, closed="right")],
                  "shift_sq": [_POS], "noise_std": [_POS]})
def mixed_regression_crossover(*, n_features: int, synthetic_fraction: float, shift_sq: float, noise_std: float) -> float:
    """Total sample size at which the variance term falls to the floor: sigma^2 d / (n - d - 1) = p^2 c^2.

    Parameters
    ----------
    n_features : int
        Dimension d.
    synthetic_fraction : float
        Synthetic share p, in (0, 1].
    shift_sq : float
        ||w2 - w1||^2 = c^2, > 0.
    noise_std : float
        Label noise sigma, > 0.

    Returns
    -------
    float
        n* = d + 1 + sigma^2 d / (p^2 c^2); beyond it more data of the same mix barely lowers the error.

    References
    ----------
    dohmatob2025strong
    """
    floor = synthetic_fraction**2 * shift_sq
    if floor == 0:  # both within floating-point range of their open bound 0
        raise ValueError(f"synthetic_fraction, shift_sq: p^2 c^2 = {synthetic_fraction!r}^2 x {shift_sq!r} is zero "
                         "in floating point; both must be > 0")
    return float(check_finite_output("synthetic_fraction, shift_sq, noise_std",
                                     n_features + 1 + noise_std**2 * n_features / floor))
