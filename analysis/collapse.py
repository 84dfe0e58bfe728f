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

from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy.special import digamma, gammaln, polygamma
from analysis.validation import check_choice, check_int, check_real, check_seed

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
    "categorical_recursion",
    "gini_simpson_theory",
    "linear_regression_recursion",
    "regression_theory",
]

ESTIMATORS = ("unbiased", "mle")
WORKFLOWS = ("replace", "accumulate")
METHODS = ("exact", "sample")
# the sample method holds one (chains x sample_size) block at a time; above this it goes chain-block by block
_SAMPLE_BLOCK = 4_000_000


class GaussianPaths(NamedTuple):
    """Fitted means and variances, arrays of shape (generations + 1, chains); row 0 is the truth."""

    mean: np.ndarray
    var: np.ndarray


# --------------------------------------------------------------------------------------------------
# input checks


def _rng(seed) -> np.random.Generator:
    return np.random.default_rng(check_seed(seed))


# --------------------------------------------------------------------------------------------------
# 1-D Gaussian


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
    """
    generations = check_int("generations", generations, minimum=1)
    sample_size = check_int("sample_size", sample_size, minimum=2)
    chains = check_int("chains", chains, minimum=1)
    check_choice("estimator", estimator, ESTIMATORS)
    check_choice("workflow", workflow, WORKFLOWS)
    check_choice("method", method, METHODS)
    real_fraction = check_real("real_fraction", real_fraction, lo=0.0, hi=1.0)
    mu0 = check_real("mu0", mu0)
    sigma0 = check_real("sigma0", sigma0, lo=0.0, lo_open=True)
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


def wasserstein2_sq(mean, var, *, mu0: float = 0.0, sigma0: float = 1.0):
    """Squared 2-Wasserstein distance between N(mean, var) and N(mu0, sigma0^2): (mean - mu0)^2 + (sd - sigma0)^2."""
    mean = np.asarray(mean, dtype=float)
    var = np.asarray(var, dtype=float)
    if mean.shape != var.shape:
        raise ValueError(f"mean, var: shapes differ ({mean.shape} vs {var.shape})")
    if np.any(var < 0) or not np.all(np.isfinite(var)):
        raise ValueError("var: variances must be finite and >= 0")
    mu0 = check_real("mu0", mu0)
    sigma0 = check_real("sigma0", sigma0, lo=0.0, lo_open=True)
    return (mean - mu0) ** 2 + (np.sqrt(var) - sigma0) ** 2


def expected_w2_first_generation(*, sample_size: int, estimator: str = "unbiased", sigma0: float = 1.0) -> float:
    """E W2^2 after one fit to real data: sigma0^2/M + E(sd_hat - sigma0)^2, with sd_hat^2 = c sigma0^2 chi^2_{M-1} (closed form)."""
    m = check_int("sample_size", sample_size, minimum=2)
    check_choice("estimator", estimator, ESTIMATORS)
    sigma0 = check_real("sigma0", sigma0, lo=0.0, lo_open=True)
    k = m - 1
    c = 1.0 / (m - 1) if estimator == "unbiased" else 1.0 / m
    e_sqrt_chi2 = np.sqrt(2.0) * np.exp(gammaln((k + 1) / 2) - gammaln(k / 2))
    e_sd_err = c * k - 2.0 * np.sqrt(c) * e_sqrt_chi2 + 1.0
    return float(sigma0**2 * (1.0 / m + e_sd_err))


def gaussian_theory(*, generations: int, sample_size: int, estimator: str = "unbiased", sigma0: float = 1.0) -> pd.DataFrame:
    """Exact moments of the replace recursion with no real data, for t = 0..generations (derived from the chi-square law of the refit).

    ``var_mean`` = E var_t: sigma0^2 (unbiased, a martingale) or sigma0^2 ((M-1)/M)^t (MLE).
    ``mean_sq_err`` = E (mean_t - mu0)^2: t sigma0^2 / M (unbiased) or sigma0^2 (1 - ((M-1)/M)^t) (MLE).
    ``log_var_drift`` = E log var_t - log sigma0^2 = t [digamma((M-1)/2) + ln(2/(M-1))] (unbiased; ln(2/M) for MLE).
    ``log_var_var`` = Var log var_t = t trigamma((M-1)/2), for either estimator.
    """
    generations = check_int("generations", generations, minimum=0)
    m = check_int("sample_size", sample_size, minimum=2)
    check_choice("estimator", estimator, ESTIMATORS)
    sigma0 = check_real("sigma0", sigma0, lo=0.0, lo_open=True)
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


def accumulate_var_theory(*, generations: int, sample_size: int, sigma0: float = 1.0) -> np.ndarray:
    """E var_t under accumulate with the MLE, t = 0..generations: sigma0^2 (n-1)/n prod_{i=2..t} (1 - 1/(n i^2)) (derived; limit sigma0^2 sqrt(n) sin(pi/sqrt(n))/pi)."""
    generations = check_int("generations", generations, minimum=0)
    n = check_int("sample_size", sample_size, minimum=2)
    sigma0 = check_real("sigma0", sigma0, lo=0.0, lo_open=True)
    out = np.empty(generations + 1)
    out[0] = sigma0**2
    if generations >= 1:
        i = np.arange(2, generations + 1, dtype=float)
        out[1:] = sigma0**2 * (n - 1) / n * np.concatenate([[1.0], np.cumprod(1.0 - 1.0 / (n * i**2))])
    return out


def mixing_theory(
    *, generations: int, sample_size: int, real_fraction: float, estimator: str = "unbiased", sigma0: float = 1.0
) -> pd.DataFrame:
    """Exact E (mean_t - mu0)^2 and E var_t for replace with a fixed real fraction, t = 0..generations (first-moment recursion).

    With R real and S = M - R synthetic points and m, v the previous generation's values:
    m_t = (R sigma0^2 + S^2 m + S v) / M^2 and
    v_t = [(R - 1 + S/M) sigma0^2 + (S - 1 + R/M) v + (R S / M) m] / (M - ddof),
    the Gaussian case of the fresh-data loop of Alemohammad et al. (2024) with lambda = 1.
    """
    generations = check_int("generations", generations, minimum=0)
    m_size = check_int("sample_size", sample_size, minimum=2)
    real_fraction = check_real("real_fraction", real_fraction, lo=0.0, hi=1.0)
    check_choice("estimator", estimator, ESTIMATORS)
    sigma0 = check_real("sigma0", sigma0, lo=0.0, lo_open=True)
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


def smallest_sufficient_fraction(fractions, ratios, *, tolerance: float = 0.10) -> float:
    """Smallest real fraction on a grid from which every larger fraction keeps error / error_1 <= 1 + tolerance (NaN if none)."""
    f = np.asarray(fractions, dtype=float)
    r = np.asarray(ratios, dtype=float)
    if f.ndim != 1 or f.shape != r.shape or f.size == 0:
        raise ValueError("fractions, ratios: need two 1-D arrays of the same non-zero length")
    if np.any(np.diff(f) <= 0):
        raise ValueError("fractions: must be strictly increasing")
    tolerance = check_real("tolerance", tolerance, lo=0.0, lo_open=True)
    ok = r <= 1.0 + tolerance
    # require the condition to hold from the threshold upwards, so a lucky Monte Carlo dip below it is not reported
    tail_ok = np.flip(np.logical_and.accumulate(np.flip(ok)))
    return float(f[np.argmax(tail_ok)]) if tail_ok.any() else float("nan")


def real_fraction_grid(
    *,
    fractions,
    sample_sizes,
    generations: int,
    chains: int,
    estimator: str = "unbiased",
    seed: int = 0,
) -> pd.DataFrame:
    """E W2^2 after ``generations`` of replace with each real fraction and sample size, relative to the exact generation-1 value.

    One row per (sample_size, real_fraction): ``w2`` (mean over chains), ``w2_se`` (its Monte Carlo
    standard error), ``w2_first`` (exact E W2^2 at generation 1), ``ratio`` = w2 / w2_first and
    ``ratio_se``. Each cell uses its own seed derived from ``seed`` and the cell's position.
    """
    fractions = np.asarray(fractions, dtype=float)
    sizes = [check_int("sample_sizes", m, minimum=2) for m in np.atleast_1d(sample_sizes).tolist()]
    if fractions.ndim != 1 or fractions.size == 0 or np.any((fractions < 0) | (fractions > 1)):
        raise ValueError("fractions: need a non-empty 1-D array of values in [0, 1]")
    seed = check_int("seed", seed, minimum=0)
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


def mean_error_threshold(*, sample_size: int, generations: int, tolerance: float = 0.10, estimator: str = "unbiased") -> float:
    """Smallest real fraction R/M (exact, every R) keeping E(mean_t - mu0)^2 at ``generations`` within 1 + tolerance of generation 1 (mixing_theory)."""
    m = check_int("sample_size", sample_size, minimum=2)
    generations = check_int("generations", generations, minimum=1)
    fractions = np.arange(m + 1) / m
    ratios = [
        mixing_theory(generations=generations, sample_size=m, real_fraction=f, estimator=estimator)["mean_sq_err"].iloc[-1]
        * m
        for f in fractions
    ]
    return smallest_sufficient_fraction(fractions, ratios, tolerance=tolerance)


def fan_quantiles(values, *, quantiles=(0.1, 0.5, 0.9)) -> pd.DataFrame:
    """Per-generation quantiles over chains of a (generations + 1, chains) array, as a tidy table (generation, q, value)."""
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


def categorical_recursion(
    probs,
    *,
    generations: int,
    sample_size: int,
    chains: int,
    top_k: int = 100,
    pseudo_count: float = 0.5,
    snapshot_generations=None,
    seed: int | None = None,
):
    """Refit a categorical distribution to ``sample_size`` draws from the previous fit (empirical frequencies; Shumailov et al. 2024, Sec. 3.1).

    Returns a tidy DataFrame, one row per generation and chain, with ``support_size`` (categories
    with non-zero probability), ``lost_mass`` (original probability of the categories the model can
    no longer produce), ``tail_mass`` (probability on categories ranked below ``top_k`` in
    the original distribution), ``gini_simpson`` (1 - sum p^2), ``entropy_bits`` and
    ``cross_entropy_bits``: the cross-entropy of the original distribution under the current model
    after add-``pseudo_count`` smoothing, q = (M p + a) / (M + a K). Smoothing is applied only when
    scoring, at every generation including 0; the next generation samples the unsmoothed fit.
    With ``snapshot_generations`` (a list of generations) it returns ``(table, snapshots)``, where
    ``snapshots[g]`` is the (chains, K) array of fitted probabilities at generation g, categories in
    the order of ``probs``.
    """
    p0 = _probs(probs)
    generations = check_int("generations", generations, minimum=1)
    sample_size = check_int("sample_size", sample_size, minimum=2)
    chains = check_int("chains", chains, minimum=1)
    top_k = check_int("top_k", top_k, minimum=1)
    if top_k >= p0.size:
        raise ValueError(f"top_k: must be smaller than the number of categories ({p0.size}), got {top_k}")
    pseudo_count = check_real("pseudo_count", pseudo_count, lo=0.0, lo_open=True)
    keep = _snapshots(snapshot_generations, generations)
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
    return (table, snaps) if snapshot_generations is not None else table


def gini_simpson_theory(probs, *, generations: int, sample_size: int) -> np.ndarray:
    """E Gini-Simpson_t = GS_0 (1 - 1/M)^t for the categorical refit, t = 0..generations (Wright-Fisher heterozygosity decay)."""
    p0 = _probs(probs)
    generations = check_int("generations", generations, minimum=0)
    m = check_int("sample_size", sample_size, minimum=2)
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
    """
    generations = check_int("generations", generations, minimum=1)
    n_features = check_int("n_features", n_features, minimum=1)
    n_samples = check_int("n_samples", n_samples, minimum=2)
    if n_samples < n_features + 2:
        raise ValueError(
            f"n_samples: must be >= n_features + 2 = {n_features + 2} (the closed form needs T > d + 1), got {n_samples}"
        )
    noise_std = check_real("noise_std", noise_std, lo=0.0, lo_open=True)
    check_choice("workflow", workflow, WORKFLOWS)
    chains = check_int("chains", chains, minimum=1)
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


def regression_theory(*, generations: int, n_samples: int, n_features: int, noise_std: float, workflow: str = "replace") -> np.ndarray:
    """E||w_t - w*||^2, t = 0..generations: sigma^2 d/(T-d-1) times t (replace) or sum_{i<=t} 1/i^2 (accumulate) (Gerstgrasser et al. 2024)."""
    generations = check_int("generations", generations, minimum=0)
    n_features = check_int("n_features", n_features, minimum=1)
    n_samples = check_int("n_samples", n_samples, minimum=n_features + 2)
    noise_std = check_real("noise_std", noise_std, lo=0.0, lo_open=True)
    check_choice("workflow", workflow, WORKFLOWS)
    unit = noise_std**2 * n_features / (n_samples - n_features - 1)
    t = np.arange(generations + 1, dtype=float)
    if workflow == "replace":
        return unit * t
    return unit * np.concatenate([[0.0], np.cumsum(1.0 / t[1:] ** 2)])
