"""Query the table of rules that touch synthetic and training data (``analysis/data/regulation.csv``).

A provision *applies* on a date ``d`` when its application date is known and on or before ``d``
and it has not ended: ``date_applies <= d < date_ends`` (an empty ``date_ends`` means it has not
ended). A provision whose ``date_ends`` precedes its ``date_applies`` was repealed before it ever
applied and is never in force. Partial dates (``YYYY-MM`` or ``YYYY``) are read as the last day of
their period, so a row is never said to apply before we know it did.

Nothing here reads the clock: every function takes the date it answers for, and the page uses
``last_verified()`` (stored in the schema) as its "as of" date.
"""

from __future__ import annotations

import datetime as _dt
import html
from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis import data

DATASET = "regulation"
JURISDICTIONS = ("EU", "FI", "UK", "US", "US-CA", "CN", "SG", "OECD")
TOPICS = (
    "labelling",
    "training_data_transparency",
    "data_governance_bias",
    "privacy_anonymity",
    "sandbox",
    "timeline",
)
# Ordered so that a larger code means a stronger rule; the heat map uses these codes.
MATRIX_LEVELS = {"none": 0, "guidance": 1, "binding": 2}
EVIDENCE_LABELS = {
    "seen_primary": "primary text",
    "seen_secondary": "secondary only - not checked against the primary text",
    "computed": "computed",
    "recalled_unverified": "UNVERIFIED - recalled, not checked",
}
_DATE_COLUMNS = ("date_adopted", "date_applies", "date_applies_original", "date_ends")
_REQUIRED = ("id", "jurisdiction", "topic", "binding", "evidence", *_DATE_COLUMNS)


def parse_date(value, *, name: str = "on") -> pd.Timestamp:
    """Parse an ISO date (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; a partial date is the last day of its period)."""
    if isinstance(value, bool) or value is None:
        raise TypeError(f"{name}: expected an ISO date string, datetime.date or pandas.Timestamp, got {value!r}")
    if isinstance(value, pd.Timestamp):
        if pd.isna(value):
            raise ValueError(f"{name}: NaT is not a date")
        return value.normalize().tz_localize(None) if value.tzinfo else value.normalize()
    if isinstance(value, (_dt.date, _dt.datetime)):
        return pd.Timestamp(value).normalize()
    if not isinstance(value, str):
        raise TypeError(
            f"{name}: expected an ISO date string, datetime.date or pandas.Timestamp, got {type(value).__name__}"
        )
    text = value.strip()
    parts = text.split("-")
    try:
        if len(parts) == 3 and len(parts[0]) == 4 and len(parts[1]) == 2 and len(parts[2]) == 2:
            return pd.Timestamp(_dt.date(int(parts[0]), int(parts[1]), int(parts[2])))
        if len(parts) == 2 and len(parts[0]) == 4 and len(parts[1]) == 2:
            return pd.Timestamp(_dt.date(int(parts[0]), int(parts[1]), 1)) + pd.offsets.MonthEnd(0)
        if len(parts) == 1 and len(parts[0]) == 4:
            return pd.Timestamp(_dt.date(int(parts[0]), 12, 31))
    except ValueError:
        pass
    raise ValueError(f"{name}: {value!r} is not a valid date (YYYY-MM-DD, YYYY-MM or YYYY)")


def last_verified() -> pd.Timestamp:
    """The date the regulation table was last verified (``last_verified`` in its schema): the page's "as of" date."""
    return parse_date(str(data.load_schema(DATASET)["last_verified"]), name="last_verified")


def provisions() -> pd.DataFrame:
    """The validated regulation table, with parsed dates in ``adopted``, ``applies``, ``applies_original``, ``ends``."""
    df = data.load(DATASET)
    return _with_dates(df)


def _with_dates(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in _DATE_COLUMNS:
        out[col.removeprefix("date_")] = [
            pd.NaT if pd.isna(v) else parse_date(str(v), name=col) for v in out[col]
        ]
        out[col.removeprefix("date_")] = pd.to_datetime(out[col.removeprefix("date_")])
    return out


def _table(table: pd.DataFrame | None) -> pd.DataFrame:
    if table is None:
        return provisions()
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table: expected a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c in _REQUIRED if c not in table.columns]
    if missing:
        raise ValueError(f"table: missing column(s) {missing}")
    return table if "applies" in table.columns else _with_dates(table)


def _applying(t: pd.DataFrame, on: pd.Timestamp) -> np.ndarray:
    # on numpy datetime64 arrays: NaT compares False, so an unknown application date never applies
    day = on.to_datetime64()
    applies, ends = t["applies"].to_numpy("datetime64[ns]"), t["ends"].to_numpy("datetime64[ns]")
    return ~np.isnat(applies) & (applies <= day) & (np.isnat(ends) | (day < ends))


def in_force(on, *, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Provisions that apply on date ``on``: application date known and reached, and not yet ended."""
    day = parse_date(on, name="on")
    t = _table(table)
    rows = np.flatnonzero(_applying(t, day))
    # order by jurisdiction, then application date, then id (same as sort_values on those columns,
    # which the tests check); one lexsort on the small key arrays avoids a second pass over every column
    keys = (
        t["id"].to_numpy(str)[rows],
        t["applies"].to_numpy("datetime64[ns]")[rows],
        t["jurisdiction"].to_numpy(str)[rows],
    )
    return t.iloc[rows[np.lexsort(keys)]].reset_index(drop=True)


def changes_between(start, end, *, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Provisions that start or stop applying in the window ``start < date <= end`` (one row per change)."""
    lo, hi = parse_date(start, name="start"), parse_date(end, name="end")
    if hi < lo:
        raise ValueError(f"end: {hi.date()} is before start {lo.date()}; the window must not be empty")
    t = _table(table)
    keep = ["id", "jurisdiction", "instrument", "provision", "topic", "binding", "evidence"]
    frames = []
    for col, label in (("applies", "starts applying"), ("ends", "stops applying")):
        hit = t[t[col].notna() & (t[col] > lo) & (t[col] <= hi)]
        if col == "applies":
            # a provision repealed before its application date never starts applying
            hit = hit[hit["ends"].isna() | (hit["ends"] > hit["applies"])]
        frames.append(hit[keep].assign(date=hit[col], change=label))
    out = pd.concat(frames, ignore_index=True)
    out = out[["date", "change", *keep]]
    return out.sort_values(["date", "jurisdiction", "id"]).reset_index(drop=True)


def matrix(on=None, *, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Jurisdiction x topic: 'binding' if a binding provision is on the books, 'guidance' if only non-binding ones, else 'none'.

    With ``on``, a provision counts if it was adopted (or, without an adoption date, applies) by
    ``on`` and has not ended by then, whether or not it applies yet; undated rows count only from
    the table's verification date, when they were seen. Without ``on`` every row counts.
    """
    t = _table(table)
    if on is not None:
        day = parse_date(on, name="on")
        start = t["adopted"].fillna(t["applies"])
        undated_ok = start.isna() & (day >= last_verified())
        alive = t["ends"].isna() | (day < t["ends"])
        t = t[((start <= day) | undated_ok) & alive]
    out = pd.DataFrame("none", index=pd.Index(JURISDICTIONS, name="jurisdiction"), columns=pd.Index(TOPICS, name="topic"))
    for (jur, topic), grp in t.groupby(["jurisdiction", "topic"]):
        out.loc[jur, topic] = "binding" if (grp["binding"] == "yes").any() else "guidance"
    return out


def matrix_codes(m: pd.DataFrame) -> pd.DataFrame:
    """The matrix as integer codes (none 0, guidance 1, binding 2) for a heat map."""
    if not isinstance(m, pd.DataFrame):
        raise TypeError(f"m: expected a pandas DataFrame, got {type(m).__name__}")
    bad = set(pd.unique(m.to_numpy().ravel())) - set(MATRIX_LEVELS)
    if bad:
        raise ValueError(f"m: cells must be one of {list(MATRIX_LEVELS)}, found {sorted(map(str, bad))}")
    return m.apply(lambda col: col.map(MATRIX_LEVELS)).astype(int)


def timeline_events(*, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Tidy events for the timeline chart: one row per (provision, event) with a known date."""
    t = _table(table)
    rows = []
    for event in ("adopted", "applies", "applies_original", "ends"):
        sub = t[t[event].notna()]
        rows.append(pd.DataFrame({
            "id": sub["id"], "jurisdiction": sub["jurisdiction"], "binding": sub["binding"],
            "event": event, "date": sub[event], "evidence": sub["evidence"],
        }))
    out = pd.concat(rows, ignore_index=True)
    return out.sort_values(["jurisdiction", "id", "date", "event"]).reset_index(drop=True)


def display_table(rows: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """A copy of ``rows`` for display: dates as ISO text, empty cells as an em dash, evidence spelled out."""
    columns = list(columns)
    missing = [c for c in columns if c not in rows.columns]
    if missing:
        raise ValueError(f"columns: {missing} are not in the table")
    out = rows[columns].copy()
    for col in columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
        if col == "evidence":
            out[col] = out[col].map(lambda v: EVIDENCE_LABELS.get(v, v))
        out[col] = out[col].astype(object).where(out[col].notna(), "\u2014")
    return out.reset_index(drop=True)


def anchor(row_id: str) -> str:
    """The HTML id of a provision row on the page."""
    if not isinstance(row_id, str) or not row_id:
        raise ValueError("row_id: a non-empty provision id is required")
    return f"reg-{row_id}"


def html_table(rows: pd.DataFrame, columns: Iterable[str], *, anchors: bool = False) -> str:
    """An HTML table of ``rows`` (text escaped); with ``anchors`` each row gets ``id="reg-<id>"`` for links."""
    shown = display_table(rows, columns)
    head = "".join(f"<th>{html.escape(c.replace('_', ' '))}</th>" for c in shown.columns)
    body = []
    for i, rec in enumerate(shown.itertuples(index=False)):
        attrs = f' id="{anchor(rows["id"].iloc[i])}"' if anchors else ""
        flag = rows["evidence"].iloc[i] != "seen_primary"
        # inline shading: the book's stylesheet is shared, and the evidence column says the same in words
        cls = ' class="reg-unverified" style="background-color:#fcf0d9"' if flag else ""
        cells = "".join(f"<td>{html.escape(str(v))}</td>" for v in rec)
        body.append(f"<tr{attrs}{cls}>{cells}</tr>")
    return (
        '<div class="reg-table" style="overflow-x:auto"><table class="table">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )
