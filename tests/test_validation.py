"""The shared input checks name the parameter and the valid range, and refuse booleans as numbers."""

import numpy as np
import pytest

from analysis.validation import check_choice, check_int, check_real, check_seed


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


def test_check_real_bounds_open_and_closed():
    assert check_real("p", 0.0, lo=0, hi=1) == 0.0
    assert check_real("p", 1, lo=0, hi=1) == 1.0
    with pytest.raises(ValueError, match=r"p: must be a finite number in \(0, 1\], got 0.0"):
        check_real("p", 0.0, lo=0, hi=1, lo_open=True)
    with pytest.raises(ValueError, match=r"p: must be a finite number in \[0, 1\), got 1.0"):
        check_real("p", 1.0, lo=0, hi=1, hi_open=True)
    with pytest.raises(ValueError, match=r"p: must be a finite number in \(-inf, inf\), got nan"):
        check_real("p", float("nan"))
    with pytest.raises(TypeError, match="p: expected a number"):
        check_real("p", "0.5")
    with pytest.raises(TypeError, match="got bool"):
        check_real("p", False)


def test_check_choice_and_seed():
    assert check_choice("workflow", "replace", ("replace", "accumulate")) == "replace"
    with pytest.raises(ValueError, match=r"workflow: must be one of 'replace', 'accumulate', got 'keep'"):
        check_choice("workflow", "keep", ("replace", "accumulate"))
    assert check_seed(None) is None and check_seed(3) == 3
    with pytest.raises(TypeError, match="seed: expected an integer or None, got float"):
        check_seed(1.5)
