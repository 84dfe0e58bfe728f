"""The shared input checks name the parameter and the valid range, and refuse booleans as numbers."""

import numpy as np
import pytest

from analysis.core import validation as v
from analysis.core.validation import check_choice, check_int, check_names, check_real, check_seed


def test_check_int_accepts_integers_in_range_and_numpy_integers():
    assert check_int("n", 3, minimum=1) == 3
    assert check_int("n", np.int64(5), minimum=1, maximum=5) == 5
    with pytest.raises(ValueError, match=r"n: must be an integer in \[1, inf\), got 0"):
        check_int("n", 0, minimum=1)


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (0, ValueError, r"n: must be an integer in \[1, 5\], got 0"),
        (7, ValueError, r"n: must be an integer in \[1, 5\], got 7"),
        (2.0, TypeError, r"n: expected an integer in \[1, 5\], got float 2.0"),
        (True, TypeError, r"n: expected an integer .* got bool True"),
    ],
)
def test_check_int_rejects(value, error, message):
    with pytest.raises(error, match=message):
        check_int("n", value, minimum=1, maximum=5)


def test_check_names_takes_a_list_or_tuple_of_distinct_strings():
    assert check_names("cols", ["a", "b"]) == ("a", "b")
    assert check_names("cols", ()) == ()
    with pytest.raises(TypeError, match=r"cols: expected a list or tuple of distinct names \(str\), got str"):
        check_names("cols", "ab")  # a bare string would be iterated letter by letter
    with pytest.raises(TypeError, match="cols: expected"):
        check_names("cols", ["a", 1])
    with pytest.raises(ValueError, match=r"cols: must be .*'a' named more than once"):
        check_names("cols", ("a", "b", "a"))


def test_check_real_bounds_open_and_closed():
    assert check_real("p", 0.0, lo=0, hi=1) == 0.0
    assert check_real("p", 1, lo=0, hi=1) == 1.0
    with pytest.raises(ValueError, match=r"p: must be a finite number in \(0, 1\], got 0.0"):
        check_real("p", 0.0, lo=0, hi=1, lo_open=True)
    with pytest.raises(ValueError, match=r"p: must be a finite number in \[0, 1\), got 1.0"):
        check_real("p", 1.0, lo=0, hi=1, hi_open=True)
    with pytest.raises(ValueError, match=r"p: must be a finite number in \[-1e\+50, 1e\+50\], got nan"):
        check_real("p", float("nan"))
    # no declared bound still means a magnitude no quantity here reaches (no overflow downstream)
    with pytest.raises(ValueError, match=r"p: .*got 1e\+300 \(beyond the magnitude 1e\+50"):
        check_real("p", 1e300)
    with pytest.raises(TypeError, match="p: expected a finite number"):
        check_real("p", "0.5")
    with pytest.raises(TypeError, match="got bool"):
        check_real("p", False)


def test_check_choice_and_seed():
    assert check_choice("workflow", "replace", ("replace", "accumulate")) == "replace"
    with pytest.raises(ValueError, match=r"workflow: must be one of 'replace', 'accumulate', got 'keep'"):
        check_choice("workflow", "keep", ("replace", "accumulate"))
    assert check_seed(None) is None and check_seed(3) == 3
    with pytest.raises(TypeError, match=r"seed: expected None, an integer in \[0, 4294967295\] or a numpy Generator, got float"):
        check_seed(1.5)


# --- declared constraints (validate_params) ---------------------------------------------------

import datetime as dt  # noqa: E402
import math  # noqa: E402

import pandas as pd  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from analysis.core.validation import (  # noqa: E402
    ArrayLike, Boolean, Frame, Integral, Interval, ISODate, Options, Real, Seed,
    check_frame, constraints_of, validate_params,
)


@validate_params({
    "n": [Interval(Integral, 1, 1000, closed="both", cap_reason="a loop count")],
    "p": [Interval(Real, 0, 1, closed="right")],
    "flag": [Boolean()],
    "on": [ISODate()],
    "kind": [Options(str, ("a", "b")), None],
    "seed": [Seed()],
})
def _f(n, p=0.5, *, flag=False, on="2026-01-01", kind=None, seed=None):
    return n * p


def test_validate_params_accepts_valid_calls_and_records_constraints():
    assert _f(3, 0.5) == 1.5
    assert _f(np.int64(3), 1, flag=np.bool_(True), on=dt.date(2026, 1, 1), kind="a", seed=np.random.default_rng(0)) == 3
    assert set(constraints_of(_f)) == {"n", "p", "flag", "on", "kind", "seed"}


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n": 0}, ValueError, r"n: must be an integer in \[1, 1000\] \(capped: a loop count\), got 0"),
        ({"n": 10**6}, ValueError, r"n: .*capped.*got 1000000 \(above the cap\)"),
        ({"n": 2.0}, TypeError, r"n: expected an integer .* got float 2.0"),
        ({"n": True}, TypeError, r"n: expected an integer .* got bool True"),
        ({"n": "3"}, TypeError, r"n: expected an integer .* got str '3'"),
        ({"n": 3, "p": 0.0}, ValueError, r"p: must be a finite number in \(0, 1\], got 0.0"),
        ({"n": 3, "p": float("nan")}, ValueError, r"p: .* \(not a finite number\)"),
        ({"n": 3, "p": "0.5"}, TypeError, r"p: expected a finite number"),
        ({"n": 3, "flag": "false"}, TypeError, r"flag: expected a boolean"),
        ({"n": 3, "flag": 0}, TypeError, r"flag: expected a boolean"),
        ({"n": 3, "on": "24-01-05"}, ValueError, r"on: must be an ISO 8601 date"),
        ({"n": 3, "on": "05/01/2024"}, ValueError, r"on: must be an ISO 8601 date"),
        ({"n": 3, "on": "2024-02-30"}, ValueError, r"not a valid calendar date"),
        ({"n": 3, "kind": "c"}, ValueError, r"kind: must be one of 'a', 'b' or None, got 'c'"),
        ({"n": 3, "seed": -1}, ValueError, r"seed: must be None, an integer in \[0, 4294967295\]"),
        ({"n": 3, "seed": 1.5}, TypeError, r"seed: expected None, an integer"),
    ],
)
def test_validate_params_rejects_with_named_errors(kwargs, error, message):
    with pytest.raises(error, match=message):
        _f(**kwargs)


def test_validate_params_requires_every_parameter_declared():
    with pytest.raises(TypeError, match=r"undeclared: \['b'\]"):
        @validate_params({"a": [Interval(Real, None, None)]})
        def g(a, b):
            return a


def test_interval_closed_vocabulary():
    for closed, at_left, at_right in [("both", True, True), ("left", True, False), ("right", False, True), ("neither", False, False)]:
        c = Interval(Real, 0, 1, closed=closed)
        assert (c.check(0.0) is None) is at_left
        assert (c.check(1.0) is None) is at_right
    with pytest.raises(ValueError, match="closed"):
        Interval(Real, 0, 1, closed="open")


def test_frame_and_array_constraints():
    df = pd.DataFrame({"a": [1, 2]})
    assert check_frame(df, required=["a"]) is df
    with pytest.raises(ValueError, match=r"df: must be a pandas DataFrame with columns \['b'\].*missing column"):
        check_frame(df, required=["b"])
    with pytest.raises(ValueError, match="fewer than 1"):
        check_frame(df.iloc[:0], required=["a"])
    with pytest.raises(TypeError, match="df: expected a pandas DataFrame"):
        check_frame({"a": [1]}, required=["a"])
    arr = ArrayLike(lo=0)
    assert arr.type_ok([1.0, 2.0]) and arr.check([1.0, 2.0]) is None
    assert not arr.type_ok("12") and not arr.type_ok([True, False])
    assert arr.check([1.0, np.nan]) == "contains NaN"
    assert arr.check([1.0, np.inf]) == "contains infinity"
    assert arr.check([[1.0]]) is not None
    assert Frame(["a"]).check(df) is None


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.text(max_size=5), st.none()))
def test_fuzz_interval_accepts_exactly_the_valid_values(value):
    try:
        out = _f(3, value)
    except (TypeError, ValueError) as exc:
        assert str(exc).startswith("p: ")
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and 0 < value <= 1
        assert not ok
    else:
        assert 0 < value <= 1 and out == 3 * value


def test_relation_names_both_parameters_and_runs_after_the_single_checks():
    from analysis.core.validation import ArrayLike, same_length

    @validate_params({"x": [ArrayLike()], "y": [ArrayLike()]}, relations=[same_length("x", "y")])
    def f(x, y):
        return len(x)

    assert f([1, 2], [3, 4]) == 2
    with pytest.raises(ValueError, match=r"^x, y: must have the same length"):
        f([1, 2], [3, 4, 5])
    with pytest.raises(ValueError, match=r"^y: "):
        f([1, 2], [3, float("nan")])


def test_nested_calls_skip_validation_and_top_level_calls_do_not():
    from analysis.core import validation as v

    calls = []

    @validate_params({"n": [Interval(Integral, 1, 10, closed="both")]})
    def inner(n):
        calls.append(n)
        return n

    @validate_params({"n": [Interval(Integral, 1, 10, closed="both")]})
    def outer(n):
        return inner(n * 100)  # an internal value beyond inner's declared range: not re-checked

    assert outer(5) == 500
    with pytest.raises(ValueError, match=r"^n: "):
        inner(500)
    with v.skip_parameter_validation():
        assert inner(500) == 500
    with pytest.raises(ValueError, match=r"^n: "):
        inner(500)  # the flag is reset after the block


def test_array_like_open_bounds_size_and_order():
    from analysis.core.validation import ArrayLike

    c = ArrayLike(lo=0, hi=1, closed="neither", size=2, increasing=True)
    assert c.check([0.2, 0.5]) is None
    assert "<= 0" in c.check([0.0, 0.5])
    assert "exactly 2" not in (c.check([0.2, 0.5]) or "") and c.check([0.1, 0.2, 0.3]).startswith("has 3")
    assert c.check([0.5, 0.2]) == "is not strictly increasing"
    assert "magnitude" in ArrayLike().check([1.0, 1e300])


def test_a_function_taking_a_frame_lets_its_callees_check_what_it_forwards():
    # a frame's cells are not checked by its declaration, so nested validation is not skipped
    import pandas as pd

    from analysis.core import trend

    @validate_params({"df": [v.Frame(["date"])]})
    def years(df):
        return trend.decimal_year(df["date"])

    with pytest.raises(ValueError, match=r"^dates: .*ISO 8601"):
        years(pd.DataFrame({"date": ["05/01/2024"]}))
    assert years(pd.DataFrame({"date": ["2024-01-01"]}))[0] == 2024.0


def test_shared_constraints_have_one_meaning_each():
    assert v.FRACTION.check(0) is None and v.FRACTION.check(1) is None
    assert v.OPEN_FRACTION.check(0) is not None and v.OPEN_FRACTION.check(1) is not None
    assert v.POSITIVE_FRACTION.check(0) is not None and v.POSITIVE_FRACTION.check(1) is None
    assert v.GENERATIONS.right == v.MAX_GENERATIONS == 10_000
    assert v.REPLICATES.right == v.MAX_REPLICATES == 10_000


def test_a_validated_function_pickled_by_value_still_pickles():
    # Dask ships a function it cannot find by name (here: replaced in its module) by value,
    # with its globals: the nested-validation flag must survive that (it unpickles as this
    # process's own flag)
    import pickle

    import cloudpickle

    from analysis.sweeps import store as sweeps

    real = sweeps.library_versions
    try:
        sweeps.library_versions = lambda names: {}
        restored = pickle.loads(cloudpickle.dumps(real))
    finally:
        sweeps.library_versions = real
    assert restored(["numpy"]) == real(["numpy"])
    assert pickle.loads(pickle.dumps(v._SKIP)) is v._SKIP


def test_selection_of_accepts_a_non_empty_subset_and_names_the_parameter():
    from analysis.core.validation import InstanceOf, selection_of, validate_params

    @validate_params({"pick": [InstanceOf((list, tuple))]}, relations=[selection_of("pick", ("a", "b"))])
    def f(pick):
        return len(pick)

    assert f(["a"]) == 1 and f(("b", "a")) == 2
    for bad in ([], ("c",), ["a", "z"]):
        with pytest.raises(ValueError, match=r"^pick: must be a non-empty selection of a, b"):
            f(bad)
