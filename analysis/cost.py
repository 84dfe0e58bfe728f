"""A transparent model of what training and training data cost (chapter 02).

Final-run compute cost follows the standard accounting: training compute C = 6 N D FLOP for a
dense transformer with N parameters trained on D tokens (Kaplan et al. 2020; for a
mixture-of-experts model N is the number of *active* parameters), chip-hours = C / (peak FLOP/s x
utilisation x 3600), and cost = chip-hours x price per chip-hour. The amortised-hardware variant
re-implements, from its description, the method of Cottier et al. (2024). Every function is
vectorised: pass numpy arrays of Monte Carlo draws to propagate uncertainty.
"""

from __future__ import annotations

from typing import Callable, Mapping

import numpy as np
import pandas as pd

from analysis.trend import bootstrap_slopes, decimal_year, lognormal_params

HOURS_PER_YEAR = 8766.0  # 365.25 days, as in Cottier et al.'s amortisation
SECONDS_PER_HOUR = 3600.0


def _array(value, name: str, *, positive: bool = False, allow_zero: bool = True) -> np.ndarray:
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected a number or an array of numbers, got a boolean")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: expected a number or an array of numbers, got {type(value).__name__}") from None
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: must be finite (got NaN or infinity)")
    if positive and np.any(arr <= 0):
        raise ValueError(f"{name}: must be > 0")
    if not allow_zero and np.any(arr <= 0):
        raise ValueError(f"{name}: must be > 0")
    if np.any(arr < 0):
        raise ValueError(f"{name}: must be >= 0 (a count or a price cannot be negative)")
    return arr


def _out(arr: np.ndarray):
    return float(arr) if arr.ndim == 0 else arr


def _utilization(value) -> np.ndarray:
    arr = _array(value, "utilization")
    if np.any((arr <= 0) | (arr > 1)):
        raise ValueError("utilization: must be in (0, 1] (a fraction of the chip's peak throughput)")
    return arr


def training_flops(params, tokens):
    """Training compute in FLOP, C = 6 N D (Kaplan et al. 2020); pass active parameters for MoE."""
    return _out(6.0 * _array(params, "params") * _array(tokens, "tokens"))


def training_cost(*, flops, peak_flops, utilization, usd_per_chip_hour) -> dict:
    """Chip-hours and USD of a run: hours = C / (peak x utilisation x 3600), usd = hours x price."""
    flops_ = _array(flops, "flops")
    peak = _array(peak_flops, "peak_flops", positive=True)
    util = _utilization(utilization)
    price = _array(usd_per_chip_hour, "usd_per_chip_hour")
    chip_hours = flops_ / (peak * util * SECONDS_PER_HOUR)
    return {"chip_hours": _out(chip_hours), "usd": _out(chip_hours * price)}


def implied_utilization(*, flops, chip_hours, peak_flops):
    """Model FLOP utilisation implied by a run's compute and its reported chip-hours."""
    flops_ = _array(flops, "flops")
    hours = _array(chip_hours, "chip_hours", positive=True)
    peak = _array(peak_flops, "peak_flops", positive=True)
    return _out(flops_ / (hours * SECONDS_PER_HOUR * peak))


def chip_peak_flops(chip: str, *, fp8: bool = False, specs: pd.DataFrame | None = None) -> float:
    """Peak dense FLOP/s of ``chip`` from ``gpu_specs`` (BF16/FP16 tensor, or FP8 if ``fp8``)."""
    if specs is None:
        from analysis import data

        specs = data.load("gpu_specs")
    if not isinstance(chip, str):
        raise TypeError(f"chip: expected a GPU name (str), got {type(chip).__name__}")
    row = specs[specs["chip"] == chip]
    if row.empty:
        raise ValueError(f"chip: unknown GPU {chip!r}; known: {', '.join(specs['chip'])}")
    value = row["peak_fp8_flop_per_s" if fp8 else "peak_flop_per_s"].iloc[0]
    if pd.isna(value):
        raise ValueError(f"chip: no FP8 peak recorded for {chip!r}")
    return float(value)


def amortized_hardware_cost(
    *,
    chip_hours,
    usd_per_chip,
    tdp_w,
    server_overhead=1.64,
    depreciation_ooms_per_year=0.14,
    interconnect_fraction=0.19,
    chip_to_server_power=1.8,
    average_power_fraction=0.75,
    pue=1.1,
    usd_per_kwh=0.0771,
) -> dict:
    """Amortised hardware + interconnect + energy cost of a run, after Cottier et al. (2024).

    The hardware (chip price x server overhead) loses value as price-performance improves by
    ``depreciation_ooms_per_year`` orders of magnitude a year, so a chip-hour uses up a fraction
    ln(10) x rate / 8766 of its value. Cluster interconnect is a fixed share of hardware cost
    (hw x f / (1 - f)); energy is chip-hours x TDP x chip-to-server power x average draw x PUE.
    Defaults are the constants of Epoch's code (``cost_analysis_standalone.py`` in
    epoch-research/training-cost-trends): server overhead 1.64 and chip-to-server power 1.8 (their
    averages for GPUs; 1.82 for H100 servers), average draw 0.75 of server TDP, PUE 1.1
    (hyperscalers; 1.25 otherwise) and US industrial electricity in 2024, $0.0771/kWh.
    """
    hours = _array(chip_hours, "chip_hours")
    price = _array(usd_per_chip, "usd_per_chip")
    tdp = _array(tdp_w, "tdp_w")
    overhead = _array(server_overhead, "server_overhead", positive=True)
    rate = _array(depreciation_ooms_per_year, "depreciation_ooms_per_year")
    frac = _array(interconnect_fraction, "interconnect_fraction")
    if np.any(frac >= 1):
        raise ValueError("interconnect_fraction: must be in [0, 1)")
    c2s = _array(chip_to_server_power, "chip_to_server_power", positive=True)
    avg = _array(average_power_fraction, "average_power_fraction")
    if np.any((avg <= 0) | (avg > 1)):
        raise ValueError("average_power_fraction: must be in (0, 1]")
    pue_ = _array(pue, "pue")
    if np.any(pue_ < 1):
        raise ValueError("pue: must be >= 1 (power usage effectiveness)")
    kwh_price = _array(usd_per_kwh, "usd_per_kwh")
    hardware = price * overhead * rate * np.log(10.0) / HOURS_PER_YEAR * hours
    interconnect = hardware * frac / (1.0 - frac)
    energy = hours * tdp * c2s * avg * pue_ / 1000.0 * kwh_price
    return {
        "hardware_usd": _out(hardware),
        "interconnect_usd": _out(interconnect),
        "energy_usd": _out(energy),
        "usd": _out(hardware + interconnect + energy),
    }


def synthetic_data_cost(*, tokens_out, tokens_in=0, usd_per_m_in, usd_per_m_out):
    """USD to generate ``tokens_out`` tokens through an API priced per million input/output tokens."""
    out = _array(tokens_out, "tokens_out")
    inp = _array(tokens_in, "tokens_in")
    return _out(inp / 1e6 * _array(usd_per_m_in, "usd_per_m_in") + out / 1e6 * _array(usd_per_m_out, "usd_per_m_out"))


def self_hosted_generation_cost(*, tokens_out, tokens_per_gpu_hour, usd_per_gpu_hour):
    """USD to generate ``tokens_out`` tokens on rented GPUs at a given throughput per GPU-hour."""
    out = _array(tokens_out, "tokens_out")
    rate = _array(tokens_per_gpu_hour, "tokens_per_gpu_hour", positive=True)
    return _out(out / rate * _array(usd_per_gpu_hour, "usd_per_gpu_hour"))


def human_annotation_cost(*, items, seconds_per_item, usd_per_hour, overhead=0.0):
    """USD for ``items`` human judgements: items x time x wage x (1 + overhead for QA and management)."""
    n = _array(items, "items")
    secs = _array(seconds_per_item, "seconds_per_item")
    wage = _array(usd_per_hour, "usd_per_hour")
    extra = _array(overhead, "overhead")
    return _out(n * secs / SECONDS_PER_HOUR * wage * (1.0 + extra))


def tokens_for_budget(*, usd, params, peak_flops, utilization, usd_per_chip_hour):
    """Training tokens D a budget buys for a model of N (active) parameters: D = C / (6 N)."""
    budget = _array(usd, "usd")
    n = _array(params, "params", positive=True)
    flops = budget / _array(usd_per_chip_hour, "usd_per_chip_hour", positive=True) * SECONDS_PER_HOUR
    flops = flops * _array(peak_flops, "peak_flops", positive=True) * _utilization(utilization)
    return _out(flops / (6.0 * n))


def chinchilla_optimal(flops, *, tokens_per_param=20.0) -> dict:
    """Compute-optimal N and D for C FLOP with D = k N (Hoffmann et al. 2022, k about 20)."""
    c = _array(flops, "flops")
    k = _array(tokens_per_param, "tokens_per_param", positive=True)
    n = np.sqrt(c / (6.0 * k))
    return {"params": _out(n), "tokens": _out(k * n)}


def lognormal_from_interval(low, high, *, size: int, rng: np.random.Generator, level: float = 0.9):
    """Draws from the lognormal whose central ``level`` interval is [low, high]."""
    lo = _array(low, "low", positive=True)
    hi = _array(high, "high", positive=True)
    if np.any(hi < lo):
        raise ValueError("high: must be >= low")
    if not 0 < level < 1:
        raise ValueError("level: must be in (0, 1)")
    if not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError("size: must be a positive integer")
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng: expected a numpy.random.Generator (numpy.random.default_rng(seed))")
    mu, sigma = lognormal_params(low=lo, high=hi, level=level)
    return np.exp(mu + sigma * rng.standard_normal(size))


def fit_cost_trend(
    df: pd.DataFrame,
    *,
    date_col: str = "publication_date",
    cost_col: str = "cost_usd",
    n_boot: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> dict:
    """Growth of training cost per year: OLS of log10(cost) on date, with a pairs-bootstrap interval.

    Follows the regression of Cottier et al. (2024), who report about 2.4x per year for frontier
    models since 2016. Returns the slope in orders of magnitude per year, the growth factor per
    year and its bootstrap interval, the intercept and the number of models.
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df: expected a pandas DataFrame, got {type(df).__name__}")
    for col in (date_col, cost_col):
        if col not in df.columns:
            raise ValueError(f"{'date_col' if col == date_col else 'cost_col'}: no column {col!r} in df")
    if len(df) < 3:
        raise ValueError("df: at least 3 rows are needed to fit a trend")
    if not isinstance(n_boot, (int, np.integer)) or n_boot < 100:
        raise ValueError("n_boot: must be an integer >= 100")
    if not 0 < level < 1:
        raise ValueError("level: must be in (0, 1)")
    cost = _array(df[cost_col].to_numpy(dtype=float), cost_col, positive=True)
    x = decimal_year(df[date_col])
    if np.ptp(x) == 0:
        raise ValueError(f"date_col: all dates in {date_col!r} are equal; no trend can be fitted")
    fit = bootstrap_slopes(x, np.log10(cost), n_boot=n_boot, rng=np.random.default_rng(seed))
    slope, intercept, boot = fit["slope"], fit["intercept"], fit["boot_slopes"]
    lo, hi = np.quantile(boot, [(1 - level) / 2, (1 + level) / 2])
    return {
        "slope_ooms_per_year": slope,
        "growth_per_year": 10**slope,
        "growth_low": float(10**lo),
        "growth_high": float(10**hi),
        "intercept": intercept,
        "n_models": int(len(x)),
        "boot_slopes": boot,
    }


def one_at_a_time_sensitivity(
    func: Callable[..., float], *, base: Mapping[str, float], ranges: Mapping[str, tuple[float, float]]
) -> pd.DataFrame:
    """Tornado table: ``func(**base)`` with one input at a time set to its low and high value."""
    if not callable(func):
        raise TypeError("func: must be callable")
    unknown = set(ranges) - set(base)
    if unknown:
        raise ValueError(f"ranges: {sorted(unknown)} are not inputs listed in base")
    centre = float(func(**base))
    rows = []
    for name, (low, high) in ranges.items():
        if low > high:
            raise ValueError(f"ranges: low > high for {name!r}")
        out_low = float(func(**{**base, name: low}))
        out_high = float(func(**{**base, name: high}))
        rows.append({"input": name, "low_value": low, "high_value": high, "output_at_low": out_low,
                     "output_at_high": out_high, "base_output": centre,
                     "swing": abs(out_high - out_low)})
    return pd.DataFrame(rows).sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
