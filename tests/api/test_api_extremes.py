"""Every public function, driven with non-finite and extreme values, refuses them by name or stays finite.

The companion of ``test_api_properties.py`` (generated valid inputs) and ``test_api_constraints.py``
(generated bad inputs): here a valid call, drawn from the same strategies, has one of its numeric
parameters replaced by an extreme value -- NaN, an infinity, 1e300 or -1e300, the largest float,
1e-300 -- or by an array holding one. The call must either return a finite result (NaN or infinity
only where ``test_api_properties`` documents them) or raise a ``ValueError``/``TypeError`` whose
message starts with the name of a declared parameter. A bare ``OverflowError``, a
``FloatingPointError``, a ``ZeroDivisionError`` or an infinite result is a failure: the remedy is a
bound in the function's declaration (``analysis.core.validation``), not a check inside its body.
"""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest
from conftest import time_limit
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from analysis.core import validation as v
from tests.api.test_api_properties import (COVERED, INF_DOCUMENTED, NAN_DOCUMENTED, NAN_FIELDS_DOCUMENTED,
                                       _assert_finite, _check_documented_inf, _strategy)

EXTREMES = (float("nan"), float("inf"), -float("inf"), 1e300, -1e300, sys.float_info.max, 1e-300,
            v.MAX_MAGNITUDE, -v.MAX_MAGNITUDE)  # at the declared cap itself the result must still be finite
EXAMPLES = 8
CALL_SECONDS = 5


def _numeric_params(func) -> list[str]:
    """Parameters that accept a real number or an array of reals (the ones an extreme value can reach)."""
    out = []
    for name, constraints in (v.constraints_of(func) or {}).items():
        if any((isinstance(c, v.Interval) and c.kind is v.Real) or isinstance(c, v.ArrayLike) for c in constraints):
            out.append(name)
    return out


def _extreme_for(func, name: str) -> st.SearchStrategy:
    constraints = v.constraints_of(func)[name]
    scalar = any(isinstance(c, v.Interval) and c.kind is v.Real for c in constraints)
    values = st.sampled_from(EXTREMES)
    return values if scalar else values.map(lambda x: np.array([1.0, x, 2.0]))


CASES = [(q, p) for q, f in COVERED for p in _numeric_params(f)]


def test_extremes_reach_most_public_functions():
    assert len({q for q, _ in CASES}) >= 60, sorted({q for q, _ in CASES})


@pytest.mark.parametrize(("qualname", "param"), CASES)
def test_extreme_value_is_refused_by_name_or_gives_a_finite_result(qualname, param):
    func = dict(COVERED)[qualname]
    declared = set(v.constraints_of(func))

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
    @given(base=_strategy(qualname, func), extreme=_extreme_for(func, param))
    def check(base, extreme):
        kwargs = {**base, param: extreme}
        try:
            with time_limit(CALL_SECONDS), np.errstate(all="ignore"):
                result = func(**kwargs)
        except (ValueError, TypeError) as exc:
            named = str(exc).split(":", 1)[0].replace(" ", "").split(",")
            assert any(n in declared for n in named), f"{qualname}({param}={extreme!r}) -> unnamed error: {exc!r}"
            return
        except (OverflowError, FloatingPointError, ZeroDivisionError) as exc:
            raise AssertionError(f"{qualname}({param}={extreme!r}) -> bare {type(exc).__name__}: {exc}") from None
        if qualname in INF_DOCUMENTED:
            _check_documented_inf(qualname, kwargs, result)
        elif qualname in NAN_FIELDS_DOCUMENTED:
            for name, value in result._asdict().items():
                if name not in NAN_FIELDS_DOCUMENTED[qualname]:
                    _assert_finite(value, f"{qualname}({param}={extreme!r}).{name}")
        elif not (qualname in NAN_DOCUMENTED and isinstance(result, float) and math.isnan(result)):
            _assert_finite(result, f"{qualname}({param}={extreme!r})")

    check()
