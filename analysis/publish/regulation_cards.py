"""HTML for the regulation chapter as a reader uses it: one card per rule, filters, plain words.

The chapter (``notebooks/05_regulation.md``) shows what these functions return; the filters are
``book/_static/regulation.js``. Everything a reader sees is in words: jurisdictions, instruments,
topics and evidence by their labels (:mod:`analysis.regulation`), sources as short author-year
citations linked to the bibliography, never a row id, a field name or a BibTeX key. Ids stay in
attributes only (``id="reg-<id>"`` anchors, which other chapters link to).

The status of a rule on a date is computed here, in Python (:func:`analysis.regulation.rules.status`);
each card carries its status on the report's "as of" date and the dates on which its status
changes (:func:`analysis.regulation.rules.status_changes`), so the page can show the status on another
date the reader picks by looking up those steps, without its own copy of the rules.

Every string taken from the data is HTML-escaped.

References: ``euaiact2024`` (the instrument behind most rows).
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import re

import numpy as np
import pandas as pd

from analysis.data import loader as data
from analysis.regulation import rules as regulation
from analysis.publish.labels import short_citations
from analysis.core.validation import Frame, validate_params

__all__ = ["format_date", "rules_html", "overview_html", "changes_html", "events_html",
           "disclosures_html", "unverified_html"]

_ROWS = [Frame(required=regulation._REQUIRED, min_rows=0), None]
_DATE = [regulation.RegDate()]
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
# free text in the table that names a dataset rather than a rule: said in words instead
_TEXT_REPLACEMENTS = {"(table regulation_events)": "(the court events are listed under this rule)"}
_ID_TOKEN = re.compile(r"(?<![\w/.-])([a-z0-9]+(?:-[a-z0-9]+)+)(?![\w/-])")


def _anchor(key: str) -> str:
    """The id of a source's entry on the bibliography page.

    The site gives every bibliography entry the id ``ref-KEY`` (``tools/cite_anchors.py``), as
    :func:`analysis.publish.labels.citations_html` links it.
    """
    return f"ref-{key}"


@validate_params({"value": _DATE})
def format_date(value: str | _dt.date | np.datetime64) -> str:
    """An ISO date of the table in words: ``2024-06-13`` -> "13 June 2024", ``2025-08`` -> "August 2025".

    Parameters
    ----------
    value : str, datetime.date or numpy.datetime64
        ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (a partial date stays partial in words), or a day.

    Returns
    -------
    str
        The date in words.
    """
    if not isinstance(value, str):
        value = regulation.parse_date(value).isoformat()
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value.strip())
    if m is None:
        raise ValueError(f"value: {value!r} is not an ISO 8601 date (YYYY-MM-DD, YYYY-MM or YYYY)")
    regulation.parse_date(value.strip())  # a real calendar date, or ValueError
    year, month, day = m.groups()
    if month is None:
        return year
    if day is None:
        return f"{_MONTHS[int(month) - 1]} {year}"
    return f"{int(day)} {_MONTHS[int(month) - 1]} {year}"


def _iso(value) -> str:
    """A cell as ISO text ("" when empty); timestamps become their day."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, (pd.Timestamp, _dt.date, np.datetime64)):
        return regulation.parse_date(value).isoformat()
    return str(value).strip()


def _cites(source: str, *, cites: dict[str, str], bib_href: str) -> str:
    links = []
    for key in [k.strip() for k in str(source).split(";") if k.strip()]:
        text = html.escape(cites.get(key, "a source of the bibliography"))
        links.append(f'<a class="reg-cite" href="{html.escape(bib_href, quote=True)}#{_anchor(key)}">{text}</a>')
    return "; ".join(links)


def _linked_text(text, *, labels: dict[str, str], shown: set[str]) -> str:
    """Escape ``text``; a rule id in it becomes the rule's name (a link to its card when shown)."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    text = str(text)
    for old, new in _TEXT_REPLACEMENTS.items():
        text = text.replace(old, new)
    out, last = [], 0
    for m in _ID_TOKEN.finditer(text):
        row_id = m.group(1)
        if row_id not in labels:
            continue
        out.append(html.escape(text[last:m.start()]))
        name = html.escape(labels[row_id])
        out.append(f'<a href="#reg-{row_id}">{name}</a>' if row_id in shown else name)
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def _dates_text(row) -> str:
    parts = []
    adopted, applies = _iso(row["date_adopted"]), _iso(row["date_applies"])
    original, ends = _iso(row["date_applies_original"]), _iso(row["date_ends"])
    if adopted:
        parts.append(f"adopted {format_date(adopted)}")
    if applies:
        moved = f" (postponed from {format_date(original)})" if original else ""
        parts.append(f"applies from {format_date(applies)}{moved}")
    if ends:
        parts.append(f"ended {format_date(ends)}")
    text = "; ".join(parts) if parts else "no date known (left out of the date queries)"
    return text[0].upper() + text[1:] + "."


def _steps(changes: pd.DataFrame) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    for row_id, since, code in changes[["id", "since", "status"]].itertuples(index=False):
        day = "" if pd.isna(since) else pd.Timestamp(since).strftime("%Y-%m-%d")
        out.setdefault(row_id, []).append(f"{day}:{code}")
    return {k: " ".join(v) for k, v in out.items()}


@validate_params({"rows": _ROWS, "as_of": _DATE, "bib_href": [str]})
def rules_html(rows: pd.DataFrame | None = None, *, as_of: str | _dt.date | np.datetime64,
               bib_href: str = "../book/bibliography.html") -> str:
    """The filterable list of rules: one card per provision that opens to its details.

    Each card (``<details id="reg-<id>">``) shows, closed, the rule's status on ``as_of`` (from
    :func:`analysis.regulation.rules.status`), its jurisdiction, its name in words (instrument and
    provision, :func:`analysis.regulation.rules.rule_labels`) and its topic; opened, what it requires,
    its dates, whether it binds, its sources as linked short citations and its official text, how
    it was checked and, for a rule challenged in court, the court events. The filters (jurisdiction,
    topic, status, the date the status is shown for) are drawn by ``book/_static/regulation.js``
    from the ``data-*`` attributes written here; without JavaScript every card is listed.

    Parameters
    ----------
    rows : pandas.DataFrame, optional
        Rows of the regulation table (default: :func:`analysis.regulation.rules.provisions`); listed by
        jurisdiction (in the order of ``analysis.regulation.rules.JURISDICTIONS``), application
        date and id, as :func:`analysis.regulation.rules.in_force` orders them.
    as_of : str, datetime.date or numpy.datetime64
        The date the statuses are shown for (the report's "as of" date).
    bib_href : str
        The bibliography page, relative to the chapter (the citations link to its entries).

    Returns
    -------
    str
        An HTML fragment (a ``div.reg-rules``).
    """
    day = regulation.parse_date(as_of)
    t = regulation._table(rows)
    if t["id"].duplicated().any():
        raise ValueError(f"rows: duplicate id(s) {sorted(set(t.loc[t['id'].duplicated(), 'id']))}")
    for row_id in t["id"]:
        regulation.check_id(row_id, name="rows")
    for col in ("instrument", "provision", "requirement", "source"):
        if col not in t.columns:
            raise ValueError(f"rows: missing column {col!r}")
    lane = {j: i for i, j in enumerate(regulation.JURISDICTIONS)}
    order = t.assign(_lane=t["jurisdiction"].map(lane).fillna(len(lane)))
    order = order.sort_values(["_lane", "applies", "id"], na_position="last", kind="stable")
    codes = regulation.status(t, as_of=day)
    steps = _steps(regulation.status_changes(t))
    names = regulation.rule_labels(t)
    labels = dict(regulation.rule_labels(regulation.provisions()))
    labels.update(names)
    shown = set(t["id"])
    cites = short_citations()
    try:
        court = regulation.events()
    except ValueError:  # pragma: no cover - the curated tables are checked by their own tests
        court = pd.DataFrame(columns=["provision_id"])
    e = html.escape

    def opt(value, text, n):
        return f'<option value="{e(value, quote=True)}">{e(text)} ({n})</option>'

    juris = [j for j in regulation.JURISDICTIONS if j in set(t["jurisdiction"])]
    juris += sorted(set(t["jurisdiction"]) - set(juris))
    topics = [k for k in regulation.TOPICS if k in set(t["topic"])] + sorted(set(t["topic"]) - set(regulation.TOPICS))
    n_j, n_t, n_s = t["jurisdiction"].value_counts(), t["topic"].value_counts(), codes.value_counts()
    jur_opts = "".join(opt(j, regulation.JURISDICTION_LABELS.get(j, j), n_j[j]) for j in juris)
    top_opts = "".join(opt(k, regulation.TOPIC_LABELS.get(k, k.replace("_", " ")), n_t[k]) for k in topics)
    # status counts change with the date: the script rewrites them; these are the counts on as_of
    stat_opts = "".join(opt(s, regulation.STATUS_LABELS[s], int(n_s.get(s, 0))) for s in regulation.STATUSES)
    iso_day = day.isoformat()
    filters = (
        '<form class="reg-filters" hidden aria-label="Filter the rules" onsubmit="return false">'
        '<div class="reg-field"><label for="reg-f-jurisdiction">Jurisdiction</label>'
        f'<select id="reg-f-jurisdiction" data-filter="jurisdiction"><option value="">All jurisdictions</option>{jur_opts}</select></div>'
        '<div class="reg-field"><label for="reg-f-topic">Topic</label>'
        f'<select id="reg-f-topic" data-filter="topic"><option value="">All topics</option>{top_opts}</select></div>'
        '<div class="reg-field"><label for="reg-f-status">Status</label>'
        f'<select id="reg-f-status" data-filter="status"><option value="">Any status</option>{stat_opts}</select></div>'
        '<div class="reg-field"><label for="reg-f-date">Status on</label>'
        f'<input type="date" id="reg-f-date" data-filter="date" value="{iso_day}" min="1990-01-01" max="2099-12-31" required></div>'
        "</form>"
    )
    items = []
    for _, r in order.iterrows():
        row_id = r["id"]
        code = codes[row_id]
        jur, topic = r["jurisdiction"], r["topic"]
        weak = r["evidence"] != "seen_primary"
        ev_label = regulation.EVIDENCE_LABELS.get(r["evidence"], "not stated")
        checked = _iso(r.get("last_verified"))
        evidence = f"Read in the {ev_label}" if r["evidence"] == "seen_primary" else ev_label[0].upper() + ev_label[1:]
        if checked:
            evidence += f"; last checked {format_date(checked)}"
        url = _iso(r.get("url"))
        official = f' · <a class="reg-official" href="{e(url, quote=True)}">official or source text</a>' if url else ""
        facts = [
            ("Instrument", e(str(r["instrument"])) + (", " + e(str(r["provision"])) if _iso(r["provision"]) else "")),
            ("Jurisdiction", e(regulation.JURISDICTION_LABELS.get(jur, jur))),
            ("Topic", e(regulation.TOPIC_LABELS.get(topic, str(topic).replace("_", " ")))),
            ("Force", e(regulation.BINDING_LABELS.get(r["binding"], str(r["binding"])))),
            ("Dates", e(_dates_text(r))),
            ("Source", _cites(r["source"], cites=cites, bib_href=bib_href) + official),
            ("Evidence", e(evidence + ".") + (" " + _linked_text(r.get("note"), labels=labels, shown=shown) if _iso(r.get("note")) else "")),
        ]
        if _iso(r.get("searched")):
            facts.append(("Searched for the primary text", _linked_text(r["searched"], labels=labels, shown=shown)))
        ev = court[court["provision_id"] == row_id] if len(court) else court
        if len(ev):
            lines = "".join(
                f"<li>{e(format_date(_iso(x['date'])))}: {e(str(x['event']))} <em>Effect:</em> {e(str(x['effect']))} "
                f"({_cites(x['source'], cites=cites, bib_href=bib_href)}; "
                f"{e(regulation.EVIDENCE_LABELS.get(x['evidence'], 'not stated'))})</li>"
                for _, x in ev.iterrows()
            )
            facts.append(("In court", f'<ul class="reg-events">{lines}</ul>'))
        dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
        flag = ' <span class="reg-weak">secondary source</span>' if weak else ""
        items.append(
            f'<li class="reg-item" data-jurisdiction="{e(jur, quote=True)}" data-topic="{e(topic, quote=True)}" '
            f'data-status="{code}" data-steps="{e(steps[row_id], quote=True)}">'
            f'<details class="reg-card" id="{e(regulation.anchor(row_id), quote=True)}">'
            f'<summary><span class="reg-badge reg-s-{code}">{e(regulation.STATUS_BADGES[code])}</span>'
            f'<span class="reg-where">{e(regulation.JURISDICTION_SHORT.get(jur, jur))}</span>'
            f'<span class="reg-name" title="{e(names[row_id], quote=True)}">{e(names[row_id])}{flag}</span>'
            f'<span class="reg-topic">{e(regulation.TOPIC_LABELS.get(topic, str(topic).replace("_", " ")))}</span></summary>'
            f'<div class="reg-body"><p class="reg-req">{_linked_text(r["requirement"], labels=labels, shown=shown)}</p>'
            f'<dl class="reg-facts">{dl}</dl></div></details></li>'
        )
    meta = {
        "labels": {s: regulation.STATUS_LABELS[s] for s in regulation.STATUSES},
        "badges": {s: regulation.STATUS_BADGES[s] for s in regulation.STATUSES},
    }
    return (
        f'<div class="reg-rules reader-skip" data-as-of="{iso_day}" data-meta="{e(json.dumps(meta), quote=True)}">'
        f"{filters}"
        '<div class="reg-bar">'
        f'<p class="reg-count" role="status" aria-live="polite">{len(t)} rules, statuses on {e(format_date(iso_day))}.</p>'
        '<div class="reg-buttons" hidden><button type="button" class="reg-reset">Reset filters</button>'
        '<button type="button" class="reg-expand" aria-pressed="false">Open all</button></div></div>'
        f'<ul class="reg-list">{"".join(items)}</ul></div>'
    )


@validate_params({"rows": _ROWS, "as_of": _DATE})
def overview_html(rows: pd.DataFrame | None = None, *, as_of: str | _dt.date | np.datetime64) -> str:
    """A table by jurisdiction: how many rules, in force (and binding), adopted but not yet applying, ended.

    Parameters
    ----------
    rows : pandas.DataFrame, optional
        Rows of the regulation table (default: :func:`analysis.regulation.rules.provisions`).
    as_of : str, datetime.date or numpy.datetime64
        The date the statuses are counted on.

    Returns
    -------
    str
        An HTML table, one row per jurisdiction in the order of
        ``analysis.regulation.rules.JURISDICTIONS``; every cell in words or a count.
    """
    day = regulation.parse_date(as_of)
    t = regulation._table(rows)
    codes = regulation.status(t, as_of=day).to_numpy()
    t = t.assign(_status=codes)
    e = html.escape
    head = ["Jurisdiction", "Rules", "In force", "Binding, in force", "Not yet applying", "Ended"]
    body = []
    juris = [j for j in regulation.JURISDICTIONS if j in set(t["jurisdiction"])]
    for j in juris:
        g = t[t["jurisdiction"] == j]
        now = g[g["_status"] == "in_force"]
        cells = [
            e(regulation.JURISDICTION_LABELS.get(j, j)), str(len(g)), str(len(now)),
            str(int((now["binding"] == "yes").sum())), str(int((g["_status"] == "adopted").sum())),
            str(int((g["_status"] == "ended").sum())),
        ]
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return (
        '<table class="table reg-overview"><thead><tr>' + "".join(f"<th>{e(h)}</th>" for h in head)
        + "</tr></thead><tbody>" + "".join(body) + "</tbody></table>"
    )


def _reader_table(frame: pd.DataFrame, columns: dict, *, maps: dict | None = None, links: dict | None = None,
                  bib_href: str = "../book/bibliography.html") -> str:
    """A small table for readers: chosen columns under human headers, codes and dates in words.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows to show (no index is shown).
    columns : dict of str to str
        Column of ``frame`` -> the header a reader sees, in display order. A ``jurisdiction``,
        ``topic``, ``binding``, ``evidence`` or ``status`` column is shown by its label; a
        ``source`` column as linked short citations; dates as words.
    maps : dict, optional
        More column -> {code: label} maps.
    links : dict, optional
        Column -> the column holding a rule id: the cell links to that rule's card.
    bib_href : str
        The bibliography page, relative to the chapter.

    Returns
    -------
    str
        An HTML table (escaped).
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"columns: {missing} are not columns of frame")
    if not all(isinstance(v, str) and v for v in columns.values()):
        raise ValueError("columns: every header must be a non-empty string")
    cites = short_citations()
    maps = {
        **(maps or {}),
        "jurisdiction": regulation.JURISDICTION_LABELS, "topic": regulation.TOPIC_LABELS,
        "binding": regulation.BINDING_LABELS, "evidence": regulation.EVIDENCE_LABELS,
        "status": regulation.STATUS_LABELS,
    }
    e = html.escape
    body = []
    for _, r in frame.iterrows():
        cells = []
        for col in columns:
            v = r[col]
            if v is None or (not isinstance(v, (str, list, dict)) and pd.isna(v)):
                text = "\u2014"
            elif col in maps:
                text = maps[col].get(v, str(v))
            elif col == "source":
                cells.append(f"<td>{_cites(v, cites=cites, bib_href=bib_href)}</td>")
                continue
            elif isinstance(v, (pd.Timestamp, _dt.date, np.datetime64)):
                text = format_date(pd.Timestamp(v).strftime("%Y-%m-%d"))
            else:
                text = str(v)
            if links and col in links:
                row_id = regulation.check_id(r[links[col]], name="rows")
                cells.append(f'<td><a href="#reg-{row_id}">{e(text)}</a></td>')
            else:
                cells.append(f"<td>{e(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        '<table class="table"><thead><tr>' + "".join(f"<th>{e(h)}</th>" for h in columns.values())
        + "</tr></thead><tbody>" + "".join(body) + "</tbody></table>"
    )


#: Words for the codes of the disclosures table (``synthetic_data_usage.csv``).
STAGE_LABELS = {
    "pretraining": "pretraining", "post_training": "post-training", "released_dataset": "released dataset",
    "training_set_augmentation": "training-set augmentation", "unspecified": "not stated",
}
CHANNEL_LABELS = {
    "legal_template_eu": "EU training-content summary",
    "legal_template_ca_ab2013": "California AB 2013 documentation",
    "voluntary": "voluntary (paper, model card or post)",
}


@validate_params({"start": _DATE, "end": _DATE, "rows": _ROWS})
def changes_html(start: str | _dt.date | np.datetime64, end: str | _dt.date | np.datetime64, *,
                 rows: pd.DataFrame | None = None) -> str:
    """The rules that start or stop applying in the window ``start < date <= end``, as a table in words.

    Parameters
    ----------
    start, end : str, datetime.date or numpy.datetime64
        The window (see :func:`analysis.regulation.rules.changes_between`); ``end`` before ``start``
        is refused.
    rows : pandas.DataFrame, optional
        Rows of the regulation table (default: :func:`analysis.regulation.rules.provisions`).

    Returns
    -------
    str
        An HTML table: date, change, jurisdiction, rule (linked to its card), force, evidence.
    """
    t = regulation._table(rows)
    try:
        ch = regulation.changes_between(start, end, table=t)
    except ValueError as exc:
        raise ValueError(str(exc)) from None
    names = regulation.rule_labels(t)
    return _reader_table(
        ch.assign(rule=ch["id"].map(names)),
        {"date": "Date", "change": "Change", "jurisdiction": "Jurisdiction", "rule": "Rule", "binding": "Force",
         "evidence": "Evidence"},
        links={"rule": "id"},
    )


@validate_params({})
def events_html() -> str:
    """The court events on the rules (``regulation_events.csv``) as a table in words.

    Returns
    -------
    str
        An HTML table: date, kind of event, what happened, its effect, source, evidence.
    """
    ev = regulation.events()
    return _reader_table(
        ev.assign(date=ev["day"]),
        {"date": "Date", "kind": "Event", "event": "What happened", "effect": "Effect", "source": "Source",
         "evidence": "Evidence"},
    )


@validate_params({})
def disclosures_html() -> str:
    """The documented uses of synthetic data (``synthetic_data_usage.csv``) by disclosure channel.

    Returns
    -------
    str
        An HTML table: model or dataset, developer, year, how it was disclosed, training stage,
        the model that generated the data, the synthetic share, the basis of the token count,
        source and evidence; sorted by channel, year and name.
    """
    usage = data.load("synthetic_data_usage")
    shown = usage.assign(
        share=usage["synthetic_share"].map(lambda v: None if pd.isna(v) else f"{100 * v:.0f}%"),
    ).sort_values(["disclosure_channel", "year", "name"])
    return _reader_table(
        shown,
        {"name": "Model or dataset", "developer": "Developer", "year": "Year", "disclosure_channel": "Disclosed in",
         "stage": "Stage", "generator": "Generator", "share": "Synthetic share", "tokens_basis": "Size stated as",
         "source": "Source", "evidence": "Evidence"},
        maps={"disclosure_channel": CHANNEL_LABELS, "stage": STAGE_LABELS},
    )


@validate_params({"rows": _ROWS})
def unverified_html(rows: pd.DataFrame | None = None) -> str:
    """The rules not read in their primary text, with what was searched for it.

    Parameters
    ----------
    rows : pandas.DataFrame, optional
        Rows of the regulation table (default: :func:`analysis.regulation.rules.provisions`).

    Returns
    -------
    str
        An HTML table: jurisdiction, rule (linked to its card), evidence, what was searched.
    """
    t = regulation._table(rows)
    weak = t[t["evidence"] != "seen_primary"]
    lane = {j: i for i, j in enumerate(regulation.JURISDICTIONS)}
    weak = weak.assign(_lane=weak["jurisdiction"].map(lane)).sort_values(["_lane", "id"])
    names = regulation.rule_labels(t)
    searched = weak["searched"] if "searched" in weak.columns else pd.Series(None, index=weak.index)
    return _reader_table(
        weak.assign(rule=weak["id"].map(names), searched=searched),
        {"jurisdiction": "Jurisdiction", "rule": "Rule", "evidence": "Evidence", "searched": "Searched for the primary text"},
        links={"rule": "id"},
    )
