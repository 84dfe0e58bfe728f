"""Load the curated CSVs in ``analysis/data/`` and validate them against their schemas.

Each dataset ``NAME`` is two files: ``NAME.csv`` (the rows) and ``NAME.schema.yml`` (what the
columns mean, their types, allowed values and units). Every row must carry provenance: a
``source`` column of ``references.bib`` keys (``;``-separated when several) and an
``evidence`` column saying how the value was seen.

Schema file format::

    title: Notable language models and their training-set sizes
    description: ...
    primary_key: model            # required; one column or a list of columns; values must be unique
                                  # (also after ignoring case, surrounding and zero-width spaces)
    origin:                       # where the dataset as a whole comes from (as OWID's ETL snapshots)
      producer: Compiled for this report from the developers' papers and model cards
      title: ...
      url: https://...            # or 'none' for a compilation with no single address
      date_accessed: 2026-11-26   # the date the rows were last checked against their sources
      version: ...                # version or snapshot of the source, or 'compiled'
      licence: CC-BY-4.0
    columns:
      model:  {type: string, description: ...}
      tokens: {type: number, min: 0, unit: tokens, required: false}
      date:   {type: date}
      kind:   {type: string, allowed: [dense, moe]}
      source: {type: source}
      evidence: {type: evidence}

    rules:                        # optional cross-field rules, checked on every row
      - {check: "params_active <= params_total"}      # skipped where either cell is empty
      - {when: "distribution == 'fixed'", require: [value]}
      - {when: "distribution == 'lognormal'", require: [low, high], check: "low <= high"}

A rule's ``check`` and ``when`` are ``A op B`` with ``op`` one of ``<= < >= > == !=`` and ``A``,
``B`` a column name, a number or a quoted string; nothing else is evaluated. ``min``/``max`` apply
to number, integer and date columns (dates written ``YYYY-MM-DD``).

Types: ``string``, ``integer``, ``number``, ``boolean`` (``true``/``false``), ``date``
(ISO ``YYYY-MM-DD``, or ``YYYY-MM`` / ``YYYY`` when ``precision: partial``), ``source`` and
``evidence``. ``required`` defaults to true (the cell may not be empty); an empty optional cell
becomes NA.
"""

from __future__ import annotations

import csv
import functools
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analysis.core.validation import ExistingPath, InstanceOf, validate_params
from analysis.publish import provenance as _provenance
from analysis.data.wordfreq import word_frequencies  # noqa: F401 - data shipped by a package, re-exported here

__all__ = [
    "available", "bib_keys", "load_schema", "evidence_as_of", "load", "read_csv_strict",
    "validate_rows", "describe", "provenance_summary", "word_frequencies",
]

_PATH = InstanceOf((str, Path), "a path (str or pathlib.Path)")
_DIR = [ExistingPath("dir"), None]  # a data folder that is not there is named as the fault, not the dataset
_BIB = [ExistingPath("file"), None]
_NAME = [InstanceOf(str, "a dataset name (str)")]

DATA_DIR = Path(__file__).resolve().parent
BIB_PATH = Path(__file__).resolve().parents[2] / "book" / "references.bib"

EVIDENCE_LEVELS = ("seen_primary", "seen_secondary", "computed", "recalled_unverified")
COLUMN_TYPES = ("string", "integer", "number", "boolean", "date", "source", "evidence")
ORIGIN_KEYS = ("producer", "title", "url", "date_accessed", "version", "licence")
_SCHEMA_KEYS = {"title", "description", "primary_key", "columns", "origin", "rules", "last_verified"}
_RULE_KEYS = {"check", "when", "require", "description"}
# A rule operand: a column, a quoted string or a number, or the ratio of two of them (``a / b``).
_ATOM = r"[A-Za-z_][A-Za-z0-9_]*|'[^']*'|-?[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?"
_TERM = rf"(?:{_ATOM})(?:\s*/\s*(?:{_ATOM}))?"
_RULE = re.compile(rf"^\s*({_TERM})\s*(<=|>=|==|!=|<|>)\s*({_TERM})\s*$")
_RATIO = re.compile(rf"^({_ATOM})\s*/\s*({_ATOM})$")
_COLUMN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# characters that make two keys look identical to a reader: zero-width spaces/joiners, BOM, NBSP
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00a0]")
_COLUMN_KEYS = {"type", "description", "unit", "allowed", "min", "max", "required", "precision", "pattern"}
# ASCII digits only: Python's int() and float() also read '21_432', Arabic-Indic and full-width
# digits, which no curated file should hold (a thousands separator or a pasted digit is a typo).
_DATE_FULL = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_DATE_PARTIAL = re.compile(r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")
# Identifiers (string primary keys) end up in HTML anchors, links and Markdown tables: letters,
# digits and a few punctuation marks only -- never quotes, angle brackets, '=', '|' or line breaks.
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 '()+./:_,&-]*$")


@validate_params({"data_dir": _DIR})
def available(*, data_dir: str | Path | None = None) -> list[str]:
    """Names of the datasets that have both a CSV and a schema file.

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder holding the ``NAME.csv`` and ``NAME.schema.yml`` files (default ``analysis/data``).

    Returns
    -------
    list of str
        Dataset names, sorted.
    """
    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    return sorted(
        p.name[: -len(".schema.yml")]
        for p in data_dir.glob("*.schema.yml")
        if (data_dir / (p.name[: -len(".schema.yml")] + ".csv")).exists()
    )


@functools.lru_cache(maxsize=8)
def _bib_keys_cached(path: str, mtime: float) -> frozenset[str]:
    from pybtex.database import parse_file

    return frozenset(parse_file(path, bib_format="bibtex").entries.keys())


@validate_params({"bib_path": _BIB})
def bib_keys(bib_path: str | Path | None = None) -> frozenset[str]:
    """The citation keys defined in ``book/references.bib`` (or another BibTeX file).

    Parameters
    ----------
    bib_path : str or pathlib.Path, optional
        BibTeX file to read (default ``book/references.bib``); ``ValueError`` if it does not exist.

    Returns
    -------
    frozenset of str
        The entry keys (parsed with pybtex; cached until the file changes).
    """
    path = Path(bib_path) if bib_path is not None else BIB_PATH
    if not path.exists():
        raise ValueError(f"bib_path: no BibTeX file at {path}")
    return _bib_keys_cached(str(path), path.stat().st_mtime)


@validate_params({"name": _NAME, "data_dir": _DIR})
def load_schema(name: str, *, data_dir: str | Path | None = None) -> dict[str, Any]:
    """Read and check the schema of dataset ``name`` (``NAME.schema.yml``).

    Parameters
    ----------
    name : str
        A dataset name, one of :func:`available`.
    data_dir : str or pathlib.Path, optional
        Folder holding the ``NAME.csv`` and ``NAME.schema.yml`` files (default ``analysis/data``).

    Returns
    -------
    dict
        The schema mapping (``title``, ``description``, ``primary_key``, ``columns``, and the
        optional ``origin``, ``rules``); ``ValueError`` naming the file and key if it is malformed.
    """
    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    _check_name(name, data_dir)
    path = data_dir / f"{name}.schema.yml"
    with open(path, encoding="utf-8") as f:
        schema = yaml.safe_load(f)
    where = f"{path.name}"
    if not isinstance(schema, dict) or not isinstance(schema.get("columns"), dict):
        raise ValueError(f"{where}: a schema needs a 'columns' mapping")
    for key in ("title", "description"):
        if not str(schema.get(key, "")).strip():
            raise ValueError(f"{where}: the schema needs a non-empty '{key}'")
    columns = schema["columns"]
    for col, spec in columns.items():
        if not isinstance(spec, dict) or spec.get("type") not in COLUMN_TYPES:
            raise ValueError(
                f"{where}: column '{col}' needs a 'type', one of {', '.join(COLUMN_TYPES)}"
            )
        unknown = set(spec) - _COLUMN_KEYS
        if unknown:
            raise ValueError(f"{where}: column '{col}' has unknown keys {sorted(unknown)}")
        if "pattern" in spec:
            try:
                re.compile(str(spec["pattern"]))
            except re.error as err:
                raise ValueError(f"{where}: column '{col}' has an invalid pattern ({err})") from None
    for col, kind in (("source", "source"), ("evidence", "evidence")):
        if columns.get(col, {}).get("type") != kind:
            raise ValueError(
                f"{where}: every dataset needs a '{col}' column of type '{kind}' (provenance)"
            )
    unknown_keys = set(schema) - _SCHEMA_KEYS
    if unknown_keys:
        raise ValueError(f"{where}: unknown top-level key(s) {sorted(unknown_keys)}")
    pk = schema.get("primary_key")
    if pk is None:
        raise ValueError(f"{where}: every dataset must declare a primary_key (a column or a list of columns)")
    for col in [pk] if isinstance(pk, str) else list(pk):
        if col not in columns:
            raise ValueError(f"{where}: primary_key '{col}' is not a column")
    for col, spec in columns.items():
        if spec["type"] == "date":
            for bound in ("min", "max"):
                if bound in spec and not _DATE_FULL.match(str(spec[bound])):
                    raise ValueError(f"{where}: column '{col}' {bound} {spec[bound]!r} is not a date (YYYY-MM-DD)")
    for i, rule in enumerate(schema.get("rules") or [], start=1):
        _parse_rule(rule, columns, where=f"{where}, rule {i}")
    origin = schema.get("origin")
    if origin is not None:
        if not isinstance(origin, dict):
            raise ValueError(f"{where}: 'origin' must be a mapping of {', '.join(ORIGIN_KEYS)}")
        missing = [k for k in ORIGIN_KEYS if not str(origin.get(k, "")).strip()]
        if missing:
            raise ValueError(f"{where}: the origin block needs non-empty {missing}")
        accessed = str(origin["date_accessed"])
        if not _DATE_FULL.match(accessed):
            raise ValueError(f"{where}: origin.date_accessed {accessed!r} is not a date (YYYY-MM-DD)")
    return schema


@validate_params({"data_dir": _DIR}, skip=("names",))
def evidence_as_of(*names: str, data_dir: str | Path | None = None) -> str:
    """The date the evidence of the named datasets was last checked (ISO ``YYYY-MM-DD``).

    The latest ``origin.date_accessed`` of the datasets' schemas, or the latest row-level
    ``last_verified`` date where a dataset has such a column and it is later. Every named
    dataset must carry an origin block: a chapter's "evidence as of" date cannot come from
    data whose date is unknown.

    Parameters
    ----------
    *names : str
        One or more dataset names.
    data_dir : str or pathlib.Path, optional
        Folder holding the ``NAME.csv`` and ``NAME.schema.yml`` files (default ``analysis/data``).

    Returns
    -------
    str
        The latest date, ``YYYY-MM-DD``.
    """
    if not names:
        raise ValueError("names: give at least one dataset name")
    dates: list[str] = []
    for name in names:
        schema = load_schema(name, data_dir=data_dir)
        origin = schema.get("origin")
        if origin is None:
            raise ValueError(f"name: dataset {name!r} has no origin block, so its date is unknown")
        dates.append(str(origin["date_accessed"]))
        if "last_verified" in schema["columns"]:
            col = load(name, data_dir=data_dir)["last_verified"].dropna()
            if len(col):
                dates.append(pd.Timestamp(col.max()).strftime("%Y-%m-%d"))
    return max(dates)


@validate_params({"name": _NAME, "data_dir": _DIR, "bib_path": _BIB})
def load(
    name: str,
    *,
    data_dir: str | Path | None = None,
    bib_path: str | Path | None = None,
) -> pd.DataFrame:
    """Load dataset ``name`` as a typed DataFrame, after validating every row against its schema.

    Raises ``ValueError`` naming the file, the row (1-based, header excluded, with its line
    number) and the column of the first problem found.

    Parameters
    ----------
    name : str
        A dataset name, one of :func:`available`.
    data_dir : str or pathlib.Path, optional
        Folder holding the ``NAME.csv`` and ``NAME.schema.yml`` files (default ``analysis/data``).
    bib_path : str or pathlib.Path, optional
        BibTeX file whose keys the ``source`` column may cite (default ``book/references.bib``).

    Returns
    -------
    pandas.DataFrame
        One row per CSV row; columns typed by the schema (``Int64``, ``float64``, ``boolean``,
        ``datetime64`` for full dates, ``string`` otherwise).

    Examples
    --------
    >>> specs = load("gpu_specs")
    >>> "peak_flop_per_s" in specs.columns and bool((specs["peak_flop_per_s"].dropna() > 0).all())
    True
    >>> try:
    ...     load("gpu_specs", data_dir="/nonexistent")
    ... except ValueError as err:
    ...     print(err)
    data_dir: must be the path of an existing directory (str or pathlib.Path) or None, got '/nonexistent' (no such directory)
    """
    data_dir = Path(data_dir) if data_dir is not None else DATA_DIR
    schema = load_schema(name, data_dir=data_dir)
    _provenance.note_dataset(name)  # the site links each glued number to the datasets it read
    path = data_dir / f"{name}.csv"
    header, raw_rows, lines = read_csv_strict(path)
    frame = validate_rows(
        header, raw_rows, schema, file=path.name, keys=bib_keys(bib_path), lines=lines
    )
    from analysis.publish import freshness  # a row's sources must be published before it was checked

    freshness.check_frame_dates(name, frame, schema, bib_path=bib_path)
    return frame


@validate_params({"path": [_PATH]})
def read_csv_strict(path: str | Path) -> tuple[list[str], list[list[str]], list[int]]:
    """Read a curated CSV as strings: header, rows and the file line on which each row starts.

    Rejects, naming the file and the problem: a UTF-8 byte-order mark, bytes that are not UTF-8,
    NUL bytes, an empty file, a header with empty or duplicated names, and a file with no data rows.
    Line numbers count physical lines, so they stay right after multi-line quoted cells.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV file.

    Returns
    -------
    tuple
        ``(header, rows, lines)``: the column names, the rows as lists of strings, and the
        1-based file line on which each row starts.
    """
    path = Path(path)
    raw = path.read_bytes()
    name = path.name
    if raw.startswith(b"\xef\xbb\xbf"):
        raise ValueError(f"{name}: the file starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM")
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise ValueError(f"{name}: the file contains NUL bytes (first on line {line}); it is binary or corrupted")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ValueError(
            f"{name}: the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} on line {line}); "
            f"re-save it as UTF-8"
        ) from None
    import io

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ValueError(f"{name}: the file is empty (no header row)") from None
    except csv.Error as exc:
        raise ValueError(f"{name}, line 1: malformed CSV ({exc})") from None
    stripped = [h.strip() for h in header]
    if any(not h for h in stripped):
        raise ValueError(f"{name}: the header has an empty column name (position {stripped.index('') + 1})")
    dups = sorted({h for h in stripped if stripped.count(h) > 1})
    if dups:
        raise ValueError(f"{name}: duplicated column name(s) {dups} in the header")
    rows: list[list[str]] = []
    lines: list[int] = []
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ValueError(f"{name}, line {start}: malformed CSV ({exc})") from None
        if row:  # a blank line is not a row
            rows.append(row)
            lines.append(start)
        start = reader.line_num + 1
    if not rows:
        raise ValueError(f"{name}: the file has a header but no data rows")
    return header, rows, lines


@validate_params({"header": [InstanceOf(list, "a list of column names")], "rows": [InstanceOf(list, "a list of rows (lists of str)")],
                  "schema": [InstanceOf(dict, "a schema mapping (from load_schema)")], "file": [InstanceOf(str, "a file name (str)")],
                  "keys": [InstanceOf((frozenset, set), "a set of BibTeX keys")], "lines": [InstanceOf(list, "a list of line numbers"), None]})
def validate_rows(
    header: list[str],
    rows: list[list[str]],
    schema: dict[str, Any],
    *,
    file: str,
    keys: frozenset[str],
    lines: list[int] | None = None,
) -> pd.DataFrame:
    """Check raw CSV rows (strings) against ``schema`` and return the typed DataFrame.

    Parameters
    ----------
    header : list of str
        Column names, as read from the file.
    rows : list of list of str
        The cells of each row.
    schema : dict
        The dataset's schema, from :func:`load_schema`.
    file : str
        File name used in error messages.
    keys : frozenset of str
        BibTeX keys the ``source`` column may cite (:func:`bib_keys`).
    lines : list of int, optional
        The file line on which each row starts (default: one line per row after the header);
        error messages cite the row (1-based, header excluded) and that line.

    Returns
    -------
    pandas.DataFrame
        The typed table (see :func:`load`); ``ValueError`` at the first cell, key or rule that
        breaks the schema.
    """
    columns = schema["columns"]
    header = [h.strip() for h in header]
    if len(set(header)) != len(header):
        dups = sorted({h for h in header if header.count(h) > 1})
        raise ValueError(f"{file}: duplicated column name(s) {dups} in the header")
    if lines is None:
        lines = list(range(2, len(rows) + 2))
    missing = [c for c in columns if c not in header]
    if missing:
        raise ValueError(f"{file}: missing column(s) {missing} (the schema declares them)")
    extra = [c for c in header if c not in columns]
    if extra:
        raise ValueError(f"{file}: column(s) {extra} are not declared in the schema")

    out: dict[str, list[Any]] = {c: [] for c in columns}
    for i, row in enumerate(rows, start=1):
        where = f"{file}, row {i} (line {lines[i - 1]})"
        if len(row) != len(header):
            raise ValueError(f"{where}: {len(row)} fields, the header has {len(header)}")
        cells = dict(zip(header, row))
        for col, spec in columns.items():
            out[col].append(_parse_cell(cells[col], spec, where=f"{where}, column '{col}'", keys=keys))

    pk = schema.get("primary_key")
    pk_cols = [] if pk is None else [pk] if isinstance(pk, str) else list(pk)
    if pk_cols:
        seen: dict[Any, int] = {}
        for i in range(1, len(rows) + 1):
            value = tuple(out[c][i - 1] for c in pk_cols)
            shown = value[0] if len(value) == 1 else value
            where = f"{file}, row {i} (line {lines[i - 1]}), column '{'+'.join(pk_cols)}'"
            if any(v is None for v in value):
                raise ValueError(f"{where}: the primary key may not be empty")
            texts = [str(v) for v in value]
            if any(_INVISIBLE.search(t) or t != t.strip() for t in texts):
                raise ValueError(f"{where}: primary key {shown!r} has surrounding or invisible (zero-width) spaces")
            unsafe = [t for c, t in zip(pk_cols, texts) if columns[c]["type"] == "string" and not _SAFE_ID.match(t)]
            if unsafe:
                raise ValueError(f"{where}: primary key {unsafe[0]!r} has characters an identifier may not hold "
                                 f"(allowed: letters, digits, space and ' ( ) + . / : _ , & -)")
            norm = tuple(" ".join(t.split()).casefold() for t in texts)
            if norm in seen:
                j = seen[norm]
                kind = "duplicate" if tuple(str(out[c][j - 1]) for c in pk_cols) == tuple(texts) else "near-duplicate (differs only in case or spacing)"
                raise ValueError(f"{where}: {kind} primary key {shown!r} (first at row {j})")
            seen[norm] = i

    for r, rule in enumerate(schema.get("rules") or [], start=1):
        _apply_rule(rule, out, columns, file=file, lines=lines, number=r)

    df = pd.DataFrame(out)
    for col, spec in columns.items():
        kind = spec["type"]
        if kind == "integer":
            df[col] = df[col].astype("Int64")
        elif kind == "number":
            df[col] = df[col].astype("float64")
        elif kind == "boolean":
            df[col] = df[col].astype("boolean")
        elif kind == "date" and spec.get("precision") != "partial":
            df[col] = pd.to_datetime(df[col])
        else:
            df[col] = df[col].astype("string")
    return df


def _parse_cell(text: str, spec: dict[str, Any], *, where: str, keys: frozenset[str]) -> Any:
    value = text.strip()
    kind = spec["type"]
    if value == "":
        if spec.get("required", True) or kind in ("source", "evidence"):
            raise ValueError(f"{where}: empty, but the column is required")
        return None
    if kind == "integer":
        if not _INTEGER.match(value):
            raise ValueError(f"{where}: {value!r} is not an integer (ASCII digits, no separators)")
        parsed: Any = int(value)
    elif kind == "number":
        if not _NUMBER.match(value):
            raise ValueError(f"{where}: {value!r} is not a number (ASCII decimal digits, '.' and an optional exponent; "
                             "no separators)")
        parsed = float(value)
        if not math.isfinite(parsed):
            raise ValueError(f"{where}: {value!r} is not a finite number")
    elif kind == "boolean":
        if value.lower() not in ("true", "false"):
            raise ValueError(f"{where}: {value!r} is not a boolean (true or false)")
        parsed = value.lower() == "true"
    elif kind == "date":
        pattern = _DATE_PARTIAL if spec.get("precision") == "partial" else _DATE_FULL
        form = "YYYY, YYYY-MM or YYYY-MM-DD" if pattern is _DATE_PARTIAL else "YYYY-MM-DD"
        if not pattern.match(value):
            raise ValueError(f"{where}: {value!r} is not a date ({form})")
        import datetime as _dt

        try:
            _dt.date.fromisoformat(value if len(value) == 10 else (value + "-01-01")[:10])
        except ValueError:
            raise ValueError(f"{where}: {value!r} is not a valid calendar date") from None
        parsed = value
        lo, hi = spec.get("min"), spec.get("max")
        # partial dates are compared by their first day (a year 2024 is >= 2024-01-01)
        full = value if len(value) == 10 else (value + "-01-01")[:10]
        if (lo is not None and full < str(lo)) or (hi is not None and full > str(hi)):
            raise ValueError(f"{where}: {value} is outside the valid range [{lo}, {hi}]")
    elif kind == "source":
        cited = [k.strip() for k in value.split(";")]
        unknown = [k for k in cited if k not in keys]
        if unknown or not all(cited):
            raise ValueError(
                f"{where}: unknown source key(s) {unknown or [value]}: every key must be "
                f"defined in book/references.bib"
            )
        parsed = ";".join(cited)
    elif kind == "evidence":
        if value not in EVIDENCE_LEVELS:
            raise ValueError(
                f"{where}: evidence {value!r} is not one of {', '.join(EVIDENCE_LEVELS)}"
            )
        parsed = value
    else:
        parsed = value

    pattern = spec.get("pattern")
    if pattern is not None and not re.fullmatch(pattern, str(parsed)):
        raise ValueError(f"{where}: {value!r} does not match the column's pattern {pattern!r}")
    allowed = spec.get("allowed")
    if allowed is not None and parsed not in allowed:
        raise ValueError(f"{where}: {value!r} is not one of the allowed values {list(allowed)}")
    if kind in ("integer", "number"):
        lo, hi = spec.get("min"), spec.get("max")
        if (lo is not None and parsed < lo) or (hi is not None and parsed > hi):
            raise ValueError(f"{where}: {value} is outside the valid range [{lo}, {hi}]")
    return parsed


def _parse_rule(rule: Any, columns: dict[str, Any], *, where: str) -> None:
    if not isinstance(rule, dict) or not rule or set(rule) - _RULE_KEYS:
        raise ValueError(f"{where}: a rule is a mapping of {sorted(_RULE_KEYS)}")
    if "check" not in rule and "require" not in rule:
        raise ValueError(f"{where}: a rule needs 'check' or 'require'")
    for key in ("check", "when"):
        if key in rule:
            m = _RULE.match(str(rule[key]))
            if not m:
                raise ValueError(f"{where}: {key} {rule[key]!r} is not 'A op B' (op one of <= < >= > == !=)")
            for term in (m.group(1), m.group(3)):
                ratio = _RATIO.match(term.strip())
                for operand in (ratio.groups() if ratio else (term.strip(),)):
                    if _COLUMN_NAME.match(operand) and operand not in columns:
                        raise ValueError(f"{where}: {key} names an unknown column {operand!r}")
    for col in rule.get("require", []) or []:
        if col not in columns:
            raise ValueError(f"{where}: require names an unknown column {col!r}")


def _operand(token: str, out: dict[str, list[Any]], i: int) -> Any:
    token = token.strip()
    ratio = _RATIO.match(token)
    if ratio:
        a, b = (_operand(t, out, i) for t in ratio.groups())
        if a is None or b is None:
            return None
        return float(a) / float(b) if float(b) != 0 else math.copysign(math.inf, float(a)) if a else math.nan
    if token.startswith("'"):
        return token[1:-1]
    if _COLUMN_NAME.match(token):
        return out[token][i]
    return float(token)


def _rule_columns(expr: str, columns) -> list[str]:
    """The column names a rule expression reads, in order (quoted strings and numbers skipped)."""
    expr = re.sub(r"'[^']*'", "", expr)
    return [t for t in re.findall(r"(?<![0-9.])[A-Za-z_][A-Za-z0-9_]*", expr) if t in columns]


def _compare(expr: str, out: dict[str, list[Any]], i: int) -> bool | None:
    """Evaluate ``A op B`` on row ``i``; ``None`` when an operand is empty."""
    a_tok, op, b_tok = _RULE.match(expr).groups()
    a, b = _operand(a_tok, out, i), _operand(b_tok, out, i)
    if a is None or b is None:
        return None
    return {"<=": a <= b, "<": a < b, ">=": a >= b, ">": a > b, "==": a == b, "!=": a != b}[op]


def _apply_rule(rule: dict[str, Any], out: dict[str, list[Any]], columns: dict[str, Any], *,
                file: str, lines: list[int], number: int) -> None:
    n = len(next(iter(out.values()))) if out else 0
    text = rule.get("description") or " and ".join(
        str(rule[k]) if k != "require" else f"{rule['require']} required" for k in ("when", "require", "check") if k in rule
    )
    for i in range(n):
        if "when" in rule and not _compare(str(rule["when"]), out, i):
            continue
        where = f"{file}, row {i + 1} (line {lines[i]})"
        empty = [c for c in rule.get("require", []) or [] if out[c][i] is None]
        if empty:
            raise ValueError(f"{where}: column(s) {empty} may not be empty here (rule {number}: {text})")
        if "check" in rule and _compare(str(rule["check"]), out, i) is False:
            cols = _rule_columns(str(rule["check"]), out)
            shown = ", ".join(f"'{c}' = {out[c][i]!r}" for c in cols)
            why = f" ({rule['description']})" if rule.get("description") else ""
            raise ValueError(f"{where}, column(s) {shown}: fails rule {number}: {rule['check']}{why}")


def _check_name(name: str, data_dir: Path) -> None:
    if not isinstance(name, str):
        raise TypeError(f"name: expected a dataset name (str), got {type(name).__name__}")
    names = available(data_dir=data_dir)
    if name not in names:
        raise ValueError(
            f"name: unknown dataset {name!r} in {data_dir}; available: {', '.join(names) or 'none'}"
        )


@validate_params({"name": _NAME, "data_dir": _DIR})
def describe(name: str, *, data_dir: str | Path | None = None) -> pd.DataFrame:
    """One row per column of dataset ``name``: type, unit, whether required, and its meaning.

    Parameters
    ----------
    name : str
        A dataset name, one of :func:`available`.
    data_dir : str or pathlib.Path, optional
        Folder holding the ``NAME.csv`` and ``NAME.schema.yml`` files (default ``analysis/data``).

    Returns
    -------
    pandas.DataFrame
        Columns ``column``, ``type``, ``unit``, ``required``, ``description``.
    """
    schema = load_schema(name, data_dir=data_dir)
    return pd.DataFrame(
        [
            {
                "column": col,
                "type": spec["type"],
                "unit": spec.get("unit", ""),
                "required": bool(spec.get("required", True)),
                "description": spec.get("description", ""),
            }
            for col, spec in schema["columns"].items()
        ]
    )


@validate_params({"data_dir": _DIR})
def provenance_summary(*, data_dir: str | Path | None = None) -> pd.DataFrame:
    """Rows per dataset and per evidence level, for every curated dataset (a tidy table).

    Parameters
    ----------
    data_dir : str or pathlib.Path, optional
        Folder holding the ``NAME.csv`` and ``NAME.schema.yml`` files (default ``analysis/data``).

    Returns
    -------
    pandas.DataFrame
        Columns ``dataset``, ``evidence``, ``rows``: one row per dataset and evidence level.
    """
    records = []
    for name in available(data_dir=data_dir):
        df = load(name, data_dir=data_dir)
        counts = df["evidence"].value_counts()
        for level in EVIDENCE_LEVELS:
            records.append({"dataset": name, "evidence": level, "rows": int(counts.get(level, 0))})
    return pd.DataFrame(records, columns=["dataset", "evidence", "rows"])
