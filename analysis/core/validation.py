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

import contextlib
import contextvars
import datetime as _dt
import functools
import inspect
import math
import numbers
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

Integral = numbers.Integral
Real = numbers.Real

__all__ = [
    "Integral", "Real", "Interval", "Options", "Boolean", "ISODate", "Seed", "InstanceOf",
    "ArrayLike", "Frame", "CallableConstraint", "RealOrNaN", "EstimateInterval", "NoneType", "Relation", "ExistingPath", "DateSequence", "BooleanArray", "Names",
    "MAX_MAGNITUDE", "FRACTION", "OPEN_FRACTION", "POSITIVE_FRACTION", "LEVEL", "PROBABILITY_VECTOR",
    "MAX_GENERATIONS", "MAX_REPLICATES", "GENERATIONS", "REPLICATES", "same_length", "sums_to", "ordered", "selection_of",
    "validate_params", "skip_parameter_validation", "constraints_of", "relations_of", "check_frame",
    "check_int", "check_names", "check_real", "check_choice", "check_seed", "check_finite_output",
]

_CLOSED = ("left", "right", "both", "neither")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SEED_MAX = 2**32 - 1
NoneType = type(None)
# No quantity in this report comes near 1e50 in its unit (the largest, training compute, is about
# 1e27 FLOP), and products of five such numbers stay below the float maximum (1.8e308): so a real
# with no declared bound is still refused beyond this magnitude, by name, rather than overflowing
# to inf or nan (or a bare OverflowError) deep inside a model.
MAX_MAGNITUDE = 1e50


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
        if self.kind is Real and abs(float(value)) > MAX_MAGNITUDE:
            return f"beyond the magnitude {MAX_MAGNITUDE:g} no quantity here reaches"
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
        real = self.kind is Real
        lo = (f"-{MAX_MAGNITUDE:g}" if real else "-inf") if self.left is None else f"{self.left:g}" if isinstance(self.left, float) else str(self.left)
        hi = (f"{MAX_MAGNITUDE:g}" if real else "inf") if self.right is None else f"{self.right:g}" if isinstance(self.right, float) else str(self.right)
        if real and self.left is None:
            left = "["
        if real and self.right is None:
            right = "]"
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


class DateSequence(_Constraint):
    """A non-empty list, tuple, Series, Index or array of dates: timestamps or ISO 8601 strings.

    Strings may be ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (a time after ``T`` or a space is
    ignored). Numbers are not dates (``2024`` could be a year or a count of days since 1970), nor
    are missing values or any other string form (``05/01/2024`` is day-first or month-first).
    """

    _ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

    def type_ok(self, value) -> bool:
        import pandas as pd

        return isinstance(value, (list, tuple, pd.Series, pd.Index, np.ndarray))

    def check(self, value) -> str | None:
        items = list(value.tolist() if isinstance(value, np.ndarray) and value.dtype.kind != "M" else value)
        if not items:
            return "is empty"
        for item in items:
            if isinstance(item, str):
                text = re.split(r"[T ]", item.strip(), maxsplit=1)[0]
                if not self._ISO.match(text):
                    return f"{item!r} is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)"
                try:
                    _dt.date.fromisoformat((text + "-01-01")[:10] if len(text) < 10 else text)
                except ValueError:
                    return f"{item!r} is not a valid calendar date"
            elif isinstance(item, (_dt.date, np.datetime64)):
                if (isinstance(item, np.datetime64) and np.isnat(item)) or item != item:
                    return "holds a missing date (NaT)"
            elif item is None or (isinstance(item, float) and math.isnan(item)):
                return "holds a missing date"
            else:
                return f"holds {item!r} ({type(item).__name__}), which is not a date"
        return None

    def describe(self) -> str:
        return "a non-empty sequence of dates (timestamps or ISO 8601 strings YYYY, YYYY-MM or YYYY-MM-DD)"


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


class Names(_Constraint):
    """A list or tuple of distinct names (str): column names, say. A bare string is refused, since
    iterating it would give its letters."""

    def type_ok(self, value) -> bool:
        return isinstance(value, (list, tuple)) and all(isinstance(x, str) for x in value)

    def check(self, value) -> str | None:
        repeated = sorted({x for x in value if list(value).count(x) > 1})
        return f"{', '.join(map(repr, repeated))} named more than once" if repeated else None

    def describe(self) -> str:
        return "a list or tuple of distinct names (str)"


class BooleanArray(_Constraint):
    """A 1-d numpy array of booleans (a mask): not an array of numbers that happen to be 0 and 1."""

    def type_ok(self, value) -> bool:
        return isinstance(value, np.ndarray) and value.dtype == bool

    def check(self, value) -> str | None:
        return None if value.ndim == 1 else f"has {value.ndim} dimensions, not 1"

    def describe(self) -> str:
        return "a 1-d boolean numpy array"


class CallableConstraint(_Constraint):
    """Any callable."""

    def type_ok(self, value) -> bool:
        return callable(value)

    def describe(self) -> str:
        return "a callable"


class ArrayLike(_Constraint):
    """A list, tuple, Series or ndarray of real numbers (not strings, not booleans).

    ``ndim`` fixes the number of dimensions, ``min_size``/``max_size`` bound the number of elements
    (``size`` fixes it), ``finite`` rejects NaN and infinity and any value beyond
    ``MAX_MAGNITUDE``, ``lo``/``hi`` bound the values (``closed`` as for :class:`Interval`),
    ``integer`` requires integer values and ``increasing`` strictly increasing ones;
    ``allow_nan`` admits NaN (a missing value the function ignores) but never infinity.
    """

    def __init__(self, *, ndim: int | None = 1, min_size: int = 0, max_size: int | None = 10**8,
                 finite: bool = True, lo: float | None = None, hi: float | None = None,
                 integer: bool = False, closed: str = "both", size: int | None = None,
                 increasing: bool = False, allow_nan: bool = False):
        if closed not in _CLOSED:
            raise ValueError(f"closed: must be one of {', '.join(map(repr, _CLOSED))}, got {closed!r}")
        if size is not None:
            min_size = max_size = size
        self.ndim, self.min_size, self.max_size = ndim, min_size, max_size
        self.finite, self.lo, self.hi, self.integer = finite, lo, hi, integer
        self.closed, self.increasing, self.allow_nan = closed, increasing, allow_nan

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
        if self.finite and np.any(np.isinf(arr)):
            return "contains infinity"
        if self.finite and not self.allow_nan and np.any(np.isnan(arr)):
            return "contains NaN"
        if self.finite and self.allow_nan and np.all(np.isnan(arr)):
            return "contains only NaN"
        if self.finite and np.nanmax(np.abs(arr)) > MAX_MAGNITUDE:
            return f"contains values beyond the magnitude {MAX_MAGNITUDE:g} no quantity here reaches"
        if self.integer and not np.issubdtype(arr.dtype, np.integer) and not np.all(np.mod(arr, 1) == 0):
            return "contains non-integer values"
        lo_closed = self.closed in ("left", "both")
        hi_closed = self.closed in ("right", "both")
        if self.lo is not None and (np.nanmin(arr) < self.lo or (not lo_closed and np.nanmin(arr) == self.lo)):
            return f"contains values below {self.lo}" if lo_closed else f"contains values <= {self.lo}"
        if self.hi is not None and (np.nanmax(arr) > self.hi or (not hi_closed and np.nanmax(arr) == self.hi)):
            return f"contains values above {self.hi}" if hi_closed else f"contains values >= {self.hi}"
        if self.increasing and arr.ndim == 1 and np.any(np.diff(arr) <= 0):
            return "is not strictly increasing"
        return None

    def describe(self) -> str:
        parts = [f"{self.ndim}-d " if self.ndim is not None else ""]
        parts.append("array-like of " + ("integers" if self.integer else "real numbers"))
        if self.finite:
            parts.append(", finite" + (" or NaN (ignored)" if self.allow_nan else ""))
        if self.lo is not None or self.hi is not None or self.finite:
            left = "[" if self.closed in ("left", "both") or self.lo is None else "("
            right = "]" if self.closed in ("right", "both") or self.hi is None else ")"
            lo = (f"-{MAX_MAGNITUDE:g}" if self.finite else "-inf") if self.lo is None else f"{self.lo:g}"
            hi = (f"{MAX_MAGNITUDE:g}" if self.finite else "inf") if self.hi is None else f"{self.hi:g}"
            parts.append(f", in {left}{lo}, {hi}{right}")
        if self.increasing:
            parts.append(", strictly increasing")
        if self.min_size and self.min_size == self.max_size:
            parts.append(f", exactly {self.min_size} elements")
        elif self.min_size:
            parts.append(f", at least {self.min_size} elements")
        return "".join(parts)


class ExistingPath(_Constraint):
    """A ``str`` or ``pathlib.Path`` naming an existing directory (``kind="dir"``) or file (``kind="file"``)."""

    def __init__(self, kind: str = "dir"):
        if kind not in ("dir", "file"):
            raise ValueError(f"kind: must be 'dir' or 'file', got {kind!r}")
        self.kind = kind

    def type_ok(self, value) -> bool:
        return isinstance(value, (str, Path))

    def check(self, value) -> str | None:
        path = Path(value)
        if self.kind == "dir" and not path.is_dir():
            return "no such directory"
        if self.kind == "file" and not path.is_file():
            return "no such file"
        return None

    def describe(self) -> str:
        return f"the path of an existing {'directory' if self.kind == 'dir' else 'file'} (str or pathlib.Path)"


class RealOrNaN(_Constraint):
    """A real number, finite or NaN (a value that was not computed), never infinite."""

    example = 1.0

    def type_ok(self, value) -> bool:
        return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))

    def check(self, value) -> str | None:
        x = float(value)
        if math.isnan(x):
            return None
        if math.isinf(x):
            return "infinite"
        return None if abs(x) <= MAX_MAGNITUDE else f"beyond the magnitude {MAX_MAGNITUDE:g} no quantity here reaches"

    def describe(self) -> str:
        return f"a real number in [-{MAX_MAGNITUDE:g}, {MAX_MAGNITUDE:g}] or NaN"


class EstimateInterval(_Constraint):
    """An interval: a ``analysis.core.stats.ConfidenceInterval`` or an (estimate, low, high) sequence."""

    example = (1.0, 0.5, 1.5)

    def type_ok(self, value) -> bool:
        return isinstance(value, (tuple, list))

    def check(self, value) -> str | None:
        if len(value) != 3 and not hasattr(value, "_fields"):
            return f"has {len(value)} elements, not 3 (estimate, low, high)"
        for x in value[:3]:
            if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real):
                return f"holds {x!r}, not a number"
            if not math.isfinite(float(x)):
                return f"holds {x}, which must not be printed in the report"
            if abs(float(x)) > MAX_MAGNITUDE:
                return f"holds {x}, beyond the magnitude {MAX_MAGNITUDE:g} no quantity here reaches"
        return None

    def describe(self) -> str:
        return "a ConfidenceInterval or an (estimate, low, high) tuple of finite numbers"


class Relation:
    """A declared constraint between parameters: ``test(**values)`` must hold, else ``ValueError``.

    Declared beside the per-parameter constraints (``validate_params(..., relations=[...])``) and
    checked once all of them pass; the message starts with the parameters' names, so a joint
    constraint (two arrays of one length, counts that add up) is as explicit as a range. The test
    only runs when every parameter it names was given a value other than ``None``.
    """

    def __init__(self, names: tuple[str, ...], test: Callable[..., bool], description: str):
        self.names, self.test, self.description = tuple(names), test, description

    def check(self, arguments: dict) -> None:
        if any(arguments.get(n) is None for n in self.names):
            return
        if not self.test(**{n: arguments[n] for n in self.names}):
            shown = ", ".join(f"{n}={_short_repr(arguments[n])}" for n in self.names)
            raise ValueError(f"{', '.join(self.names)}: {self.description}, got {shown}")


def same_length(*names: str) -> Relation:
    """The array parameters ``names`` have one length."""
    return Relation(names, lambda **kw: len({np.asarray(x).shape[:1] for x in kw.values()}) == 1,
                    "must have the same length")


def ordered(low: str, high: str, *, strict: bool = True) -> Relation:
    """Every element of ``low`` is below (``strict``) or at most the matching element of ``high``."""
    if strict:
        return Relation((low, high), lambda **kw: bool(np.all(np.asarray(kw[low]) < np.asarray(kw[high]))),
                        f"{low} must be below {high}")
    return Relation((low, high), lambda **kw: bool(np.all(np.asarray(kw[low]) <= np.asarray(kw[high]))),
                    f"{low} must not exceed {high}")


def selection_of(name: str, options: Iterable) -> Relation:
    """``name`` is a non-empty list or tuple whose every element is one of ``options``."""
    allowed = tuple(options)
    return Relation((name,), lambda **kw: len(kw[name]) > 0 and all(x in allowed for x in kw[name]),
                    "must be a non-empty selection of " + ", ".join(map(str, allowed)))


def sums_to(parts: str, total: str) -> Relation:
    """The elements of ``parts`` add up to ``total``."""
    return Relation((parts, total), lambda **kw: float(np.sum(kw[parts])) == float(kw[total]),
                    f"the elements of {parts} must add up to {total}")


class Frame(_Constraint):
    """A pandas DataFrame with the ``required`` columns and at least ``min_rows`` rows."""

    def __init__(self, required: Iterable[str] = (), *, min_rows: int = 1,
                 ranges: dict[str, Interval] | None = None):
        self.required = tuple(required)
        self.min_rows = min_rows
        self.ranges = dict(ranges or {})

    def type_ok(self, value) -> bool:
        import pandas as pd

        return isinstance(value, pd.DataFrame)

    def check(self, value) -> str | None:
        missing = [c for c in self.required if c not in value.columns]
        if missing:
            return f"missing column(s) {missing}"
        if len(value) < self.min_rows:
            return f"has {len(value)} rows, fewer than {self.min_rows}"
        import pandas as pd

        for column, interval in self.ranges.items():
            if column not in value.columns:
                continue
            for row, cell in value[column].items():
                if pd.isna(cell):
                    continue  # a missing value: the function says what it does without one
                if not interval.type_ok(cell) or interval.check(cell) is not None:
                    return f"column {column!r} at row {row!r} holds {cell!r}, not {interval.describe()}"
        return None

    def describe(self) -> str:
        cols = f" with columns {list(self.required)}" if self.required else ""
        ranges = "".join(f", {c} {i.describe()}" for c, i in self.ranges.items())
        return f"a pandas DataFrame{cols} and at least {self.min_rows} row(s){ranges}"


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


# True while a validated function runs: the public functions it calls in turn skip their own
# checks (scikit-learn's ``skip_parameter_validation``), so each value is checked once, where the
# caller gave it. A context variable, so threads and joblib's workers each start unset.
class _SkipFlag:
    """The flag, behind an object that pickles as a reference to this module's own flag.

    A decorated function pickled by value (cloudpickle does so for a function it cannot find by
    name, e.g. one monkeypatched away, when Dask ships it to workers) carries its globals; a bare
    ContextVar cannot be pickled, this object unpickles as the receiving process's flag.
    """

    __slots__ = ("_var",)

    def __init__(self):
        self._var = contextvars.ContextVar("analysis_skip_parameter_validation", default=False)

    def get(self) -> bool:
        return self._var.get()

    def set(self, value: bool):
        return self._var.set(value)

    def reset(self, token) -> None:
        self._var.reset(token)

    def __reduce__(self):
        return (_skip_flag, ())


def _skip_flag() -> _SkipFlag:
    return _SKIP


_SKIP = _SkipFlag()


@contextlib.contextmanager
def skip_parameter_validation():
    """Within this block, decorated functions run without checking their parameters (trusted callers)."""
    token = _SKIP.set(True)
    try:
        yield
    finally:
        _SKIP.reset(token)


def _checks_contents(constraint) -> bool:
    """Whether a constraint checks a value down to its elements (so callees may trust what it passed)."""
    if isinstance(constraint, InstanceOf):
        classes = constraint.cls if isinstance(constraint.cls, tuple) else (constraint.cls,)
        return all(c in (str, np.random.Generator) for c in classes)  # nothing inside to check
    return not isinstance(constraint, (Frame, CallableConstraint))


def validate_params(parameter_constraints: dict[str, list], *, skip: Iterable[str] = (),
                    relations: Iterable[Relation] = (), prefer_skip_nested_validation: bool | None = None):
    """Decorate a function so each call is checked against ``parameter_constraints``.

    Every parameter of the function must have an entry (listing the constraints it may satisfy),
    except those named in ``skip`` (e.g. ``**kwargs`` forwarded elsewhere). ``relations`` declare
    constraints between parameters (:class:`Relation`), checked after the single ones. The mapping
    is stored on the function as ``__parameter_constraints__`` so tests can list and fuzz it.

    The decorator is the only check: a function's body does not check its declared parameters
    again. Public functions called from inside a validated call skip validation when
    ``prefer_skip_nested_validation`` is True: the caller's declaration covers what the user gave.
    The default (None) decides from the declaration: a function taking a data frame, an object or
    a callable (:class:`Frame`, :class:`InstanceOf`, :class:`CallableConstraint`, whose contents
    are not checked element by element) lets the functions it calls check what it forwards, as
    scikit-learn does for functions that take estimators; any other skips nested validation.
    """

    def decorator(func):
        sig = inspect.signature(func)
        declared = {k: [_make(c) for c in v] for k, v in parameter_constraints.items()}
        joint = tuple(relations)
        skip_nested = prefer_skip_nested_validation
        if skip_nested is None:
            skip_nested = all(_checks_contents(c) for cs in declared.values() for c in cs)
        params = [p for p in sig.parameters if p not in ("self", "cls") and p not in set(skip)]
        params = [p for p in params if sig.parameters[p].kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)]
        undeclared = [p for p in params if p not in declared]
        unknown = [p for p in declared if p not in sig.parameters]
        unknown += [n for r in joint for n in r.names if n not in sig.parameters]
        if undeclared or unknown:
            raise TypeError(
                f"{func.__qualname__}: constraints must cover every parameter "
                f"(undeclared: {undeclared}, not parameters: {unknown})"
            )

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if _SKIP.get():
                return func(*args, **kwargs)
            try:
                bound = sig.bind(*args, **kwargs)
            except TypeError as exc:
                # Check the arguments that were given before reporting a missing one, so a bad
                # value is named even when the call is also incomplete.
                try:
                    partial = sig.bind_partial(*args, **kwargs)
                except TypeError:
                    partial = None
                if partial is not None:
                    for name, value in partial.arguments.items():
                        if name in declared:
                            _validate_one(name, value, declared[name])
                raise TypeError(f"{func.__qualname__}: {exc}") from None
            for name, value in bound.arguments.items():
                if name in declared:
                    _validate_one(name, value, declared[name])
            if joint:
                bound.apply_defaults()
                for relation in joint:
                    relation.check(bound.arguments)
            if not skip_nested:
                return func(*args, **kwargs)
            token = _SKIP.set(True)
            try:
                return func(*args, **kwargs)
            finally:
                _SKIP.reset(token)

        wrapper.__parameter_constraints__ = declared
        wrapper.__parameter_relations__ = joint
        return wrapper

    return decorator


def constraints_of(func) -> dict[str, list[_Constraint]] | None:
    """The declared constraints of a function decorated with :func:`validate_params`, or None."""
    return getattr(func, "__parameter_constraints__", None)


def relations_of(func) -> tuple[Relation, ...]:
    """The declared relations between parameters of a decorated function (empty if none)."""
    return getattr(func, "__parameter_relations__", ())


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


def check_names(name: str, value) -> tuple[str, ...]:
    """``value`` as a tuple, if it is a list or tuple of distinct names (str)."""
    _validate_one(name, value, [Names()])
    return tuple(value)


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




# --- shared constraints: one meaning per name ----------------------------------------------------
# A share or probability, 0 and 1 included.
FRACTION = Interval(Real, 0, 1, closed="both")
# A share strictly between 0 and 1 (a quantile, or a share whose logit or log is taken).
OPEN_FRACTION = Interval(Real, 0, 1, closed="neither")
# A share that may be 1 but not 0 (a utilisation or efficiency something is divided by).
POSITIVE_FRACTION = Interval(Real, 0, 1, closed="right")
# The level of a central interval, below 1: under 0.1 % the interval is a point (its z-score
# rounds to 0 and a spread computed from it divides by zero), so such levels are refused.
LEVEL = Interval(Real, 0.001, 1, closed="left")
# Non-negative weights of at least two categories (normalised inside the model).
PROBABILITY_VECTOR = ArrayLike(min_size=2, lo=0.0, max_size=10**6)
# The one cap on simulated generations and on replicates of a stochastic experiment: 10,000 each
# keeps any loop here within minutes and its results within memory on one machine.
MAX_GENERATIONS = 10_000
MAX_REPLICATES = 10_000
GENERATIONS = Interval(Integral, 0, MAX_GENERATIONS, closed="both", cap_reason="time: one step per generation")
REPLICATES = Interval(Integral, 1, MAX_REPLICATES, closed="both", cap_reason="time: one run per replicate")
