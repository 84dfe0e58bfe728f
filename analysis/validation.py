"""Input checks shared by the models: each names the parameter, the valid range and what it got.

After scikit-learn's ``sklearn/utils/validation.py``: a wrong type raises ``TypeError``, a value of
the right type outside its range raises ``ValueError``; booleans are never accepted as numbers.
"""

from __future__ import annotations

import numbers

import numpy as np


def check_int(name: str, value, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` as an int, if it is an integer in [minimum, maximum]."""
    span = _interval(minimum, maximum, False, False)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected an integer in {span}, got {type(value).__name__} {value!r}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name}: must be an integer in {span}, got {value}")
    return int(value)


def check_real(name: str, value, *, lo=None, hi=None, lo_open: bool = False, hi_open: bool = False) -> float:
    """``value`` as a float, if it is a finite real number in the interval from ``lo`` to ``hi``."""
    span = _interval(lo, hi, lo_open, hi_open)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a number in {span}, got {type(value).__name__} {value!r}")
    value = float(value)
    bad = not np.isfinite(value)
    if lo is not None:
        bad |= value <= lo if lo_open else value < lo
    if hi is not None:
        bad |= value >= hi if hi_open else value > hi
    if bad:
        raise ValueError(f"{name}: must be a finite number in {span}, got {value}")
    return value


def check_choice(name: str, value, options) -> str:
    """``value`` if it is one of ``options``."""
    if value not in options:
        raise ValueError(f"{name}: must be one of {', '.join(map(repr, options))}, got {value!r}")
    return value


def check_seed(seed):
    """``seed`` if it is None or an integer (what ``numpy.random.default_rng`` is given here)."""
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise TypeError(f"seed: expected an integer or None, got {type(seed).__name__}")
    return seed


def _interval(lo, hi, lo_open: bool, hi_open: bool) -> str:
    left = "(" if lo_open or lo is None else "["
    right = ")" if hi_open or hi is None else "]"
    return f"{left}{'-inf' if lo is None else lo}, {'inf' if hi is None else hi}{right}"
