"""Regression tests for the fuzz examples named in issue 26: each was a silent result or an unclear error.

Every case must now raise a ``TypeError``/``ValueError`` whose message starts with the parameter's
name and states the valid range, from the function's declaration (``analysis.core.validation``); beside
each, a valid call still answers, so a test that refused everything would fail.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from analysis import bias
from analysis.collapse import models as collapse
from analysis.cost import model as cost
from analysis.data import loader as data
from analysis.exhaustion import model as exhaustion
from analysis.core import trend
from analysis.core import validation as v


def test_decimal_year_refuses_a_bare_number():
    # was: 1970.0 for [2024] (2024 read as nanoseconds since 1970)
    with pytest.raises(ValueError, match=r"^dates: must be a non-empty sequence of dates .*holds 2024 \(int\)"):
        trend.decimal_year([2024])
    assert trend.decimal_year(["2024"])[0] == 2024.0


def test_runout_distribution_refuses_a_restricted_share_that_leaves_no_stock():
    # was: a median run-out year of 1989.6, before the data the projections are fitted on
    with pytest.raises(ValueError, match=r"^restricted_share: must be a finite number in \[0, 0\.99\]"):
        exhaustion.runout_distribution(restricted_share=0.999999999999)
    assert exhaustion.runout_distribution(restricted_share=0.5, n=2000, seed=0).median > 2024


def test_smallest_sufficient_fraction_refuses_fractions_outside_0_1():
    # was: 7.0 returned as a fraction
    with pytest.raises(ValueError, match=r"^fractions: must be 1-d array-like of real numbers, finite, in \[0, 1\]"):
        collapse.smallest_sufficient_fraction([-5, 7, 99], [2, 1, 1])
    with pytest.raises(ValueError, match=r"^fractions, ratios: must have the same length"):
        collapse.smallest_sufficient_fraction([0.1, 0.5, 0.9], [2, 1])
    assert collapse.smallest_sufficient_fraction([0.1, 0.5, 0.9], [2, 1, 1]) == 0.5


def test_sample_encoded_refuses_group_rows_that_do_not_add_up_to_rows():
    # was: 6 rows returned when 10 were asked for
    gen = v.constraints_of(bias.sample_encoded)["gen"][0].example
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"^group_rows, rows: the elements of group_rows must add up to rows"):
        bias.sample_encoded(gen, rows=10, group_rows=(3, 3), rng=rng)
    with pytest.raises(ValueError, match=r"^group_rows: .*exactly 2 elements"):
        bias.sample_encoded(gen, rows=9, group_rows=(3, 3, 3), rng=rng)
    codes, _ = bias.sample_encoded(gen, rows=10, group_rows=(7, 3), rng=rng)
    assert len(codes) == 10


def test_chip_peak_flops_refuses_a_specs_table_with_a_negative_peak():
    # was: -1.0 FLOP/s returned
    specs = data.load("gpu_specs")
    chip = specs["chip"].iloc[0]
    bad = specs.copy()
    bad.loc[bad.index[0], "peak_flop_per_s"] = -1.0
    with pytest.raises(ValueError, match=r"^specs: .*column 'peak_flop_per_s' at row .* holds -1\.0, not a finite number in \(0, "):
        cost.chip_peak_flops(chip, specs=bad)
    assert cost.chip_peak_flops(chip, specs=specs) > 0


def _collapse_real_parameters():
    """(function, parameter) for every collapse function parameter that takes a real number or array."""
    out = []
    for name in sorted(n for n in dir(collapse) if not n.startswith("_")):
        func = getattr(collapse, name)
        if not inspect.isfunction(func) or v.constraints_of(func) is None:
            continue
        for param, constraints in v.constraints_of(func).items():
            if any(isinstance(c, v.Interval) and c.kind is v.Real for c in constraints):
                out.append((name, param))
    return out


@pytest.mark.parametrize(("name", "param"), _collapse_real_parameters())
def test_overflow_at_1e300_is_refused_by_name_in_every_collapse_function(name, param):
    # was: a bare OverflowError in six collapse functions, inf or nan returned by others
    func = getattr(collapse, name)
    with pytest.raises(ValueError, match=rf"^{param}: .*got 1e\+300 \(beyond the magnitude 1e\+50"):
        func(**{param: 1e300})  # the declared parameter is checked before the missing ones are reported


def test_collapse_functions_with_real_parameters_are_many():
    assert len({n for n, _ in _collapse_real_parameters()}) >= 10


def test_load_blames_a_missing_data_dir():
    # was: "name: missing ..." (or "name: unknown dataset") for a folder that does not exist
    with pytest.raises(ValueError, match=r"^data_dir: must be the path of an existing directory .*'/nonexistent'"):
        data.load(data_dir="/nonexistent")
    with pytest.raises(ValueError, match=r"^data_dir: "):
        data.load("gpu_specs", data_dir="/nonexistent")
    assert len(data.load("gpu_specs")) > 0
