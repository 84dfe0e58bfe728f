"""Glue computed values into the prose, refusing values that would print as nonsense."""

from __future__ import annotations

import math
import numbers
import re

import numpy as np

from analysis.core.validation import Interval, Real, _Constraint, validate_params

__all__ = ["GlueKey", "glue_value", "glue_with_provenance"]


class GlueKey(_Constraint):
    """A glue key: a non-empty string of letters, digits and '_', starting with a letter.

    ``example`` is a valid value, for tests that need one.
    """

    _KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
    example = "ch00_example"

    def type_ok(self, value) -> bool:
        return isinstance(value, str)

    def check(self, value) -> str | None:
        return None if self._KEY.match(value) else "a key starts with a letter and holds only letters, digits and '_'"

    def describe(self) -> str:
        return "a non-empty string key (letters, digits, '_')"


_VALUE = [Interval(Real, None, None, closed="neither"), str]
_ROWS = [dict, None]


@validate_params({"key": [GlueKey()], "value": _VALUE, "rows": _ROWS})
def glue_value(key: str, value: float | str, *, rows: dict | None = None) -> None:
    """Glue ``value`` under ``key`` for ``{glue:text}`` (numpy scalars become Python numbers).

    myst-nb formats a glued number from its text repr, which for numpy scalars is
    ``np.float64(...)`` and cannot be formatted; NaN or infinity in prose is always a bug.

    The glued output also carries the value's provenance (the datasets read and the ``analysis``
    functions called by the cell and the cells feeding it, see :mod:`analysis.publish.provenance`); the
    site links every pasted number to that record. ``rows`` (dataset name -> primary keys) says
    which rows of a dataset the value is, when it is one.

    Parameters
    ----------
    key : str
        Literal glue key, prefixed by chapter (``ch01_...``).
    value : float or str
        The number (finite) or text to paste into the page.
    rows : dict or None
        Dataset name -> primary keys of the rows the value is.

    Returns
    -------
    None
    """
    if not isinstance(key, str) or not key:
        raise ValueError("key: a non-empty string is required")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (numbers.Number, str)):
        raise TypeError(f"value: expected a number or a string for {key!r}, got {type(value).__name__}")
    if isinstance(value, numbers.Real) and not math.isfinite(value):
        raise ValueError(f"value: {key!r} is {value}, which must not be printed in the report")
    glue_with_provenance(key, value, rows=rows)


@validate_params({"key": [GlueKey()], "value": [object], "rows": _ROWS, "checks": [dict, None]})
def glue_with_provenance(key: str, value: object, *, rows: dict | None = None, checks: dict | None = None) -> None:
    """myst-nb's ``glue(key, value, display=False)``, with the provenance record in the output metadata.

    The output is exactly what ``myst_nb.glue`` writes (a display_data output whose metadata holds
    ``scrapbook``), plus ``metadata["provenance"]``; myst-nb ignores keys it does not know.

    Parameters
    ----------
    key : str
        Literal glue key.
    value : object
        The value to glue.
    rows : dict or None
        Dataset name -> primary keys of the rows the value is.
    checks : dict or None
        Checks made on the value, recorded with its provenance.

    Returns
    -------
    None
    """
    import IPython
    from IPython.display import display
    from myst_nb.ext.glue import GLUE_PREFIX

    from analysis.publish import provenance

    mimebundle, metadata = IPython.core.formatters.format_display_data(value)
    metadata["scrapbook"] = dict(name=key, mime_prefix=GLUE_PREFIX)
    metadata["provenance"] = provenance.record(rows=rows).as_json()
    if checks:  # e.g. a figure's overlapping labels, checked by the site's tests
        metadata["provenance"]["checks"] = checks
    display({GLUE_PREFIX + k: v for k, v in mimebundle.items()}, raw=True, metadata=metadata)
