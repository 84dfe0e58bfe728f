"""Property-based tests of analysis.cost: bad inputs raise a named error; valid inputs give finite results."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.cost import model as cost

FAST = settings(max_examples=60, deadline=2000)
BAD = st.one_of(st.text(max_size=5), st.booleans(), st.none(), st.just(float("nan")), st.just(float("inf")),
                st.floats(max_value=-1e-9, allow_nan=False, allow_infinity=False))
POS = st.floats(min_value=1e-3, max_value=1e12, allow_nan=False, allow_infinity=False)

AMORTIZED_ARGS = ["chip_hours", "usd_per_chip", "tdp_w", "server_overhead", "years_acquisition_to_training",
                  "depreciation_ooms_per_year", "interconnect_fraction", "chip_to_server_power",
                  "average_power_fraction", "pue", "usd_per_kwh"]


@FAST
@given(name=st.sampled_from(AMORTIZED_ARGS), value=BAD)
def test_amortized_cost_bad_input_names_the_parameter(name, value):
    kwargs = {"chip_hours": 1e6, "usd_per_chip": 2e4, "tdp_w": 400}
    kwargs[name] = value
    with pytest.raises((TypeError, ValueError), match=name):
        cost.amortized_hardware_cost(**kwargs)


@FAST
@given(hours=POS, price=POS, tdp=POS, years=st.floats(0, 10), rate=st.floats(0, 1), pue=st.floats(1, 3))
def test_amortized_cost_valid_input_is_finite_and_additive(hours, price, tdp, years, rate, pue):
    out = cost.amortized_hardware_cost(chip_hours=hours, usd_per_chip=price, tdp_w=tdp, pue=pue,
                                       years_acquisition_to_training=years, depreciation_ooms_per_year=rate)
    assert all(math.isfinite(v) and v >= 0 for v in out)
    assert out.usd == pytest.approx(out.hardware_usd + out.interconnect_usd + out.energy_usd)


@FAST
@given(name=st.sampled_from(["flops", "peak_flops", "utilization", "usd_per_chip_hour"]), value=BAD)
def test_training_cost_bad_input_names_the_parameter(name, value):
    kwargs = {"flops": 1e23, "peak_flops": 1e15, "utilization": 0.4, "usd_per_chip_hour": 2.0}
    kwargs[name] = value
    with pytest.raises((TypeError, ValueError), match=name):
        cost.training_cost(**kwargs)


@FAST
@given(flops=POS, hours=POS, peak=POS)
def test_implied_utilization_is_in_unit_interval_or_an_error(flops, hours, peak):
    u = flops / (hours * 3600 * peak)
    if u > 1:
        with pytest.raises(ValueError, match="exceeds 1"):
            cost.implied_utilization(flops=flops, chip_hours=hours, peak_flops=peak)
    else:
        assert 0 <= cost.implied_utilization(flops=flops, chip_hours=hours, peak_flops=peak) <= 1


@FAST
@given(size=st.one_of(st.integers(max_value=0), st.integers(min_value=10**8 + 1), st.floats(), st.booleans()))
def test_draw_lognormal_interval_caps_and_types_size(size):
    with pytest.raises((TypeError, ValueError), match="size"):
        cost.draw_lognormal_interval(1.0, 2.0, size=size, rng=np.random.default_rng(0))
