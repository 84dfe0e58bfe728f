"""Query the table of rules that touch synthetic and training data (``analysis/data/regulation.csv``).

A provision *applies* on a date ``d`` when its application date is known and on or before ``d``
and it has not ended: ``date_applies <= d < date_ends`` (an empty ``date_ends`` means it has not
ended). A provision whose ``date_ends`` precedes its ``date_applies`` was repealed before it ever
applied and is never in force. Partial dates (``YYYY-MM`` or ``YYYY``) are read as the last day of
their period, so a row is never said to apply before we know it did.

Dates are compared as numpy ``datetime64[D]`` (days), never as nanosecond timestamps, so every
query is correct for any date from year 1 to 9999 (pandas' nanosecond ``Timestamp`` stops in 2262).
Public functions take dates as ISO 8601 strings (``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``),
``datetime.date``/``datetime.datetime`` or ``numpy.datetime64``; anything else is refused with a
``TypeError``/``ValueError`` naming the parameter.

Nothing here reads the clock: every function takes the date it answers for, and the page uses
``last_verified()`` (the latest row-level verification date) as its "as of" date.

Row ids end up in HTML (``id="reg-<id>"`` anchors), so they must match ``ID_PATTERN``; the loader
refuses any other id, and everything written into HTML is escaped as well.

References: ``euaiact2024``, ``eu2026omnibus`` (the instruments behind most rows).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import html
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis.data import loader as data
from analysis.core.validation import Boolean, Frame, InstanceOf, ISODate, validate_params

DATASET = "regulation"
EVENTS_DATASET = "regulation_events"
JURISDICTIONS = ("EU", "FI", "UK", "US", "US-CA", "US-CO", "US-NY", "US-TX", "CN", "IN", "KR", "JP", "SG", "OECD")
TOPICS = (
    "labelling",
    "training_data_transparency",
    "data_governance_bias",
    "privacy_anonymity",
    "prohibited_content",
    "frontier_transparency",
    "framework",
    "enforcement",
    "sandbox",
    "timeline",
)
# Ordered so that a larger code means a stronger rule; the heat map uses these codes.
MATRIX_LEVELS = {"none": 0, "guidance": 1, "binding": 2}
EVIDENCE_LABELS = {
    "seen_primary": "primary text",
    "seen_secondary": "secondary source only (not checked against the primary text)",
    "computed": "computed",
    "recalled_unverified": "unverified (recalled, not checked)",
}
# Row ids become HTML id attributes and URL fragments: lower-case letters, digits and hyphens only.
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_DATE_COLUMNS = ("date_adopted", "date_applies", "date_applies_original", "date_ends")
_REQUIRED = ("id", "jurisdiction", "topic", "binding", "evidence", *_DATE_COLUMNS)
_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_MIN_YEAR, _MAX_YEAR = 1, 9999


class RegDate(ISODate):
    """An ISO 8601 date: ``YYYY-MM-DD``, or the partial ``YYYY-MM`` / ``YYYY`` (read as the period's last day)."""

    def check(self, value) -> str | None:
        if isinstance(value, str):
            try:
                _parse(value, name="value")
            except ValueError:
                return "not an ISO 8601 date (YYYY-MM-DD, YYYY-MM or YYYY, years 0001-9999)"
            return None
        return super().check(value)

    def describe(self) -> str:
        return "an ISO 8601 date (YYYY-MM-DD, YYYY-MM or YYYY string, datetime.date or numpy.datetime64)"


_DATE = [RegDate()]
_TABLE = [Frame(min_rows=0), None]


@dataclasses.dataclass(frozen=True)
class RegulationSummary:
    """Counts that describe the table on one date (what the chapter and the landing page print).

    Attributes
    ----------
    on : datetime.date
        The date the counts are for.
    n_rows, n_jurisdictions : int
        Provisions in the table, and jurisdictions they come from.
    n_primary, n_secondary, n_recalled : int
        Rows by evidence: read in the primary text, only in secondary sources, not checked.
    n_in_force, n_in_force_binding : int
        Provisions that apply on ``on``, and how many of them are binding.
    """

    on: _dt.date
    n_rows: int
    n_jurisdictions: int
    n_primary: int
    n_secondary: int
    n_recalled: int
    n_in_force: int
    n_in_force_binding: int

    @property
    def pct_primary(self) -> float:
        """Share of rows read in the primary text, in percent."""
        return 100.0 * self.n_primary / self.n_rows if self.n_rows else 0.0


@validate_params({"value": _DATE})
def parse_date(value: str | _dt.date | np.datetime64) -> _dt.date:
    """Parse a date given as ISO 8601 text, ``datetime.date`` or ``numpy.datetime64``.

    Parameters
    ----------
    value : str, datetime.date, datetime.datetime, pandas.Timestamp or numpy.datetime64
        ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (a partial date is the last day of its period);
        a datetime is truncated to its day.

    Returns
    -------
    datetime.date
        The day, between 0001-01-01 and 9999-12-31.
    """
    return _parse(value, name="value")


def _parse(value, *, name: str) -> _dt.date:
    """Parse a date given as ISO 8601 text, ``datetime.date`` or ``numpy.datetime64``.

    Parameters
    ----------
    value : str, datetime.date, datetime.datetime, pandas.Timestamp or numpy.datetime64
        ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (a partial date is the last day of its period);
        a datetime is truncated to its day.
    name : str
        The parameter name used in error messages.

    Returns
    -------
    datetime.date
        The day, between 0001-01-01 and 9999-12-31.
    """
    if isinstance(value, bool) or value is None:
        raise TypeError(f"{name}: expected an ISO 8601 date string (YYYY-MM-DD) or a date, got {value!r}")
    if isinstance(value, pd.Timestamp):
        if pd.isna(value):
            raise ValueError(f"{name}: NaT is not a date")
        return _dt.date(value.year, value.month, value.day)
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, np.datetime64):
        if np.isnat(value):
            raise ValueError(f"{name}: NaT is not a date")
        return _dt.date.fromisoformat(str(value.astype("datetime64[D]")))
    if not isinstance(value, str):
        raise TypeError(
            f"{name}: expected an ISO 8601 date string (YYYY-MM-DD) or a date, got {type(value).__name__}"
        )
    m = _ISO.match(value.strip())
    if m is not None:
        year, month, day = int(m[1]), m[2], m[3]
        try:
            if year < _MIN_YEAR:
                raise ValueError
            if day is not None:
                return _dt.date(year, int(month), int(day))
            if month is not None:
                first = _dt.date(year, int(month), 1)
                if first.month == 12:  # no 'first of next month' after 9999-12
                    return _dt.date(year, 12, 31)
                return _dt.date(year, first.month + 1, 1) - _dt.timedelta(days=1)
            return _dt.date(year, 12, 31)
        except (ValueError, OverflowError):
            pass
    raise ValueError(f"{name}: {value!r} is not a valid ISO 8601 date (YYYY-MM-DD, YYYY-MM or YYYY, years 0001-9999)")


def _day(value, *, name: str) -> np.datetime64:
    return np.datetime64(_parse(value, name=name), "D")


@validate_params({"row_id": [InstanceOf(object)], "name": [str]})
def check_id(row_id: str, *, name: str = "row_id") -> str:
    """``row_id`` if it is a valid provision id (``ID_PATTERN``), else ``TypeError``/``ValueError``."""
    if not isinstance(row_id, str):
        raise TypeError(f"{name}: expected a provision id (str), got {type(row_id).__name__}")
    if not ID_PATTERN.match(row_id):
        raise ValueError(
            f"{name}: {row_id!r} is not a valid provision id (lower-case letters, digits and hyphens, "
            f"pattern {ID_PATTERN.pattern})"
        )
    return row_id


@validate_params({"table": _TABLE})
def last_verified(*, table: pd.DataFrame | None = None) -> _dt.date:
    """The latest row-level ``last_verified`` date of the table: the page's "as of" date."""
    t = _table(table)
    if "last_verified" not in t.columns:
        raise ValueError("table: no 'last_verified' column")
    col = t["last_verified"].dropna()
    if col.empty:
        raise ValueError("table: no row has a last_verified date")
    return max(_parse(v, name="last_verified") for v in col)


@validate_params({})
def provisions() -> pd.DataFrame:
    """The validated regulation table, with day-resolution dates in ``adopted``, ``applies``,
    ``applies_original`` and ``ends`` (and the raw ISO text kept in the ``date_*`` columns)."""
    df = data.load(DATASET)
    for i, row_id in enumerate(df["id"], start=1):
        try:
            check_id(row_id, name="id")
        except ValueError as exc:
            raise ValueError(f"regulation.csv, row {i}: {exc}") from None
    return _with_dates(df)


def _dates(values, *, name: str) -> np.ndarray:
    return np.array(
        [np.datetime64("NaT", "D") if pd.isna(v) else np.datetime64(_parse(v, name=name), "D") for v in values],
        dtype="datetime64[D]",
    )


def _with_dates(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in _DATE_COLUMNS:
        # pandas stores datetime64[D] as datetime64[s]: second resolution reaches year 9999
        out[col.removeprefix("date_")] = pd.Series(_dates(out[col], name=col), index=out.index)
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


def _days(t: pd.DataFrame, col: str) -> np.ndarray:
    return t[col].to_numpy("datetime64[D]")


def _applying(t: pd.DataFrame, day: np.datetime64) -> np.ndarray:
    # on datetime64[D] arrays NaT compares False, so an unknown application date never applies
    applies, ends = _days(t, "applies"), _days(t, "ends")
    return ~np.isnat(applies) & (applies <= day) & (np.isnat(ends) | (day < ends))


@validate_params({"on": _DATE, "table": _TABLE})
def in_force(on: str | _dt.date | np.datetime64, *, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Provisions that apply on date ``on``: application date known and reached, and not yet ended.

    Parameters
    ----------
    on : str, datetime.date or numpy.datetime64
        The day asked about (ISO 8601), any day from 0001-01-01 to 9999-12-31.
    table : pandas.DataFrame, optional
        The table to query (default: ``provisions()``).

    Returns
    -------
    pandas.DataFrame
        The applying rows, ordered by jurisdiction, application date and id. A row applies when
        ``applies <= on < ends`` (an empty ``ends`` never ends).
    """
    day = _day(on, name="on")
    t = _table(table)
    rows = np.flatnonzero(_applying(t, day))
    # order by jurisdiction, then application date, then id (same as sort_values on those columns,
    # which the tests check); one lexsort on the small key arrays avoids a second pass over every column
    keys = (
        t["id"].to_numpy(str)[rows],
        _days(t, "applies")[rows],
        t["jurisdiction"].to_numpy(str)[rows],
    )
    return t.iloc[rows[np.lexsort(keys)]].reset_index(drop=True)


@validate_params({"start": _DATE, "end": _DATE, "table": _TABLE})
def changes_between(start: str | _dt.date | np.datetime64, end: str | _dt.date | np.datetime64, *, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Provisions that start or stop applying in the window ``start < date <= end`` (one row per change)."""
    lo, hi = _day(start, name="start"), _day(end, name="end")
    if hi < lo:
        raise ValueError(f"end: {hi} is before start {lo}; the window must not be empty")
    t = _table(table)
    keep = ["id", "jurisdiction", "instrument", "provision", "topic", "binding", "evidence"]
    applies, ends = _days(t, "applies"), _days(t, "ends")
    frames = []
    for col, days, label in (("applies", applies, "starts applying"), ("ends", ends, "stops applying")):
        hit = ~np.isnat(days) & (days > lo) & (days <= hi)
        if col == "applies":
            # a provision repealed before its application date never starts applying
            hit &= np.isnat(ends) | (ends > applies)
        sub = t.loc[hit, keep]
        frames.append(sub.assign(date=t.loc[hit, col], change=label))
    out = pd.concat(frames, ignore_index=True)
    out = out[["date", "change", *keep]]
    return out.sort_values(["date", "jurisdiction", "id"]).reset_index(drop=True)


@validate_params({"on": [*_DATE, None], "table": _TABLE})
def matrix(on: str | _dt.date | np.datetime64 | None = None, *, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Jurisdiction x topic: 'binding' if a binding provision is on the books, 'guidance' if only non-binding ones, else 'none'.

    With ``on``, a provision counts if it was adopted (or, without an adoption date, applies) by
    ``on`` and has not ended by then, whether or not it applies yet; undated rows count only from
    their own ``last_verified`` date, when they were seen. Without ``on`` every row counts.
    """
    t = _table(table)
    if on is not None:
        day = _day(on, name="on")
        start = np.where(np.isnat(_days(t, "adopted")), _days(t, "applies"), _days(t, "adopted"))
        seen = _dates(t["last_verified"], name="last_verified") if "last_verified" in t.columns else np.full(len(t), np.datetime64("NaT", "D"))
        undated_ok = np.isnat(start) & ~np.isnat(seen) & (day >= seen)
        ends = _days(t, "ends")
        alive = np.isnat(ends) | (day < ends)
        t = t[(((start <= day) & ~np.isnat(start)) | undated_ok) & alive]
    out = pd.DataFrame("none", index=pd.Index(JURISDICTIONS, name="jurisdiction"), columns=pd.Index(TOPICS, name="topic"))
    for (jur, topic), grp in t.groupby(["jurisdiction", "topic"]):
        out.loc[jur, topic] = "binding" if (grp["binding"] == "yes").any() else "guidance"
    return out


@validate_params({"m": [Frame(min_rows=0)]})
def matrix_codes(m: pd.DataFrame) -> pd.DataFrame:
    """The matrix as integer codes (none 0, guidance 1, binding 2) for a heat map."""
    if not isinstance(m, pd.DataFrame):
        raise TypeError(f"m: expected a pandas DataFrame, got {type(m).__name__}")
    bad = set(pd.unique(m.to_numpy().ravel())) - set(MATRIX_LEVELS)
    if bad:
        raise ValueError(f"m: cells must be one of {list(MATRIX_LEVELS)}, found {sorted(map(str, bad))}")
    return m.apply(lambda col: col.map(MATRIX_LEVELS)).astype(int)


@validate_params({"on": [*_DATE, None], "table": _TABLE})
def summary(on: str | _dt.date | np.datetime64 | None = None, *, table: pd.DataFrame | None = None) -> RegulationSummary:
    """Counts of the table on date ``on`` (default: its ``last_verified`` date)."""
    t = _table(table)
    day = last_verified(table=t) if on is None else _parse(on, name="on")
    now = in_force(day, table=t)
    ev = t["evidence"]
    return RegulationSummary(
        on=day,
        n_rows=len(t),
        n_jurisdictions=int(t["jurisdiction"].nunique()),
        n_primary=int((ev == "seen_primary").sum()),
        n_secondary=int((ev == "seen_secondary").sum()),
        n_recalled=int((ev == "recalled_unverified").sum()),
        n_in_force=len(now),
        n_in_force_binding=int((now["binding"] == "yes").sum()),
    )


@validate_params({"table": _TABLE})
def events(*, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Dated events on provisions (court rulings, complaints, appeals) from ``regulation_events.csv``.

    Each event names the provision it concerns (``provision_id``), which must be a row of the
    regulation table; ``date`` is day-resolution.
    """
    t = _table(table)
    ev = data.load(EVENTS_DATASET)
    unknown = sorted(set(ev["provision_id"]) - set(t["id"]))
    if unknown:
        raise ValueError(f"regulation_events.csv: provision_id(s) {unknown} are not rows of the regulation table")
    for i, row_id in enumerate(ev["id"], start=1):
        try:
            check_id(row_id, name="id")
        except ValueError as exc:
            raise ValueError(f"regulation_events.csv, row {i}: {exc}") from None
    out = ev.copy()
    out["day"] = pd.Series(_dates(out["date"], name="date"), index=out.index)
    return out.sort_values(["day", "id"]).reset_index(drop=True)


@validate_params({"table": _TABLE})
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


@validate_params({"rows": [Frame(min_rows=0)], "columns": [InstanceOf(Iterable, "an iterable of column names")]})
def display_table(rows: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """A copy of ``rows`` for display: dates as ISO text, empty cells as an em dash, evidence spelled out."""
    if not isinstance(rows, pd.DataFrame):
        raise TypeError(f"rows: expected a pandas DataFrame, got {type(rows).__name__}")
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


@validate_params({"row_id": [str]})
def anchor(row_id: str) -> str:
    """The HTML id of a provision row on the page (``reg-<id>``); refuses ids outside ``ID_PATTERN``."""
    return f"reg-{check_id(row_id)}"


@validate_params({"rows": [Frame(min_rows=0)], "columns": [InstanceOf(Iterable, "an iterable of column names")], "anchors": [Boolean()]})
def html_table(rows: pd.DataFrame, columns: Iterable[str], *, anchors: bool = False) -> str:
    """An HTML table of ``rows`` (text escaped); with ``anchors`` each row gets ``id="reg-<id>"`` for links.

    Ids are validated against ``ID_PATTERN`` (an id such as ``x" onmouseover="...`` raises
    ``ValueError``) and, as a second line of defence, attribute-escaped when written.
    """
    shown = display_table(rows, columns)
    head = "".join(f"<th>{html.escape(c.replace('_', ' '))}</th>" for c in shown.columns)
    body = []
    for i, rec in enumerate(shown.itertuples(index=False)):
        attrs = f' id="{html.escape(anchor(rows["id"].iloc[i]), quote=True)}"' if anchors else ""
        flag = rows["evidence"].iloc[i] != "seen_primary"
        # inline shading: the book's stylesheet is shared, and the evidence column says the same in words
        cls = ' class="reg-unverified" style="background-color:#fcf0d9"' if flag else ""
        cells = "".join(f"<td>{html.escape(str(v))}</td>" for v in rec)
        body.append(f"<tr{attrs}{cls}>{cells}</tr>")
    return (
        '<div class="reg-table" style="overflow-x:auto"><table class="table">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


# ---------------------------------------------------------------------------------------------
# Status on a date, and the words a reader sees (issue 24: no ids, codes or field names on the page)

#: A provision's status on a date, in the order the page lists them.
STATUSES = ("in_force", "adopted", "proposed", "ended", "undated")
#: What each status means, in the words of the page's filter.
STATUS_LABELS = {
    "in_force": "In force",
    "adopted": "Adopted, not yet applying",
    "proposed": "Proposed, not yet adopted",
    "ended": "Ended (revoked, repealed or struck down)",
    "undated": "Date not known",
}
#: The same, short, for the badge on each rule.
STATUS_BADGES = {
    "in_force": "In force",
    "adopted": "Not yet applying",
    "proposed": "Proposed",
    "ended": "Ended",
    "undated": "Undated",
}
JURISDICTION_LABELS = {
    "EU": "European Union", "FI": "Finland", "UK": "United Kingdom", "US": "United States (federal)",
    "US-CA": "California", "US-NY": "New York", "CN": "China", "IN": "India", "KR": "South Korea",
    "JP": "Japan", "SG": "Singapore", "OECD": "OECD (international)", "US-CO": "Colorado", "US-TX": "Texas",
}
#: Short forms for the one-line view of a rule and the timeline's lanes.
JURISDICTION_SHORT = {
    "EU": "EU", "FI": "Finland", "UK": "UK", "US": "US federal", "US-CA": "California", "US-NY": "New York",
    "CN": "China", "IN": "India", "KR": "South Korea", "JP": "Japan", "SG": "Singapore", "OECD": "OECD",
    "US-CO": "Colorado", "US-TX": "Texas",
}
TOPIC_LABELS = {
    "labelling": "Labelling AI output",
    "training_data_transparency": "Training-data disclosure",
    "data_governance_bias": "Data governance and bias",
    "privacy_anonymity": "Privacy and anonymity",
    "prohibited_content": "Prohibited content",
    "frontier_transparency": "Frontier-model reports",
    "framework": "Framework law",
    "enforcement": "Enforcement and fines",
    "sandbox": "Regulatory sandboxes",
    "timeline": "Timetable of other rules",
}
BINDING_LABELS = {"yes": "Binding", "no": "Guidance (not binding)"}
#: Short names of the instruments (the full name is shown when a rule is opened).
INSTRUMENT_LABELS = {
    "Regulation (EU) 2024/1689 (AI Act)": "AI Act",
    "Commission template for the GPAI training-content summary": "Training-content template",
    "General-Purpose AI Code of Practice": "General-Purpose AI Code of Practice",
    "Commission guidelines on the scope of obligations for GPAI models, C(2025) 5045 final":
        "Commission guidelines on general-purpose AI",
    "Regulation (EU) 2026/1744 (Digital Omnibus on AI)": "Digital Omnibus",
    "Code of Practice on marking and labelling of AI-generated content (AI Office)": "Labelling Code of Practice",
    "Regulation (EU) 2016/679 (GDPR)": "GDPR",
    "EDPB Opinion 28/2024": "EDPB Opinion 28/2024",
    "Findata FAQ": "Findata guidance",
    "ICO guidance on privacy-enhancing technologies": "ICO guidance",
    "FCA Synthetic Data Expert Group, final report": "FCA expert group report",
    "Executive Order 14110": "Executive Order 14110",
    "Executive Order 14148": "Executive Order 14148",
    "Executive Order 14179": "Executive Order 14179",
    "NIST AI 100-4": "NIST AI 100-4",
    "AB 2013, Cal. Civ. Code 3110-3111": "AB 2013",
    "SB 942 California AI Transparency Act, as amended by AB 853": "AI Transparency Act (SB 942)",
    "AB 853 (amending the AI Transparency Act)": "AB 853",
    "SB 53, Transparency in Frontier Artificial Intelligence Act (Stats. 2025, ch. 138)": "SB 53",
    "RAISE Act, N.Y. Gen. Bus. Law art. 44-B (S.8828, ch. 96 of 2026)": "RAISE Act",
    "Deep Synthesis Provisions (CAC Order No. 12)": "Deep Synthesis Provisions",
    "Interim Measures for Generative AI Services (CAC Order No. 15)": "Generative AI Measures",
    "Measures for Labeling AI-Generated Synthetic Content; GB 45438-2025": "Labelling Measures",
    "IT (Intermediary Guidelines and Digital Media Ethics Code) Amendment Rules, 2026, G.S.R. 120(E)":
        "IT Rules amendment",
    "Framework Act on the Development of Artificial Intelligence and the Establishment of a Foundation "
    "for Trust (AI Basic Act)": "AI Basic Act",
    "Act on Promotion of Research, Development and Utilization of AI-Related Technologies (Act No. 53 of 2025)":
        "AI Promotion Act",
    "PDPC Proposed Guide on Synthetic Data Generation v1.0": "PDPC synthetic-data guide",
    "AI, data governance and privacy (OECD AI Papers)": "OECD paper on AI and privacy",
    "AI Basic Plan (Cabinet decision under the AI Promotion Act)": "AI Basic Plan",
    "Colorado SB 26-189 (automated decision-making technology), repealing and re-enacting the Colorado AI Act "
    "(SB 24-205)": "SB 26-189 (automated decisions)",
    "Cybersecurity Law of the PRC, as amended by the NPC Standing Committee decision of 28 Oct 2025":
        "Cybersecurity Law (2025)",
    "Data (Use and Access) Act 2025 (c. 18)": "Data (Use and Access) Act",
    "Executive Order 14365 (Ensuring a National Policy Framework for Artificial Intelligence)": "Executive Order 14365",
    "GB/T 45652-2025 Cybersecurity technology - Security specification for generative AI pre-training and "
    "fine-tuning data": "GB/T 45652-2025 (training data)",
    "GB/T 45654-2025 Cybersecurity technology - Basic safety requirements for generative AI services":
        "GB/T 45654-2025 (service safety)",
    "General-Purpose AI Code of Practice: list of signatories (AI Office)": "Code of Practice signatories",
    "India AI Governance Guidelines (MeitY, IndiaAI Mission)": "AI Governance Guidelines",
    "Proposal for a Digital Omnibus amending the GDPR (COM(2025) 837, procedure 2025/0360(COD))":
        "GDPR omnibus proposal",
    "Report on Copyright and Artificial Intelligence, with economic impact assessment (DSIT and DCMS)":
        "Copyright and AI report",
    "Texas Responsible Artificial Intelligence Governance Act (HB 149, 89th Legislature)": "TRAIGA (HB 149)",
}
#: Short forms of long provision references; an empty string for a whole document, which the instrument names.
PROVISION_LABELS = {
    "Transparency, Copyright, and Safety and Security chapters": "",
    "Whole guidelines": "", "Whole report": "", "Whole measures": "", "Whole guide": "",
    "Whole Act; Supplementary Provisions Art. 1": "",
    "Art. 10(1)-(4), stand-alone high-risk systems (Annex III)": "Art. 10, stand-alone high-risk",
    "Art. 10(1)-(4), high-risk systems in regulated products (Art. 6(1), Annex I)": "Art. 10, high-risk in products",
    "Art. 111(4) of the AI Act (inserted by Art. 1(39)(b))": "marking grace period",
    "Sections 1 (providers, Art. 50(2)) and 2 (deployers, Art. 50(4))": "",
    "Art. 5(1)(ba), (bb), (1a), (1b) of the AI Act (inserted)": "new bans in Art. 5",
    "Art. 57(1) national AI regulatory sandboxes": "Art. 57(1)",
    "Art. 1(40) (amends Art. 113) and others": "new dates",
    "Question 1, anonymity of AI models": "anonymous models",
    "Sec. 4.5 Reducing the risks posed by synthetic content": "Sec. 4.5",
    "Sec. 3110(e); Sec. 3111(a)(12)": "item 12 (synthetic data)",
    "Section 2.5 'Synthetic data'": "Section 2.5",
    "Sec. 3111(a)": "documentation",
    "Bus. & Prof. Code 22757.2-22757.4": "",
    "Bus. & Prof. Code ch. 25.1 (22757.10 ff.)": "",
    "GBL 1420-1429": "",
    "Rule 2(1)(wa) and the due-diligence rules on synthetically generated information": "",
    "Art. 31 (transparency obligations for generative and high-impact AI)": "Art. 31",
    "Art. 4a (replaces Art. 10(5))": "Art. 4a",
    "Art. 4(1); Recital 26": "personal data (Recital 26)",
    "Synthetic result materials": "", "Synthetic data": "", "Governance principles": "",
    "Large online platforms": "large platforms", "Capture-device manufacturers": "capture devices",
    "Signatory list (first published 1 Aug 2025)": "", "Whole Act": "", "Whole document": "", "Whole order": "",
    "Whole plan": "", "Whole standard": "",
    "Whole Act (amends Bus. & Com. Code s. 503.001; definitions in s. 551.001)": "",
    "Whole report (laid under DUAA s. 136)": "",
    "Whole standard (corpus, model and safety-measure requirements)": "",
    "ss. 135-137 (copyright works and AI systems)": "ss. 135-137",
}
_STATUS_ROWS = [Frame(required=_REQUIRED, min_rows=0), None]


def _codes_on(t: pd.DataFrame, day: np.datetime64) -> np.ndarray:
    """The status code of every row of ``t`` on ``day`` (vectorised; see :func:`status`)."""
    adopted, applies, ends = _days(t, "adopted"), _days(t, "applies"), _days(t, "ends")
    out = np.full(len(t), "undated", dtype=object)
    out[~np.isnat(adopted) | ~np.isnat(applies)] = "proposed"
    out[~np.isnat(adopted) & (adopted <= day)] = "adopted"
    out[_applying(t, day)] = "in_force"
    out[~np.isnat(ends) & (ends <= day)] = "ended"
    return out


@validate_params({"rows": _STATUS_ROWS, "as_of": _DATE})
def status(rows: pd.DataFrame | None = None, *, as_of: str | _dt.date | np.datetime64) -> pd.Series:
    """Each provision's status on the day ``as_of``: one of :data:`STATUSES`.

    With ``d = as_of``, checked in this order (the last that holds wins):

    * ``undated``: no adoption and no application date is known;
    * ``proposed``: a date is known but the provision is not adopted by ``d`` (``d < adopted``);
    * ``adopted``: adopted on or before ``d`` (``adopted <= d``) but not applying;
    * ``in_force``: it applies, ``applies <= d < ends`` (exactly the rows of :func:`in_force`);
    * ``ended``: ``ends <= d`` (revoked, repealed or struck down; also when it ended before it
      ever applied).

    Parameters
    ----------
    rows : pandas.DataFrame, optional
        Rows of the regulation table (default: :func:`provisions`); they need the columns ``id``,
        ``jurisdiction``, ``topic``, ``binding``, ``evidence`` and the ``date_*`` columns.
    as_of : str, datetime.date or numpy.datetime64
        The day asked about (ISO 8601; a partial date is the last day of its period).

    Returns
    -------
    pandas.Series
        The status codes, indexed by the rows' ``id``, in the rows' order.
    """
    day = _day(as_of, name="as_of")
    t = _table(rows)
    return pd.Series(_codes_on(t, day), index=pd.Index(t["id"].to_numpy(str), name="id"), name="status")


@validate_params({"rows": _STATUS_ROWS})
def status_changes(rows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every change of status of every provision: ``status(as_of=d)`` as a step function of ``d``.

    A status only changes on an adoption, application or end date, so the status on any day is
    the status of the last change on or before it (the first change of each row has no date: it
    holds from the year 1). The page's filter reads these steps to show the status on a date the
    reader picks, without repeating the rules of :func:`status` in JavaScript.

    Parameters
    ----------
    rows : pandas.DataFrame, optional
        Rows of the regulation table (default: :func:`provisions`).

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``since`` (``datetime64``; NaT for the first step) and ``status``, in the
        rows' order and by date within a row.
    """
    t = _table(rows)
    dates = np.concatenate([_days(t, c) for c in ("adopted", "applies", "ends")])
    steps = [np.datetime64("0001-01-01", "D"), *np.unique(dates[~np.isnat(dates)])]
    codes = np.stack([_codes_on(t, d) for d in steps], axis=1)  # rows x steps
    ids = t["id"].to_numpy(str)
    out = []
    for i in range(len(t)):
        changed = np.r_[True, codes[i, 1:] != codes[i, :-1]]
        for j in np.flatnonzero(changed):
            out.append((ids[i], np.datetime64("NaT", "D") if j == 0 else steps[j], codes[i, j]))
    frame = pd.DataFrame(out, columns=["id", "since", "status"])
    frame["since"] = frame["since"].astype("datetime64[s]")
    return frame


@validate_params({"rows": _STATUS_ROWS})
def rule_labels(rows: pd.DataFrame | None = None) -> pd.Series:
    """A short name in words for each provision: instrument and provision, e.g. "AI Act, Art. 53(1)(d)".

    Parameters
    ----------
    rows : pandas.DataFrame, optional
        Rows of the regulation table (default: :func:`provisions`); they need ``instrument`` and
        ``provision`` besides the usual columns.

    Returns
    -------
    pandas.Series
        The labels, indexed by ``id``. Instruments and provisions without a short form in
        :data:`INSTRUMENT_LABELS` / :data:`PROVISION_LABELS` keep their own (human) wording.
    """
    t = _table(rows)
    missing = [c for c in ("instrument", "provision") if c not in t.columns]
    if missing:
        raise ValueError(f"rows: missing column(s) {missing}")
    labels = []
    for inst, prov in zip(t["instrument"], t["provision"], strict=True):
        name = INSTRUMENT_LABELS.get(inst, inst)
        part = PROVISION_LABELS.get(prov, prov) if isinstance(prov, str) else ""
        labels.append(f"{name}, {part}" if part else name)
    return pd.Series(labels, index=pd.Index(t["id"].to_numpy(str), name="id"), name="label")
