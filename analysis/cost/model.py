"""A transparent model of what training and training data cost (chapter 02).

Final-run compute cost follows the standard accounting: training compute C = 6 N D FLOP for a
dense transformer with N parameters trained on D tokens (Kaplan et al. 2020; for a
mixture-of-experts model N is the number of *active* parameters), chip-hours = C / (peak FLOP/s x
utilisation x 3600), and cost = chip-hours x price per chip-hour.

The amortised-hardware cost re-implements, from the paper's description and its published
parameter values, the method of Cottier et al. (2024): the purchase value of the servers,
depreciated from the date the hardware was acquired to the start of training, is spread over
the hardware's economic life at the rate hardware price-performance improves; cluster
interconnect and energy are added. ``reproduce_epoch_amortized_costs`` applies it to the inputs
Epoch AI published with its cost estimates, so that the re-implementation can be checked model by
model. Every numerical function is vectorised: pass numpy arrays of Monte Carlo draws to
propagate uncertainty.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from collections.abc import Callable, Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.core.trend import bootstrap_slopes, decimal_year, lognormal_params
from analysis.core.validation import (ArrayLike, Boolean, CallableConstraint, Frame, InstanceOf, Integral, Interval,
                                 ISODate, LEVEL, Real, Relation, Seed, check_finite_output, check_real, ordered,
                                 validate_params)

HOURS_PER_YEAR = 8766.0  # 365.25 days, as in Cottier et al.'s amortisation
DAYS_PER_YEAR = 365.25
SECONDS_PER_HOUR = 3600.0

# --- Epoch AI's parameter values (Cottier et al. 2024, Appendix; epoch-research/training-cost-trends) --
EPOCH_DEPRECIATION_OOMS_PER_YEAR = 0.14  # ML GPU price-performance, orders of magnitude a year
EPOCH_INTERCONNECT_FRACTION = 0.19  # cluster-level interconnect as a share of total cluster cost
EPOCH_MEDIAN_UTILIZATION = 0.375  # median of the known utilisation values, used when none is recorded
EPOCH_MEDIAN_TRAINING_DAYS = 793.5 / 24  # median training time of the running top-10 models
EPOCH_PUBLICATION_LAG_DAYS = 60  # training end to publication
EPOCH_ACQUISITION_LAG_DAYS = 60  # hardware acquisition to training start
EPOCH_RELEASE_TO_FIRST_PURCHASE_DAYS = 90  # a GPU is first bought at least this long after release
# Dates of training set by the paper from public statements (publication minus the usual lag
# would be wrong for these models): the GPT-4 system card says training finished in August 2022;
# Gemini was "still in training" on 2023-05-10; GPT-3.5 was trained "a year" before 2023-03-14;
# GPT-3 is dated to October 2019 (midpoint of the paper's August 2019 - January 2020 interval).
EPOCH_TRAINING_START_OVERRIDES = {"Gemini 1.0 Ultra": "2023-05-10", "GPT-3.5": "2022-03-14",
                                  "GPT-3 175B (davinci)": "2019-10-01"}
EPOCH_TRAINING_END_OVERRIDES = {"GPT-4": "2022-08-15"}
# Average US industrial electricity price by year, USD per kWh (EIA, as tabulated by Epoch).
US_INDUSTRIAL_USD_PER_KWH = {2010: 0.0677, 2011: 0.0682, 2012: 0.0667, 2013: 0.0689, 2014: 0.0710,
                             2015: 0.0691, 2016: 0.0676, 2017: 0.0688, 2018: 0.0692, 2019: 0.0681,
                             2020: 0.0667, 2021: 0.0718, 2022: 0.0832, 2023: 0.0806, 2024: 0.0771,
                             2025: 0.0826}
_HYPERSCALERS = ("google", "deepmind", "microsoft", "amazon", "meta", "facebook")

# Plausible ranges for the amortisation parameters, used to reject nonsense rather than to constrain
# analysis: price-performance has improved by roughly 0.1-0.2 orders of magnitude a year; 1 OOM a
# year (tenfold a year) is far beyond any measured trend.
DEPRECIATION_RANGE = (0.0, 1.0)
_RANGES = {
    "server_overhead": (1.0, 5.0),
    "chip_to_server_power": (1.0, 5.0),
    "pue": (1.0, 3.0),
    "usd_per_kwh": (0.0, 10.0),
    "years_acquisition_to_training": (0.0, 10.0),
}



def _c_nonneg(hi=None):
    """A number >= 0 (<= hi), or an array of them (Monte Carlo draws)."""
    return [Interval(Real, 0, hi, closed="both" if hi is not None else "left"), ArrayLike(ndim=None, lo=0, hi=hi)]


def _c_pos():
    """A number > 0, or an array of them."""
    return [Interval(Real, 0, None, closed="neither"), ArrayLike(ndim=None, lo=0, closed="neither")]


def _c_range(lo, hi, closed="both"):
    """A number in the interval, or an array of them (the same ends open or closed)."""
    return [Interval(Real, lo, hi, closed=closed), ArrayLike(ndim=None, lo=lo, hi=hi, closed=closed)]


_C_OPTIONAL = [Interval(Real, 0, None, closed="left"), None]


Num = float | np.ndarray
"""A number, or an array of Monte Carlo draws (every numeric function here is vectorised)."""

# --- result types ------------------------------------------------------------------------------

class RunCost(NamedTuple):
    """Chip-hours and cost of one training run (scalars or arrays of draws)."""

    chip_hours: float | np.ndarray
    usd: float | np.ndarray


class AmortizedCost(NamedTuple):
    """Amortised cost of a run by component (Cottier et al. 2024), USD."""

    hardware_usd: float | np.ndarray
    interconnect_usd: float | np.ndarray
    energy_usd: float | np.ndarray
    usd: float | np.ndarray


class ComputeOptimal(NamedTuple):
    """Compute-optimal model size and training tokens for a compute budget."""

    params: float | np.ndarray
    tokens: float | np.ndarray


class EpochParameters(NamedTuple):
    """Epoch AI's per-hardware and per-developer parameters of the amortised-cost model."""

    server_overhead: float
    chip_to_server_power: float
    average_power_fraction: float
    pue: float


class HardwareGap(NamedTuple):
    """Monte Carlo draws of the same training job on newer and on older hardware (``hardware_gap``)."""

    price_new: np.ndarray
    utilization_new: np.ndarray
    price_old: np.ndarray
    run_new: RunCost
    run_old: RunCost
    ratio: np.ndarray


@dataclass(frozen=True)
class CostTrend:
    """A log-linear fit of cost on date with its pairs-bootstrap interval.

    ``growth_low``/``growth_high`` are the central ``level`` interval of the bootstrap growth
    factors; ``x_mean``/``y_mean`` are the mean decimal year and mean log10 cost, through which
    every bootstrap line of an OLS fit passes.
    """

    slope_ooms_per_year: float
    growth_per_year: float
    growth_low: float
    growth_high: float
    level: float
    intercept: float
    n_models: int
    boot_slopes: np.ndarray
    x_mean: float
    y_mean: float

    def band(self, years, level: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Pointwise bootstrap band of log10 cost at ``years`` (central ``level``, default the fit's)."""
        lev = self.level if level is None else check_real("level", level, lo=0, hi=1, lo_open=True, hi_open=True)
        grid = np.asarray(years, dtype=float)
        lines = self.y_mean + np.outer(self.boot_slopes, grid - self.x_mean)
        lo, hi = np.quantile(lines, [(1 - lev) / 2, (1 + lev) / 2], axis=0)
        return lo, hi


# --- conversions (the declarations have checked every value) ----------------------------------

def _f(value) -> np.ndarray:
    """A declared number or array of numbers as a float array."""
    return np.asarray(value, dtype=float)


def _out(arr: np.ndarray):
    return float(arr) if arr.ndim == 0 else arr


# --- final-run compute cost ----------------------------------------------------------------------

@validate_params({"params": _c_nonneg(), "tokens": _c_nonneg()})
def training_flops(params: Num, tokens: Num) -> Num:
    """Training compute in FLOP of a dense transformer, C = 6 N D.

    Parameters
    ----------
    params : float or array
        Parameters N (active parameters for a mixture-of-experts model), >= 0.
    tokens : float or array
        Training tokens D, >= 0.

    Returns
    -------
    float or ndarray
        6 N D. :func:`analysis.energy.model.training_flop` is the same computation, keyword-only.

    References
    ----------
    kaplan2020scaling

    Examples
    --------
    Llama 3 70B on 15 trillion tokens:

    >>> float(training_flops(70e9, 15e12))
    6.3e+24
    """
    return _out(6.0 * _f(params) * _f(tokens))


@validate_params({"flops": _c_nonneg(), "peak_flops": _c_pos(), "utilization": _c_range(0, 1, "right"), "usd_per_chip_hour": _c_nonneg()})
def training_cost(*, flops: Num, peak_flops: Num, utilization: Num, usd_per_chip_hour: Num) -> RunCost:
    """Chip-hours and USD of a run at a rental price.

    hours = C / (F u 3600), usd = hours x p, with C the training compute (FLOP), F the chip's peak
    FLOP/s, u the model FLOP utilisation in (0, 1] and p the price per chip-hour.

    Returns
    -------
    RunCost

    References
    ----------
    cottier2024rising

    Examples
    --------
    10^24 FLOP on H100s (989 TFLOP/s dense BF16) at 40 % utilisation and 2 USD a chip-hour:

    >>> run = training_cost(flops=1e24, peak_flops=989e12, utilization=0.4, usd_per_chip_hour=2.0)
    >>> round(run.chip_hours), round(run.usd)
    (702168, 1404337)
    """
    flops_ = _f(flops)
    peak = _f(peak_flops)
    util = _f(utilization)
    price = _f(usd_per_chip_hour)
    chip_hours = flops_ / (peak * util * SECONDS_PER_HOUR)
    usd = chip_hours * price
    # inputs within floating-point range of an open bound (e.g. peak_flops=5e-324) overflow
    check_finite_output("flops, peak_flops, utilization, usd_per_chip_hour", usd)
    check_finite_output("flops, peak_flops, utilization", chip_hours)
    return RunCost(chip_hours=_out(chip_hours), usd=_out(usd))


@validate_params({"flops": _c_nonneg(), "peak_flops": _c_pos(), "utilization": _c_range(0, 1, "right"), "usd_per_chip_hour": _c_nonneg()})
def training_cost_musd(*, flops: Num, peak_flops: Num, utilization: Num, usd_per_chip_hour: Num) -> Num:
    """The USD of :func:`training_cost`, in millions: the model chapter 2's sensitivity analysis varies.

    Parameters
    ----------
    flops : float or array
        Training compute (FLOP).
    peak_flops : float or array
        The chip's peak FLOP/s.
    utilization : float or array
        Model FLOP utilisation in (0, 1].
    usd_per_chip_hour : float or array
        Rental price per chip-hour (USD).

    Returns
    -------
    float or numpy.ndarray
        Cost of the run in million USD.

    Examples
    --------
    >>> round(float(training_cost_musd(flops=1e24, peak_flops=989e12, utilization=0.4, usd_per_chip_hour=2.0)), 3)
    1.404
    """
    return training_cost(flops=flops, peak_flops=peak_flops, utilization=utilization,
                         usd_per_chip_hour=usd_per_chip_hour).usd / 1e6


@validate_params({"flops": _c_nonneg(), "chip_hours": _c_pos(), "peak_flops": _c_pos()})
def implied_utilization(*, flops: Num, chip_hours: Num, peak_flops: Num) -> Num:
    """Model FLOP utilisation implied by a run's compute and its reported chip-hours.

    u = C / (hours x 3600 x F). A utilisation above 1 is physically impossible (the chips would
    have run faster than their peak), so it is reported as an error: the inputs are inconsistent
    (usually chip-hours in the wrong unit, or a peak in the wrong precision).

    References
    ----------
    cottier2024rising
    """
    flops_ = _f(flops)
    hours = _f(chip_hours)
    peak = _f(peak_flops)
    util = flops_ / (hours * SECONDS_PER_HOUR * peak)
    check_finite_output("flops, chip_hours, peak_flops", util)
    if np.any(util > 1):
        raise ValueError(f"flops, chip_hours, peak_flops: implied utilisation {np.max(util):.3g} exceeds 1 "
                         "(valid range (0, 1]); the chip-hours are too few for this compute at this peak - "
                         "check units (hours, not GPU-years) and the precision of the peak")
    return _out(util)


_PEAK = Interval(Real, 0, None, closed="neither")  # FLOP/s: a chip with no positive peak computes nothing


@validate_params({"chip": [InstanceOf(str, "a chip name (str)")], "fp8": [Boolean()],
                  "specs": [Frame(["chip", "peak_flop_per_s", "peak_fp8_flop_per_s"],
                                  ranges={"peak_flop_per_s": _PEAK, "peak_fp8_flop_per_s": _PEAK}), None]})
def chip_peak_flops(chip: str, *, fp8: bool = False, specs: pd.DataFrame | None = None) -> float:
    """Peak dense FLOP/s of ``chip`` from ``gpu_specs`` (BF16/FP16 tensor, or FP8 if ``fp8`` is True).

    References
    ----------
    epoch2025trainingcosttrends
    """
    if specs is None:
        from analysis.data import loader as data

        specs = data.load("gpu_specs")
    row = specs[specs["chip"] == chip]
    if row.empty:
        raise ValueError(f"chip: unknown chip {chip!r}; known: {', '.join(specs['chip'])}")
    value = row["peak_fp8_flop_per_s" if fp8 else "peak_flop_per_s"].iloc[0]
    if pd.isna(value):
        raise ValueError(f"chip: no FP8 peak recorded for {chip!r}")
    return float(value)


# --- amortised hardware cost (Cottier et al.) ---------------------------------------------------

@validate_params({"usd": _c_nonneg(), "years": _c_range(0, 10), "depreciation_ooms_per_year": _c_range(*DEPRECIATION_RANGE)})
def depreciated_value(*, usd: Num, years: Num, depreciation_ooms_per_year: Num = EPOCH_DEPRECIATION_OOMS_PER_YEAR) -> Num:
    """Value of hardware ``years`` after acquisition: usd x 10^(-rate x years).

    The hardware loses value at the rate its price-performance improves, 0.14 orders of magnitude a
    year in Cottier et al.

    References
    ----------
    cottier2024rising
    """
    price = _f(usd)
    t = _f(years)
    rate = _f(depreciation_ooms_per_year)
    return _out(price * 10.0 ** (-rate * t))


@validate_params({
    "chip_hours": _c_nonneg(), "usd_per_chip": _c_nonneg(), "tdp_w": _c_nonneg(),
    "server_overhead": _c_range(*_RANGES["server_overhead"]),
    "years_acquisition_to_training": _c_range(*_RANGES["years_acquisition_to_training"]),
    "depreciation_ooms_per_year": _c_range(*DEPRECIATION_RANGE), "interconnect_fraction": _c_range(0, 1, "left"),
    "chip_to_server_power": _c_range(*_RANGES["chip_to_server_power"]),
    "average_power_fraction": _c_range(0, 1, "right"), "pue": _c_range(*_RANGES["pue"]),
    "usd_per_kwh": _c_range(*_RANGES["usd_per_kwh"])})
def amortized_hardware_cost(
    *,
    chip_hours: Num,
    usd_per_chip: Num,
    tdp_w: Num,
    server_overhead: Num = 1.64,
    years_acquisition_to_training: Num = 0.0,
    depreciation_ooms_per_year: Num = EPOCH_DEPRECIATION_OOMS_PER_YEAR,
    interconnect_fraction: Num = EPOCH_INTERCONNECT_FRACTION,
    chip_to_server_power: Num = 1.8,
    average_power_fraction: Num = 0.75,
    pue: Num = 1.25,
    usd_per_kwh: Num = 0.0771,
) -> AmortizedCost:
    """Amortised hardware + interconnect + energy cost of a run, after Cottier et al. (2024).

    The server value per chip at the start of training is
    V = usd_per_chip x server_overhead x 10^(-r t), with r the price-performance improvement
    (orders of magnitude a year) and t the years from acquisition to the start of training. When
    hardware improves by r OOM a year it is optimal to replace it at a rate r ln 10 a year, so a
    chip-hour uses up V r ln(10) / 8766 of value:

        hardware     = V r ln(10) / 8766 x chip_hours
        interconnect = hardware f / (1 - f)
        energy       = chip_hours x TDP x chip_to_server_power x average_power_fraction x PUE x price/kWh

    Parameters
    ----------
    chip_hours : float or array
        Chip-hours of the final training run.
    usd_per_chip : float or array
        Purchase price per chip: a single-chip price (then ``server_overhead`` adds the rest of the
        server) or a server price divided by its chips (then pass ``server_overhead=1``).
    tdp_w : float or array
        Thermal design power per chip, W.
    server_overhead : float, default 1.64
        Server cost per chip over the chip's price, in [1, 5]. Epoch: 1.66 (A100), 1.69 (V100),
        1.54 (P100), 1.64 otherwise (``epoch_parameters``).
    years_acquisition_to_training : float, default 0
        Years from hardware acquisition to the start of training, in [0, 10].
    depreciation_ooms_per_year : float, default 0.14
        Price-performance improvement r, in [0, 1] orders of magnitude a year.
    interconnect_fraction : float, default 0.19
        Cluster interconnect as a share f of total cluster cost, in [0, 1).
    chip_to_server_power : float, default 1.8
        Server power per unit of chip TDP, in [1, 5] (Epoch: 1.82 H100, 2.03 A100, 1.67 V100,
        1.47-2.93 TPUs, 1.8 otherwise).
    average_power_fraction : float, default 0.75
        Average draw as a share of server TDP, in (0, 1] (Epoch: 0.75 GPUs, 0.43 TPUs).
    pue : float, default 1.25
        Power usage effectiveness, in [1, 3] (Epoch: 1.1 hyperscalers, 1.25 others).
    usd_per_kwh : float, default 0.0771
        Electricity price, in [0, 10] (US industrial average, 2024).

    Returns
    -------
    AmortizedCost

    References
    ----------
    cottier2024rising, epoch2025trainingcosttrends
    """
    hours = _f(chip_hours)
    price = _f(usd_per_chip)
    tdp = _f(tdp_w)
    overhead = _f(server_overhead)
    years = _f(years_acquisition_to_training)
    rate = _f(depreciation_ooms_per_year)
    frac = _f(interconnect_fraction)
    c2s = _f(chip_to_server_power)
    avg = _f(average_power_fraction)
    pue_ = _f(pue)
    kwh_price = _f(usd_per_kwh)
    value = price * overhead * 10.0 ** (-rate * years)
    hardware = value * rate * np.log(10.0) / HOURS_PER_YEAR * hours
    interconnect = hardware * frac / (1.0 - frac)
    energy = hours * tdp * c2s * avg * pue_ / 1000.0 * kwh_price
    return AmortizedCost(hardware_usd=_out(hardware), interconnect_usd=_out(interconnect),
                         energy_usd=_out(energy), usd=_out(hardware + interconnect + energy))


@validate_params({"hardware": [InstanceOf(str, "a hardware name (str)")], "organization": [InstanceOf(str, "an organisation name (str)")]})
def epoch_parameters(hardware: str, organization: str = "") -> EpochParameters:
    """Epoch AI's server overhead, chip-to-server power, average power draw and PUE for a run.

    Server overhead (server cost per chip over the chip price): 1.66 A100, 1.69 V100, 1.54 P100,
    1.64 otherwise. Server power per unit of chip TDP: (10.2 kW / 8) / 0.7 kW for an H100 server,
    (6.5 / 8) / 0.4 for A100, the mean of a 16-GPU and a 4-GPU server for V100, 2.93 / 1.64 / 1.47
    for TPU v1 / v2 / v3 and 1.56 for later TPUs, 1.8 for other GPUs. Average draw: 0.43 of server
    TDP for TPUs (measured), 0.75 for GPUs. PUE: 1.1 for hyperscalers (Google, DeepMind,
    Microsoft, Amazon, Meta), 1.25 for everyone else.

    References
    ----------
    cottier2024rising, epoch2025trainingcosttrends
    """
    if not isinstance(hardware, str) or not hardware.strip():
        raise TypeError(f"hardware: expected a hardware name (non-empty str), got {hardware!r}")
    if not isinstance(organization, str):
        raise TypeError(f"organization: expected a str, got {type(organization).__name__}")
    tpu = "TPU" in hardware
    if "A100" in hardware:
        overhead = 1.66
    elif "V100" in hardware:
        overhead = 1.69
    elif "P100" in hardware:
        overhead = 1.54
    else:
        overhead = 1.64
    if tpu:
        c2s = 2.93 if "v1" in hardware else 1.64 if "v2" in hardware else 1.47 if "v3" in hardware else 1.56
    elif "H100" in hardware:
        c2s = (10.2 / 8) / 0.7
    elif "A100" in hardware:
        c2s = (6.5 / 8) / 0.4
    elif "V100" in hardware:
        c2s = ((10 / 16) / 0.3 + (1.5 / 4) / 0.3) / 2
    else:
        c2s = 1.8
    org = organization.lower()
    pue = 1.1 if any(h in org for h in _HYPERSCALERS) else 1.25
    return EpochParameters(server_overhead=overhead, chip_to_server_power=c2s,
                           average_power_fraction=0.43 if tpu else 0.75, pue=pue)


@validate_params({"year": [Interval(Integral, min(US_INDUSTRIAL_USD_PER_KWH), max(US_INDUSTRIAL_USD_PER_KWH), closed="both")]})
def us_industrial_electricity_price(year: int) -> float:
    """Average US industrial electricity price in ``year`` (2010-2025), USD per kWh, as Epoch tabulates it.

    References
    ----------
    epoch2025trainingcosttrends
    """
    return US_INDUSTRIAL_USD_PER_KWH[year]


@validate_params({"model": [InstanceOf(str, "a model name (str)")], "publication_date": [ISODate()], "training_time_hours": [Interval(Real, 0, 1e5, closed="both"), None]})
def epoch_training_start(*, model: str, publication_date: str | pd.Timestamp,
                         training_time_hours: float | None = None) -> pd.Timestamp:
    """Start of the final training run as Cottier et al. date it.

    Publication minus the training time minus 60 days, with the training time the median of
    frontier runs (about 33 days) when it is unknown; four models are dated from public statements
    instead (``EPOCH_TRAINING_START_OVERRIDES``; GPT-4 ends on 2022-08-15).

    References
    ----------
    cottier2024rising
    """
    hours = None if training_time_hours is None or pd.isna(training_time_hours) else float(training_time_hours)
    if model in EPOCH_TRAINING_START_OVERRIDES:
        return pd.Timestamp(EPOCH_TRAINING_START_OVERRIDES[model])
    if model in EPOCH_TRAINING_END_OVERRIDES and hours is not None:
        return pd.Timestamp(EPOCH_TRAINING_END_OVERRIDES[model]) - pd.Timedelta(hours=int(hours))
    pub = pd.Timestamp(_iso_date(publication_date, "publication_date"))
    length = pd.Timedelta(days=EPOCH_MEDIAN_TRAINING_DAYS) if hours is None else pd.Timedelta(hours=int(hours))
    return pub - length - pd.Timedelta(days=EPOCH_PUBLICATION_LAG_DAYS)


def _iso_date(value, name: str) -> str:
    text = str(value)[:10]
    try:
        pd.Timestamp.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{name}: expected an ISO 8601 date YYYY-MM-DD, got {value!r}") from None
    if len(text) != 10:
        raise ValueError(f"{name}: expected an ISO 8601 date YYYY-MM-DD, got {value!r}")
    return text


@validate_params({"training_chip_hours": _C_OPTIONAL, "hardware_quantity": _C_OPTIONAL, "training_time_hours": _C_OPTIONAL,
                  "training_compute_flop": _C_OPTIONAL, "peak_flop_per_s": [Interval(Real, 0, None, closed="neither"), None],
                  "utilization": [Interval(Real, 0, 1, closed="right"), None]})
def epoch_chip_hours(*, training_chip_hours: float | None = None, hardware_quantity: float | None = None,
                     training_time_hours: float | None = None, training_compute_flop: float | None = None,
                     peak_flop_per_s: float | None = None, utilization: float | None = None) -> float:
    """Chip-hours of a run as Cottier et al. estimate them, or NaN when the inputs are missing.

    Recorded chip-hours if any; else chips x hours; else compute / (peak x utilisation x 3600),
    with Epoch's median utilisation 0.375 when none is recorded.

    References
    ----------
    cottier2024rising
    """
    def given(v):
        return v is not None and not pd.isna(v)

    if given(training_chip_hours):
        return float(training_chip_hours)
    if given(hardware_quantity) and given(training_time_hours):
        return float(hardware_quantity) * float(training_time_hours)
    if given(training_compute_flop) and given(peak_flop_per_s):
        u = float(utilization) if given(utilization) else EPOCH_MEDIAN_UTILIZATION
        return float(training_compute_flop) / (float(peak_flop_per_s) * u * SECONDS_PER_HOUR)
    return float("nan")


_INPUT_COLUMNS = ("model", "publication_date", "organization", "training_hardware", "hardware_quantity",
                  "training_time_hours", "training_chip_hours", "training_compute_flop", "hardware_utilization",
                  "base_model", "chip_release_date", "chip_tdp_w", "chip_peak_flop_per_s", "purchase_price_usd",
                  "purchase_price_date", "purchase_price_basis", "ppi_publication_month", "ppi_2024_12",
                  "published_cost_usd")


@validate_params({"inputs": [Frame(_INPUT_COLUMNS)]})
def reproduce_epoch_amortized_costs(inputs: pd.DataFrame) -> pd.DataFrame:
    """Cottier et al.'s amortised hardware-plus-energy cost of each model, from Epoch's own inputs.

    For each row of ``epoch_cost_inputs``: the purchase price (a server price per chip, or a
    single-chip price times the server overhead; for TPUs Epoch's equivalent price times the
    overhead) is taken as acquired at the price date, but not before 90 days after the chip's
    release (TPUs: at release); it is depreciated at 0.14 OOM a year to the start of training
    (``epoch_training_start``; for GPUs not before acquisition) and amortised over the run's
    chip-hours (``epoch_chip_hours``) with ``amortized_hardware_cost`` and the per-hardware and
    per-developer ``epoch_parameters``; energy is priced at the publication year's US industrial
    rate. Epoch states its costs in dollars of December 2024, so the result is scaled by the
    producer price index of data processing and hosting (FRED PCU518210518210) from the
    publication month to 2024-12.

    Returns
    -------
    DataFrame
        One row per input model: ``model``, ``in_frontier_systems_txt`` (if given), ``reproducible``,
        ``reason`` (why not, when not), ``chip_hours``, ``value_per_chip_usd`` (at training start),
        ``hardware_usd``, ``interconnect_usd``, ``energy_usd``, ``ours_usd`` (December 2024 USD),
        ``published_usd`` and ``ratio`` (ours / published).

    References
    ----------
    cottier2024rising, epoch2025trainingcosttrends
    """
    if not isinstance(inputs, pd.DataFrame):
        raise TypeError(f"inputs: expected a pandas DataFrame, got {type(inputs).__name__}")
    missing = [c for c in _INPUT_COLUMNS if c not in inputs.columns]
    if missing:
        raise ValueError(f"inputs: missing columns {missing} (see analysis/data/epoch_cost_inputs.schema.yml)")
    rows = []
    for r in inputs.itertuples(index=False):
        out = {"model": r.model, "reproducible": False, "reason": "", "chip_hours": np.nan,
               "value_per_chip_usd": np.nan, "hardware_usd": np.nan, "interconnect_usd": np.nan,
               "energy_usd": np.nan, "ours_usd": np.nan, "published_usd": float(r.published_cost_usd)}
        if hasattr(r, "in_frontier_systems_txt"):
            out["in_frontier_systems_txt"] = bool(r.in_frontier_systems_txt)
        hw = r.training_hardware
        if not isinstance(hw, str) or not hw:
            out["reason"] = "no training hardware in Epoch's database (Epoch imputed the most common chip of the year)"
        elif "," in hw:
            out["reason"] = "several kinds of hardware"
        elif isinstance(r.base_model, str) and r.base_model:
            out["reason"] = "fine-tuned from a base model"
        elif pd.isna(r.purchase_price_usd) or pd.isna(r.chip_tdp_w):
            out["reason"] = "no purchase price or TDP for the chip"
        else:
            hours = epoch_chip_hours(training_chip_hours=_given(r.training_chip_hours),
                                     hardware_quantity=_given(r.hardware_quantity),
                                     training_time_hours=_given(r.training_time_hours),
                                     training_compute_flop=_given(r.training_compute_flop),
                                     peak_flop_per_s=_given(r.chip_peak_flop_per_s),
                                     utilization=_given(r.hardware_utilization))
            if np.isnan(hours):
                out["reason"] = "neither chip-hours nor compute and chip recorded"
            else:
                out.update(_one_epoch_cost(r, hw, hours))
        rows.append(out)
    res = pd.DataFrame(rows)
    res["ratio"] = res["ours_usd"] / res["published_usd"]
    return res


def _given(value) -> float | None:
    """A recorded number as float, or None where Epoch's file is empty."""
    return None if value is None or pd.isna(value) else float(value)


def _one_epoch_cost(r, hw: str, hours: float) -> dict:
    params = epoch_parameters(hw, r.organization if isinstance(r.organization, str) else "")
    tpu = "TPU" in hw
    release = pd.Timestamp(r.chip_release_date)
    if tpu:
        acquired = release
    else:
        price_date = pd.Timestamp(r.purchase_price_date)
        earliest = release + pd.Timedelta(days=EPOCH_RELEASE_TO_FIRST_PURCHASE_DAYS)
        acquired = max(price_date, earliest)
    start = epoch_training_start(model=r.model, publication_date=pd.Timestamp(r.publication_date),
                                 training_time_hours=_given(r.training_time_hours))
    if not tpu and start < acquired:
        start = acquired  # a GPU cannot be used before it is bought
    # TPUs may be used inside Google before their public release; the paper then extrapolates the
    # price-performance trend backwards (a negative age raises the value), and so do we.
    years = (start - acquired).days / DAYS_PER_YEAR
    overhead = params.server_overhead if r.purchase_price_basis in ("single_unit", "tpu_equivalent") else 1.0
    value = float(r.purchase_price_usd) * overhead * 10.0 ** (-EPOCH_DEPRECIATION_OOMS_PER_YEAR * years)
    pub_year = pd.Timestamp(r.publication_date).year
    c = amortized_hardware_cost(chip_hours=hours, usd_per_chip=value, server_overhead=1.0, tdp_w=float(r.chip_tdp_w),
                                chip_to_server_power=params.chip_to_server_power,
                                average_power_fraction=params.average_power_fraction, pue=params.pue,
                                usd_per_kwh=us_industrial_electricity_price(pub_year))
    inflation = float(r.ppi_2024_12) / float(r.ppi_publication_month)
    return {"reproducible": True, "chip_hours": hours, "value_per_chip_usd": value,
            "hardware_usd": c.hardware_usd * inflation, "interconnect_usd": c.interconnect_usd * inflation,
            "energy_usd": c.energy_usd * inflation, "ours_usd": c.usd * inflation}


_POS_REAL = [Interval(Real, 0, None, closed="neither")]
_UTIL = [Interval(Real, 0, 1, closed="right")]


@validate_params({
    "flops": _POS_REAL, "new_peak_flops": _POS_REAL, "new_utilization_low": _UTIL, "new_utilization_high": _UTIL,
    "new_price_low": _POS_REAL, "new_price_high": _POS_REAL, "old_peak_flops": _POS_REAL, "old_utilization": _UTIL,
    "old_price_low": _POS_REAL, "old_price_high": _POS_REAL,
    "size": [Interval(Integral, 1, 10**7, closed="both", cap_reason="memory")],
    "rng": [InstanceOf(np.random.Generator, "a numpy.random.Generator (numpy.random.default_rng(seed))")],
    "level": [LEVEL],
}, relations=[ordered("new_utilization_low", "new_utilization_high", strict=False),
              ordered("new_price_low", "new_price_high", strict=False),
              ordered("old_price_low", "old_price_high", strict=False)])
def hardware_gap(*, flops: float, new_peak_flops: float, new_utilization_low: float, new_utilization_high: float,
                 new_price_low: float, new_price_high: float, old_peak_flops: float, old_utilization: float,
                 old_price_low: float, old_price_high: float, size: int, rng: np.random.Generator,
                 level: float = 0.9) -> HardwareGap:
    """Cost of one training job of ``flops`` FLOP on newer and on older rented hardware, with uncertainty.

    On the newer chip, price and utilisation are lognormal with central ``level`` intervals
    [new_price_low, new_price_high] and [new_utilization_low, new_utilization_high] (utilisation
    capped at 1); on the older chip the utilisation is fixed and the price lognormal over
    [old_price_low, old_price_high]. Draws are taken in that order (new price, new utilisation, old
    price) from ``rng``; cost = flops / (peak x utilisation x 3600) x price; ``ratio`` is old cost /
    new cost per draw.

    References
    ----------
    li2020openai, cottier2024rising
    """
    price_new = draw_lognormal_interval(new_price_low, new_price_high, size=size, rng=rng, level=level)
    util_new = np.clip(draw_lognormal_interval(new_utilization_low, new_utilization_high, size=size, rng=rng,
                                               level=level), None, 1.0)
    run_new = training_cost(flops=flops, peak_flops=new_peak_flops, utilization=util_new, usd_per_chip_hour=price_new)
    price_old = draw_lognormal_interval(old_price_low, old_price_high, size=size, rng=rng, level=level)
    run_old = training_cost(flops=flops, peak_flops=old_peak_flops, utilization=old_utilization,
                            usd_per_chip_hour=price_old)
    return HardwareGap(price_new=price_new, utilization_new=util_new, price_old=price_old, run_new=run_new,
                       run_old=run_old, ratio=run_old.usd / run_new.usd)


# --- data costs ----------------------------------------------------------------------------------

@validate_params({"tokens_out": _c_nonneg(), "tokens_in": _c_nonneg(), "usd_per_m_in": _c_nonneg(), "usd_per_m_out": _c_nonneg()})
def synthetic_data_cost(*, tokens_out: Num, tokens_in: Num = 0, usd_per_m_in: Num, usd_per_m_out: Num) -> Num:
    """USD to generate ``tokens_out`` tokens through an API priced per million input/output tokens.

    usd = tokens_in / 1e6 x p_in + tokens_out / 1e6 x p_out.

    References
    ----------
    kunishou2024generativeai
    """
    out = _f(tokens_out)
    inp = _f(tokens_in)
    return _out(inp / 1e6 * _f(usd_per_m_in) + out / 1e6 * _f(usd_per_m_out))


_PRICE_COLUMNS = ["usd_per_m_input", "usd_per_m_output"]


@validate_params({"prices": [Frame(_PRICE_COLUMNS)], "model": [InstanceOf(str, "a model name (str)")],
                  "tokens_out": _c_nonneg(), "tokens_in": _c_nonneg()},
                 relations=[Relation(("prices", "model"), lambda prices, model: model in prices.index,
                                     "model must be a label of the index of prices")])
def api_generation_cost(prices: pd.DataFrame, model: str, *, tokens_out: Num, tokens_in: Num = 0) -> Num:
    """USD of generating tokens through a model's API, at that model's row of a price table.

    :func:`synthetic_data_cost` at the prices of ``prices.loc[model]``.

    Parameters
    ----------
    prices : pandas.DataFrame
        Token prices indexed by model (the curated ``token_prices`` table, ``set_index("model")``),
        with ``usd_per_m_input`` and ``usd_per_m_output``.
    model : str
        The model, a label of the index of ``prices``.
    tokens_out : float or array
        Output (generated) tokens.
    tokens_in : float or array
        Input (prompt) tokens.

    Returns
    -------
    float or numpy.ndarray
        Cost in USD of the prices' year.
    """
    p = prices.loc[model]
    return synthetic_data_cost(tokens_out=tokens_out, tokens_in=tokens_in,
                               usd_per_m_in=p["usd_per_m_input"], usd_per_m_out=p["usd_per_m_output"])


@validate_params({"tokens_out": _c_nonneg(), "tokens_per_gpu_hour": _c_pos(), "usd_per_gpu_hour": _c_nonneg()})
def self_hosted_generation_cost(*, tokens_out: Num, tokens_per_gpu_hour: Num, usd_per_gpu_hour: Num) -> Num:
    """USD to generate ``tokens_out`` tokens on rented GPUs: tokens / throughput x price per GPU-hour.

    References
    ----------
    benallal2024cosmopedia
    """
    out = _f(tokens_out)
    rate = _f(tokens_per_gpu_hour)
    return _out(out / rate * _f(usd_per_gpu_hour))


@validate_params({"items": _c_nonneg(), "seconds_per_item": _c_nonneg(), "usd_per_hour": _c_nonneg(), "overhead": _c_range(0, 100)})
def human_annotation_cost(*, items: Num, seconds_per_item: Num, usd_per_hour: Num, overhead: Num = 0.0) -> Num:
    """USD for ``items`` human judgements: items x seconds / 3600 x wage x (1 + overhead).

    References
    ----------
    perrigo2023time
    """
    n = _f(items)
    secs = _f(seconds_per_item)
    wage = _f(usd_per_hour)
    extra = _f(overhead)
    return _out(n * secs / SECONDS_PER_HOUR * wage * (1.0 + extra))


@validate_params({"usd": _c_nonneg(), "params": _c_pos(), "peak_flops": _c_pos(), "utilization": _c_range(0, 1, "right"), "usd_per_chip_hour": _c_pos()})
def tokens_for_budget(*, usd: Num, params: Num, peak_flops: Num, utilization: Num, usd_per_chip_hour: Num) -> Num:
    """Training tokens D a budget buys for a model of N (active) parameters: D = C / (6 N).

    C = usd / price x 3600 x F x u.

    References
    ----------
    kaplan2020scaling
    """
    budget = _f(usd)
    n = _f(params)
    flops = budget / _f(usd_per_chip_hour) * SECONDS_PER_HOUR
    flops = flops * _f(peak_flops) * _f(utilization)
    tokens = flops / (6.0 * n)
    check_finite_output("usd, params, peak_flops, utilization, usd_per_chip_hour", tokens)
    return _out(tokens)


@validate_params({"flops": _c_nonneg(), "tokens_per_param": _c_pos()})
def chinchilla_optimal(flops: Num, *, tokens_per_param: Num = 20.0) -> ComputeOptimal:
    """Compute-optimal N and D for C FLOP with D = k N: N = sqrt(C / (6 k)).

    References
    ----------
    hoffmann2022training
    """
    c = _f(flops)
    k = _f(tokens_per_param)
    n = np.sqrt(c / (6.0 * k))
    return ComputeOptimal(params=_out(n), tokens=_out(k * n))


@validate_params({"low": _c_pos(), "high": _c_pos(),
                  "size": [Interval(Integral, 1, 10**8, closed="both", cap_reason="memory")],
                  "rng": [InstanceOf(np.random.Generator, "a numpy.random.Generator (numpy.random.default_rng(seed))")],
                  "level": [LEVEL]}, relations=[ordered("low", "high", strict=False)])
def draw_lognormal_interval(low: Num, high: Num, *, size: int, rng: np.random.Generator, level: float = 0.9) -> np.ndarray:
    """``size`` random draws from the lognormal whose central ``level`` interval is [low, high].

    mu = (ln low + ln high) / 2, sigma = (ln high - ln low) / (2 z), z the normal quantile at
    (1 + level) / 2. (Renamed from ``lognormal_from_interval``, which in ``analysis.exhaustion``
    returns the parameters instead of draws.)

    References
    ----------
    cottier2024rising
    """
    lo = _f(low)
    hi = _f(high)
    mu, sigma = lognormal_params(low=lo, high=hi, level=level)
    # a low bound near 0 beside a high one near the cap can still make sigma overflow exp
    return check_finite_output("low, high, level", np.exp(mu + sigma * rng.standard_normal(size)))


# --- trend ---------------------------------------------------------------------------------------

@validate_params({"df": [Frame(min_rows=3)], "date_col": [InstanceOf(str, "a column name (str)")],
                  "cost_col": [InstanceOf(str, "a column name (str)")],
                  "n_boot": [Interval(Integral, 100, 10**6, closed="both", cap_reason="time")], "seed": [Seed()],
                  "level": [Interval(Real, 0, 1, closed="neither")]})
def fit_cost_trend(
    df: pd.DataFrame,
    *,
    date_col: str = "publication_date",
    cost_col: str = "cost_usd",
    n_boot: int = 2000,
    seed: int = 0,
    level: float = 0.9,
) -> CostTrend:
    """Growth of training cost per year: OLS of log10(cost) on date, with a pairs-bootstrap interval.

    log10(cost) = a + b x year; growth = 10^b per year. The interval is the central ``level``
    quantile range of 10^b over ``n_boot`` resamples of the models (pairs bootstrap). The default
    level, 90%, is the convention of the current version of Cottier et al. (v2: 2.4x a year, 90%
    CI 2.0-2.9, N = 41).

    Parameters
    ----------
    df : DataFrame
        One row per model, with ISO dates in ``date_col`` and positive costs in ``cost_col``.
    n_boot : int
        Bootstrap resamples, in [100, 1,000,000].
    seed : int
        Seed of the bootstrap, in [0, 2**32 - 1].
    level : float
        Interval level, in (0, 1).

    Returns
    -------
    CostTrend

    References
    ----------
    cottier2024rising
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df: expected a pandas DataFrame, got {type(df).__name__}")
    for name, col in (("date_col", date_col), ("cost_col", cost_col)):
        if not isinstance(col, str) or col not in df.columns:
            raise ValueError(f"{name}: no column {col!r} in df")
    if not pd.api.types.is_numeric_dtype(df[cost_col]):
        raise TypeError(f"cost_col: column {cost_col!r} must be numeric")
    cost = df[cost_col].to_numpy(dtype=float)
    if not (np.all(np.isfinite(cost)) and np.all(cost > 0)):  # the frame's contents, not a declared parameter
        raise ValueError(f"cost_col: column {cost_col!r} must hold finite costs > 0")
    dates = df[date_col].astype(str)
    for d in dates:
        _iso_date(d, "date_col")
    x = decimal_year(dates)
    if np.ptp(x) == 0:
        raise ValueError(f"date_col: all dates in {date_col!r} are equal; no trend can be fitted")
    y = np.log10(cost)
    fit = bootstrap_slopes(x, y, n_boot=n_boot, rng=np.random.default_rng(seed))
    boot = fit.boot_slopes
    lo, hi = fit.interval(level)
    return CostTrend(slope_ooms_per_year=fit.slope, growth_per_year=float(10 ** fit.slope),
                     growth_low=float(10**lo), growth_high=float(10**hi), level=level,
                     intercept=fit.intercept, n_models=int(len(x)), boot_slopes=boot,
                     x_mean=float(x.mean()), y_mean=float(y.mean()))


@validate_params({"func": [CallableConstraint()], "base": [InstanceOf(Mapping, "a mapping of input names to values")], "ranges": [InstanceOf(Mapping, "a mapping of input names to (low, high)")]})
def one_at_a_time_sensitivity(
    func: Callable[..., float], *, base: Mapping[str, float], ranges: Mapping[str, tuple[float, float]]
) -> pd.DataFrame:
    """Tornado table: ``func(**base)`` with one input at a time set to its low and high value.

    Returns a DataFrame sorted by swing ``|f(high) - f(low)|``, largest first.
    """
    if not callable(func):
        raise TypeError("func: must be callable")
    unknown = set(ranges) - set(base)
    if unknown:
        raise ValueError(f"ranges: {sorted(unknown)} are not inputs listed in base")
    centre = float(func(**base))
    rows = []
    for name, pair in ranges.items():
        if not isinstance(pair, tuple) or len(pair) != 2 or not all(
                isinstance(v, numbers.Real) and not isinstance(v, bool) for v in pair):
            raise TypeError(f"ranges: {name!r} must map to a (low, high) pair of numbers")
        low, high = pair
        if low > high:
            raise ValueError(f"ranges: low > high for {name!r}")
        out_low = float(func(**{**base, name: low}))
        out_high = float(func(**{**base, name: high}))
        rows.append({"input": name, "low_value": low, "high_value": high, "output_at_low": out_low,
                     "output_at_high": out_high, "base_output": centre,
                     "swing": abs(out_high - out_low)})
    return pd.DataFrame(rows).sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


# ``decimal_year`` is re-exported for the chapter.
__all__ = [
    "AmortizedCost", "ComputeOptimal", "CostTrend", "EpochParameters", "RunCost", "amortized_hardware_cost",
    "chinchilla_optimal", "chip_peak_flops", "decimal_year", "depreciated_value", "draw_lognormal_interval",
    "epoch_chip_hours", "epoch_parameters", "hardware_gap", "HardwareGap", "epoch_training_start", "fit_cost_trend", "human_annotation_cost",
    "implied_utilization", "one_at_a_time_sensitivity", "reproduce_epoch_amortized_costs", "self_hosted_generation_cost",
    "synthetic_data_cost", "tokens_for_budget", "training_cost", "training_flops", "us_industrial_electricity_price",
    "training_cost_musd", "api_generation_cost",
]
