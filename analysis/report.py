"""Glue computed values into the prose, refusing values that would print as nonsense."""

from __future__ import annotations

import math
import numbers

import numpy as np


def glue_value(key: str, value):
    """Glue ``value`` under ``key`` for ``{glue:text}`` (numpy scalars become Python numbers).

    myst-nb formats a glued number from its text repr, which for numpy scalars is
    ``np.float64(...)`` and cannot be formatted; NaN or infinity in prose is always a bug.
    """
    from myst_nb import glue

    if not isinstance(key, str) or not key:
        raise ValueError("key: a non-empty string is required")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (numbers.Number, str)):
        raise TypeError(f"value: expected a number or a string for {key!r}, got {type(value).__name__}")
    if isinstance(value, numbers.Real) and not math.isfinite(value):
        raise ValueError(f"value: {key!r} is {value}, which must not be printed in the report")
    glue(key, value, display=False)
