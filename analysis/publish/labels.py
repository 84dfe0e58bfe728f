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

from analysis.core.validation import InstanceOf, validate_params

__all__ = ["EVIDENCE_LABELS", "COLUMN_LABELS", "evidence_label", "column_label", "short_citation",
           "short_citations", "citations_html", "display_table"]

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
        One of :data:`EVIDENCE_LABELS` (``analysis.data.loader.EVIDENCE_LEVELS``).

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


@lru_cache(maxsize=4)
def _citations_cached(path: str, mtime: float) -> dict[str, str]:
    import codecs

    import latexcodec  # noqa: F401 - registers the "ulatex" codec (a dependency of pybtex)
    from pybtex.database import parse_file

    def plain(latex: str) -> str:
        # accents such as {\'e} decoded; grouping braces dropped (pybtex's own renderer loads a
        # plugin per call: seconds for the whole bibliography)
        try:
            text = codecs.decode(latex, "ulatex")
        except Exception:  # pragma: no cover - malformed LaTeX: show it without braces
            text = latex
        return " ".join(text.replace("{", "").replace("}", "").split())

    out = {}
    for key, entry in parse_file(path, bib_format="bibtex").entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [plain(" ".join(p.prelast_names + p.last_names)) for p in people]
        others = any(str(p) == "others" for p in people)
        names = [n for n in names if n != "others"]
        if not names:
            title = plain(entry.fields.get("title", key))
            who = title.split(" (")[0].split(": ")[0]
        elif len(names) == 1:
            who = names[0] + (" et al." if others else "")
        elif len(names) == 2 and not others:
            who = f"{names[0]} and {names[1]}"
        else:
            who = f"{names[0]} et al."
        year = entry.fields.get("year", "").strip() or entry.fields.get("date", "").strip()[:4] or "n.d."
        out[key] = f"{who} {year}"
    return out


@validate_params({})
def short_citations() -> dict[str, str]:
    """Author-year citations of every entry of ``book/references.bib``, as a reader sees them.

    An organisation written in braces is named in full ("European Parliament and Council of the
    European Union 2024"); two authors are joined by "and", three or more (or "and others") become
    "First et al."; an entry without author or editor is named by its title up to the first
    parenthesis or colon; an entry without a year ends in "n.d.". Parsed with pybtex, LaTeX
    accents decoded with latexcodec; cached until the file changes.

    Returns
    -------
    dict of str to str
        BibTeX key to short citation.
    """
    from analysis.data import loader as data

    path = Path(data.BIB_PATH)
    return dict(_citations_cached(str(path), path.stat().st_mtime))


@validate_params({"key": [str]})
def short_citation(key: str) -> str:
    """The short author-year citation of a BibTeX key of book/references.bib: ``"Villalobos et al. 2024"``.

    One entry of :func:`short_citations`: one author ``"Name 2024"``; two ``"Name and Other 2024"``;
    more ``"Name et al. 2024"``; an entry without author or editor by its title.

    Parameters
    ----------
    key : str
        A BibTeX key.

    Returns
    -------
    str
    """
    cites = short_citations()
    if key not in cites:
        raise ValueError(f"key: {key!r} is not a BibTeX key of book/references.bib")
    return cites[key]


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
    entries = short_citations()
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
    entries = short_citations()
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
