"""Sphinx extension: the reader's features of the site, generic over every page of the table of contents.

- **Provenance.** Every value pasted with ``{glue:text}``/``{glue}`` (local or ``path::key``) is
  wrapped in a link to its entry on the provenance page (``book/provenance``), whose content is
  built from the executed notebooks: the cell that glued the value (its code), the datasets it
  read, the ``analysis`` functions called, the rows (when the value is a row) and the BibTeX keys
  of those rows. The records are written at run time by ``analysis.publish.provenance``. The whole index
  is also written as ``provenance.json`` at the root of the site.
- **Figures.** Under each ``{glue:figure}``: SVG and PNG downloads (written by
  ``analysis.publish.plotting.glue_figure`` beside the figure's data CSV), a provenance link and a
  "cite this figure" line.
- **Dates and downloads.** Each page shows the report's version and the date its sources were
  last checked (the page's glued ``*evidence_as_of`` value, from :mod:`analysis.publish.freshness`; the
  page's own text states its newest evidence; the landing page shows the latest of all
  chapters), and notebook pages offer their executed ``.ipynb``. The build date ("Last updated")
  is removed. The version and release date come from ``CITATION.cff``.
- **Data downloads.** ``analysis/data/*.csv`` and ``*.schema.yml`` are copied to ``data/``.
- **Tables and phone.** ``_static/reader.js``/``reader.css`` make tables searchable, sortable and
  downloadable with the DataTables bundle shipped by ``itables`` (copied to ``_static``, never
  loaded from a CDN), and fix the phone navigation of sphinx-book-theme 1.3 on
  pydata-sphinx-theme 0.17.
- **Search** finds numbers and years: Sphinx's ``searchtools.js`` drops digit-only query terms,
  the patched copy keeps them (the index already holds them).
"""

from __future__ import annotations

import html
import json
import sys
import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reader_cite import Meta, add_cite_blocks  # noqa: E402

LOG = logging.getLogger(__name__)
PROVENANCE_DOC = "book/provenance"
DATA_DOC = "notebooks/90_data_provenance"
BIB_DOC = "book/bibliography"
ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------------------------------------
# metadata: version and date from CITATION.cff


def _citation(root: Path) -> dict:
    import yaml

    path = root / "CITATION.cff"
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}


def anchor(docname: str, key: str) -> str:
    """The id of a glued value's entry on the provenance page."""
    return "p-" + re.sub(r"[^A-Za-z0-9_-]+", "-", f"{docname}-{key}").strip("-").lower()


# ---------------------------------------------------------------------------------------------
# tagging pasted values and figures with their glue key


def _patch_myst_nb() -> None:
    from myst_nb.ext.glue import crossref, directives, roles

    if getattr(roles, "_reader_patched", False):
        return

    def tag(result, docname, key):
        for node in result:
            if isinstance(node, nodes.Element):
                node["reader_glue"] = f"{docname}::{key}"
        return result

    def wrap_role(cls):
        original = cls.run

        def run(self):
            produced, messages = original(self)
            if "::" not in self.text:  # pending cross-document refs are tagged when resolved
                key = self.text.rsplit(":", 1)[0] if cls is roles.PasteTextRole else self.text
                tag(produced, self.document.settings.env.docname, key)
            return produced, messages

        cls.run = run

    for cls in (roles.PasteTextRole, roles.PasteRoleAny):
        wrap_role(cls)

    original_text_nodes = crossref.generate_text_nodes
    original_any_nodes = crossref.generate_any_nodes

    def generate_text_nodes(node, output):
        return tag(original_text_nodes(node, output), node.refdoc, node.key)

    def generate_any_nodes(node, output, *args, **kwargs):
        return tag(original_any_nodes(node, output, *args, **kwargs), node.refdoc, node.key)

    crossref.generate_text_nodes = generate_text_nodes
    crossref.generate_any_nodes = generate_any_nodes

    original_fig = directives.PasteFigureDirective.run

    def fig_run(self):
        result = original_fig(self)
        for node in result:
            if isinstance(node, nodes.figure):
                node["reader_glue"] = f"{self.document.settings.env.docname}::{self.arguments[0]}"
        return result

    directives.PasteFigureDirective.run = fig_run
    roles._reader_patched = True


# ---------------------------------------------------------------------------------------------
# reading the provenance records from the executed notebooks


def _exec_folder(app: Sphinx) -> Path:
    return Path(app.env.mystnb_config.output_folder)  # type: ignore[attr-defined]


def collect(app: Sphinx) -> dict[str, dict]:
    """{"docname::key": entry} for every glued value of every document.

    myst-nb keeps each notebook's glued outputs, with their metadata (where
    ``analysis.publish.glue.glue_value`` puts the provenance record), in ``<docname>.glue.json``;
    the executed notebook beside it gives the number of the code cell whose source is the record's.
    """
    import nbformat

    folder = _exec_folder(app)
    entries: dict[str, dict] = {}
    for docname in sorted(app.env.found_docs):
        glue_path = folder / f"{docname}.glue.json"
        if not glue_path.exists():
            continue
        glued = json.loads(glue_path.read_text(encoding="utf-8"))
        cells: list[str] = []
        nb_path = folder / f"{docname}.ipynb"
        if nb_path.exists():
            nb = nbformat.read(nb_path, as_version=4)
            cells = [c.source.strip() for c in nb.cells if c.cell_type == "code"]
        for key, output in glued.items():
            meta = output.get("metadata", {}) or {}
            data = output.get("data", {})
            kind = "figure" if any("image/" in m for m in data) else "value"
            text = next((v for m, v in data.items() if m.endswith("text/plain")), "")
            prov = meta.get("provenance") or {}
            code = (prov.get("code") or "").strip()
            if not code:  # glued without a record: the cell that names the key literally
                code = next((c for c in cells if f'"{key}"' in c or f"'{key}'" in c), "")
            cell = cells.index(code) + 1 if code in cells else None
            entries[f"{docname}::{key}"] = {
                "key": key,
                "doc": docname,
                "kind": kind,
                "value": text if kind == "value" else "",
                "cell": cell,
                "code": code,
                "datasets": prov.get("datasets", []),
                "functions": prov.get("functions", []),
                "rows": prov.get("rows", {}),
                "recorded": bool(prov),
                "checks": prov.get("checks", {}),
            }
    return entries


def _dataset_sources(data_dir: Path) -> dict[str, dict[str, list[str]]]:
    """dataset -> {row key: [BibTeX keys]} from the curated CSVs (primary key from the schema)."""
    import csv

    import yaml

    out: dict[str, dict[str, list[str]]] = {}
    for csv_path in sorted(data_dir.glob("*.csv")):
        schema_path = csv_path.with_suffix(".schema.yml")
        pk = None
        if schema_path.exists():
            pk = (yaml.safe_load(schema_path.read_text(encoding="utf-8")) or {}).get("primary_key")
        rows: dict[str, list[str]] = {}
        with open(csv_path, newline="", encoding="utf-8") as f:
            for i, row in enumerate(csv.DictReader(f)):
                if isinstance(pk, list):
                    rk = "|".join(str(row.get(k, "")) for k in pk)
                else:
                    rk = str(row.get(pk, i)) if pk else str(i)
                rows[rk] = [k.strip() for k in re.split(r"[;,]", row.get("source", "") or "") if k.strip()]
        out[csv_path.stem] = rows
    return out


def enrich(entries: dict[str, dict], data_dir: Path) -> None:
    """Add the BibTeX keys of the datasets (or rows) each entry read."""
    sources = _dataset_sources(data_dir)
    for e in entries.values():
        keys: dict[str, None] = {}  # in the order of the datasets and their rows: the lead names the first
        for ds in e["datasets"]:
            rows = sources.get(ds, {})
            picked = e["rows"].get(ds)
            for rk, bib in rows.items():
                if picked is None or rk in picked:
                    keys.update(dict.fromkeys(bib))
        e["bibtex"] = list(keys)


# ---------------------------------------------------------------------------------------------
# linking pasted values and decorating figures


def _tooltip(e: dict | None) -> str:
    if e is None:
        return "Where this number comes from"
    parts = [f"{e['key']}: computed in {e['doc']}" + (f", code cell {e['cell']}" if e["cell"] else "")]
    if e["functions"]:
        parts.append("functions: " + ", ".join(f.removeprefix("analysis.") for f in e["functions"][:4]))
    if e["datasets"]:
        parts.append("data: " + ", ".join(e["datasets"]))
    return "; ".join(parts) + ". Click for code, data and sources."


class LinkGluedValues(SphinxPostTransform):
    """Wrap each pasted value in a link to its provenance entry; add downloads under glued figures."""

    default_priority = 20  # after myst-nb resolves cross-document glue (priority 5)

    def apply(self, **kwargs) -> None:
        app = self.app
        if app.builder.format != "html":
            return
        entries = getattr(app.env, "reader_provenance", None)
        if entries is None:
            entries = app.env.reader_provenance = collect(app)
        docname = self.env.docname
        for node in list(self.document.findall(nodes.Element)):
            ref = node.get("reader_glue")
            if not ref or isinstance(node.parent, nodes.reference):
                continue
            src_doc, key = ref.split("::", 1)
            entry = entries.get(ref)
            uri = f"{app.builder.get_relative_uri(docname, prov_doc(src_doc, app.env.found_docs))}#{anchor(src_doc, key)}"
            if isinstance(node, nodes.figure):
                self._figure_footer(node, src_doc, key, uri, entry)
                continue
            if isinstance(node, (nodes.inline, nodes.literal)) and node.parent is not None:
                link = nodes.reference("", "", refuri=uri, classes=["glue-prov"], reftitle=_tooltip(entry))
                node.replace_self(link)
                link.append(node)

    def _figure_footer(self, fig: nodes.figure, src_doc: str, key: str, uri: str, entry) -> None:
        # the figure's cite block (with its anchor) is added to the rendered page by tools/reader_cite.py
        fig_dir = f"figure_data/{key}"
        raw = (
            '<div class="figure-tools"><span class="figure-downloads">Download: '
            f'<a href="{fig_dir}.svg" download>SVG</a> · <a href="{fig_dir}.png" download>PNG</a>'
            + (f' · <a href="{fig_dir}.csv" download>data (CSV)</a>' if self._has_csv(src_doc, key) else "")
            + f' · <a class="glue-prov" href="{uri}">where it comes from</a></span></div>'
        )
        fig.append(nodes.raw("", raw, format="html"))

    def _has_csv(self, src_doc: str, key: str) -> bool:
        return (Path(self.app.srcdir) / Path(src_doc).parent / "figure_data" / f"{key}.csv").exists()


# ---------------------------------------------------------------------------------------------
# the provenance page


class provenance_index(nodes.General, nodes.Element):
    pass


def _visit_skip(self, node):
    raise nodes.SkipNode


def prov_doc(src_doc: str, found_docs=None) -> str:
    """The provenance page of the numbers computed in ``src_doc`` (one page per chapter, each well under 300 kB).

    A page that glues numbers but has no provenance page of its own (``book/provenance/<name>.md``,
    listed under ``book/provenance`` in ``_toc.yml``) has its entries on the index page instead.
    """
    own = f"{PROVENANCE_DOC}/{Path(src_doc).name}"
    return own if found_docs is None or own in found_docs else PROVENANCE_DOC


# -- the sentence a provenance entry opens with: where the number is used, read from the page


def _sentence_around(text: str, needle: str, words: int = 20) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    at = text.find(needle) if needle else -1
    if at < 0:
        return ""
    starts = [0] + [m.end() for m in re.finditer(r"(?<=[.!?])\s+(?=[A-Z(“\"])", text)]
    start = max(s for s in starts if s <= at)
    ends = [m.start() + 1 for m in re.finditer(r"[.!?](?=\s+[A-Z(“\"]|$)", text) if m.start() + 1 > at + len(needle) - 1]
    sentence = text[start: ends[0] if ends else len(text)].strip()
    parts = sentence.split()
    if len(parts) > words:  # keep the words around the number
        pos = len(text[start:at].split())
        lo = max(0, min(pos - words // 2, len(parts) - words))
        sentence = ("… " if lo else "") + " ".join(parts[lo: lo + words]) + (" …" if lo + words < len(parts) else "")
    return sentence


def collect_contexts(app: Sphinx, doctree: nodes.document) -> None:
    """Remember, for every value glued in a page, the sentence of the page it appears in."""
    env = app.env
    store = getattr(env, "reader_contexts", None)
    if store is None:
        store = env.reader_contexts = {}
    docname = env.docname
    for key in [k for k, v in store.items() if v.get("page") == docname]:
        del store[key]
    for node in doctree.findall(nodes.Element):
        ref = node.get("reader_glue")
        if not ref or ref in store or isinstance(node, nodes.figure):
            continue
        block = node.parent
        while block is not None and not isinstance(block, (nodes.paragraph, nodes.caption, nodes.entry, nodes.title)):
            block = block.parent
        if block is None:
            continue
        sentence = _sentence_around(block.astext(), node.astext())
        if sentence:
            store[ref] = {"page": docname, "sentence": sentence, "shown": node.astext().strip()}


def purge_contexts(app: Sphinx, env, docname: str) -> None:
    store = getattr(env, "reader_contexts", None) or {}
    for key in [k for k, v in store.items() if v.get("page") == docname]:
        del store[key]


def merge_contexts(app: Sphinx, env, docnames, other) -> None:
    if not hasattr(env, "reader_contexts"):
        env.reader_contexts = {}
    env.reader_contexts.update(getattr(other, "reader_contexts", {}) or {})


# -- sources as short citations linked to the bibliography


def _short_citations(app: Sphinx) -> dict[str, tuple[str, str]]:
    """BibTeX key -> (short citation "Villalobos et al. (2024)", id of its bibliography entry).

    The words are :func:`analysis.publish.labels.short_citations` (the tables' and cards' citations), with
    the year in brackets as a sentence cites it; the id is the stable ``ref-KEY`` that
    tools/cite_anchors.py gives every bibliography entry.
    """
    cached = getattr(app, "_reader_short_cites", None)
    if cached is not None:
        return cached
    from analysis.publish import labels

    out = {}
    for key, text in labels.short_citations().items():
        who, _, year = text.rpartition(" ")
        out[key] = (f"{who} ({year})", f"ref-{key}")
    app._reader_short_cites = out
    return out


def _dataset_titles(data_dir: Path) -> dict[str, str]:
    import yaml

    titles = {}
    for schema in data_dir.glob("*.schema.yml"):
        spec = yaml.safe_load(schema.read_text(encoding="utf-8")) or {}
        titles[schema.name.removesuffix(".schema.yml")] = str(spec.get("title") or schema.name.removesuffix(".schema.yml"))
    return titles


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _keys_to_citations(text: str, cites: dict[str, tuple[str, str]]) -> str:
    """Citation keys left in a sentence read at parse time ("cottier2024rising,epoch2025x") as short citations."""
    def repl(m: re.Match) -> str:
        keys = m.group(0).split(",")
        if not all(k in cites for k in keys):
            return m.group(0)
        return "(" + "; ".join(cites[k][0] for k in keys) + ")"

    return re.sub(r"[\w:.-]+(?:,[\w:.-]+)*", repl, text)


def _lead_sentence(e: dict, ctx: dict | None, page_title: str, data_links: list[str], cite_links: list[str],
                   function_names: list[str], cites: dict[str, tuple[str, str]] | None = None,
                   sources_href: str = "") -> str:
    """One plain sentence: what the number is, from which data and sources, by which function."""
    cites = cites or {}
    if e["kind"] == "value":
        # the value as the page shows it (formatted by the glue role), else its stored text
        value = html.escape(((ctx or {}).get("shown") or e["value"].strip("'\""))[:80])
        what = f"<strong>{value}</strong>"
        if ctx and ctx.get("sentence"):
            what += f", the number in “{html.escape(_keys_to_citations(ctx['sentence'], cites))}”,"
        else:
            what += f" (glued as <code>{html.escape(e['key'])}</code> in “{html.escape(page_title)}”)"
    else:
        what = f"The figure <code>{html.escape(e['key'])}</code> of “{html.escape(page_title)}”"
    verb = "is computed" if e["kind"] == "value" else "is drawn"
    how = (f" by {_and(function_names[:3])}" + (f" and {len(function_names) - 3} more functions (named under the cell's heading)" if len(function_names) > 3 else "")
           if function_names else (f" in code cell {e['cell']}" if e["cell"] else ""))
    if data_links:
        src = f" from {_and(data_links[:2])}" + (f" and {len(data_links) - 2} more datasets" if len(data_links) > 2 else "")
        if cite_links:
            # one source by name: the cell's whole list heads the page (a click must stay light)
            src += f" (sources: {cite_links[0]}"
            if len(cite_links) > 1:
                more = f"{len(cite_links) - 1} more"
                src += f' and <a href="{sources_href}">{more}</a>' if sources_href else f" and {more}"
            src += ")"
    else:
        src = ", from the report's own settings and models (no curated dataset)"
    return f'<p class="prov-lead">{what} {verb}{how}{src}.</p>'


def _render_doc(app: Sphinx, entries: dict[str, dict], doc: str, page: str) -> str:
    """The provenance entries of the numbers and figures computed in ``doc``, for the page ``page``."""
    env = app.env
    builder = app.builder
    data_page = builder.get_relative_uri(page, DATA_DOC)
    bib_page = builder.get_relative_uri(page, BIB_DOC)
    to_root = _to_root(page)
    contexts = getattr(env, "reader_contexts", {}) or {}
    cites = _short_citations(app)
    titles = _dataset_titles(ROOT / "analysis" / "data")
    page_title = env.titles[doc].astext() if doc in env.titles else doc
    doc_uri = builder.get_relative_uri(page, doc)
    mine = [e for e in entries.values() if e["doc"] == doc]
    by_cell: dict[int, list[dict]] = {}
    for e in mine:
        by_cell.setdefault(e["cell"] or 0, []).append(e)
    out = [
        f'<section class="prov-doc" id="{anchor(doc, "")}"><p>{len(mine)} numbers and figures of '
        f'<a href="{doc_uri}">{html.escape(page_title)}</a> · '
        f'<a href="{doc_uri.replace(".html", ".ipynb")}" download>executed notebook (.ipynb)</a></p>'
    ]

    def data_link(d: str) -> str:
        return f'<a href="{data_page}#data-{html.escape(d)}">{html.escape(titles.get(d, d))}</a>'

    def cite_link(k: str) -> str:
        label, cid = cites.get(k, (k, ""))
        return f'<a href="{bib_page}#{cid}">{html.escape(label)}</a>' if cid else html.escape(label)

    page_cites = sorted({k for e in mine for k in e.get("bibtex", [])}, key=lambda k: cites.get(k, (k, ""))[0].lower())
    if page_cites:
        out.append(f'<details class="prov-sources" id="{anchor(doc, "sources")}"><summary>The {len(page_cites)} sources of the data '
                   "these numbers read</summary><p>" + "; ".join(cite_link(k) for k in page_cites) + ".</p></details>")
    for cell, group in sorted(by_cell.items()):
        code = group[0]["code"]
        where = f"Code cell {cell}" if cell else "Code cell (not found in the executed notebook)"
        # the data and sources of the cell's numbers are listed once, under its heading
        cell_data = sorted({d for e in group for d in e["datasets"]})
        cell_cites = sorted({k for e in group for k in e.get("bibtex", [])})
        head = [f'<div class="prov-cell"><h2>{where}</h2>']
        if cell_data:
            head.append('<p class="prov-cell-data">Data read by this cell or the cells it uses: ' + ", ".join(
                f'{data_link(d)} (<a href="{to_root}data/{html.escape(d)}.csv" download>CSV</a>)' for d in cell_data) + ".")
            if cell_cites:
                head.append(f" Their sources: {len(cell_cites)} entries of the list at the top of this page.")
            head.append("</p>")
        cell_functions = sorted({f for e in group for f in e["functions"]})
        if any(len(e["functions"]) > 3 for e in group):  # the leads name three: all of them, once per cell
            head.append('<p class="prov-cell-data">Functions called by this cell or the cells it uses: '
                        + ", ".join(f"<code>{html.escape(f)}</code>" for f in cell_functions) + ".</p>")
        out.append("".join(head) + '<ul class="prov-entries">')
        for e in sorted(group, key=lambda e: e["key"]):
            fn_names = [f"<code>{html.escape(f)}</code>" for f in e["functions"]]
            data_links = [data_link(d) for d in e["datasets"]]
            cite_links = [cite_link(k) for k in e.get("bibtex", [])]
            ctx = contexts.get(f"{doc}::{e['key']}")
            lead = _lead_sentence(e, ctx, page_title, data_links, cite_links, fn_names, cites,
                                  sources_href=f"#{anchor(doc, 'sources')}")
            items = [f"key <code>{html.escape(e['key'])}</code>"]
            if e["datasets"] and (not e["functions"] or set(e["datasets"]) != set(cell_data)):
                items.append("datasets " + ", ".join(
                    f'<a href="{data_page}#data-{html.escape(d)}">{html.escape(d)}</a>' for d in e["datasets"]))
            for d, keys in e["rows"].items():
                items.append(f"rows of {html.escape(titles.get(d, d))}: " + ", ".join(f"<code>{html.escape(k)}</code>" for k in keys))
            if not e["recorded"]:
                items.append("no run-time record: glued without <code>analysis.publish.glue.glue_value</code>")
            out.append(f'<li id="{anchor(doc, e["key"])}" class="prov-entry">{lead}'
                       f'<p class="prov-detail">' + "; ".join(items) + "</p></li>")
        out.append('</ul><details class="prov-code"><summary>The code of this cell</summary><pre>'
                   + html.escape(code) + "</pre></details></div>")
    out.append("</section>")
    return "\n".join(out)


def _render_overview(app: Sphinx, entries: dict[str, dict]) -> str:
    """The index page: one line per chapter, linking to its provenance page."""
    env = app.env
    counts: dict[str, int] = {}
    for e in entries.values():
        counts[e["doc"]] = counts.get(e["doc"], 0) + 1
    order = {d: i for i, d in enumerate(_toc_order(app))}
    rows = []
    for doc in sorted(counts, key=lambda d: (order.get(d, 99), d)):
        title = env.titles[doc].astext() if doc in env.titles else doc
        target = prov_doc(doc, env.found_docs)
        uri = app.builder.get_relative_uri(PROVENANCE_DOC, target) + ("" if target != PROVENANCE_DOC else f"#{anchor(doc, '')}")
        rows.append(f'<li><a href="{uri}">{html.escape(title)}</a>: {counts[doc]} numbers and figures</li>')
    # pages without a provenance page of their own: their entries here
    rest = [doc for doc in sorted(counts, key=lambda d: (order.get(d, 99), d)) if prov_doc(doc, env.found_docs) == PROVENANCE_DOC]
    return '<ul class="prov-overview">' + "".join(rows) + "</ul>" + "".join(
        f"<h2>{html.escape(env.titles[d].astext() if d in env.titles else d)}</h2>" + _render_doc(app, entries, d, PROVENANCE_DOC)
        for d in rest)


def _to_root(docname: str) -> str:
    """The relative path from a page to the site's root folder ('' or '../', ...)."""
    return "../" * docname.count("/")


def _toc_order(app: Sphinx) -> list[str]:
    import yaml

    toc = yaml.safe_load((Path(app.srcdir) / "_toc.yml").read_text())
    docs = [toc["root"]]
    for part in toc.get("parts", []):
        for ch in part.get("chapters", []):
            docs.append(ch["file"])
            docs.extend(s["file"] for s in ch.get("sections", []))
    return docs


def _provenance_directive():
    from docutils.parsers.rst import Directive

    class ProvenanceIndex(Directive):
        """``provenance-index`` alone: the list of chapters; with a page (``notebooks/02_cost``): its entries."""

        has_content = False
        optional_arguments = 1

        def run(self):
            node = provenance_index()
            node["doc"] = self.arguments[0] if self.arguments else ""
            return [node]

    return ProvenanceIndex


def fill_index(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for node in list(doctree.findall(provenance_index)):
        entries = getattr(app.env, "reader_provenance", None)
        if entries is None:
            entries = app.env.reader_provenance = collect(app)
        enrich(entries, ROOT / "analysis" / "data")
        html_text = _render_doc(app, entries, node["doc"], docname) if node["doc"] else _render_overview(app, entries)
        node.replace_self(nodes.raw("", html_text, format="html"))


# ---------------------------------------------------------------------------------------------
# page context: version, evidence date, downloads; no build date


def _evidence_dates(app: Sphinx) -> dict[str, str]:
    entries = getattr(app.env, "reader_provenance", None)
    if entries is None:
        entries = app.env.reader_provenance = collect(app)
    dates: dict[str, str] = {}
    for e in entries.values():
        if e["key"].endswith("evidence_as_of") and e["value"]:
            value = e["value"].strip("'\"")
            dates[e["doc"]] = max(dates.get(e["doc"], ""), value)
    # a page that glues no date of its own: the latest check date of the datasets its numbers read
    import yaml

    checked: dict[str, str] = {}
    for schema in (ROOT / "analysis" / "data").glob("*.schema.yml"):
        spec = yaml.safe_load(schema.read_text(encoding="utf-8")) or {}
        origin = spec.get("origin") or {}
        # the date the rows were last checked: the origin block's, or a table's own last_verified
        found = [str(d) for d in (origin.get("date_accessed"), spec.get("last_verified")) if d]
        if found:
            checked[schema.name.removesuffix(".schema.yml")] = max(found)
    for e in entries.values():
        if e["doc"] in dates and any(x["key"].endswith("evidence_as_of") for x in entries.values() if x["doc"] == e["doc"]):
            continue
        for ds in e["datasets"]:
            if ds in checked:
                dates.setdefault(e["doc"] + "#data", "")
                dates[e["doc"] + "#data"] = max(dates[e["doc"] + "#data"], checked[ds])
    for key in [k for k in dates if k.endswith("#data")]:
        doc = key.removesuffix("#data")
        value = dates.pop(key)
        if value and doc not in dates:
            dates[doc] = value
    return dates


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    context["last_updated"] = None
    if doctree is None or "body" not in context:
        return
    cfg = app.config
    dates = getattr(app, "_reader_dates", None)
    if dates is None:
        dates = app._reader_dates = _evidence_dates(app)
    evidence = dates.get(pagename)
    if pagename == app.config.root_doc and dates:
        evidence = max(dates.values())
    bits = [f'Version {html.escape(cfg.reader_version)} ({html.escape(cfg.reader_release_date)})']
    if evidence:
        bits.append(f"sources checked {html.escape(evidence)}")
    nb = Path(_exec_folder(app)) / f"{pagename}.ipynb"  # written by myst-nb for notebooks only
    if nb.exists() and not pagename.startswith(PROVENANCE_DOC):
        bits.append(f'<a href="{Path(pagename).name}.ipynb" download>executed notebook (.ipynb)</a>')
    banner = '<p class="reader-meta">' + " · ".join(bits)
    if cfg.reader_pdf_name:
        pdf = _to_root(pagename) + cfg.reader_pdf_name
        banner += pdf_link(cfg.reader_pdf_name, pdf, "PDF edition", " · ")
        if pagename in (app.config.root_doc, "book/how_to_cite"):
            brief = cfg.reader_pdf_name.removesuffix(".pdf") + "-brief.pdf"
            banner += pdf_link(brief, _to_root(pagename) + brief, "the brief (4 pages, PDF)", " · ")
    banner += "</p>\n"
    context["body"] = banner + add_cite_blocks(context["body"], _cite_meta(cfg), f"{pagename}.html", _page_title(app, pagename))


def pdf_link(name: str, href: str, text: str, before: str = "") -> str:
    """A link to a PDF of the site, marked so that ``tools/build_book.py`` removes it where the PDF could not be made."""
    return (f'<span class="reader-pdf-item" data-pdf="{html.escape(name)}">{before}<a class="reader-pdf" '
            f'href="{html.escape(href)}">{html.escape(text)}</a></span><!--/reader-pdf-->')


def _cite_meta(cfg) -> Meta:
    return Meta(title=cfg.reader_title, author=cfg.reader_author, version=cfg.reader_version,
                date=cfg.reader_release_date, site_url=cfg.reader_site_url or "")


def _page_title(app: Sphinx, pagename: str) -> str:
    title = app.env.titles.get(pagename)
    return title.astext() if title is not None else pagename


# ---------------------------------------------------------------------------------------------
# after the build: copies and patches


def _executed_notebook(app: Sphinx, docname: str):
    """The executed notebook of ``docname`` with all its outputs, from myst-nb's execution cache, or None.

    (The copy myst-nb writes to ``jupyter_execute`` has its outputs removed.)
    """
    from jupyter_cache import get_cache
    from myst_nb.core.read import read_myst_markdown_notebook

    source = Path(app.srcdir) / f"{docname}.md"
    if not source.exists():
        return None
    text = source.read_text(encoding="utf-8")
    if "kernelspec" not in text.split("---", 2)[1 if text.startswith("---") else 0][:2000]:
        return None  # a plain page, not a notebook
    cache_path = app.env.mystnb_config.execution_cache_path or str(Path(app.outdir).parent / ".jupyter_cache")  # type: ignore[attr-defined]
    try:
        _, merged = get_cache(cache_path).merge_match_into_notebook(read_myst_markdown_notebook(text))
    except KeyError:
        return None
    return merged


def finish(app: Sphinx, exc) -> None:
    if exc is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    static = out / "_static"
    # DataTables from itables, local
    import itables

    bundle = Path(itables.__file__).parent / "html"
    for name in ("dt_bundle.js", "dt_bundle.css"):
        shutil.copy2(bundle / name, static / name)
    # search: keep digit-only query terms (years, numbers)
    search_js = static / "searchtools.js"
    text = search_js.read_text(encoding="utf-8")
    pattern = "stopwords.indexOf(queryTermLower) !== -1 ||\n        queryTerm.match(/^\\d+$/)"
    if pattern in text:
        search_js.write_text(text.replace(pattern, "stopwords.indexOf(queryTermLower) !== -1"), encoding="utf-8")
    elif "queryTerm.match(/^\\d+$/)" in text:
        raise RuntimeError("searchtools.js changed: cannot make search keep numbers")
    # executed notebooks (with every output, from the execution cache) beside their pages
    import nbformat

    for docname in app.env.found_docs:
        nb = _executed_notebook(app, docname)
        if nb is not None:
            dest = out / f"{docname}.ipynb"
            dest.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, dest)
    # curated data and schemas
    data_out = out / "data"
    data_out.mkdir(exist_ok=True)
    for f in sorted((ROOT / "analysis" / "data").glob("*")):
        if f.suffix in (".csv", ".yml"):
            shutil.copy2(f, data_out / f.name)
    # figure files (SVG, PNG, CSV) beside their pages
    for folder_name in ("notebooks", "book"):
        src = Path(app.srcdir) / folder_name / "figure_data"
        if src.exists():
            dest = out / folder_name / "figure_data"
            dest.mkdir(parents=True, exist_ok=True)
            for f in src.iterdir():
                if f.suffix in (".svg", ".png", ".csv"):
                    shutil.copy2(f, dest / f.name)
    # the provenance index as JSON
    entries = getattr(app.env, "reader_provenance", None) or collect(app)
    enrich(entries, ROOT / "analysis" / "data")
    (out / "provenance.json").write_text(json.dumps(entries, indent=1, sort_keys=True), encoding="utf-8")
    lighten(out)


# ---------------------------------------------------------------------------------------------
# lighter pages: no icon script, no search index outside the search page, a subset icon font

# The theme loads Font Awesome twice: as a 1.5 MB script that swaps every <i class="fa-..."> for an
# SVG, and as CSS web fonts (in pydata-sphinx-theme.css) that draw the same icons alone. The
# script goes; the fonts are cut to the few icons the site uses. Sphinx's search scripts and its
# index (searchtools.js, language_data.js, searchindex.js: 350 kB) are only used by the search
# page: the theme's search box on other pages submits to it (search-as-you-type is off).
_HEAVY_SCRIPTS = re.compile(r'\s*<script[^>]*src="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*></script>')
_SEARCH_SCRIPTS = re.compile(
    r'\s*<script[^>]*src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)[^"]*"[^>]*></script>')
# icons the theme's scripts add or swap in after load (not in the HTML)
_SCRIPT_ICONS = {"fa-xmark", "fa-chevron-down", "fa-angle-left", "fa-angle-right", "fa-outdent", "fa-compress", "fa-expand", "fa-bars", "fa-magnifying-glass", "fa-sun", "fa-moon",
                 "fa-circle-half-stroke", "fa-arrow-up", "fa-list", "fa-download", "fa-file", "fa-file-pdf"}
ICON_CSS = "reader-icons.css"


def lighten(out: Path) -> None:
    """Drop the icon script and, outside the search page, the search scripts; subset the icon font."""
    names = set(_SCRIPT_ICONS)
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = _HEAVY_SCRIPTS.sub("", text)
        if page.relative_to(out).as_posix() != "search.html":
            new = _SEARCH_SCRIPTS.sub("", new)
        for classes in re.findall(r'class="([^"]*\bfa[srb]?-?[^"]*)"', new):
            names.update(c for c in classes.split() if c.startswith("fa-"))
        if new != text:
            page.write_text(new, encoding="utf-8")
    _subset_icons(out / "_static", names)


def _subset_icons(static: Path, names: set[str]) -> None:
    """Write _static/reader-icons/*.woff with only the glyphs of ``names`` and the CSS that uses them."""
    css = static / "styles" / "pydata-sphinx-theme.css"
    fonts = static / "vendor" / "fontawesome" / "webfonts"
    target = static / ICON_CSS
    if not css.exists() or not fonts.exists():
        target.write_text("/* no Font Awesome in this theme */\n", encoding="utf-8")
        return
    from fontTools import subset

    text = css.read_text(encoding="utf-8")
    codepoints = set()
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        for code in re.findall(r"content:\s*\"\\([0-9a-f]{4,5})\"", body):
            icons = [re.fullmatch(r"\s*\.(fa-[\w-]+):+before\s*", sel) for sel in selectors.split(",")]
            # an icon class: kept when a page uses it; any other rule (the theme's marks on external
            # links, admonitions, ...) is kept whatever it is
            if not all(icons) or any(m.group(1) in names for m in icons):
                codepoints.add(int(code, 16))
    # icons the theme's and extensions' styles set through variables (--pst-icon-external-link: "\f35d")
    # or in their own rules (sphinx-design, myst-nb, the book theme)
    for sheet in [css, *static.glob("*.css"), *(static / "styles").glob("*.css")]:
        sheet_text = sheet.read_text(encoding="utf-8", errors="replace")
        if sheet == css:  # outside the icon-class rules read above
            sheet_text = re.sub(r"[^{}]*\.fa-[\w-]+:+before[^{}]*\{[^{}]*\}", "", sheet_text)
        found = re.findall(r"\\([ef][0-9a-f]{3})\b", sheet_text)
        found += [f"{ord(ch):x}" for ch in re.findall("[\ue000-\uf8ff]", sheet_text)]
        codepoints.update(int(c, 16) for c in found)
    rules = []
    (static / "reader-icons").mkdir(exist_ok=True)
    for family, weight, name in (("Font Awesome 6 Free", 900, "fa-solid-900"), ("Font Awesome 6 Free", 400, "fa-regular-400"),
                                 ("Font Awesome 6 Brands", 400, "fa-brands-400")):
        src = fonts / f"{name}.ttf"
        if not src.exists():
            continue
        options = subset.Options()
        options.flavor = "woff"  # zlib: needs no brotli module
        options.layout_features = ["*"]
        font = subset.load_font(str(src), options)
        sub = subset.Subsetter(options)
        sub.populate(unicodes=codepoints)
        sub.subset(font)
        subset.save_font(font, str(static / "reader-icons" / f"{name}.woff"), options)
        # the same family and descriptors as the theme's rule, defined later: this one is used
        rules.append(f'@font-face{{font-display:block;font-family:"{family}";font-style:normal;font-weight:{weight};'
                     f'src:url(reader-icons/{name}.woff) format("woff")}}')
    target.write_text("/* Font Awesome cut to the icons the site uses (tools/reader_site.py) */\n" + "\n".join(rules) + "\n",
                      encoding="utf-8")


def config_inited(app: Sphinx, config) -> None:
    cff = _citation(Path(app.srcdir))
    if not config.reader_version:
        config.reader_version = str(cff.get("version", ""))
    if not config.reader_release_date:
        config.reader_release_date = str(cff.get("date-released", ""))
    config.reader_year = config.reader_release_date[:4]
    if not config.reader_title:
        config.reader_title = str(cff.get("title", config.project))
    if not config.reader_author:
        config.reader_author = ", ".join(a.get("name", "") for a in cff.get("authors", []))
    config.html_last_updated_fmt = None


def builder_inited(app: Sphinx) -> None:
    app.env.reader_provenance = None  # re-read every build
    app._reader_dates = None


def setup(app: Sphinx) -> dict:
    _patch_myst_nb()
    for name in ("reader_version", "reader_release_date", "reader_title", "reader_author",
                 "reader_site_url", "reader_repository_url", "reader_year"):
        app.add_config_value(name, "", "html")
    app.add_config_value("reader_pdf_name", "synthetic-data-report.pdf", "html")
    app.add_node(provenance_index, html=(_visit_skip, None), latex=(_visit_skip, None), text=(_visit_skip, None))
    app.add_directive("provenance-index", _provenance_directive())
    app.add_post_transform(LinkGluedValues)
    app.connect("config-inited", config_inited)
    app.connect("builder-inited", builder_inited)
    app.connect("doctree-resolved", fill_index)
    app.connect("doctree-read", collect_contexts)
    app.connect("env-purge-doc", purge_contexts)
    app.connect("env-merge-info", merge_contexts)
    app.connect("html-page-context", page_context)
    app.connect("build-finished", finish)
    app.add_css_file("reader.css")
    app.add_css_file(ICON_CSS)
    app.add_css_file("reader-cite.css")
    app.add_js_file("reader.js", type="module")
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": False}
