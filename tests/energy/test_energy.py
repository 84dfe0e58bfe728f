"""Tests of analysis.energy: published footprints reproduced, exact units, Monte Carlo checks, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.data import loader as data
from analysis.energy import model as energy

TRAINING = data.load("training_energy")
REPRODUCED = energy.reproduce_training_footprints()


# --- published training footprints, one test per row ------------------------------------------

@pytest.mark.parametrize("run", list(REPRODUCED["run"]))
def test_published_training_footprint_is_reproduced_within_tolerance(run):
    row = REPRODUCED.set_index("run").loc[run]
    assert abs(row["tco2e_rel_error"]) <= energy.TRAINING_TOLERANCE, (run, row["tco2e_model"], row["tco2e_published"])


def test_every_row_with_a_published_footprint_is_checked():
    published = TRAINING[TRAINING["tco2e"].notna()]
    assert set(REPRODUCED["run"]) == set(published["run"])
    assert len(REPRODUCED) >= 10


def test_published_energy_from_hours_and_power_comes_back_to_printed_precision():
    with_energy = REPRODUCED[REPRODUCED["energy_rel_error"].notna()]
    assert len(with_energy) >= 1  # BLOOM: 1,082,990 GPU-hours x 400 W = 433,196 kWh
    assert (with_energy["energy_rel_error"].abs() <= energy.ENERGY_TOLERANCE).all()


def test_bloom_dynamic_energy_is_hours_times_tdp_exactly():
    fp = energy.training_footprint(gpu_hours=1_082_990, hardware="A100", kg_per_kwh=0.057)
    assert fp.energy_mwh == pytest.approx(433.196, rel=1e-12)
    assert fp.tco2e == pytest.approx(433.196 * 0.057, rel=1e-12)


@pytest.mark.parametrize(("year", "run", "tco2e", "gpu_hours", "power_w"), [
    (2023, "Llama 2 70B", 291.42, 1_720_320, 400), (2024, "Llama 3.1 405B", 8930, 30.84e6, 700), (2025, "Llama 4 Scout", 1354, 5.0e6, 700),
])
def test_meta_cards_share_one_grid_factor_per_year(year, run, tco2e, gpu_hours, power_w):
    # The factor is implied by one row per year; the other rows of that year are out-of-sample checks.
    g = energy.implied_grid_from_card(tco2e=tco2e, gpu_hours=gpu_hours, power_w=power_w)
    assert g == pytest.approx(energy.grid_factor(f"meta_implied_{year}"), rel=1e-3)
    meta = TRAINING[(TRAINING["boundary"] == "tdp_pue_adjusted") & (TRAINING["year"] == year)]
    assert len(meta) >= 2
    for rec in meta.itertuples():
        implied = energy.implied_grid_from_card(tco2e=rec.tco2e, gpu_hours=rec.gpu_hours, power_w=rec.power_w)
        assert implied == pytest.approx(g, rel=energy.TRAINING_TOLERANCE), rec.run


def test_a_single_grid_factor_for_every_meta_card_fails():
    # The check can fail: Meta's implied factor changed between 2023 and 2025, so no one factor of
    # the table reproduces all ten Meta rows within the tolerance.
    for grid in data.load("grid_intensity")["grid"]:
        out = energy.reproduce_training_footprints(implied_grid=grid)
        meta = out[out["boundary"] == "tdp_pue_adjusted"]
        assert not meta["within_tolerance"].all(), grid


def test_llama31_405b_implied_mfu_is_in_the_assumed_range():
    mfu = energy.implied_mfu(flop=energy.training_flop(params=405e9, tokens=15.6e12), gpu_hours=30.84e6, hardware="H100")
    assert 0.3 < mfu < 0.4
    a = energy.Assumptions()
    assert a.mfu.low <= mfu <= a.mfu.high


# --- published inference energies ------------------------------------------------------------

def test_per_token_measurements_are_reproduced_from_their_settings():
    eff = energy.inference_efficiencies()
    table = data.load("inference_energy").set_index("measurement")
    for rec in eff.itertuples():
        p = table.loc[rec.measurement, "params_active"]
        j = energy.generation_j_per_token(active_params=p, hardware=rec.hardware, efficiency=rec.efficiency)
        assert j == pytest.approx(rec.j_per_token, rel=1e-12)


def test_mlenergy_software_gain_is_the_published_41_percent():
    t = data.load("inference_energy").set_index("measurement")
    v2, v3 = t.loc["mlenergy_v2_llama31_8b_b64", "value"], t.loc["mlenergy_v3_llama31_8b_b64", "value"]
    assert 1 - v3 / v2 == pytest.approx(0.40, abs=0.011)  # blog: "reduces energy per token by 41%"


def test_gemini_breakdown_adds_up_and_gives_the_pue():
    # 0.14 + 0.06 + 0.02 + 0.02 = 0.24 Wh; PUE = 0.24 / (0.24 - 0.02)
    assert 0.14 + 0.06 + 0.02 + 0.02 == pytest.approx(0.24)
    assert energy.pue_value("google_fleet_2025") == pytest.approx(0.24 / 0.22, abs=5e-4)


def test_cosmopedia_bound_is_hours_times_tdp_over_tokens():
    t = data.load("inference_energy").set_index("measurement")
    assert t.loc["cosmopedia_generation", "value"] == pytest.approx(10_000 * 700 * 3600 / 25e9, rel=1e-12)


def test_efficiencies_are_physical():
    eff = energy.inference_efficiencies()["efficiency"]
    assert ((eff > 0) & (eff <= 1)).all()


# --- unit conversions: exact ------------------------------------------------------------------

def test_unit_conversions_are_exact():
    assert energy.joules_to_kwh(3.6e6) == 1.0
    assert energy.kwh_to_joules(1.0) == 3.6e6
    assert energy.kwh_to_mwh(1000.0) == 1.0
    assert energy.mwh_to_kwh(1.0) == 1000.0
    assert energy.grams_to_tonnes(1e6) == 1.0
    assert energy.tonnes_to_grams(1.0) == 1e6
    # 1 MWh at 1 kg/kWh is 1000 kg = 1 t
    assert energy.emissions_tonnes(energy_mwh=1.0, kg_per_kwh=1.0) == 1.0


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.just(0.0), st.floats(min_value=1e-200, max_value=1e30)))  # no subnormal intermediates
def test_conversions_round_trip(x):
    assert energy.kwh_to_joules(energy.joules_to_kwh(x)) == pytest.approx(x, rel=1e-15, abs=0)
    assert energy.mwh_to_kwh(energy.kwh_to_mwh(x)) == pytest.approx(x, rel=1e-15, abs=0)
    assert energy.tonnes_to_grams(energy.grams_to_tonnes(x)) == pytest.approx(x, rel=1e-15, abs=0)


def test_conversions_accept_arrays():
    out = energy.joules_to_kwh(np.array([0.0, 3.6e6, 7.2e6]))
    np.testing.assert_array_equal(out, [0.0, 1.0, 2.0])


def test_generation_footprint_units_agree_with_the_per_token_energy():
    j = energy.generation_j_per_token(active_params=70e9, hardware="H100", efficiency=0.05, host_factor=1.5, pue=1.1)
    fp = energy.generation_footprint(
        tokens=1e9, active_params=70e9, hardware="H100", efficiency=0.05, host_factor=1.5, pue=1.1, kg_per_kwh=0.4
    )
    assert fp.energy_mwh == pytest.approx(1e9 * j / 3.6e9, rel=1e-12)
    assert fp.tco2e == pytest.approx(fp.energy_mwh * 0.4, rel=1e-12)


# --- Monte Carlo ------------------------------------------------------------------------------

def _point_generation(tokens, p, a):
    return energy.generation_footprint(
        tokens=tokens, active_params=p, hardware="H100", efficiency=a.efficiency.mid,
        host_factor=a.host_factor.mid, pue=a.pue.mid, grid="world_2022",
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generation_band_contains_the_point_estimate(seed):
    a = energy.Assumptions()
    draws = energy.simulate_generation(tokens=2.9e11, active_params=70e9, n=20_000, seed=seed)
    iv = energy.summarise(draws.tco2e, level=0.9)
    point = _point_generation(2.9e11, 70e9, a).tco2e
    assert iv.low <= point <= iv.high


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_training_band_contains_the_point_estimate(seed):
    a = energy.Assumptions()
    draws = energy.simulate_training(params=14e9, tokens=1e13, n=20_000, seed=seed)
    iv = energy.summarise(draws.energy_mwh)
    hours = energy.gpu_hours_for_flop(flop=energy.training_flop(params=14e9, tokens=1e13), hardware="H100", mfu=a.mfu.mid)
    point = energy.training_footprint(
        gpu_hours=hours, hardware="H100", power_fraction=a.power_fraction.mid, host_factor=a.host_factor.mid,
        pue=a.pue.mid, grid="world_2022",
    )
    assert iv.low <= point.energy_mwh <= iv.high


def test_monte_carlo_median_is_stable_across_seeds():
    meds = [energy.summarise(energy.simulate_break_even(
        synthetic_tokens=2.9e11, generator_params=70e9, student_params=14e9, student_tokens=1e13, n=20_000, seed=s
    ).required_saving).median for s in range(5)]
    assert (max(meds) - min(meds)) / np.mean(meds) < 0.02


def test_break_even_ratio_matches_its_closed_form_draw_by_draw():
    be = energy.simulate_break_even(
        synthetic_tokens=1e11, generator_params=70e9, student_params=7e9, student_tokens=2e12, n=2_000, seed=7
    )
    np.testing.assert_allclose(be.required_saving, be.generation_mwh / be.training_mwh, rtol=1e-12)
    # (S/D) x (P_gen / 3 P_student) x (train FLOP/J / inference FLOP/J): the same draws by a second route
    rng = np.random.default_rng(7)
    a = energy.Assumptions()
    eta = a.efficiency.draw(rng, 2_000)
    mfu = a.mfu.draw(rng, 2_000)
    frac = a.power_fraction.draw(rng, 2_000)
    closed = (1e11 / 2e12) * (70e9 / (3 * 7e9)) * (mfu / frac) / eta
    np.testing.assert_allclose(be.required_saving, closed, rtol=1e-10)


def test_grid_scales_emissions_not_energy():
    a = energy.simulate_generation(tokens=1e10, active_params=8e9, grid="world_2022", n=1000, seed=3)
    b = energy.simulate_generation(tokens=1e10, active_params=8e9, grid="france_bloom", n=1000, seed=3)
    np.testing.assert_array_equal(a.energy_mwh, b.energy_mwh)
    ratio = energy.grid_factor("world_2022") / energy.grid_factor("france_bloom")
    np.testing.assert_allclose(a.tco2e / b.tco2e, ratio, rtol=1e-12)


def test_tornado_ends_bracket_the_centre():
    t = energy.tornado(tokens=2.9e11, active_params=70e9)
    assert set(t["factor"]) == {"Grid carbon intensity", "Inference efficiency", "Hardware", "Data-centre PUE", "Host (server) overhead"}
    lo = t[["tco2e_low", "tco2e_high"]].min(axis=1)
    hi = t[["tco2e_low", "tco2e_high"]].max(axis=1)
    assert (lo <= t["tco2e_central"] * (1 + 1e-12)).all() and (hi >= t["tco2e_central"] * (1 - 1e-12)).all()


# --- bad input gets a named error -------------------------------------------------------------

@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: energy.training_flop(params=1e9, tokens=-1), ValueError, r"tokens: must be"),
        (lambda: energy.simulate_generation(tokens=-5, active_params=8e9), ValueError, r"tokens: must be"),
        (lambda: energy.generation_footprint(tokens=-1.0, active_params=1e9, hardware="H100", efficiency=0.1, grid="world_2022"), ValueError, r"tokens"),
        (lambda: energy.gpu_hours_for_flop(flop=1e20, hardware="H100", mfu=0.0), ValueError, r"mfu: .*\(0, 1\]"),
        (lambda: energy.gpu_hours_for_flop(flop=1e20, hardware="H100", mfu=1.2), ValueError, r"mfu: .*\(0, 1\]"),
        (lambda: energy.training_footprint(gpu_hours=1, hardware="H100", power_fraction=0, grid="world_2022"), ValueError, r"power_fraction"),
        (lambda: energy.generation_j_per_token(active_params=1e9, hardware="H100", efficiency=1.5), ValueError, r"efficiency"),
        (lambda: energy.generation_j_per_token(active_params=1e9, hardware="TPUv9", efficiency=0.1), ValueError, r"hardware: must be one of"),
        (lambda: energy.grid_factor("mars"), ValueError, r"grid: must be one of"),
        (lambda: energy.simulate_generation(tokens=1e9, active_params=1e9, grid="mars"), ValueError, r"grid: must be one of"),
        (lambda: energy.pue_value("attic"), ValueError, r"facility: must be one of"),
        (lambda: energy.training_footprint(gpu_hours=1, hardware="H100"), ValueError, r"grid: give exactly one"),
        (lambda: energy.training_footprint(gpu_hours=1, power_w=700, grid="world_2022", kg_per_kwh=0.1), ValueError, r"grid: give exactly one"),
        (lambda: energy.training_footprint(gpu_hours="many", hardware="H100", grid="world_2022"), TypeError, r"gpu_hours"),
        (lambda: energy.generation_j_per_token(active_params=True, hardware="H100", efficiency=0.1), TypeError, r"active_params"),
        (lambda: energy.generation_j_per_token(active_params=1e9, hardware=3, efficiency=0.1), TypeError, r"hardware"),
        (lambda: energy.simulate_generation(tokens=1e9, active_params=1e9, n=0), ValueError, r"n: must be"),
        (lambda: energy.simulate_generation(tokens=1e9, active_params=1e9, seed=1.5), TypeError, r"seed"),
        (lambda: energy.joules_to_kwh(-1.0), ValueError, r"joules"),
        (lambda: energy.joules_to_kwh(np.array([1.0, -1.0])), ValueError, r"joules"),
        (lambda: energy.kwh_to_mwh("x"), TypeError, r"kwh"),
        (lambda: energy.implied_inference_efficiency(j_per_token=1e-9, active_params=8e9, hardware="H100"), ValueError, r"peak-efficiency floor"),
        (lambda: energy.summarise([1.0, 2.0], level=1.0), ValueError, r"level"),
        (lambda: energy.simulate_generation(tokens=1e9, active_params=1e9, assumptions={"pue": 1}), TypeError, r"assumptions"),
    ],
)
def test_bad_input_gets_a_named_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


@settings(max_examples=60, deadline=None)
@given(
    tokens=st.one_of(st.floats(max_value=-1e-9, min_value=-1e20), st.just(float("nan")), st.just(float("inf"))),
)
def test_fuzz_tokens_outside_range_is_refused(tokens):
    with pytest.raises(ValueError, match="tokens"):
        energy.generation_footprint(tokens=tokens, active_params=8e9, hardware="H100", efficiency=0.1, grid="world_2022")


@settings(max_examples=60, deadline=None)
@given(u=st.one_of(st.floats(max_value=0.0, min_value=-10), st.floats(min_value=1.0000001, max_value=100)))
def test_fuzz_utilisation_outside_unit_interval_is_refused(u):
    with pytest.raises(ValueError, match=r"mfu"):
        energy.gpu_hours_for_flop(flop=1e24, hardware="H100", mfu=u)


def test_new_datasets_have_origin_blocks_for_the_evidence_date():
    date = data.evidence_as_of("training_energy", "inference_energy", "grid_intensity", "datacentre_pue")
    assert pd.Timestamp(date) >= pd.Timestamp("2026-11-01")


def test_training_from_hours_band_contains_the_point_and_exceeds_nothing_physical():
    a = energy.Assumptions()
    d = energy.simulate_training_from_hours(gpu_hours=967_680, n=20_000, seed=5)
    iv = energy.summarise(d.energy_mwh)
    point = energy.training_footprint(
        gpu_hours=967_680, hardware="H100", power_fraction=a.power_fraction.mid, host_factor=a.host_factor.mid,
        pue=a.pue.mid, grid="world_2022",
    ).energy_mwh
    assert iv.low <= point <= iv.high
    # never more than every accelerator at TDP with the largest overheads
    assert d.energy_mwh.max() <= 967_680 * 700 * a.host_factor.high * a.pue.high / 1e6


@pytest.mark.parametrize(("x", "digits", "expected"), [(879.19, 2, 880.0), (0.4637, 2, 0.46), (2.889, 2, 2.9), (-1234.0, 2, -1200.0), (0.0, 2, 0.0), (1949.0, 3, 1950.0)])
def test_round_sig(x, digits, expected):
    assert energy.round_sig(x, digits) == pytest.approx(expected, rel=1e-12)


@settings(max_examples=50, deadline=None)
@given(name=st.text(min_size=0, max_size=12))
def test_fuzz_unknown_grid_or_hardware_is_refused(name):
    if name not in set(data.load("grid_intensity")["grid"]):
        with pytest.raises(ValueError, match="grid: must be one of"):
            energy.grid_factor(name)
    if name not in set(data.load("gpu_specs")["chip"]):
        with pytest.raises(ValueError, match="hardware: must be one of"):
            energy.generation_j_per_token(active_params=1e9, hardware=name, efficiency=0.1)


def test_chapter_links_to_regulation_rows_that_exist():
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "notebooks" / "07_energy_carbon.md").read_text(encoding="utf-8")
    ids = re.findall(r'05_regulation\.html#reg-([A-Za-z0-9-]+)"', text)
    assert ids, "the chapter should link the regulation rows it discusses"
    known = set(data.load("regulation")["id"])
    assert set(ids) <= known, set(ids) - known
