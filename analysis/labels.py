"""Human labels for what a reader sees: column names, evidence tags and sources as short citations.

The curated tables and the package's result frames name things for code (``usd_median``,
``seen_secondary``, ``villalobos2024will``); a page shows a reader words ("median cost (USD)",
"secondary source", "Villalobos et al. 2024" linked to the bibliography). The maps live here, once,
so every chapter labels the same field the same way; :func:`display_table` applies them all to a
DataFrame about to be shown.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .validation import InstanceOf, validate_params

__all__ = ["EVIDENCE_LABELS", "COLUMN_LABELS", "evidence_label", "column_label", "short_citation",
           "citations_html", "display_table"]

_BIB = Path(__file__).resolve().parent.parent / "book" / "references.bib"

#: What each evidence tag of the curated tables means, in a reader's words.
EVIDENCE_LABELS = {
    "seen_primary": "primary source",
    "seen_secondary": "secondary source",
    "computed": "computed",
    "recalled_unverified": "recalled, not verified",
}

#: Column names that are not plain words once their underscores become spaces.
COLUMN_LABELS = {
    "evidence": "evidence",
    "source": "source",
    "sources": "sources",
    "id": "reference",
    "usd_median": "median (USD)",
    "usd_p05": "5th percentile (USD)",
    "usd_p95": "95th percentile (USD)",
    "cost_usd": "cost (USD)",
    "kg_per_kwh": "kg CO₂e per kWh",
    "pue": "PUE (power usage effectiveness)",
    "mwh": "energy (MWh)",
    "tco2e": "emissions (t CO₂e)",
    "reported_by": "reported by",
    "tokens_basis": "basis of the token count",
    "training_tokens": "training tokens",
    "release_date": "release date",
    "publication_date": "publication date",
    "last_verified": "last checked",
    "date_adopted": "adopted",
    "date_applies": "applies from",
    "date_ends": "ends",
    "n_rows": "rows",
    "total": "total",
    # the ranges of chapter 7's energy model (analysis.energy)
    "mfu": "model FLOP utilisation",
    "power_fraction": "share of the chips' rated power drawn",
    "host_factor": "server overhead factor (host, network)",
    "efficiency": "energy efficiency",
    # the data tables of chapters 4 and 6
    "hearts": "heart disease",
    # values of the synthetic-data usage table (claims page, chapter 2)
    "llm_generated_text": "text written by a model",
    "model_predicted_labels": "labels predicted by an earlier model",
    "teacher_distillation": "distillation from a teacher model",
    "post_training": "post-training",
    "legal_template_eu": "EU training-content summary",
    "legal_template_ca_ab2013": "California AB 2013",
}

# unit suffixes of field names, shown in brackets after the words
_UNITS = {"usd": "USD", "pct": "%", "kwh": "kWh", "mwh": "MWh", "gwh": "GWh", "kg": "kg", "t": "t",
          "tco2e": "t CO₂e", "flop": "FLOP", "h": "hours", "hours": "hours", "w": "W", "kw": "kW", "gb": "GB"}
_SNAKE = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+$")
# statistics at the end of a field name, shown in brackets
_STATS = {"p5": "5th percentile", "p05": "5th percentile", "p10": "10th percentile", "p90": "90th percentile",
          "p95": "95th percentile", "median": "median", "mean": "mean", "low": "low", "high": "high", "se": "standard error"}


@validate_params({"tag": [str]})
def evidence_label(tag: str) -> str:
    """The reader's words for an evidence tag: ``seen_secondary`` -> ``"secondary source"``.

    Parameters
    ----------
    tag : str
        One of :data:`EVIDENCE_LABELS` (``analysis.data.EVIDENCE_LEVELS``).

    Returns
    -------
    str
    """
    if tag not in EVIDENCE_LABELS:
        raise ValueError(f"tag: {tag!r} is not an evidence tag; one of {', '.join(EVIDENCE_LABELS)}")
    return EVIDENCE_LABELS[tag]


@validate_params({"name": [str]})
def column_label(name: str) -> str:
    """The reader's words for a column name: :data:`COLUMN_LABELS` where listed, else the name in words.

    A snake_case name not listed becomes its words, with a trailing unit in brackets
    (``cost_per_token_usd`` -> ``"cost per token (USD)"``); any other name is returned unchanged
    (it is already words, such as ``"Real data"``).

    Parameters
    ----------
    name : str
        A column name.

    Returns
    -------
    str
    """
    if name in COLUMN_LABELS:
        return COLUMN_LABELS[name]
    if not _SNAKE.match(name):
        return name
    words = name.split("_")
    notes = []
    if len(words) > 1 and words[-1] in _STATS:
        notes.append(_STATS[words.pop()])
    if len(words) > 1 and words[-1].lower() in _UNITS and words[-1] not in ("t",):
        notes.insert(0, _UNITS[words.pop().lower()])
    text = " ".join(words)
    return f"{text} ({', '.join(notes)})" if notes else text


@lru_cache(maxsize=1)
def _bib_entries() -> dict[str, dict[str, str]]:
    text = _BIB.read_text(encoding="utf-8")
    entries: dict[str, dict[str, str]] = {}
    for m in re.finditer(r"@\w+\s*\{\s*([^,\s]+)\s*,(.*?)\n\}", text, flags=re.S):
        fields = {}
        for f in re.finditer(r"(\w+)\s*=\s*(\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\}|\"[^\"]*\"|\d+)", m.group(2)):
            value = f.group(2)
            if value[0] in "{\"":
                value = value[1:-1]
            fields[f.group(1).lower()] = " ".join(value.split())
        entries[m.group(1)] = fields
    return entries


_ACCENTS = {"'": "\u0301", "`": "\u0300", '"': "\u0308", "^": "\u0302", "~": "\u0303", "=": "\u0304",
            ".": "\u0307", "c": "\u0327", "v": "\u030c", "u": "\u0306", "H": "\u030b", "r": "\u030a"}
_LETTERS = {"o": "ø", "O": "Ø", "ss": "ß", "ae": "æ", "AE": "Æ", "l": "ł", "L": "Ł", "i": "ı", "aa": "å", "AA": "Å"}


def _plain_latex(text: str) -> str:
    """BibTeX's LaTeX accents as Unicode (``Rold\\'an`` -> ``Roldán``), braces removed."""
    import unicodedata

    text = re.sub(r"\\([a-zA-Z]{1,2})\b(?![a-zA-Z{])\s*", lambda m: _LETTERS.get(m.group(1), m.group(0)), text)
    text = re.sub(r"\{\\([a-zA-Z]{1,2})\}", lambda m: _LETTERS.get(m.group(1), m.group(0)), text)
    text = re.sub(r"\\([\'`\"^~=.]|[cvuHr](?=[{ ]))\s*\{?\s*([A-Za-z])\}?",
                  lambda m: m.group(2) + _ACCENTS[m.group(1)], text)
    return unicodedata.normalize("NFC", text.replace("{", "").replace("}", ""))


def _last_name(author: str) -> str:
    author = author.strip()
    if author.startswith("{") and author.endswith("}"):  # an organisation, {Epoch AI}
        return _plain_latex(author[1:-1])
    name = author.split(",")[0] if "," in author else author.split()[-1]
    return _plain_latex(name).strip()


@validate_params({"key": [str]})
def short_citation(key: str) -> str:
    """The short author-year citation of a BibTeX key of book/references.bib: ``"Villalobos et al. 2024"``.

    One author: ``"Name 2024"``; two: ``"Name and Other 2024"``; more: ``"Name et al. 2024"``.
    An entry without authors is cited by its editor, organisation or, last, its title's first words.

    Parameters
    ----------
    key : str
        A BibTeX key.

    Returns
    -------
    str
    """
    entries = _bib_entries()
    if key not in entries:
        raise ValueError(f"key: {key!r} is not a BibTeX key of book/references.bib")
    e = entries[key]
    who = e.get("author") or e.get("editor") or e.get("organization") or e.get("institution") or e.get("publisher")
    year = e.get("year") or e.get("date", "")[:4] or "n.d."
    if not who:
        title = _plain_latex(e.get("title", key))
        words = title.split()
        who = " ".join(words[:4]) + ("…" if len(words) > 4 else "")
        return f"{who} {year}"
    authors = [a for a in re.split(r"\s+and\s+", who) if a.strip()]
    names = [_last_name(a) for a in authors]
    if len(names) == 1:
        lead = names[0]
    elif len(names) == 2:
        lead = f"{names[0]} and {names[1]}"
    else:
        lead = f"{names[0]} et al."
    return f"{lead} {year}"


@validate_params({"keys": [str], "href": [str]})
def citations_html(keys: str, *, href: str = "../book/bibliography.html") -> str:
    """Linked short citations for one or more BibTeX keys (separated by ``;``, ``,`` or spaces).

    Each key becomes ``<a href="{href}#ref-KEY">Author et al. 2024</a>`` (the site gives every
    bibliography entry the anchor ``ref-KEY``: tools/cite_anchors.py); a text that is not a key is
    kept, escaped, as it is.

    Parameters
    ----------
    keys : str
        BibTeX keys, such as ``"tarantola2025elon;wiggers2025elon"``.
    href : str
        Path from the page to the bibliography page.

    Returns
    -------
    str
        HTML, the citations separated by ``"; "``; empty for an empty ``keys``.
    """
    entries = _bib_entries()
    out = []
    for part in re.split(r"[;,\s]+", keys.strip()):
        if not part:
            continue
        if part in entries:
            out.append(f'<a class="reader-cite" href="{html.escape(href)}#ref-{html.escape(part)}">'
                       f"{html.escape(short_citation(part))}</a>")
        else:
            out.append(html.escape(part))
    return "; ".join(out)


_SOURCE_COLUMNS = ("source", "sources", "reported_by_source", "source_key")


@validate_params({"frame": [InstanceOf(pd.DataFrame, "a pandas DataFrame")], "href": [str]})
def display_table(frame: pd.DataFrame, *, href: str = "../book/bibliography.html") -> str:
    """HTML of ``frame`` as a reader should see it: words for columns, tags and sources; no index.

    Columns are renamed with :func:`column_label`; an ``evidence`` column shows
    :func:`evidence_label`; a ``source``/``sources`` column of BibTeX keys shows
    :func:`citations_html`; a snake_case cell value is shown in words (:func:`column_label`);
    every other cell is escaped text. A named or non-default index is
    shown as the first column (under its label), a default 0..n-1 index not at all.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table to show.
    href : str
        Path from the page to the bibliography page.

    Returns
    -------
    str
        An HTML ``<table>``.
    """
    df = frame.copy()
    if not (isinstance(df.index, pd.RangeIndex) and df.index.start == 0 and df.index.step == 1 and df.index.name is None):
        df = df.reset_index()
    cells = {}
    for col in df.columns:
        name = str(col)
        values = df[col]
        if name == "evidence":
            shown = [evidence_label(v) if isinstance(v, str) and v in EVIDENCE_LABELS else _text(v) for v in values]
        elif name in _SOURCE_COLUMNS or _all_keys(values):
            shown = [citations_html(v, href=href) if isinstance(v, str) else _text(v) for v in values]
        else:
            # a code-like value (snake_case, such as a boundary "gpu_only") is shown in words
            shown = [html.escape(column_label(v) if isinstance(v, str) and _SNAKE.match(v) else _text(v)) for v in values]
        if name == "evidence":
            shown = [html.escape(s) for s in shown]
        cells[column_label(name)] = shown
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cells)
    rows = "".join("<tr>" + "".join(f"<td>{cells[c][i]}</td>" for c in cells) + "</tr>" for i in range(len(df)))
    return f'<table class="table reader-labelled"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _all_keys(values) -> bool:
    """Whether every non-empty cell is one or more BibTeX keys (a column of sources, whatever its name)."""
    entries = _bib_entries()
    parts = [p for v in values if isinstance(v, str) for p in re.split(r"[;,\s]+", v.strip()) if p]
    return bool(parts) and all(p in entries for p in parts) and all(isinstance(v, str) or v is None for v in values)


def _text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        return f"{value:,.4g}"
    return str(value)
