"""The tables of the bias chapter: input checks, integer encoding, (group, label) cells and the split.

The feedback loop works on integer codes and float arrays and decodes only for display. Column 0
of the codes is the group (1 = the minority, the smaller group), column 1 the label (1 = the
positive outcome), the other columns the remaining categorical variables; the numeric columns are a
separate float array. The four (group, label) cells are numbered ``2 * group + label``:
0 = majority/negative, 1 = majority/positive, 2 = minority/negative, 3 = minority/positive.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.core.validation import Frame, InstanceOf, Interval, Options, Real, validate_params
from analysis.generators import tables

__all__ = [
    "TEST_SIZE", "CELL_NAMES", "TableMeta", "EncodedTable", "encode_table", "decode_table", "cell_counts",
    "table_cell_counts", "split_table", "split_sizes", "load_table",
]

#: a label or group value: a string or an integer (or a boolean)
_VALUE = [InstanceOf((str, numbers.Integral), "a string or an integer"), "boolean"]
_COLUMN = [InstanceOf(str, "a column name (str)")]
_CATEGORICAL = [None, InstanceOf((list, tuple), "a list of column names")]
_TEST_SIZE = [Interval(Real, 0, 1, closed="neither")]


def _example(constraint, value):
    """Attach a valid example to a constraint (the API tests use it for parameters they cannot generate)."""
    constraint.example = value
    return constraint

#: share of each (group, label) cell held out as the real test set in the chapter
TEST_SIZE = 0.3
#: names of the four (group, label) cells, in code order 2 * group + label
CELL_NAMES = ("majority_negative", "majority_positive", "minority_negative", "minority_positive")


@dataclass(frozen=True)
class TableMeta:
    """What is needed to decode an encoded table and to clip and round sampled numeric values."""

    columns: tuple[str, ...]
    group: str
    label: str
    categorical: tuple[str, ...]
    numeric: tuple[str, ...]
    levels: dict[str, list]
    minority: Any
    majority: Any
    positive: Any
    negative: Any
    integer: tuple[bool, ...]
    dtypes: dict[str, Any]
    low: np.ndarray
    high: np.ndarray


@dataclass(frozen=True)
class EncodedTable:
    """Integer codes (group, label, other categoricals), numeric values and the decoding metadata."""

    codes: np.ndarray
    numeric: np.ndarray
    meta: TableMeta

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def cell_counts(self) -> np.ndarray:
        """Rows in each (group, label) cell, in the order of ``CELL_NAMES``."""
        return cell_counts(self.codes)


# --------------------------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------------------------


def check_fraction(name: str, value, *, open_interval: bool = False) -> float:
    """``value`` as a float in [0, 1] (or (0, 1) with ``open_interval``), else a named error."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise TypeError(f"{name}: expected a number in [0, 1], got {value!r}")
    lo_ok = value > 0 if open_interval else value >= 0
    hi_ok = value < 1 if open_interval else value <= 1
    if not (lo_ok and hi_ok):
        span = "(0, 1)" if open_interval else "[0, 1]"
        raise ValueError(f"{name}: {value} is outside the valid range {span}")
    return float(value)


def check_temperature(temperature) -> float:
    """``temperature`` as a float if it is a finite number > 0."""
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real):
        raise TypeError(f"temperature: expected a positive number, got {temperature!r}")
    if not (np.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature: {temperature} must be a finite number > 0")
    return float(temperature)


def check_table(table, *, group: str, label: str, categorical=None) -> list[str]:
    """Check a table for the loop and return its categorical columns other than group and label.

    The table must be a DataFrame without missing values, ``group`` a column with exactly two
    groups of at least two rows each, ``label`` a binary column. The categorical columns are the
    non-numeric ones and those listed in ``categorical`` (numbers that code categories), in the
    table's order; ``categorical=None`` takes the non-numeric columns only.
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table: expected a pandas DataFrame, got {type(table).__name__}")
    for name, col in (("group", group), ("label", label)):
        if not isinstance(col, str) or col not in table.columns:
            raise ValueError(f"{name}: {col!r} is not a column of table; columns: {list(table.columns)}")
    if group == label:
        raise ValueError("group and label must be different columns")
    if table.isna().any().any():
        bad = [c for c in table.columns if table[c].isna().any()]
        raise ValueError(f"table: missing values in column(s) {bad}; drop or impute them first")
    if categorical is None:
        categorical = ()
    elif isinstance(categorical, str):
        raise TypeError("categorical: expected a list of column names, got a string")
    unknown = [c for c in categorical if c not in table.columns]
    if unknown:
        raise ValueError(f"categorical: unknown column(s) {unknown}; columns: {list(table.columns)}")
    # the declared columns (numbers that code categories, as TableSpec.categorical lists them) and
    # every non-numeric one, in the table's order; group and label are coded apart
    categorical = [
        c for c in table.columns
        if c not in (group, label) and (c in categorical or not pd.api.types.is_numeric_dtype(table[c]))
    ]
    groups = table[group].value_counts()
    if len(groups) != 2:
        raise ValueError(f"group: column {group!r} must hold exactly 2 groups, found {len(groups)}")
    if groups.min() < 2:
        raise ValueError(
            f"group: group {groups.idxmin()!r} has {groups.min()} row(s); each group needs at least 2"
        )
    if table[label].nunique() != 2:
        raise ValueError(f"label: column {label!r} must be binary, found {table[label].nunique()} values")
    return categorical


def positive_value(values, positive_label=None):
    """The label value that counts as positive: ``positive_label`` if given, else 1, True or "Yes"."""
    levels = sorted(pd.unique(values).tolist(), key=str)
    if positive_label is not None:
        if positive_label not in levels:
            raise ValueError(f"positive_label: {positive_label!r} is not a value of the label; values: {levels}")
        return positive_label
    for candidate in (1, True, "Yes", "yes"):
        if candidate in levels:
            return candidate
    raise ValueError(f"positive_label: cannot tell which of {levels} is positive; pass positive_label=")


# --------------------------------------------------------------------------------------------
# encoding
# --------------------------------------------------------------------------------------------


@validate_params({"table": [Frame()], "group": _COLUMN, "label": _COLUMN, "categorical": _CATEGORICAL,
                  "positive_label": [None, *_VALUE]})
def encode_table(table: pd.DataFrame, *, group: str, label: str, categorical: list[str] | tuple[str, ...] | None = None,
                 positive_label: str | int | bool | None = None) -> EncodedTable:
    """Encode a table for the loop: group code (1 = minority), label code (1 = positive), other codes, numerics.

    Parameters
    ----------
    table : DataFrame
        The real table (no missing values).
    group, label : str
        The binary protected-group column and the binary outcome column.
    categorical : list of str, optional
        Categorical columns besides group and label (default: the non-numeric ones).
    positive_label : str, int or bool, optional
        Which label value is the favourable outcome (default: 1, True or "Yes").

    Returns
    -------
    EncodedTable
        Codes, numeric values and the :class:`TableMeta` to decode them.
    """
    categorical = check_table(table, group=group, label=label, categorical=categorical)
    positive = positive_value(table[label], positive_label)
    counts = table[group].value_counts()
    # minority = the smaller group; ties broken by sorted value so the choice is deterministic
    ordered = sorted(counts.index.tolist(), key=lambda v: (counts[v], str(v)))
    minority, majority = ordered[0], ordered[1]
    numeric = [c for c in table.columns if c not in (group, label, *categorical)]
    levels = {c: sorted(pd.unique(table[c]).tolist(), key=str) for c in categorical}
    codes = np.empty((len(table), 2 + len(categorical)), dtype=np.int64)
    codes[:, 0] = (table[group].to_numpy() == minority).astype(np.int64)
    codes[:, 1] = (table[label].to_numpy() == positive).astype(np.int64)
    for j, c in enumerate(categorical, start=2):
        lookup = {v: i for i, v in enumerate(levels[c])}
        codes[:, j] = table[c].map(lookup).to_numpy()
    values = table[numeric].to_numpy(dtype=float) if numeric else np.empty((len(table), 0))
    labels = sorted(pd.unique(table[label]).tolist(), key=str)
    meta = TableMeta(
        columns=tuple(table.columns), group=group, label=label, categorical=tuple(categorical),
        numeric=tuple(numeric), levels=levels, minority=minority, majority=majority, positive=positive,
        negative=next(v for v in labels if v != positive),
        integer=tuple(pd.api.types.is_integer_dtype(table[c]) for c in numeric),
        dtypes={c: table[c].dtype for c in table.columns},
        low=values.min(axis=0) if len(values) else np.empty(0),
        high=values.max(axis=0) if len(values) else np.empty(0),
    )
    return EncodedTable(codes=codes, numeric=values, meta=meta)


#: a tiny valid table and its encoding: examples of valid arguments for the API tests
_EXAMPLE_TABLE = pd.DataFrame({"g": ["a", "a", "a", "b", "b"], "y": [0, 1, 0, 1, 0], "x": [1.0, 2.0, 3.0, 4.0, 5.0]})
_EXAMPLE = encode_table(_EXAMPLE_TABLE, group="g", label="y")
_CODES = [_example(InstanceOf(np.ndarray, "a 2-d integer array of codes (group, label, categoricals)"), _EXAMPLE.codes)]
_NUMERIC = [_example(InstanceOf(np.ndarray, "a 2-d float array of numeric values"), _EXAMPLE.numeric)]
_META = [_example(InstanceOf(TableMeta), _EXAMPLE.meta)]


@validate_params({"codes": _CODES, "numeric": _NUMERIC, "meta": _META})
def decode_table(codes: np.ndarray, numeric: np.ndarray, meta: TableMeta) -> pd.DataFrame:
    """Turn encoded rows back into a DataFrame with the original columns and dtypes.

    Parameters
    ----------
    codes : ndarray of int, shape (rows, 2 + categoricals)
        Group code (1 = minority), label code (1 = positive), then the other categorical codes.
    numeric : ndarray of float, shape (rows, numeric columns)
        The numeric columns, in the order of ``meta.numeric``.
    meta : TableMeta
        The decoding metadata of :func:`encode_table`.

    Returns
    -------
    DataFrame
        The rows with the original columns (in order) and dtypes.
    """
    out = {
        meta.group: np.where(codes[:, 0] == 1, meta.minority, meta.majority),
        meta.label: np.where(codes[:, 1] == 1, meta.positive, meta.negative),
    }
    for j, c in enumerate(meta.categorical, start=2):
        out[c] = np.asarray(meta.levels[c], dtype=object)[codes[:, j]]
    for j, c in enumerate(meta.numeric):
        out[c] = numeric[:, j]
    df = pd.DataFrame(out)[list(meta.columns)]
    return df.astype(meta.dtypes)


def finish_numeric(numeric: np.ndarray, meta: TableMeta) -> np.ndarray:
    """Clip sampled numeric values to the real table's range and round the integer columns."""
    x = np.clip(numeric, meta.low, meta.high)
    for j, is_int in enumerate(meta.integer):
        if is_int:
            x[:, j] = np.round(x[:, j])
    return x


@validate_params({"codes": _CODES})
def cell_counts(codes: np.ndarray) -> np.ndarray:
    """Rows per (group, label) cell ``2 * group + label`` of encoded rows.

    Parameters
    ----------
    codes : ndarray of int, shape (rows, 2 + categoricals)
        Encoded rows (column 0 the group code, column 1 the label code).

    Returns
    -------
    ndarray of int, shape (4,)
        Counts in the order of ``CELL_NAMES``.
    """
    return np.bincount(codes[:, 0] * 2 + codes[:, 1], minlength=4)


@validate_params({"table": [Frame()], "group": _COLUMN, "label": _COLUMN, "minority": _VALUE, "positive": _VALUE})
def table_cell_counts(table: pd.DataFrame, *, group: str, label: str, minority: str | int | bool,
                      positive: str | int | bool) -> np.ndarray:
    """Rows per (group, label) cell of a decoded table, in the order of ``CELL_NAMES``.

    Parameters
    ----------
    table : DataFrame
        A decoded table (real or synthetic).
    group, label : str
        The group and outcome columns.
    minority, positive : str, int or bool
        The group value that is the minority and the label value that is positive.

    Returns
    -------
    ndarray of int, shape (4,)
        Counts in the order of ``CELL_NAMES``.
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table: expected a pandas DataFrame, got {type(table).__name__}")
    for name, col in (("group", group), ("label", label)):
        if col not in table.columns:
            raise ValueError(f"{name}: {col!r} is not a column of table")
    g = (table[group].to_numpy() == minority).astype(np.int64)
    y = (table[label].to_numpy() == positive).astype(np.int64)
    return np.bincount(2 * g + y, minlength=4)


@validate_params({"codes": _CODES, "test_size": _TEST_SIZE, "rng": [InstanceOf(np.random.Generator)]})
def split_table(codes: np.ndarray, *, test_size: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Row indices of a train/test split stratified by (group, label), with deterministic stratum sizes.

    Parameters
    ----------
    codes : ndarray of int, shape (rows, 2 + categoricals)
        Encoded rows.
    test_size : float
        Share of each (group, label) cell held out, in (0, 1); round(test_size x cell rows) per cell.
    rng : numpy.random.Generator
        Draws the permutation of each cell.

    Returns
    -------
    (train, test) : tuple of ndarray of int
        Sorted row indices of the two parts.
    """
    test_size = check_fraction("test_size", test_size, open_interval=True)
    cell = codes[:, 0] * 2 + codes[:, 1]
    train, test = [], []
    for c in range(4):
        rows = rng.permutation(np.flatnonzero(cell == c))
        k = int(round(test_size * len(rows)))
        test.append(rows[:k])
        train.append(rows[k:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))


@validate_params({"table": [Frame()], "group": _COLUMN, "label": _COLUMN, "test_size": _TEST_SIZE,
                  "categorical": _CATEGORICAL})
def split_sizes(table: pd.DataFrame, *, group: str, label: str, test_size: float = TEST_SIZE,
                categorical: list[str] | tuple[str, ...] | None = None) -> tuple[int, int]:
    """(training rows, test rows) of the stratified split of ``table`` (the stratum sizes are deterministic).

    Parameters
    ----------
    table : DataFrame
        The real table.
    group, label : str
        The group and outcome columns.
    test_size : float
        Share of each (group, label) cell held out, in (0, 1).
    categorical : list of str, optional
        Categorical columns besides group and label (default: the non-numeric ones).

    Returns
    -------
    (train, test) : tuple of int
        Rows in the training and the test part.
    """
    enc = encode_table(table, group=group, label=label, categorical=categorical)
    test_size = float(test_size)
    test = sum(int(round(test_size * k)) for k in enc.cell_counts)
    return len(table) - test, test


@validate_params({"name": [Options(str, ("arrests", "hearts"))]})
def load_table(name: str) -> pd.DataFrame:
    """The chapter's table ``name`` ("arrests" or "hearts"), as shipped by scikit-lego (no download).

    Chapter 4's two of the tables of :func:`analysis.generators.tables.load_table`, which loads them.

    Parameters
    ----------
    name : {"arrests", "hearts"}
        The table.

    Returns
    -------
    DataFrame
        The table as scikit-lego ships it.
    """
    return tables.load_table(name)
