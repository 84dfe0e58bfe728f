"""Glue computed values into the prose, refusing values that would print as nonsense."""

from __future__ import annotations

import math
import numbers
import re

import numpy as np

from analysis.core.validation import EstimateInterval, Interval, Options, Real, _Constraint, validate_params

__all__ = ["GlueKey", "SUFFIXES", "glue_interval", "glue_value", "glue_values", "glue_with_provenance"]


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


# The two suffix conventions of the chapters' interval keys: ``key_low``/``key_high`` (chapters 1
# and 6, the explorer) and ``key_lo``/``key_hi`` (chapters 2, 3, 4 and 7).
SUFFIXES = (("_low", "_high"), ("_lo", "_hi"))


@validate_params({"key": [GlueKey()], "interval": [EstimateInterval()],
                  "scale": [Options(Real, (1, 100))],
                  "suffixes": [Options(tuple, SUFFIXES)], "rows": _ROWS})
def glue_interval(key: str, interval: tuple, *, scale: float = 1,
                  suffixes: tuple[str, str] = SUFFIXES[0], rows: dict | None = None) -> None:
    """Glue an estimate and its interval in one call: ``key``, ``key_low`` and ``key_high``.

    The three values are glued with :func:`glue_value`, in that order, each multiplied by
    ``scale`` (``scale=100`` for a share shown in percent): the same values, bit for bit, as three
    ``glue_value`` calls of ``100 * x``.

    Parameters
    ----------
    key : str
        Literal glue key of the estimate; the ends of the interval get ``key`` plus ``suffixes``.
    interval : ConfidenceInterval or tuple
        A :class:`~analysis.core.stats.ConfidenceInterval`, or (estimate, low, high).
    scale : {1, 100}
        Factor applied to all three values: 100 for a share shown in percent.
    suffixes : tuple of str
        The suffixes of the low and high keys: ``("_low", "_high")`` or ``("_lo", "_hi")``.
    rows : dict or None
        Dataset name -> primary keys of the rows the values are.

    Returns
    -------
    None

    Examples
    --------
    ``glue_interval("ch04_dpd0", (0.12, 0.08, 0.16), suffixes=("_lo", "_hi"))`` glues
    ``ch04_dpd0``, ``ch04_dpd0_lo`` and ``ch04_dpd0_hi``.
    """
    estimate, low, high = interval[:3]
    for name, value in ((key, estimate), (key + suffixes[0], low), (key + suffixes[1], high)):
        glue_value(name, value if scale == 1 else scale * value, rows=rows)


@validate_params({"values": [dict], "rows": _ROWS})
def glue_values(values: dict, *, rows: dict | None = None) -> None:
    """Glue several values in one call: each item of ``values`` with :func:`glue_value`, in order.

    Write ``values`` as a dict literal with literal keys, so that each glued number can still be
    found by searching its key.

    Parameters
    ----------
    values : dict
        Glue key -> value (a finite number or a text).
    rows : dict or None
        Dataset name -> primary keys of the rows the values are.

    Returns
    -------
    None
    """
    for key, value in values.items():
        glue_value(key, value, rows=rows)
