"""Declared parameter constraints for every public function, checked in one place.

After scikit-learn's ``sklearn/utils/_param_validation.py``: each public function declares, once,
what each parameter may be, as a mapping from parameter name to a list of constraints; the
:func:`validate_params` decorator checks the call against it. A value is valid if it satisfies at
least one constraint of its list. Otherwise the call raises ``TypeError`` (no constraint accepts the
value's type) or ``ValueError`` (the type is right but the value is out of range), and the message
names the parameter, says what is valid and shows what was given.

One vocabulary for bounds: :class:`Interval` with ``closed="left" | "right" | "both" | "neither"``.
Wrong types are rejected, never coerced: a string is not a number, ``True`` is not an integer, a
float is not a count; NaN and infinity are rejected by every :class:`Interval` of reals. Dates are
ISO 8601 only. Sizes and loop counts that would take unreasonable memory or time on one machine
carry a cap (:class:`Interval` with a finite upper bound), and the message says so.

Example
-------
>>> @validate_params({"n": [Interval(Integral, 1, 10_000, closed="both")], "seed": [Seed()]})
... def draw(n, *, seed=None): ...
"""

from __future__ import annotations

import datetime as _dt
import functools
import inspect
import math
import numbers
import re
from collections.abc import Iterable
from typing import Any

import numpy as np

Integral = numbers.Integral
Real = numbers.Real

__all__ = [
    "Integral", "Real", "Interval", "Options", "Boolean", "ISODate", "Seed", "InstanceOf",
    "ArrayLike", "Frame", "CallableConstraint", "NoneType",
    "validate_params", "constraints_of", "check_frame",
    "check_int", "check_real", "check_choice", "check_seed", "check_finite_output",
]

_CLOSED = ("left", "right", "both", "neither")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SEED_MAX = 2**32 - 1
NoneType = type(None)


class _Constraint:
    """A constraint: ``type_ok`` says whether the value's type fits, ``check`` its value."""

    def type_ok(self, value) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def check(self, value) -> str | None:
        """``None`` if ``value`` (of an accepted type) is valid, else why not."""
        return None

    def describe(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError


class Interval(_Constraint):
    """A number of type ``kind`` (``Integral`` or ``Real``) between ``left`` and ``right``.

    ``None`` for a bound means unbounded on that side. Reals must be finite. Booleans are never
    numbers; for ``Integral``, floats (even ``3.0``) are rejected; for ``Real``, integers are accepted.
    ``cap_reason`` explains a finite upper bound chosen to keep memory or time reasonable.
    """

    def __init__(self, kind, left, right, *, closed: str = "both", cap_reason: str | None = None):
        if kind not in (Integral, Real):
            raise TypeError("kind: Interval takes Integral or Real")
        if closed not in _CLOSED:
            raise ValueError(f"closed: must be one of {', '.join(map(repr, _CLOSED))}, got {closed!r}")
        if left is not None and right is not None and left > right:
            raise ValueError(f"Interval: left bound {left} exceeds right bound {right}")
        self.kind, self.left, self.right, self.closed = kind, left, right, closed
        self.cap_reason = cap_reason

    def type_ok(self, value) -> bool:
        if isinstance(value, (bool, np.bool_)):
            return False
        if self.kind is Integral:
            return isinstance(value, numbers.Integral)
        return isinstance(value, numbers.Real)

    def check(self, value) -> str | None:
        if self.kind is Real and not math.isfinite(float(value)):
            return "not a finite number"
        lo_closed = self.closed in ("left", "both")
        hi_closed = self.closed in ("right", "both")
        if self.left is not None and (value < self.left or (value == self.left and not lo_closed)):
            return "below the lower bound"
        if self.right is not None and (value > self.right or (value == self.right and not hi_closed)):
            return "above the cap" if self.cap_reason else "above the upper bound"
        return None

    def describe(self) -> str:
        what = "an integer" if self.kind is Integral else "a finite number"
        left = "[" if self.closed in ("left", "both") and self.left is not None else "("
        right = "]" if self.closed in ("right", "both") and self.right is not None else ")"
        lo = "-inf" if self.left is None else f"{self.left:g}" if isinstance(self.left, float) else str(self.left)
        hi = "inf" if self.right is None else f"{self.right:g}" if isinstance(self.right, float) else str(self.right)
        text = f"{what} in {left}{lo}, {hi}{right}"
        if self.cap_reason:
            text += f" (capped: {self.cap_reason})"
        return text


class Options(_Constraint):
    """One of a fixed set of values (compared by equality, of type ``kind``)."""

    def __init__(self, kind, options: Iterable):
        self.kind = kind
        self.options = tuple(options)

    def type_ok(self, value) -> bool:
        return isinstance(value, self.kind) and not (self.kind is not bool and isinstance(value, bool))

    def check(self, value) -> str | None:
        return None if value in self.options else "not one of the options"

    def describe(self) -> str:
        return "one of " + ", ".join(map(repr, self.options))


class Boolean(_Constraint):
    """``True`` or ``False`` (Python or numpy booleans; never strings or integers)."""

    def type_ok(self, value) -> bool:
        return isinstance(value, (bool, np.bool_))

    def describe(self) -> str:
        return "a boolean (True or False)"


class ISODate(_Constraint):
    """A calendar date: ``datetime.date``/``datetime``/``pandas.Timestamp``, or an ISO ``YYYY-MM-DD`` string."""

    def type_ok(self, value) -> bool:
        return isinstance(value, (str, _dt.date, np.datetime64))

    def check(self, value) -> str | None:
        if isinstance(value, str):
            if not _ISO_DATE.match(value):
                return "not an ISO 8601 date (YYYY-MM-DD)"
            try:
                _dt.date.fromisoformat(value)
            except ValueError:
                return "not a valid calendar date"
        elif isinstance(value, np.datetime64) and np.isnat(value):
            return "not a date (NaT)"
        elif hasattr(value, "year") and value != value:  # pandas NaT
            return "not a date (NaT)"
        return None

    def describe(self) -> str:
        return "an ISO 8601 date (YYYY-MM-DD string, datetime.date or Timestamp)"


class Seed(_Constraint):
    """A seed for ``numpy.random.default_rng``: ``None``, an integer in [0, 2**32 - 1], or a Generator."""

    def type_ok(self, value) -> bool:
        return value is None or isinstance(value, np.random.Generator) or (
            isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))
        )

    def check(self, value) -> str | None:
        if isinstance(value, numbers.Integral) and not 0 <= value <= _SEED_MAX:
            return "outside [0, 2**32 - 1]"
        return None

    def describe(self) -> str:
        return "None, an integer in [0, 4294967295] or a numpy Generator"


class InstanceOf(_Constraint):
    """An instance of ``cls`` (a class or tuple of classes)."""

    def __init__(self, cls, description: str | None = None):
        self.cls = cls
        self.description = description

    def type_ok(self, value) -> bool:
        return isinstance(value, self.cls) and not (isinstance(value, bool) and self.cls is not bool)

    def describe(self) -> str:
        if self.description:
            return self.description
        names = self.cls if isinstance(self.cls, tuple) else (self.cls,)
        return "an instance of " + " or ".join(c.__name__ for c in names)


class CallableConstraint(_Constraint):
    """Any callable."""

    def type_ok(self, value) -> bool:
        return callable(value)

    def describe(self) -> str:
        return "a callable"


class ArrayLike(_Constraint):
    """A list, tuple, Series or ndarray of real numbers (not strings, not booleans).

    ``ndim`` fixes the number of dimensions, ``min_size``/``max_size`` bound the number of elements,
    ``finite`` rejects NaN and infinity, ``lo``/``hi`` bound the values (closed), ``integer``
    requires integer values.
    """

    def __init__(self, *, ndim: int | None = 1, min_size: int = 0, max_size: int | None = 10**8,
                 finite: bool = True, lo: float | None = None, hi: float | None = None,
                 integer: bool = False):
        self.ndim, self.min_size, self.max_size = ndim, min_size, max_size
        self.finite, self.lo, self.hi, self.integer = finite, lo, hi, integer

    def type_ok(self, value) -> bool:
        if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
            return False
        try:
            arr = np.asarray(value)
        except (TypeError, ValueError):
            return False
        if arr.dtype == bool:
            return False
        return np.issubdtype(arr.dtype, np.number)

    def check(self, value) -> str | None:
        arr = np.asarray(value)
        if self.ndim is not None and arr.ndim != self.ndim:
            return f"has {arr.ndim} dimensions, not {self.ndim}"
        if arr.size < self.min_size:
            return f"has {arr.size} elements, fewer than {self.min_size}"
        if self.max_size is not None and arr.size > self.max_size:
            return f"has {arr.size} elements, more than the cap {self.max_size}"
        if arr.size == 0:
            return None
        if self.finite and not np.all(np.isfinite(arr)):
            return "contains NaN or infinity"
        if self.integer and not np.issubdtype(arr.dtype, np.integer) and not np.all(np.mod(arr, 1) == 0):
            return "contains non-integer values"
        if self.lo is not None and np.nanmin(arr) < self.lo:
            return f"contains values below {self.lo}"
        if self.hi is not None and np.nanmax(arr) > self.hi:
            return f"contains values above {self.hi}"
        return None

    def describe(self) -> str:
        parts = [f"{self.ndim}-d " if self.ndim is not None else ""]
        parts.append("array-like of " + ("integers" if self.integer else "real numbers"))
        if self.finite:
            parts.append(", finite")
        if self.lo is not None or self.hi is not None:
            parts.append(f", in [{'-inf' if self.lo is None else self.lo}, {'inf' if self.hi is None else self.hi}]")
        if self.min_size:
            parts.append(f", at least {self.min_size} elements")
        return "".join(parts)


class Frame(_Constraint):
    """A pandas DataFrame with the ``required`` columns and at least ``min_rows`` rows."""

    def __init__(self, required: Iterable[str] = (), *, min_rows: int = 1):
        self.required = tuple(required)
        self.min_rows = min_rows

    def type_ok(self, value) -> bool:
        import pandas as pd

        return isinstance(value, pd.DataFrame)

    def check(self, value) -> str | None:
        missing = [c for c in self.required if c not in value.columns]
        if missing:
            return f"missing column(s) {missing}"
        if len(value) < self.min_rows:
            return f"has {len(value)} rows, fewer than {self.min_rows}"
        return None

    def describe(self) -> str:
        cols = f" with columns {list(self.required)}" if self.required else ""
        return f"a pandas DataFrame{cols} and at least {self.min_rows} row(s)"


class _NoneConstraint(_Constraint):
    def type_ok(self, value) -> bool:
        return value is None

    def describe(self) -> str:
        return "None"


def _make(c) -> _Constraint:
    if isinstance(c, _Constraint):
        return c
    if c is None:
        return _NoneConstraint()
    if c == "boolean":
        return Boolean()
    if c == "seed":
        return Seed()
    if c == "date":
        return ISODate()
    if c == "callable":
        return CallableConstraint()
    if isinstance(c, type):
        return InstanceOf(c)
    raise TypeError(f"unknown constraint {c!r}")


def _validate_one(name: str, value, constraints: list[_Constraint]) -> None:
    reasons = []
    for c in constraints:
        if c.type_ok(value):
            why = c.check(value)
            if why is None:
                return
            reasons.append(why)
    valid = " or ".join(c.describe() for c in constraints)
    shown = _short_repr(value)
    if reasons:
        raise ValueError(f"{name}: must be {valid}, got {shown} ({reasons[0]})")
    raise TypeError(f"{name}: expected {valid}, got {type(value).__name__} {shown}")


def _short_repr(value) -> str:
    shape = getattr(value, "shape", None)
    if shape is not None and not np.isscalar(value) and not isinstance(value, np.generic):
        return f"{type(value).__name__} of shape {tuple(shape)}"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def validate_params(parameter_constraints: dict[str, list], *, skip: Iterable[str] = ()):
    """Decorate a function so each call is checked against ``parameter_constraints``.

    Every parameter of the function must have an entry (listing the constraints it may satisfy),
    except those named in ``skip`` (e.g. ``**kwargs`` forwarded elsewhere). The mapping is stored
    on the function as ``__parameter_constraints__`` so tests can list and fuzz it.
    """

    def decorator(func):
        sig = inspect.signature(func)
        declared = {k: [_make(c) for c in v] for k, v in parameter_constraints.items()}
        params = [p for p in sig.parameters if p not in ("self", "cls") and p not in set(skip)]
        params = [p for p in params if sig.parameters[p].kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)]
        undeclared = [p for p in params if p not in declared]
        unknown = [p for p in declared if p not in sig.parameters]
        if undeclared or unknown:
            raise TypeError(
                f"{func.__qualname__}: constraints must cover every parameter "
                f"(undeclared: {undeclared}, not parameters: {unknown})"
            )

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            try:
                bound = sig.bind(*args, **kwargs)
            except TypeError as exc:
                raise TypeError(f"{func.__qualname__}: {exc}") from None
            for name, value in bound.arguments.items():
                if name in declared:
                    _validate_one(name, value, declared[name])
            return func(*args, **kwargs)

        wrapper.__parameter_constraints__ = declared
        return wrapper

    return decorator


def constraints_of(func) -> dict[str, list[_Constraint]] | None:
    """The declared constraints of a function decorated with :func:`validate_params`, or None."""
    return getattr(func, "__parameter_constraints__", None)


def check_frame(df, *, required: Iterable[str] = (), name: str = "df", min_rows: int = 1):
    """``df`` if it is a DataFrame with the ``required`` columns and at least ``min_rows`` rows."""
    _validate_one(name, df, [Frame(required, min_rows=min_rows)])
    return df


def check_int(name: str, value, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` as an int, if it is an integer in [minimum, maximum]."""
    _validate_one(name, value, [Interval(Integral, minimum, maximum, closed="both")])
    return int(value)


def check_real(name: str, value, *, lo=None, hi=None, lo_open: bool = False, hi_open: bool = False) -> float:
    """``value`` as a float, if it is a finite real number in the interval from ``lo`` to ``hi``."""
    closed = {(False, False): "both", (True, False): "right", (False, True): "left", (True, True): "neither"}[
        (bool(lo_open), bool(hi_open))
    ]
    _validate_one(name, value, [Interval(Real, lo, hi, closed=closed)])
    return float(value)


def check_choice(name: str, value, options) -> str:
    """``value`` if it is one of ``options``."""
    if value not in options:
        raise ValueError(f"{name}: must be one of {', '.join(map(repr, options))}, got {value!r}")
    return value


def check_seed(seed):
    """``seed`` if it is None, an integer in [0, 2**32 - 1] or a numpy Generator."""
    _validate_one("seed", seed, [Seed()])
    return seed


def check_finite_output(name: str, value):
    """Raise ``ValueError`` if a computed result ``name`` is not finite (a bug or an input out of domain)."""
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: the result is not finite; the inputs are outside the model's domain")
    return value


