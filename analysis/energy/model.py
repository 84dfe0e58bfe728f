"""Energy and carbon of training a language model and of generating synthetic data with one (chapter 07).

Training. A run of ``gpu_hours`` on accelerators of thermal design power ``P_tdp`` that draw on
average a fraction ``f`` of it uses

    E_train = gpu_hours x P_tdp x f x h x PUE,

where ``h`` is the ratio of the whole server's IT energy to the accelerators' (host CPU, memory,
network) and PUE the data-centre overhead. From compute instead of hours, a dense transformer with
N (active) parameters trained on D tokens takes C = 6 N D FLOP (Kaplan et al. 2020), and
gpu_hours = C / (F_peak x MFU x 3600).

Generation. Producing one token with a model of P active parameters takes about 2 P FLOP. We write
the energy per generated token as

    e_token = 2 P x (P_tdp / F_peak) / eta x h x PUE,

where ``P_tdp / F_peak`` is the accelerator's energy per FLOP at peak and ``eta`` (the *inference
efficiency*, 0 < eta <= 1) is the realised fraction of that peak FLOP-per-joule. Decoding is
memory-bound and runs far below peak, so eta is small; it is not a free guess here but the range
implied by published per-token measurements (``inference_energy.csv``, see
:func:`implied_inference_efficiency`), which measure GPU energy at the real power draw, so eta
also absorbs the power fraction.

Emissions are energy x grid carbon intensity (``grid_intensity.csv``). Energies are in MWh,
emissions in tonnes CO2e. Uncertain inputs are drawn in :func:`simulate_generation`,
:func:`simulate_training` and :func:`simulate_break_even` from the ranges in
:class:`Assumptions`, each with its source.
"""

from __future__ import annotations

import functools
import numbers
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.cost.model import training_flops
from analysis.data import loader as data
from analysis.core import validation as v
from analysis.core.validation import check_choice, check_finite_output, check_int, check_real, check_seed, validate_params

# Declared once, reused: non-negative finite reals, fractions in (0, 1], names looked up in the data.
_NONNEG = [v.Interval(v.Real, 0, None, closed="left")]
_NONNEG_OR_ARRAY = [v.Interval(v.Real, 0, None, closed="left"), v.ArrayLike(ndim=None, lo=0)]
_POSITIVE = [v.Interval(v.Real, 0, None, closed="neither")]
_POSITIVE_FRACTION = [v.POSITIVE_FRACTION]  # (0, 1]: divided by (an MFU, an efficiency)
_HOST = [v.Interval(v.Real, 1, 10, closed="both")]
_PUE = [v.Interval(v.Real, 1, 3, closed="both")]
_KG_PER_KWH = [v.Interval(v.Real, 0, 1.5, closed="both")]
_NAME = [v.InstanceOf(str, "a name (str)")]
_N_DRAWS = [v.Interval(v.Integral, 1, 10_000_000, closed="both", cap_reason="memory")]

__all__ = [
    "J_PER_KWH", "KWH_PER_MWH", "G_PER_TONNE", "TRAINING_TOLERANCE", "ENERGY_TOLERANCE",
    "joules_to_kwh", "kwh_to_joules", "kwh_to_mwh", "mwh_to_kwh", "grams_to_tonnes", "tonnes_to_grams",
    "emissions_tonnes", "hardware_specs", "grid_factor", "pue_value",
    "Footprint", "training_footprint", "training_flop", "gpu_hours_for_flop", "implied_mfu",
    "generation_j_per_token", "implied_inference_efficiency", "generation_footprint",
    "reproduce_training_footprints", "implied_grid_from_card", "inference_efficiencies",
    "Range", "Assumptions", "round_sig", "McInterval", "summarise", "Draws",
    "simulate_generation", "simulate_training", "simulate_training_from_hours",
    "BreakEven", "simulate_break_even", "tornado",
]

# Exact unit conversions (SI definitions).
J_PER_KWH = 3.6e6
KWH_PER_MWH = 1e3
G_PER_TONNE = 1e6
SECONDS_PER_HOUR = 3600.0
FLOP_PER_PARAM_TOKEN_TRAIN = 6.0
FLOP_PER_PARAM_TOKEN_INFER = 2.0

# Reproduction of published training footprints: inputs such as "1.3M GPU-hours" or "30 t" are
# printed to two or three significant figures, so a correct re-computation can differ by up to
# half a unit in the last printed digit of an input plus the same for the output (1.3M: 3.8%).
TRAINING_TOLERANCE = 0.05
# A published energy that is itself GPU-hours x power must come back to printed precision.
ENERGY_TOLERANCE = 0.001


# --------------------------------------------------------------------------- unit conversions


def _nonneg(name: str, value):
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name}: expected a number >= 0 or an array of them, got a boolean")
    if isinstance(value, numbers.Real):
        return check_real(name, value, lo=0)
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: expected a number >= 0 or an array of them, got {type(value).__name__}") from None
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"{name}: must be finite numbers in [0, inf)")
    return arr


@validate_params({"joules": _NONNEG_OR_ARRAY})
def joules_to_kwh(joules: float | np.ndarray) -> float | np.ndarray:
    """Kilowatt-hours in ``joules`` (1 kWh = 3.6e6 J exactly)."""
    return _nonneg("joules", joules) / J_PER_KWH


@validate_params({"kwh": _NONNEG_OR_ARRAY})
def kwh_to_joules(kwh: float | np.ndarray) -> float | np.ndarray:
    """Joules in ``kwh`` kilowatt-hours."""
    return _nonneg("kwh", kwh) * J_PER_KWH


@validate_params({"kwh": _NONNEG_OR_ARRAY})
def kwh_to_mwh(kwh: float | np.ndarray) -> float | np.ndarray:
    """Megawatt-hours in ``kwh`` kilowatt-hours."""
    return _nonneg("kwh", kwh) / KWH_PER_MWH


@validate_params({"mwh": _NONNEG_OR_ARRAY})
def mwh_to_kwh(mwh: float | np.ndarray) -> float | np.ndarray:
    """Kilowatt-hours in ``mwh`` megawatt-hours."""
    return _nonneg("mwh", mwh) * KWH_PER_MWH


@validate_params({"grams": _NONNEG_OR_ARRAY})
def grams_to_tonnes(grams: float | np.ndarray) -> float | np.ndarray:
    """Tonnes in ``grams`` (of CO2e)."""
    return _nonneg("grams", grams) / G_PER_TONNE


@validate_params({"tonnes": _NONNEG_OR_ARRAY})
def tonnes_to_grams(tonnes: float | np.ndarray) -> float | np.ndarray:
    """Grams in ``tonnes`` (of CO2e)."""
    return _nonneg("tonnes", tonnes) * G_PER_TONNE


@validate_params({"energy_mwh": _NONNEG_OR_ARRAY, "kg_per_kwh": _NONNEG_OR_ARRAY})
def emissions_tonnes(*, energy_mwh: float | np.ndarray, kg_per_kwh: float | np.ndarray) -> float | np.ndarray:
    """Tonnes CO2e of ``energy_mwh`` at ``kg_per_kwh``: MWh x 1000 kWh/MWh x kg/kWh / 1000 kg/t."""
    return _nonneg("energy_mwh", energy_mwh) * _nonneg("kg_per_kwh", kg_per_kwh)


# --------------------------------------------------------------------------- lookups


def _table(name: str) -> pd.DataFrame:
    """``data.load(name)``, validated once per version of the files (the Monte Carlo calls look tables up often)."""
    stamp = tuple(
        p.stat().st_mtime_ns
        for p in (data.DATA_DIR / f"{name}.csv", data.DATA_DIR / f"{name}.schema.yml", data.BIB_PATH)
    )
    return _cached_table(name, stamp).copy()


@functools.lru_cache(maxsize=32)
def _cached_table(name: str, stamp: tuple) -> pd.DataFrame:
    return data.load(name)


@validate_params({})
def hardware_specs() -> pd.DataFrame:
    """Peak dense throughput (FLOP/s) and TDP (W) per accelerator, from ``gpu_specs.csv``."""
    return _table("gpu_specs").set_index("chip")[["full_name", "peak_flop_per_s", "tdp_w"]]


def _hardware(name) -> tuple[float, float]:
    specs = hardware_specs()
    if not isinstance(name, str):
        raise TypeError(f"hardware: expected a chip name (str), got {type(name).__name__}")
    check_choice("hardware", name, tuple(specs.index))
    row = specs.loc[name]
    return float(row["peak_flop_per_s"]), float(row["tdp_w"])


@validate_params({"grid": _NAME})
def grid_factor(grid: str) -> float:
    """Carbon intensity (kg CO2e/kWh) of the named grid in ``grid_intensity.csv``.

    References
    ----------
    ember2023global, touvron2023llama, llama31modelcard2024, olmo2024olmo, luccioni2023bloom
    """
    table = _table("grid_intensity").set_index("grid")
    check_choice("grid", grid, tuple(table.index))
    return float(table.loc[grid, "kg_per_kwh"])


@validate_params({"facility": _NAME})
def pue_value(facility: str) -> float:
    """PUE of the named facility or convention in ``datacentre_pue.csv``.

    References
    ----------
    elsworth2025measuring, epoch2025trainingcosttrends, uptime2023pue
    """
    table = _table("datacentre_pue").set_index("facility")
    check_choice("facility", facility, tuple(table.index))
    return float(table.loc[facility, "pue"])


# --------------------------------------------------------------------------- point models


class Footprint(NamedTuple):
    """Energy (MWh) and emissions (t CO2e) of one activity."""

    energy_mwh: float
    tco2e: float


def _fraction(name: str, value) -> float:
    return check_real(name, value, lo=0, hi=1, lo_open=True)


@validate_params({
    "gpu_hours": _NONNEG, "power_w": _POSITIVE + [None], "power_fraction": _POSITIVE_FRACTION, "host_factor": _HOST,
    "pue": _PUE, "kg_per_kwh": _KG_PER_KWH + [None], "hardware": _NAME + [None], "grid": _NAME + [None],
})
def training_footprint(
    *,
    gpu_hours: float,
    power_w: float | None = None,
    power_fraction: float = 1.0,
    host_factor: float = 1.0,
    pue: float = 1.0,
    kg_per_kwh: float | None = None,
    hardware: str | None = None,
    grid: str | None = None,
) -> Footprint:
    """Energy and emissions of a training run from its accelerator-hours.

    Parameters
    ----------
    gpu_hours : float
        Accelerator-hours, >= 0.
    hardware : str, optional
        Chip of ``gpu_specs.csv`` whose TDP is the power per accelerator (if ``power_w`` is not given).
    power_w : float, optional
        Power per accelerator in W, > 0 (overrides the TDP of ``hardware``).
    power_fraction : float
        Average draw as a fraction of ``power_w``, in (0, 1].
    host_factor : float
        Server IT energy over accelerator energy, >= 1.
    pue : float
        Power usage effectiveness, in [1, 3].
    kg_per_kwh, grid : float or str
        Carbon intensity, given directly or as a key of ``grid_intensity.csv`` (exactly one).

    Returns
    -------
    Footprint
        ``E = gpu_hours x power_w x power_fraction x host_factor x pue`` in MWh and ``E x kg_per_kwh`` in t.

    References
    ----------
    llama31modelcard2024, luccioni2023bloom, groeneveld2024olmo
    """
    hours = float(gpu_hours)
    watts = _power(hardware, power_w)
    frac = _fraction("power_fraction", power_fraction)
    host = float(host_factor)
    p = float(pue)
    ci = _intensity(kg_per_kwh, grid)
    energy = hours * watts * frac * host * p / 1e6  # W h -> MWh
    return Footprint(energy, energy * ci)


def _power(hardware, power_w) -> float:
    if power_w is not None:
        return check_real("power_w", power_w, lo=0, lo_open=True)
    if hardware is None:
        raise ValueError("hardware: give a chip of gpu_specs.csv or power_w (W per accelerator)")
    return _hardware(hardware)[1]


def _intensity(kg_per_kwh, grid) -> float:
    if (kg_per_kwh is None) == (grid is None):
        raise ValueError("grid: give exactly one of grid (a key of grid_intensity.csv) or kg_per_kwh")
    if grid is not None:
        return grid_factor(grid)
    return check_real("kg_per_kwh", kg_per_kwh, lo=0, hi=1.5)


@validate_params({"params": _NONNEG, "tokens": _NONNEG})
def training_flop(*, params: float, tokens: float) -> float:
    """Training compute ``6 N D`` in FLOP for ``params`` (active) parameters and ``tokens`` tokens.

    Chapter 7's keyword-only, scalar form of :func:`analysis.cost.model.training_flops` (chapter 2),
    which computes it: one implementation of ``C = 6 N D``.

    References
    ----------
    kaplan2020scaling
    """
    return float(training_flops(float(params), float(tokens)))


@validate_params({"flop": _NONNEG, "mfu": _POSITIVE_FRACTION, "hardware": _NAME})
def gpu_hours_for_flop(*, flop: float, mfu: float, hardware: str) -> float:
    """Accelerator-hours to execute ``flop`` at model FLOP utilisation ``mfu`` in (0, 1]: C / (F_peak x MFU x 3600)."""
    c = float(flop)
    u = _fraction("mfu", mfu)
    peak, _ = _hardware(hardware)
    return c / (peak * u * SECONDS_PER_HOUR)


@validate_params({"flop": _NONNEG, "gpu_hours": _POSITIVE, "hardware": _NAME})
def implied_mfu(*, flop: float, gpu_hours: float, hardware: str) -> float:
    """The model FLOP utilisation implied by a run's compute and accelerator-hours: C / (gpu_hours x 3600 x F_peak)."""
    c = float(flop)
    h = float(gpu_hours)
    peak, _ = _hardware(hardware)
    return c / (h * SECONDS_PER_HOUR * peak)


@validate_params({"active_params": _NONNEG, "efficiency": _POSITIVE_FRACTION, "host_factor": _HOST, "pue": _PUE, "hardware": _NAME})
def generation_j_per_token(
    *,
    active_params: float,
    efficiency: float,
    host_factor: float = 1.0,
    pue: float = 1.0,
    hardware: str,
) -> float:
    """Energy in joules to generate one token: ``2 P (P_tdp / F_peak) / eta x h x PUE``.

    Parameters
    ----------
    active_params : float
        Parameters active per token, >= 0.
    hardware : str
        Chip of ``gpu_specs.csv`` (its TDP and peak FLOP/s set the energy per FLOP at peak).
    efficiency : float
        Inference efficiency eta in (0, 1]: realised FLOP per joule over peak FLOP per joule.
    host_factor, pue : float
        Multipliers from accelerator energy to server energy (>= 1) and to facility energy (in [1, 3]).

    Returns
    -------
    float
        Joules per generated token (accelerator only when ``host_factor = pue = 1``).

    References
    ----------
    mlenergy2025longitudinal, samsi2023words, elsworth2025measuring
    """
    p = float(active_params)
    eta = _fraction("efficiency", efficiency)
    host = float(host_factor)
    pu = float(pue)
    peak, tdp = _hardware(hardware)
    return FLOP_PER_PARAM_TOKEN_INFER * p * (tdp / peak) / eta * host * pu


@validate_params({"j_per_token": _POSITIVE, "active_params": _POSITIVE, "hardware": _NAME})
def implied_inference_efficiency(*, j_per_token: float, active_params: float, hardware: str) -> float:
    """The efficiency eta at which :func:`generation_j_per_token` (no overheads) equals a measured ``j_per_token``.

    Returns
    -------
    float
        ``2 P (P_tdp / F_peak) / j_per_token``; a value above 1 means the measurement is below the
        peak-efficiency floor and raises ``ValueError``.
    """
    e = float(j_per_token)
    p = float(active_params)
    peak, tdp = _hardware(hardware)
    eta = FLOP_PER_PARAM_TOKEN_INFER * p * (tdp / peak) / e
    if eta > 1:
        raise ValueError(f"j_per_token: {e} J is below the peak-efficiency floor of {hardware} for {p:g} parameters")
    return eta


@validate_params({
    "tokens": _NONNEG, "active_params": _NONNEG, "efficiency": _POSITIVE_FRACTION, "host_factor": _HOST, "pue": _PUE,
    "kg_per_kwh": _KG_PER_KWH + [None], "hardware": _NAME, "grid": _NAME + [None],
})
def generation_footprint(
    *,
    tokens: float,
    active_params: float,
    efficiency: float,
    host_factor: float = 1.0,
    pue: float = 1.0,
    kg_per_kwh: float | None = None,
    hardware: str,
    grid: str | None = None,
) -> Footprint:
    """Energy (MWh) and emissions (t CO2e) of generating ``tokens`` tokens (see :func:`generation_j_per_token`)."""
    n = float(tokens)
    ci = _intensity(kg_per_kwh, grid)
    e_tok = generation_j_per_token(
        active_params=active_params, hardware=hardware, efficiency=efficiency, host_factor=host_factor, pue=pue
    )
    energy = n * e_tok / J_PER_KWH / KWH_PER_MWH
    return Footprint(energy, energy * ci)


# --------------------------------------------------------------------------- published footprints


_TRAINING_COLUMNS = ["run", "boundary", "gpu_hours", "power_w", "energy_mwh", "pue", "grid_kg_per_kwh", "tco2e", "source", "evidence"]


@validate_params({"table": [v.Frame(_TRAINING_COLUMNS + ["year"]), None], "implied_grid": _NAME + [None]})
def reproduce_training_footprints(table: pd.DataFrame | None = None, *, implied_grid: str | None = None) -> pd.DataFrame:
    """Recompute every published training footprint of ``training_energy.csv`` with :func:`training_footprint`.

    Each row is recomputed under its own accounting convention (column ``boundary``): GPU energy x
    PUE x the stated grid factor; or GPU-hours x power (TDP), without PUE, x the stated factor; or,
    for Meta's cards, GPU-hours x the stated power (which already includes PUE) x the factor implied
    by one row of the same year's card (``meta_implied_<year>`` in ``grid_intensity.csv``, or the
    single grid ``implied_grid`` for every such row), since the cards state none.

    Returns
    -------
    pandas.DataFrame
        One row per run: published and modelled energy (MWh, where published) and emissions (t),
        their relative errors, and whether the row is within ``TRAINING_TOLERANCE``.

    References
    ----------
    llama2modelcard2023, llama3modelcard2024, llama31modelcard2024, llama4modelcard2025,
    luccioni2023bloom, groeneveld2024olmo, olmo2024olmo
    """
    t = _table("training_energy") if table is None else table
    t = t[t["boundary"] != "gpu_hours_only"]  # nothing published to reproduce
    rows = []
    for rec in t.itertuples(index=False):
        if rec.boundary == "gpu_energy_times_pue":
            fp = Footprint(rec.energy_mwh * rec.pue, rec.energy_mwh * rec.pue * rec.grid_kg_per_kwh)
            model_energy = np.nan
            how = "published GPU energy x PUE x stated grid factor"
        elif rec.boundary == "gpu_dynamic_tdp":
            fp = training_footprint(gpu_hours=rec.gpu_hours, power_w=rec.power_w, kg_per_kwh=rec.grid_kg_per_kwh)
            model_energy = fp.energy_mwh
            how = "GPU-hours x TDP x stated grid factor (no PUE)"
        elif rec.boundary == "tdp_pue_adjusted":
            g = implied_grid if implied_grid is not None else f"meta_implied_{int(rec.year)}"
            fp = training_footprint(gpu_hours=rec.gpu_hours, power_w=rec.power_w, grid=g)
            model_energy = fp.energy_mwh
            how = "GPU-hours x stated power x implied grid factor"
        else:  # the schema allows only the three conventions above
            raise ValueError(f"boundary: unknown accounting convention {rec.boundary!r}")
        rows.append(
            {
                "run": rec.run,
                "boundary": rec.boundary,
                "method": how,
                "energy_mwh_published": rec.energy_mwh,
                "energy_mwh_model": model_energy,
                "tco2e_published": rec.tco2e,
                "tco2e_model": fp.tco2e,
                "source": rec.source,
                "evidence": rec.evidence,
            }
        )
    out = pd.DataFrame(rows)
    out["energy_rel_error"] = out["energy_mwh_model"] / out["energy_mwh_published"] - 1
    out["tco2e_rel_error"] = out["tco2e_model"] / out["tco2e_published"] - 1
    out["within_tolerance"] = out["tco2e_rel_error"].abs() <= TRAINING_TOLERANCE
    return out


@validate_params({"tco2e": _NONNEG, "gpu_hours": _POSITIVE, "power_w": _POSITIVE})
def implied_grid_from_card(*, tco2e: float, gpu_hours: float, power_w: float) -> float:
    """The grid factor (kg/kWh) a footprint implies: t / (GPU-hours x power in MW), i.e. t per MWh."""
    t = float(tco2e)
    h = float(gpu_hours)
    w = float(power_w)
    mwh = h * w / 1e6
    if mwh == 0:  # gpu_hours x power_w underflows (both within ~1e-300 of their open bound 0)
        raise ValueError(f"gpu_hours, power_w: energy {h!r} h x {w!r} W is zero in floating point; both must be > 0")
    return check_finite_output("tco2e, gpu_hours, power_w", t / mwh)


@validate_params({"table": [v.Frame(["measurement", "model", "params_active", "hardware", "boundary", "unit", "value", "value_low", "value_high"]), None]})
def inference_efficiencies(table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The inference efficiency eta implied by every per-token measurement of ``inference_energy.csv``.

    Rows given per prompt or per 1,000 inferences have no token count and are left out. For a
    stated range (``value_low``..``value_high``) both ends are returned.
    """
    t = _table("inference_energy") if table is None else table
    t = t[(t["unit"] == "J/token") & t["params_active"].notna()]
    rows = []
    for rec in t.itertuples(index=False):
        for label, value in (("value", rec.value), ("low", rec.value_low), ("high", rec.value_high)):
            if pd.isna(value):
                continue
            rows.append(
                {
                    "measurement": rec.measurement,
                    "end": label,
                    "model": rec.model,
                    "hardware": rec.hardware,
                    "boundary": rec.boundary,
                    "j_per_token": float(value),
                    "efficiency": implied_inference_efficiency(
                        j_per_token=float(value), active_params=float(rec.params_active), hardware=rec.hardware
                    ),
                }
            )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- Monte Carlo


@dataclass(frozen=True)
class Range:
    """An uncertain input drawn uniformly (or log-uniformly) between ``low`` and ``high``."""

    low: float
    high: float
    log: bool = False
    basis: str = ""

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        if self.low == self.high:
            return np.full(n, float(self.low))
        if self.log:
            return np.exp(rng.uniform(np.log(self.low), np.log(self.high), n))
        return rng.uniform(self.low, self.high, n)

    @property
    def mid(self) -> float:
        """Centre of the range (geometric for a log-uniform range)."""
        return float(np.sqrt(self.low * self.high)) if self.log else 0.5 * (self.low + self.high)


def _default_efficiency() -> Range:
    eff = inference_efficiencies()["efficiency"]
    return Range(float(eff.min()), float(eff.max()), log=True, basis="span of the efficiencies implied by inference_energy.csv")


def _default_pue() -> Range:
    return Range(pue_value("google_fleet_2025"), pue_value("epoch_other"), basis="hyperscale fleet (Google) to Epoch's non-hyperscaler value")


@dataclass(frozen=True)
class Assumptions:
    """Ranges of the uncertain inputs, each with the evidence it rests on.

    ``mfu``: model FLOP utilisation of training, around the values implied by the Phi-4 and
    Llama 3.1 405B cards and their compute (0.24 and 0.35, computed in the chapter). ``power_fraction``: average accelerator draw while
    training over TDP; Morrison et al. (2025) measured over 85% while training and about 15% while
    checkpointing. ``host_factor``: server over accelerator energy; Google's serving measurement
    gives (0.14 + 0.06) / 0.14 = 1.43 for host CPU and memory and 1.57 with idle machines, Epoch's
    chip-to-server power for H100 is (10.2 / 8) / 0.7 = 1.82. ``efficiency``: span of the measured
    inference efficiencies. ``pue``: hyperscale fleet to Epoch's non-hyperscaler value.
    """

    mfu: Range = Range(0.2, 0.45, basis="around the MFUs implied by the Phi-4 (0.24) and Llama 3.1 405B (0.35) cards")
    power_fraction: Range = Range(0.6, 0.9, basis="Morrison et al. 2025: >85% training, ~15% checkpointing")
    host_factor: Range = Range(1.2, 1.8, basis="Google serving breakdown 1.43-1.57; Epoch H100 server 1.82")
    efficiency: Range = field(default_factory=_default_efficiency)
    pue: Range = field(default_factory=_default_pue)

    def with_(self, **changes) -> "Assumptions":
        """A copy with some ranges replaced (for sensitivity analysis)."""
        return replace(self, **changes)


@validate_params({"value": [v.Interval(v.Real, None, None)], "digits": [v.Interval(v.Integral, 1, 15, closed="both")]})
def round_sig(value: float, digits: int = 2) -> float:
    """``value`` rounded to ``digits`` significant figures (how Monte Carlo results are shown).

    With the draw counts of chapter 7, medians and interval ends move by about 1-2% between seeds,
    so two significant figures are what the simulation can vouch for.
    """
    x = float(value)
    d = int(digits)
    if x == 0:
        return 0.0
    return float(round(x, d - 1 - int(np.floor(np.log10(abs(x))))))


class McInterval(NamedTuple):
    """Median and central interval of Monte Carlo draws."""

    median: float
    low: float
    high: float
    level: float


@validate_params({"draws": [v.ArrayLike(ndim=1, min_size=1)], "level": [v.Interval(v.Real, 0, 1, closed="neither")]})
def summarise(draws: np.ndarray, *, level: float = 0.9) -> McInterval:
    """Median and central ``level`` interval of ``draws``."""
    lv = float(level)
    x = np.asarray(draws, dtype=float)
    if x.ndim != 1 or x.size == 0 or not np.all(np.isfinite(x)):
        raise ValueError("draws: expected a non-empty 1-d array of finite numbers")
    lo, med, hi = np.quantile(x, [(1 - lv) / 2, 0.5, (1 + lv) / 2])
    return McInterval(float(med), float(lo), float(hi), lv)


class Draws(NamedTuple):
    """Monte Carlo draws of energy (MWh) and emissions (t CO2e)."""

    energy_mwh: np.ndarray
    tco2e: np.ndarray


def _default_assumptions() -> "Assumptions":
    stamp = tuple(
        (data.DATA_DIR / f"{name}.csv").stat().st_mtime_ns for name in ("inference_energy", "datacentre_pue", "gpu_specs")
    )
    return _cached_assumptions(stamp)


@functools.lru_cache(maxsize=4)
def _cached_assumptions(stamp: tuple) -> "Assumptions":
    return Assumptions()


def _mc_args(n, seed, assumptions):
    n = check_int("n", n, minimum=1, maximum=10_000_000)
    rng = np.random.default_rng(check_seed(seed))
    if assumptions is None:
        assumptions = _default_assumptions()
    if not isinstance(assumptions, Assumptions):
        raise TypeError(f"assumptions: expected an Assumptions, got {type(assumptions).__name__}")
    return n, rng, assumptions


def _facility(rng, n, a: Assumptions):
    return a.host_factor.draw(rng, n), a.pue.draw(rng, n)


@validate_params({
    "tokens": _NONNEG, "active_params": _NONNEG, "hardware": _NAME, "grid": _NAME, "n": _N_DRAWS,
    "seed": [v.Seed()], "assumptions": [v.InstanceOf(Assumptions), None],
})
def simulate_generation(
    *,
    tokens: float,
    active_params: float,
    hardware: str = "H100",
    grid: str = "world_2022",
    n: int = 20_000,
    seed: int | np.random.Generator | None = None,
    assumptions: Assumptions | None = None,
) -> Draws:
    """Monte Carlo draws of the energy and emissions of generating ``tokens`` tokens.

    Draws eta, the host factor and PUE from ``assumptions`` and applies
    :func:`generation_j_per_token`; emissions use the fixed factor of ``grid``.

    References
    ----------
    mlenergy2025longitudinal, samsi2023words, benallal2024cosmopedia, elsworth2025measuring
    """
    tok = float(tokens)
    p = float(active_params)
    peak, tdp = _hardware(hardware)
    ci = grid_factor(grid)
    n, rng, a = _mc_args(n, seed, assumptions)
    eta = a.efficiency.draw(rng, n)
    host, pue = _facility(rng, n, a)
    j = FLOP_PER_PARAM_TOKEN_INFER * p * (tdp / peak) / eta * host * pue
    energy = tok * j / J_PER_KWH / KWH_PER_MWH
    return Draws(energy, energy * ci)


@validate_params({
    "params": _NONNEG, "tokens": _NONNEG, "hardware": _NAME, "grid": _NAME, "n": _N_DRAWS,
    "seed": [v.Seed()], "assumptions": [v.InstanceOf(Assumptions), None],
})
def simulate_training(
    *,
    params: float,
    tokens: float,
    hardware: str = "H100",
    grid: str = "world_2022",
    n: int = 20_000,
    seed: int | np.random.Generator | None = None,
    assumptions: Assumptions | None = None,
) -> Draws:
    """Monte Carlo draws of the energy and emissions of training on ``tokens`` tokens with ``params`` active parameters.

    ``E = 6 N D / (F_peak x MFU) x P_tdp x f x h x PUE`` with MFU, f, h and PUE drawn from ``assumptions``.

    References
    ----------
    kaplan2020scaling, morrison2025holistic, llama31modelcard2024
    """
    flop = training_flop(params=params, tokens=tokens)
    peak, tdp = _hardware(hardware)
    ci = grid_factor(grid)
    n, rng, a = _mc_args(n, seed, assumptions)
    mfu = a.mfu.draw(rng, n)
    frac = a.power_fraction.draw(rng, n)
    host, pue = _facility(rng, n, a)
    energy = flop / (peak * mfu) * tdp * frac * host * pue / J_PER_KWH / KWH_PER_MWH
    return Draws(energy, energy * ci)


@validate_params({
    "gpu_hours": _NONNEG, "hardware": _NAME, "grid": _NAME, "n": _N_DRAWS,
    "seed": [v.Seed()], "assumptions": [v.InstanceOf(Assumptions), None],
})
def simulate_training_from_hours(
    *,
    gpu_hours: float,
    hardware: str = "H100",
    grid: str = "world_2022",
    n: int = 20_000,
    seed: int | np.random.Generator | None = None,
    assumptions: Assumptions | None = None,
) -> Draws:
    """Monte Carlo draws of a run's energy and emissions from its published accelerator-hours.

    ``E = gpu_hours x P_tdp x f x h x PUE`` with f, h and PUE drawn from ``assumptions``: the
    route to use when a developer publishes hours but no energy (as for Phi-4).

    References
    ----------
    phi4modelcard2024, morrison2025holistic
    """
    hours = float(gpu_hours)
    _, tdp = _hardware(hardware)
    ci = grid_factor(grid)
    n, rng, a = _mc_args(n, seed, assumptions)
    frac = a.power_fraction.draw(rng, n)
    host, pue = _facility(rng, n, a)
    energy = hours * tdp * frac * host * pue / 1e6
    return Draws(energy, energy * ci)


class BreakEven(NamedTuple):
    """Energy of generating the synthetic tokens against the energy of the training run they feed.

    ``required_saving`` = E_generation / E_training: the fraction of the training run's compute
    the synthetic data must save (for example by needing fewer tokens to reach the same quality)
    for the total to break even. Above 1 it cannot pay back within one run.
    """

    generation_mwh: np.ndarray
    training_mwh: np.ndarray
    required_saving: np.ndarray


@validate_params({
    "synthetic_tokens": _NONNEG, "generator_params": _NONNEG, "student_params": _POSITIVE, "student_tokens": _POSITIVE,
    "hardware": _NAME, "n": _N_DRAWS, "seed": [v.Seed()], "assumptions": [v.InstanceOf(Assumptions), None],
})
def simulate_break_even(
    *,
    synthetic_tokens: float,
    generator_params: float,
    student_params: float,
    student_tokens: float,
    hardware: str = "H100",
    n: int = 20_000,
    seed: int | np.random.Generator | None = None,
    assumptions: Assumptions | None = None,
) -> BreakEven:
    """Monte Carlo draws of the break-even saving for synthetic data generated once and used in one run.

    Generation and training are drawn with the *same* host factor and PUE (one data centre), so
    those cancel in the ratio, as does the grid: the ratio is

        (S / D) x (P_gen / (3 P_student)) x (training FLOP per joule / inference FLOP per joule).

    References
    ----------
    abdin2024phi4, mlenergy2025longitudinal, llama31modelcard2024
    """
    s = float(synthetic_tokens)
    pg = float(generator_params)
    ps = float(student_params)
    d = float(student_tokens)
    peak, tdp = _hardware(hardware)
    n, rng, a = _mc_args(n, seed, assumptions)
    eta = a.efficiency.draw(rng, n)
    mfu = a.mfu.draw(rng, n)
    frac = a.power_fraction.draw(rng, n)
    host, pue = _facility(rng, n, a)
    joule_per_flop_peak = tdp / peak
    gen = s * FLOP_PER_PARAM_TOKEN_INFER * pg * joule_per_flop_peak / eta * host * pue / J_PER_KWH / KWH_PER_MWH
    train = FLOP_PER_PARAM_TOKEN_TRAIN * ps * d * joule_per_flop_peak / mfu * frac * host * pue / J_PER_KWH / KWH_PER_MWH
    ratio = gen / train
    check_finite_output("synthetic_tokens, generator_params, student_params, student_tokens", ratio)
    return BreakEven(gen, train, ratio)


@validate_params({
    "tokens": _NONNEG, "active_params": _NONNEG, "hardware": _NAME, "grid": _NAME, "alternatives": [v.InstanceOf(dict), None],
})
def tornado(
    *,
    tokens: float,
    active_params: float,
    hardware: str = "H100",
    grid: str = "world_2022",
    alternatives: dict | None = None,
) -> pd.DataFrame:
    """One-at-a-time sensitivity of the emissions of generating ``tokens`` tokens.

    The central case uses the middle of every range of :class:`Assumptions`, ``hardware`` and
    ``grid``. Each factor is then set to its low and high end with the others central: efficiency,
    host factor and PUE to the ends of their ranges; the grid to the lowest and highest
    location-based factors of ``grid_intensity.csv``; the hardware to each chip in
    ``alternatives['hardware']`` (default A100 and H100).

    Returns
    -------
    pandas.DataFrame
        factor, low/high labels and t CO2e at each end, the central value and the swing
        (absolute log-ratio of the two ends), sorted by swing.
    """
    tok = float(tokens)
    p = float(active_params)
    a = _default_assumptions()
    grids = _table("grid_intensity")
    loc = grids[grids["basis"] == "location"].sort_values("kg_per_kwh")
    hw = tuple((alternatives or {}).get("hardware", ("A100", "H100")))

    def t(*, eta=a.efficiency.mid, host=a.host_factor.mid, pue=a.pue.mid, g=grid, chip=hardware):
        return generation_footprint(
            tokens=tok, active_params=p, hardware=chip, efficiency=eta, host_factor=host, pue=pue, grid=g
        ).tco2e

    centre = t()
    rows = [
        ("Grid carbon intensity", loc["grid"].iloc[0], loc["grid"].iloc[-1], t(g=loc["grid"].iloc[0]), t(g=loc["grid"].iloc[-1])),
        ("Inference efficiency", "most efficient measured", "least efficient measured", t(eta=a.efficiency.high), t(eta=a.efficiency.low)),
        ("Hardware", hw[-1], hw[0], t(chip=hw[-1]), t(chip=hw[0])),
        ("Data-centre PUE", "google_fleet_2025", "uptime_industry_2023", t(pue=pue_value("google_fleet_2025")), t(pue=pue_value("uptime_industry_2023"))),
        ("Host (server) overhead", "low", "high", t(host=a.host_factor.low), t(host=a.host_factor.high)),
    ]
    out = pd.DataFrame(rows, columns=["factor", "low_setting", "high_setting", "tco2e_low", "tco2e_high"])
    out["tco2e_central"] = centre
    # the model is multiplicative, so a factor's weight is the ratio of its two ends
    out["swing"] = np.abs(np.log(out["tco2e_high"] / out["tco2e_low"]))
    return out.sort_values("swing", ascending=True).reset_index(drop=True)
