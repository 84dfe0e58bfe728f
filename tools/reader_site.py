"""Sphinx extension: the reader's features of the site, generic over every page of the table of contents.

- **Provenance.** Every value pasted with ``{glue:text}``/``{glue}`` (local or ``path::key``) is
  wrapped in a link to its entry on the provenance page (``book/provenance``), whose content is
  built from the executed notebooks: the cell that glued the value (its code), the datasets it
  read, the ``analysis`` functions called, the rows (when the value is a row) and the BibTeX keys
  of those rows. The records are written at run time by ``analysis.provenance``. The whole index
  is also written as ``provenance.json`` at the root of the site.
- **Figures.** Under each ``{glue:figure}``: SVG and PNG downloads (written by
  ``analysis.plotting.glue_figure`` beside the figure's data CSV), a provenance link and a
  "cite this figure" line.
- **Dates and downloads.** Each page shows the report's version and the date its sources were
  last checked (the page's glued ``*evidence_as_of`` value, from :mod:`analysis.freshness`; the
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
import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

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
    ``analysis.report.glue_value`` puts the provenance record), in ``<docname>.glue.json``;
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
        keys: set[str] = set()
        for ds in e["datasets"]:
            rows = sources.get(ds, {})
            picked = e["rows"].get(ds)
            for rk, bib in rows.items():
                if picked is None or rk in picked:
                    keys.update(bib)
        e["bibtex"] = sorted(keys)


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
        target = app.builder.get_relative_uri(docname, PROVENANCE_DOC)
        for node in list(self.document.findall(nodes.Element)):
            ref = node.get("reader_glue")
            if not ref or isinstance(node.parent, nodes.reference):
                continue
            src_doc, key = ref.split("::", 1)
            entry = entries.get(ref)
            uri = f"{target}#{anchor(src_doc, key)}"
            if isinstance(node, nodes.figure):
                self._figure_footer(node, src_doc, key, uri, entry)
                continue
            if isinstance(node, (nodes.inline, nodes.literal)) and node.parent is not None:
                link = nodes.reference("", "", refuri=uri, classes=["glue-prov"], reftitle=_tooltip(entry))
                node.replace_self(link)
                link.append(node)

    def _figure_footer(self, fig: nodes.figure, src_doc: str, key: str, uri: str, entry) -> None:
        cfg = self.app.config
        fig_dir = f"figure_data/{key}"
        title = ""
        for cap in fig.findall(nodes.caption):
            title = cap.astext().split(". ")[0]
            break
        page_url = (cfg.reader_site_url.rstrip("/") + "/" + src_doc + ".html") if cfg.reader_site_url else f"{src_doc}.html"
        cite = (
            f"{html.escape(cfg.reader_author)} ({html.escape(cfg.reader_year)}). Figure “{html.escape(key)}”"
            + (f", {html.escape(title)}" if title else "")
            + f". In <em>{html.escape(cfg.reader_title)}</em>, version {html.escape(cfg.reader_version)}"
            + f", {html.escape(page_url)}. CC-BY-4.0."
        )
        raw = (
            '<div class="figure-tools">'
            f'<span class="figure-downloads">Download: <a href="{fig_dir}.svg" download>SVG</a> · '
            f'<a href="{fig_dir}.png" download>PNG</a>'
            + (f' · <a href="{fig_dir}.csv" download>data (CSV)</a>' if self._has_csv(src_doc, key) else "")
            + f' · <a class="glue-prov" href="{uri}">where it comes from</a></span>'
            f'<span class="figure-cite">Cite this figure: {cite}</span></div>'
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


def _render_index(app: Sphinx, entries: dict[str, dict]) -> str:
    env = app.env
    by_cell: dict[tuple[str, int], list[dict]] = {}
    for e in entries.values():
        by_cell.setdefault((e["doc"], e["cell"] or 0), []).append(e)
    builder = app.builder
    data_page = builder.get_relative_uri(PROVENANCE_DOC, DATA_DOC)
    bib_page = builder.get_relative_uri(PROVENANCE_DOC, BIB_DOC)
    out = []
    current_doc = None
    docs_order = {d: i for i, d in enumerate(_toc_order(app))}
    for (doc, cell), group in sorted(by_cell.items(), key=lambda kv: (docs_order.get(kv[0][0], 99), kv[0][1])):
        if doc != current_doc:
            if current_doc is not None:
                out.append("</section>")
            title = env.titles[doc].astext() if doc in env.titles else doc
            page = builder.get_relative_uri(PROVENANCE_DOC, doc)
            nb = page.replace(".html", ".ipynb")
            out.append(
                f'<section class="prov-doc" id="{anchor(doc, "")}"><h2>{html.escape(title)}</h2>'
                f'<p><a href="{page}">Read the page</a> · <a href="{nb}" download>executed notebook (.ipynb)</a></p>'
            )
            current_doc = doc
        code = group[0]["code"]
        where = f"Code cell {cell}" if cell else "Code cell (not found in the executed notebook)"
        out.append(f'<div class="prov-cell"><h3>{where} of {html.escape(doc)}</h3><ul class="prov-entries">')
        for e in sorted(group, key=lambda e: e["key"]):
            items = []
            if e["kind"] == "value":
                items.append(f'value <code>{html.escape(e["value"][:200])}</code>')
            else:
                items.append("figure")
            if e["functions"]:
                items.append("functions " + ", ".join(f"<code>{html.escape(f)}</code>" for f in e["functions"]))
            if e["datasets"]:
                items.append("datasets " + ", ".join(
                    f'<a href="{data_page}#data-{html.escape(d)}">{html.escape(d)}</a> '
                    f'(<a href="{_to_root(PROVENANCE_DOC)}data/{html.escape(d)}.csv" download>CSV</a>)'
                    for d in e["datasets"]))
            for d, keys in e["rows"].items():
                items.append(f"rows of {html.escape(d)}: " + ", ".join(f"<code>{html.escape(k)}</code>" for k in keys))
            if e.get("bibtex"):
                items.append(f'sources (<a href="{bib_page}">bibliography</a>) ' + ", ".join(
                    f"<code>{html.escape(k)}</code>" for k in e["bibtex"]))
            if not e["recorded"]:
                items.append("no run-time record: glued without <code>analysis.report.glue_value</code>")
            out.append(
                f'<li id="{anchor(doc, e["key"])}" class="prov-entry"><strong><code>{html.escape(e["key"])}</code></strong>: '
                + "; ".join(items) + "</li>"
            )
        out.append("</ul><details class=\"prov-code\" open><summary>Code</summary><pre>"
                   + html.escape(code) + "</pre></details></div>")
    if current_doc is not None:
        out.append("</section>")
    return "\n".join(out)


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
        has_content = False

        def run(self):
            return [provenance_index()]

    return ProvenanceIndex


def fill_index(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for node in list(doctree.findall(provenance_index)):
        entries = getattr(app.env, "reader_provenance", None)
        if entries is None:
            entries = app.env.reader_provenance = collect(app)
        enrich(entries, ROOT / "analysis" / "data")
        node.replace_self(nodes.raw("", _render_index(app, entries), format="html"))


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
    if nb.exists() and pagename != PROVENANCE_DOC:
        bits.append(f'<a href="{Path(pagename).name}.ipynb" download>executed notebook (.ipynb)</a>')
    if cfg.reader_pdf_name:
        pdf = _to_root(pagename) + cfg.reader_pdf_name
        bits.append(f'<a href="{pdf}">PDF edition</a>')
    banner = '<p class="reader-meta">' + " · ".join(bits) + "</p>\n"
    context["body"] = banner + context["body"]


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
    app.connect("html-page-context", page_context)
    app.connect("build-finished", finish)
    app.add_css_file("reader.css")
    app.add_js_file("reader.js", type="module")
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": False}
