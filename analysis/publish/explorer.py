"""Grids behind the report's interactive explorer (``book/explorer.md``).

The explorer page lets a reader move the key assumptions of four headline models and see the answer
change. Everything the page shows is computed here, at build time, with the chapters' own functions,
inputs, seeds and draw counts; the page only looks values up (and, for the training-run cost, applies
the one-line formula of :func:`analysis.cost.model.training_cost`, checked against it in the tests).

- :func:`runout_grid`: the median and 80% interval of the year the largest training set reaches the
  stock of public human text (chapter 1, :func:`analysis.exhaustion.model.runout_distribution`), for a grid
  of stock sizes, growth rates of training sets and over-training factors.
- :func:`cost_inputs` and :func:`training_run_cost`: the cost of one GPT-3-sized training run on a
  chosen GPU at a chosen rental price and utilisation (chapter 2, :func:`analysis.cost.model.training_cost`).
- :func:`collapse_grid`: the error ratio after many generations of recursive training for each real
  share and sample size, and the smallest real share that keeps it within a tolerance (chapter 3,
  :func:`analysis.collapse.models.real_fraction_grid` and :func:`analysis.collapse.models.smallest_sufficient_fraction`).
- :func:`break_even_grid`: the share of a training run's compute that synthetic data must save to
  repay the energy of generating it, and the emissions of the generation on a grid of a given carbon
  intensity (chapter 7, :func:`analysis.energy.model.simulate_break_even` and
  :func:`analysis.energy.model.simulate_generation`).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.collapse import models as _collapse
from analysis.cost import model as _cost
from analysis.data import loader as _data
from analysis.energy import model as _energy
from analysis.exhaustion import model as _ex
from analysis.core.validation import (ArrayLike, Integral, Interval, Options, Real, Seed, _Constraint, ordered,
                                      validate_params)

__all__ = [
    "RunoutGrid", "runout_grid", "CostInputs", "cost_inputs", "training_run_cost",
    "CollapseGrid", "collapse_grid", "BreakEvenInputs", "break_even_inputs", "BreakEvenGrid", "break_even_grid",
    "value_list", "finite_text", "json_values", "year_text", "sig_text",
]

# Work caps: the grids are built once per site build; these keep a mistaken call from hanging.
_MAX_RUNOUT_WORK = 2e9  # draws x grid points (the chapter's 2 x 10^6 draws on a few hundred points)
_MAX_GRID_SIDE = 200


class RunoutGrid(NamedTuple):
    """Run-out years on a grid (``runout_grid``); arrays indexed [stock, growth, overtraining]."""

    stock_scales: np.ndarray  # multiples of the chapter's effective stock
    growth_per_year: np.ndarray  # median yearly growth factor of the historical dataset trend
    overtraining: np.ndarray  # factor k (datasets grow by sqrt(k))
    median: np.ndarray  # decimal years (+inf: never; -inf: already in 2024)
    p10: np.ndarray
    p90: np.ndarray
    stock_median_tokens: float  # median effective stock in 2024 at scale 1 (tokens)
    default_growth_per_year: float  # the chapter's median historical growth (the paper's interval)
    n_draws: int  # draws per grid point (both projections)


@validate_params({
    "stock_scales": [ArrayLike(ndim=1, min_size=1, max_size=_MAX_GRID_SIDE, lo=0.01, hi=100)],
    "growth_per_year": [ArrayLike(ndim=1, min_size=1, max_size=_MAX_GRID_SIDE, lo=0.1, hi=100)],
    "overtraining": [ArrayLike(ndim=1, min_size=1, max_size=_MAX_GRID_SIDE, lo=1, hi=1e4)],
    "n": [Interval(Integral, 1, _ex.MAX_DRAWS, closed="both", cap_reason="about 40 MB per array of draws")],
    "seed": [Seed()],
})
def runout_grid(*, stock_scales: npt.ArrayLike, growth_per_year: npt.ArrayLike, overtraining: npt.ArrayLike,
                n: int = 20000, seed: int | None = None) -> RunoutGrid:
    """Median and 80% interval of the run-out year for every combination of stock, dataset growth and over-training.

    The pooled projection of :func:`analysis.exhaustion.model.runout_distribution` (same draws for the
    same ``n`` and ``seed``) with three changes per grid point, each an exact shift of the logs of
    the draws: the effective stock is multiplied by ``s`` (the stock's spread is kept); the yearly
    growth of the historical dataset trend is multiplied by ``g / g0``, with ``g0`` the median of the
    chapter's interval, as if that interval were ``(low g / g0, high g / g0)``; and datasets are
    multiplied by ``sqrt(k)`` for over-training by ``k``. The crossing year of each draw is

        t = 2024 + ln(s S0 / (sqrt(k) D0)) / ln(G / g_S),

    with S0, g_S the stock and its growth and D0, G the largest dataset in 2024 and its growth.

    Parameters
    ----------
    stock_scales : array of float
        Multiples of the chapter's effective stock, in [0.01, 100]. With ``s <= 1`` a point equals
        ``runout_distribution(restricted_share=1 - s)``.
    growth_per_year : array of float
        Median yearly growth factor of the largest training set in the historical projection, in
        [0.1, 100]. The compute-based half of the pooled projection is left as the chapter has it.
    overtraining : array of float
        Over-training factors k in [1, 10^4].
    n : int
        Draws per projection (the pooled projection has 2n), as in ``runout_distribution``.
    seed : int or None

    Returns
    -------
    RunoutGrid
        Quantiles (``method="inverted_cdf"``, as the chapter) of the per-draw crossing years.

    References
    ----------
    villalobos2024will, epochai2024datastock
    """
    scales = np.asarray(stock_scales, dtype=float)
    growth = np.asarray(growth_per_year, dtype=float)
    k = np.asarray(overtraining, dtype=float)
    points = scales.size * growth.size * k.size
    if 2 * n * points > _MAX_RUNOUT_WORK:
        raise ValueError(f"n: 2 n x grid points must be at most {_MAX_RUNOUT_WORK:.0e}, got {2 * n * points:.3g}")
    rng = np.random.default_rng(seed)
    # The same draws, in the same order, as runout_distribution(projection="pooled", n=n, seed=seed).
    log_s0, log_rep, log_g, log_d0, log_gd = _ex._draw_components(rng, n, projection="pooled")
    log_stock = log_s0 + log_rep
    low, high = (float(_ex._parameters()["dataset_growth"][b]) for b in ("low", "high"))
    g0 = _ex.geometric_midpoint(low=low, high=high)
    historical = np.arange(log_gd.size) < n  # the first n pooled draws are the historical projection
    gap0 = log_stock - log_d0
    shape = (scales.size, growth.size, k.size)
    med, p10, p90 = (np.empty(shape) for _ in range(3))
    for j, gj in enumerate(growth):
        # g == g0 gives a shift of exactly 0, so the chapter's defaults reproduce its draws bit for bit
        lgd = np.where(historical, log_gd + (math.log(gj) - math.log(g0)), log_gd) if gj != g0 else log_gd
        rate = lgd - log_g
        never = ~(rate > 0)  # demand grows no faster than the stock (as _crossing_years_log)
        any_never = bool(never.any())
        for i, s in enumerate(scales):
            for m, km in enumerate(k):
                shift = math.log(s) - 0.5 * math.log(km)
                gap = gap0 + shift if shift else gap0
                with np.errstate(divide="ignore", invalid="ignore"):
                    years = _ex.REFERENCE_YEAR + gap / rate
                if any_never:
                    years[never] = np.where(gap[never] > 0, np.inf, -np.inf)
                p10[i, j, m], med[i, j, m], p90[i, j, m] = np.quantile(years, [0.1, 0.5, 0.9], method="inverted_cdf")
    return RunoutGrid(scales, growth, k, med, p10, p90, float(np.exp(np.median(log_stock))), float(g0), int(log_gd.size))


class CostInputs(NamedTuple):
    """Inputs of chapter 2's GPT-3-sized training run (``cost_inputs``)."""

    flops: float  # training compute of GPT-3 175B (Lambda's estimate), FLOP
    peak_flops: dict  # chip -> peak dense BF16/FP16 FLOP/s
    price_low: float  # H100 rental price range of the chapter, USD per GPU-hour
    price_high: float
    utilization_low: float  # 2024 utilisation range of the chapter
    utilization_high: float
    price_default: float  # geometric midpoints: the medians of the chapter's lognormal draws
    utilization_default: float
    chip_default: str


_CHIPS = ("V100", "A100", "H100")


@validate_params({})
def cost_inputs() -> CostInputs:
    """The inputs chapter 2 uses for "the same GPT-3-sized job on 2024 hardware", read from the curated tables.

    Price: from DeepSeek-V3's assumed H800 rental price to the highest 2024 on-demand H100 price
    observed. Utilisation: from DeepSeek-V3's implied BF16 utilisation to the top of the range Meta
    reports for Llama 3.1 405B. The chapter draws both lognormally over these 90% intervals, so the
    median cost is the cost at the two geometric midpoints.

    Returns
    -------
    CostInputs
        The run's compute, the peak FLOP/s of each GPU generation, the price and utilisation ranges
        and their midpoints.

    References
    ----------
    li2020openai, deepseek2024v3, llama3herd2024, cottier2024rising
    """
    specs = _data.load("gpu_specs").set_index("chip")
    runs = _data.load("training_runs").set_index("id")
    llm = _data.load("llm_training_tokens").set_index("model")
    prices = _data.load("gpu_prices")
    ds_full, ds_pre = runs.loc["deepseek-v3/full-training"], runs.loc["deepseek-v3/pretraining"]
    ds_flops = _cost.training_flops(llm.loc["DeepSeek-V3", "params_active"], llm.loc["DeepSeek-V3", "training_tokens"])
    ds_util = float(_cost.implied_utilization(flops=ds_flops, chip_hours=ds_pre["chip_hours"],
                                              peak_flops=specs.loc[ds_full["chip"], "peak_flop_per_s"]))
    u_high = float(runs.loc["llama-3.1-405b/model-card", "utilization_high"])
    h100_2024 = prices.query("chip == 'H100' and price_type == 'on_demand' and '2024-01-01' <= date < '2025-01-01'")
    p_low, p_high = float(ds_full["usd_per_chip_hour"]), float(h100_2024["usd_per_gpu_hour"].max())
    flops = float(runs.loc["gpt-3-175b/lambda-estimate", "training_compute_flop"])
    peaks = {chip: float(specs.loc[chip, "peak_flop_per_s"]) for chip in _CHIPS}
    return CostInputs(flops, peaks, p_low, p_high, ds_util, u_high,
                      _ex.geometric_midpoint(low=p_low, high=p_high), _ex.geometric_midpoint(low=ds_util, high=u_high), "H100")


@validate_params({"chip": [Options(str, _CHIPS)],
                  "usd_per_gpu_hour": [Interval(Real, 0, 1000, closed="both")],
                  "utilization": [Interval(Real, 0, 1, closed="right")]})
def training_run_cost(*, chip: str, usd_per_gpu_hour: float, utilization: float) -> _cost.RunCost:
    """GPU-hours and US dollars of chapter 2's GPT-3-sized run on ``chip`` (:func:`analysis.cost.model.training_cost`).

    ``hours = C / (F u 3600)`` and ``usd = hours p`` with C the run's compute, F the chip's peak, u the
    utilisation and p the price per GPU-hour.

    Parameters
    ----------
    chip : {"V100", "A100", "H100"}
        GPU generation.
    usd_per_gpu_hour : float
        Rental price in US dollars per GPU-hour, in [0, 1000].
    utilization : float
        Share of the chip's peak speed the run achieves, in (0, 1].

    Returns
    -------
    analysis.cost.model.RunCost
        GPU-hours and US dollars.

    References
    ----------
    li2020openai, cottier2024rising
    """
    inputs = cost_inputs()
    if chip not in inputs.peak_flops:
        raise ValueError(f"chip: must be one of {', '.join(inputs.peak_flops)}, got {chip!r}")
    return _cost.training_cost(flops=inputs.flops, peak_flops=inputs.peak_flops[chip], utilization=float(utilization),
                               usd_per_chip_hour=float(usd_per_gpu_hour))


class CollapseGrid(NamedTuple):
    """Error ratios and real-share thresholds of chapter 3's Gaussian experiment (``collapse_grid``)."""

    sample_sizes: np.ndarray
    fractions: np.ndarray
    ratio: np.ndarray  # [size, fraction]: error after `generations` over the exact first-generation error
    ratio_se: np.ndarray
    tolerances: np.ndarray
    threshold: np.ndarray  # [size, tolerance]: smallest sufficient real share (NaN: none on the grid)
    first_order: np.ndarray  # [tolerance]: the large-sample formula 1 - sqrt(1 - 1/(1 + tol))
    generations: int


@validate_params({
    "fractions": [ArrayLike(ndim=1, min_size=1, max_size=101, lo=0.0, hi=1.0, increasing=True)],
    "sample_sizes": [ArrayLike(ndim=1, min_size=1, max_size=20, lo=2, hi=10_000, integer=True)],
    "generations": [Interval(Integral, 1, 1000, closed="both", cap_reason="time: one step per generation")],
    "chains": [Interval(Integral, 1, 100_000, closed="both", cap_reason="time and memory")],
    "tolerances": [ArrayLike(ndim=1, min_size=1, max_size=_MAX_GRID_SIDE, lo=0.001, hi=10.0)],
    "seed": [Interval(Integral, 0, 4000, closed="both")],
})
def collapse_grid(*, fractions: npt.ArrayLike, sample_sizes: npt.ArrayLike, generations: int, chains: int,
                  tolerances: npt.ArrayLike, seed: int = 0) -> CollapseGrid:
    """The chapter's heat map (:func:`analysis.collapse.models.real_fraction_grid`) and its threshold at each tolerance.

    The threshold for sample size M and tolerance tau is the smallest real share f on the grid from
    which every larger share keeps E W2^2 after ``generations`` within (1 + tau) of the first
    generation's exact value (:func:`analysis.collapse.models.smallest_sufficient_fraction`).

    Parameters
    ----------
    fractions : array of float
        Strictly increasing real shares in [0, 1].
    sample_sizes : array of int
        Points per generation, each in [2, 10,000].
    generations : int
        Generations of recursive training, 1..1000.
    chains : int
        Simulated chains per cell, 1..100,000.
    tolerances : array of float
        Allowed relative increases of the error, each in [0.001, 10].
    seed : int
        Base seed of ``real_fraction_grid``, 0..4000.

    Returns
    -------
    CollapseGrid
        Ratios and their standard errors per (size, share); thresholds per (size, tolerance), NaN
        where no share of the grid suffices; the large-sample threshold per tolerance.

    References
    ----------
    shumailov2024ai, alemohammad2024self
    """
    f = np.asarray(fractions, dtype=float)
    sizes = np.asarray(sample_sizes).astype(int)
    tol = np.asarray(tolerances, dtype=float)
    if sizes.size * f.size * generations * chains > 5e9:
        raise ValueError("chains: sizes x fractions x generations x chains must be at most 5e9")
    grid = _collapse.real_fraction_grid(fractions=f, sample_sizes=sizes.tolist(), generations=int(generations),
                                        chains=int(chains), estimator="unbiased", seed=int(seed))
    ratio = grid["ratio"].to_numpy().reshape(sizes.size, f.size)
    ratio_se = grid["ratio_se"].to_numpy().reshape(sizes.size, f.size)
    thr = np.array([[_collapse.smallest_sufficient_fraction(f, ratio[i], tolerance=float(t)) for t in tol]
                    for i in range(sizes.size)])
    first = np.array([_collapse.first_order_threshold(tolerance=float(t)) for t in tol])
    return CollapseGrid(sizes, f, ratio, ratio_se, tol, thr, first, int(generations))


class BreakEvenInputs(NamedTuple):
    """Chapter 7's Phi-4 case (``break_even_inputs``)."""

    synthetic_tokens: float  # unique synthetic tokens in Phi-4's pretraining mix
    student_params: float  # Phi-4's parameters
    student_tokens: float  # Phi-4's training tokens
    generators: dict  # name -> active parameters of the generators the chapter compares
    grids: pd.DataFrame  # grid, region, year, kg_per_kwh (grid_intensity.csv)
    default_generator: str
    default_grid: str


@validate_params({})
def break_even_inputs() -> BreakEvenInputs:
    """Phi-4's synthetic corpus, its size and training tokens, the chapter's generators and the grids' carbon intensities.

    Returns
    -------
    BreakEvenInputs
        Read from ``synthetic_data_usage``, ``llm_training_tokens``, ``inference_energy`` and
        ``grid_intensity``, as chapter 7 reads them.

    References
    ----------
    abdin2024phi4, benallal2024cosmopedia, samsi2023words, llama31modelcard2024, ember2023global
    """
    llms = _data.load("llm_training_tokens").set_index("model")
    usage = _data.load("synthetic_data_usage").set_index("name")
    t_inf = _data.load("inference_energy").set_index("measurement")
    generators = {
        "Mixtral-8x7B (13B active)": float(t_inf.loc["cosmopedia_generation", "params_active"]),
        "LLaMA 65B": float(t_inf.loc["samsi2023_llama65b", "params_active"]),
        "Nemotron-4 340B": float(llms.loc["Nemotron-4 340B", "params_active"]),
        "Llama 3.1 405B": float(llms.loc["Llama 3.1 405B", "params_active"]),
    }
    grids = _data.load("grid_intensity")[["grid", "region", "year", "kg_per_kwh"]].reset_index(drop=True)
    return BreakEvenInputs(float(usage.loc["Phi-4", "synthetic_tokens"]), float(llms.loc["Phi-4", "params_active"]),
                           float(llms.loc["Phi-4", "training_tokens"]), generators, grids, "LLaMA 65B", "world_2022")


class BreakEvenGrid(NamedTuple):
    """Break-even saving and generation footprint per generator size and grid intensity (``break_even_grid``)."""

    generator_params: np.ndarray
    kg_per_kwh: np.ndarray
    saving: np.ndarray  # [generator, 3]: median, low, high of the required saving (fraction of the run)
    generation_mwh: np.ndarray  # [generator, 3]: median, low, high of the generation's energy
    generation_tco2e: np.ndarray  # [generator, intensity, 3]
    level: float


@validate_params({
    "generator_params": [ArrayLike(ndim=1, min_size=1, max_size=_MAX_GRID_SIDE, lo=1e6, hi=1e13)],
    "kg_per_kwh": [ArrayLike(ndim=1, min_size=1, max_size=2000, lo=0.0, hi=1.5)],
    "synthetic_tokens": [Interval(Real, 0, 1e15, closed="both")],
    "student_params": [Interval(Real, 1e6, 1e13, closed="both")],
    "student_tokens": [Interval(Real, 1e6, 1e15, closed="both")],
    "n": [Interval(Integral, 1, 1_000_000, closed="both", cap_reason="memory")],
    "seed": [Seed()],
})
def break_even_grid(*, generator_params: npt.ArrayLike, kg_per_kwh: npt.ArrayLike, synthetic_tokens: float,
                    student_params: float, student_tokens: float, n: int = 20_000, seed: int | None = None) -> BreakEvenGrid:
    """Chapter 7's break-even and generation footprint for each generator size, at each grid intensity.

    For each generator size: the median and 90% interval (``energy.summarise``) of
    ``simulate_break_even(...).required_saving`` and of ``simulate_generation(...).energy_mwh``,
    each with its own ``default_rng(seed)`` as the chapter calls them. Emissions are the energy draws
    times the intensity: the share to save does not depend on the grid, because generation and
    training are assumed to run in the same data centre.

    Parameters
    ----------
    generator_params : array of float
        Active parameters of the generating model, each in [1e6, 1e13].
    kg_per_kwh : array of float
        Carbon intensities of the grid, kg CO2e per kWh, each in [0, 1.5].
    synthetic_tokens : float
        Synthetic tokens generated, in [0, 1e15].
    student_params : float
        Parameters of the model trained on them, in [1e6, 1e13].
    student_tokens : float
        Its training tokens, in [1e6, 1e15].
    n : int
        Monte Carlo draws per simulation, 1..10^6.
    seed : int or None
        Seed of each simulation.

    Returns
    -------
    BreakEvenGrid
        Median, low and high end of the saving needed and of the generation's energy per generator,
        and of its emissions per generator and intensity.

    References
    ----------
    abdin2024phi4, mlenergy2025longitudinal, llama31modelcard2024
    """
    pg = np.asarray(generator_params, dtype=float)
    ci = np.asarray(kg_per_kwh, dtype=float)
    if pg.size * n * (ci.size + 2) > 5e9:
        raise ValueError("n: generators x intensities x n must be at most 5e9")
    saving = np.empty((pg.size, 3))
    mwh = np.empty((pg.size, 3))
    tco2e = np.empty((pg.size, ci.size, 3))

    def q(x):
        s = _energy.summarise(x)
        return s.median, s.low, s.high

    level = _energy.summarise(np.array([0.0, 1.0])).level
    for i, p in enumerate(pg):
        be = _energy.simulate_break_even(synthetic_tokens=float(synthetic_tokens), generator_params=float(p),
                                         student_params=float(student_params), student_tokens=float(student_tokens),
                                         n=int(n), seed=seed)
        gen = _energy.simulate_generation(tokens=float(synthetic_tokens), active_params=float(p), n=int(n), seed=seed)
        saving[i] = q(be.required_saving)
        mwh[i] = q(gen.energy_mwh)
        for j, c in enumerate(ci):
            tco2e[i, j] = q(gen.energy_mwh * c)
    return BreakEvenGrid(pg, ci, saving, mwh, tco2e, float(level))


@validate_params({"start": [Interval(Real, -1e6, 1e6)], "stop": [Interval(Real, -1e6, 1e6)],
                  "step": [Interval(Real, 0, 1e6, closed="neither")],
                  "include": [ArrayLike(ndim=1, min_size=0, max_size=100, lo=-1e6, hi=1e6)],
                  "decimals": [Interval(Integral, 0, 12, closed="both")]},
                 relations=[ordered("start", "stop", strict=False)])
def value_list(*, start: float, stop: float, step: float, include: npt.ArrayLike = (), decimals: int = 6) -> np.ndarray:
    """Sorted settings of a control: ``start, start + step, ... <= stop`` rounded to ``decimals``, plus ``include`` exactly.

    The values in ``include`` (a chapter's defaults) are kept bit for bit, so the control can be set
    to exactly the chapter's value.

    Parameters
    ----------
    start, stop, step : float
        First value, last value (inclusive, within rounding) and step (> 0) of the regular part.
    include : array of float
        Values added exactly; a regular value within rounding of one of them is dropped.
    decimals : int
        Decimals the regular values are rounded to, 0..12.

    Returns
    -------
    numpy.ndarray
        Sorted, distinct settings (at most 10,000 regular ones).
    """
    count = int(math.floor((stop - start) / step + 1e-9)) + 1
    if count > 10_000:
        raise ValueError(f"step: gives {count} values, more than 10,000")
    base = np.round(start + step * np.arange(count), int(decimals))
    extra = np.asarray(include, dtype=float)
    # drop grid values within rounding of an included value, then add the included ones exactly
    if extra.size:
        keep = np.all(np.abs(base[:, None] - extra[None, :]) > 10.0 ** -(int(decimals) + 1), axis=1)
        base = base[keep]
    return np.unique(np.concatenate([base, extra]))


class _AnyReal(_Constraint):
    """A real number, NaN and infinities included (the grids mark "never" with +inf)."""

    example = 2030.5

    def type_ok(self, value) -> bool:
        return isinstance(value, Real) and not isinstance(value, (bool, np.bool_))

    def describe(self) -> str:
        return "a real number (NaN and infinities allowed)"


@validate_params({"value": [_AnyReal()], "fmt": [str]})
def finite_text(value: float, fmt: str) -> str | None:
    """How the page shows a number: ``format(value, fmt)``, or None for a value that is not finite.

    Parameters
    ----------
    value : float
        The number.
    fmt : str
        A format specification (``".1f"``).

    Returns
    -------
    str or None
        The text, or None (null in the page's JSON) for NaN and infinities.
    """
    return format(value, fmt) if np.isfinite(value) else None


def _json_values(a: np.ndarray, decimals: int) -> list:
    if a.ndim > 1:
        return [_json_values(row, decimals) for row in a]
    return [float(round(v, decimals)) if np.isfinite(v) else None for v in a]


@validate_params({"values": [ArrayLike(ndim=None, finite=False)],
                  "decimals": [Interval(Integral, 0, 15, closed="both")]})
def json_values(values: npt.ArrayLike, *, decimals: int = 6) -> list:
    """Nested lists for the page's JSON, rounded to ``decimals``; non-finite values become None (null).

    Parameters
    ----------
    values : array of float
        A grid of any dimension.
    decimals : int
        Decimals kept.

    Returns
    -------
    list
        Nested lists of floats and None, in the shape of ``values``.
    """
    return _json_values(np.asarray(values, dtype=float), decimals)


@validate_params({"year": [_AnyReal()]})
def year_text(year: float) -> str:
    """A run-out year as the page shows it: ``"2028.4"``, ``"never"`` (+inf) or ``"already in 2024"`` (-inf).

    Parameters
    ----------
    year : float
        Decimal year, or an infinity from :func:`runout_grid`.

    Returns
    -------
    str
        The text.
    """
    if year == np.inf:
        return "never"
    if year == -np.inf:
        return "already in 2024"
    return format(year, ".1f")


@validate_params({"value": [Interval(Real, None, None)]})
def sig_text(value: float) -> str:
    """A Monte Carlo result as chapter 7 shows it: two significant figures (:func:`analysis.energy.model.round_sig`), ``",g"``.

    Parameters
    ----------
    value : float
        The number.

    Returns
    -------
    str
        The text, e.g. ``"1,200"``.
    """
    return format(_energy.round_sig(value), ",g")
