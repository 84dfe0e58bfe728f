"""Cite blocks: every figure, table and headline finding of a page gets a stable anchor and a "Cite" block.

Called by ``tools/reader_site.py`` on each page's rendered body (``html-page-context``), so it
sees what a reader sees, whichever extension or notebook output made the element: docutils
figures, tables written by pandas or ``analysis.publish.tables`` as raw HTML, and elements whose id
starts with ``finding-`` (the landing page's findings; a headline with a ``finding-N-detail``
block is cited once, its block at the end of the detail). The body is not re-serialised: the
positions of the elements are found with :class:`html.parser.HTMLParser` and the blocks are
spliced in, so nothing else on the page changes.

Each block is a ``<details class="reader-cite">`` with a plain-text citation and a BibTeX entry
giving the report's title, version and release date (``CITATION.cff``), the page and the anchor
(``page.html#id``); the full address only when ``_config.yml`` names the site's
(``reader_site_url``), never an invented one.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]
# elements that cannot hold a block: the cite block goes right after them instead of inside
INLINE_OR_PARAGRAPH = {"p", "span", "a", "strong", "em", "b", "i", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "td", "th", "caption"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Meta:
    """The report's bibliographic data (from CITATION.cff) and the site's address, if any."""

    title: str
    author: str
    version: str
    date: str  # ISO date of the release
    site_url: str = ""

    @property
    def year(self) -> str:
        return self.date[:4]

    @property
    def long_date(self) -> str:
        try:
            y, m, d = (int(x) for x in self.date.split("-"))
            return f"{d} {MONTH_NAMES[m - 1]} {y}"
        except ValueError:
            return self.date


@dataclass
class Target:
    kind: str          # "figure", "table" or "finding"
    tag: str
    start: int         # offset of "<tag"
    start_end: int     # offset just after the start tag's ">"
    end: int = -1      # offset just after the end tag (-1: not closed)
    id: str = ""
    text: list | None = None  # text inside (for labels)
    caption_number: str = ""
    caption_text: str = ""
    heading: str = ""  # nearest heading before the element


class _Finder(HTMLParser):
    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.source = source
        self.line_starts = [0]
        for m in re.finditer("\n", source):
            self.line_starts.append(m.end())
        self.targets: list[Target] = []
        self.open: list[tuple[Target, int]] = []  # (target, depth of its tag)
        self.depth: dict[str, int] = {}
        self.heading = ""
        self._in_heading = 0
        self._heading_buf: list[str] = []
        self._caption: list[tuple[Target, str]] = []  # (figure/table, "number"/"text") being read

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        pos = self._offset()
        text = self.get_starttag_text() or ""
        if tag not in VOID:
            self.depth[tag] = self.depth.get(tag, 0) + 1
        if tag in ("h1", "h2", "h3", "h4"):
            self._in_heading += 1
            self._heading_buf = []
        cls = (a.get("class") or "").split()
        kind = None
        if tag == "figure":
            kind = "figure"
        elif tag == "table" and not any(c in cls for c in ("reader-skip",)):
            kind = "table"
        elif (a.get("id") or "").startswith("finding-"):
            kind = "finding"
        if kind and not any(t.kind == kind == "table" for t, _ in self.open):
            t = Target(kind, tag, pos, pos + len(text), id=a.get("id") or "", text=[], heading=self.heading)
            self.targets.append(t)
            if tag not in VOID:
                self.open.append((t, self.depth[tag]))
        if "caption-number" in cls:
            self._caption.append((self._innermost(("figure", "table")), "number"))
        elif "caption-text" in cls or tag == "caption":
            self._caption.append((self._innermost(("figure", "table")), "text"))

    def _innermost(self, kinds) -> Target | None:
        for t, _ in reversed(self.open):
            if t.kind in kinds:
                return t
        return None

    def handle_endtag(self, tag):
        pos = self._offset()
        if tag in ("h1", "h2", "h3", "h4") and self._in_heading:
            self._in_heading -= 1
            self.heading = re.sub(r"\s+", " ", "".join(self._heading_buf)).strip().rstrip("#").strip()
        depth = self.depth.get(tag, 0)
        if self.open and self.open[-1][0].tag == tag and self.open[-1][1] == depth:
            t, _ = self.open.pop()
            close = self.source.find(">", pos)
            t.end = close + 1
        if tag in ("span", "caption") and self._caption:
            self._caption.pop()
        if tag not in VOID and depth:
            self.depth[tag] = depth - 1

    def handle_data(self, data):
        if self._in_heading:
            self._heading_buf.append(data)
        for t, _ in self.open:
            t.text.append(data)
        if self._caption:
            t, part = self._caption[-1]
            if t is not None:
                if part == "number":
                    t.caption_number += data
                else:
                    t.caption_text += data


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-") or "x"


def first_sentence(text: str, words: int = 25) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    m = re.match(r"(.+?[.!?])(\s|$)", text)
    sentence = m.group(1) if m else text
    parts = sentence.split()
    out = " ".join(parts[:words]) + (" …" if len(parts) > words else "")
    return out.rstrip(".")


def _label(t: Target, n_tables: int) -> tuple[str, str]:
    """(label, title) of a target, as a reader sees it: ("Figure 2.3", "Cost of ...")."""
    number = re.sub(r"\s+", " ", t.caption_number).strip().rstrip(":.").strip()
    number = re.sub(r"^Fig\.?\s", "Figure ", number)
    caption = first_sentence(t.caption_text) if t.caption_text.strip() else ""
    if t.kind == "figure":
        return number or "Figure", caption
    if t.kind == "table":
        if number:
            return number, caption
        return f"Table {n_tables}", caption or (f"in the section “{t.heading}”" if t.heading else "")
    text = first_sentence("".join(t.text or []))
    n = t.id.removeprefix("finding-")
    return f"Finding {n}" if n.isdigit() else "Finding", text


def _bibtex_escape(text: str) -> str:
    return re.sub(r"([&%$#_{}])", r"\\\1", text)


def cite_html(meta: Meta, page_path: str, page_title: str, anchor: str, label: str, title: str) -> str:
    """The cite block for one element (``page_path`` relative to the site's root, e.g. ``notebooks/02_cost.html``)."""
    e = html.escape
    where = f"{page_path}#{anchor}"
    url = f"{meta.site_url.rstrip('/')}/{where}" if meta.site_url else ""
    what = (f"{label} {title}" if title.startswith("in the section") else f"{label}: {title}") if title else label
    plain = (
        f"{meta.author} ({meta.year}). {what}. In: {meta.title}, version {meta.version}, "
        f"{meta.long_date}; page “{page_title}”, " + (url if url else where) + ". CC-BY-4.0."
    )
    key = "sdr" + meta.year + "_" + re.sub(r"[^a-z0-9]+", "_", anchor.lower()).strip("_")
    month = MONTHS[int(meta.date[5:7]) - 1] if re.match(r"\d{4}-\d\d", meta.date) else ""
    fields = [
        ("author", "{" + _bibtex_escape(meta.author) + "}"),
        ("title", "{" + _bibtex_escape(what) + "}"),
        ("booktitle", _bibtex_escape(meta.title)),
        ("year", meta.year),
    ]
    bib = [f"@misc{{{key},"]
    bib += [f"  {k:<9}= {{{v}}}," for k, v in fields]
    if month:
        bib.append(f"  month    = {month},")
    bib.append(f"  version  = {{{meta.version}}},")
    bib.append(f"  note     = {{Version {meta.version}, {meta.long_date}; page “{_bibtex_escape(page_title)}”, "
               f"{_bibtex_escape(where).replace('#', chr(92) + '#')}}},")
    if url:
        bib.append(f"  url      = {{{url}}},")
    bib[-1] = bib[-1].rstrip(",")
    bib.append("}")
    return (
        f'<details class="reader-cite" data-cite-for="{e(anchor)}"><summary>Cite</summary>'
        f'<div class="reader-cite-body"><p class="reader-cite-text">{e(plain)}</p>'
        f'<p class="reader-cite-anchor">Link: <a href="#{e(anchor)}">{e(url or where)}</a></p>'
        f'<pre class="reader-cite-bibtex">{e(chr(10).join(bib))}</pre></div></details>'
    )


def add_cite_blocks(body: str, meta: Meta, page_path: str, page_title: str) -> str:
    """``body`` with an id on every figure and table that lacks one and a cite block on each target."""
    if not re.search(r"<figure|<table|id=\"finding-", body):
        return body
    finder = _Finder(body)
    finder.feed(body)
    finder.close()
    used = set(re.findall(r'\bid="([^"]+)"', body))
    inserts: list[tuple[int, str]] = []
    n_tables = 0
    per_heading: dict[str, int] = {}
    # A finding told twice (a headline ``finding-N`` and its detail ``finding-N-detail``) is cited
    # once, under the headline's anchor, with the block at the end of the detail: the headline
    # panel stays one sentence per finding, on the first screen.
    details = {t.id.removesuffix("-detail"): t for t in finder.targets
               if t.kind == "finding" and t.end >= 0 and re.fullmatch(r"finding-\d+-detail", t.id)}
    for t in finder.targets:
        if t.end < 0 or (t.kind == "finding" and t.id.removesuffix("-detail") in details and t.id.endswith("-detail")):
            continue
        if t.kind == "table":
            n_tables += 1
        if not t.id:
            label, title = _label(t, n_tables)
            if t.kind == "table":
                h = slug(t.heading) if t.heading else "page"
                per_heading[h] = per_heading.get(h, 0) + 1
                base = f"table-{h}-{per_heading[h]}"
            else:
                base = "figure-" + slug(title or t.heading or "page")
            new, i = base, 2
            while new in used:
                new, i = f"{base}-{i}", i + 1
            used.add(new)
            t.id = new
            inserts.append((t.start + 1 + len(t.tag), f' id="{new}"'))
        label, title = _label(t, n_tables)
        block = cite_html(meta, page_path, page_title, t.id, label, title)
        if t.kind == "finding" and t.id in details:
            d = details[t.id]
            inserts.append((body.rfind("</", d.start, d.end), block))
        elif t.kind == "finding" and t.tag not in INLINE_OR_PARAGRAPH:
            close_at = body.rfind("</", t.start, t.end)
            inserts.append((close_at, block))
        elif t.kind == "figure":
            close_at = body.rfind("</", t.start, t.end)
            inserts.append((close_at, block))
        else:
            inserts.append((t.end, block))
    out = body
    for pos, text in sorted(inserts, key=lambda x: x[0], reverse=True):
        out = out[:pos] + text + out[pos:]
    return out
