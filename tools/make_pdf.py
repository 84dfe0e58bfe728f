"""The PDF editions of the report, printed from the built site by Debian's Chromium, offline.

**The full edition** (``synthetic-data-report.pdf``): every page of the table of contents, in its
order (the landing page, the reading guides, the claims and the chapters, then the appendices and
the changelog), except the site's lookup pages (the provenance pages and the API reference, named
on the contents page) and the interactive explorer. Each page is opened in Chromium from
``_build/html`` on 127.0.0.1, its rendered article (MathJax typeset, tables laid out for print,
collapsed cells opened) is taken, its ids are prefixed with the page's name and its links between
pages turned into links inside the PDF; all of it is printed as **one document**, so that:

- it is a *tagged* PDF (Chromium's ``generateTaggedPDF``: a structure tree with headings,
  paragraphs, lists, tables and figures with their alt text, for screen readers),
- the page numbers in the footers (“page 12 of 240”) and the PDF's page labels run through the
  whole document, and the bookmarks are the headings.

It is printed twice: the first pass finds the page on which each chapter starts (from the
bookmarks), the second prints the contents page with those numbers.

**The brief** (``synthetic-data-report-brief.pdf``, at most 4 pages): the landing page's findings
panel (``.findings-panel``; its key-findings section while the panel does not exist), the first
figure of each chapter with its caption, and how to cite the report.

Usage: python tools/make_pdf.py [--site _build/html] [--out _build/html/synthetic-data-report.pdf]
"""

from __future__ import annotations

import argparse
import html
import io
import logging
import os
import re
import sys
import threading
import time
import unicodedata
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

# Chromium's PDFs declare a trailer size pypdf finds too small; harmless, and not worth a warning per read
logging.getLogger("pypdf").setLevel(logging.ERROR)
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
# not printed; the contents page names them and where they are on the site
SKIP_DOCS = {
    "book/provenance": "Where every number comes from (one page per chapter)",
    "book/api": "The analysis package: API reference",
    "book/explorer": "The explorer (interactive charts)",
}
SKIP_PREFIXES = ("book/provenance/",)
MARGIN = {"top": "18mm", "bottom": "16mm", "left": "14mm", "right": "14mm"}
TEMPLATE_STYLE = "font-size:7.5pt;font-family:sans-serif;color:#444;width:100%;padding:0 14mm;"
HOST_DOC = "book/how_to_cite"   # the page whose shell (styles, scripts) hosts the printed document
MAX_BRIEF_PAGES = 4


def toc_docs(root: Path = ROOT) -> list[str]:
    """Pages of the table of contents, in reading order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    docs = [toc["root"]]
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            docs.append(chapter["file"])
            docs.extend(s["file"] for s in chapter.get("sections", []))
    return docs


def printed_docs(root: Path = ROOT) -> list[str]:
    """The pages the full edition prints, in order."""
    return [d for d in toc_docs(root) if d not in SKIP_DOCS and not d.startswith(SKIP_PREFIXES)]


def chapter_docs(root: Path = ROOT) -> list[str]:
    """The chapters (one figure each in the brief): the notebooks of the part "The evidence"."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    return [c["file"] for part in toc.get("parts", []) for c in part.get("chapters", [])
            if c["file"].startswith("notebooks/") and not Path(c["file"]).name.startswith("9")]


def metadata(root: Path = ROOT) -> dict:
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    sphinx_cfg = (config.get("sphinx") or {}).get("config") or {}
    pdf_name = str(sphinx_cfg.get("reader_pdf_name") or "synthetic-data-report.pdf")
    return {
        "title": str(cff.get("title", config.get("title", ""))),
        "version": str(cff.get("version", "")),
        "date": str(cff.get("date-released", "")),
        "authors": ", ".join(a.get("name", "") for a in cff.get("authors", [])),
        "site_url": str(sphinx_cfg.get("reader_site_url") or ""),
        "pdf_name": pdf_name,
        "brief_name": pdf_name.removesuffix(".pdf") + "-brief.pdf",
    }


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _serve(directory: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def _slug(doc: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", doc).strip("-").lower()


def _templates(meta: dict, label: str) -> tuple[str, str]:
    e = html.escape
    header = f'<div style="{TEMPLATE_STYLE}">{e(meta["title"])} · version {e(meta["version"])} ({e(meta["date"])})</div>'
    footer = (
        f'<div style="{TEMPLATE_STYLE}display:flex;justify-content:space-between;">'
        f'<span>{e(label)}</span><span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>'
    )
    return header, footer


# Run in each page after it is ready: its article, with ids prefixed by the page's name, links
# between printed pages made internal, other links to the local server made site-relative (or
# full when the site has an address) and images absolute.
HARVEST_JS = r"""
([prefix, printed, siteUrl]) => {
  if (window.readerOpenAll) window.readerOpenAll();
  const article = document.querySelector("article.bd-article") || document.querySelector("main");
  const clone = article.cloneNode(true);
  clone.querySelectorAll("script, details.reader-cite, .headerlink, .reader-table-bar, .figure-downloads, .onlyprint").forEach((e) => e.remove());
  clone.querySelectorAll("[id]").forEach((e) => { e.id = prefix + "--" + e.id; });
  clone.querySelectorAll("label[for]").forEach((e) => e.setAttribute("for", prefix + "--" + e.getAttribute("for")));
  clone.querySelectorAll("img[src]").forEach((img) => img.setAttribute("src", new URL(img.getAttribute("src"), location.href).href));
  const here = location.origin;
  clone.querySelectorAll("a[href]").forEach((a) => {
    const url = new URL(a.getAttribute("href"), location.href);
    if (url.origin !== here) return;
    const path = url.pathname.replace(/^\//, "");
    const doc = path.replace(/\.html$/, "");
    if (printed[doc] !== undefined) {
      a.setAttribute("href", "#" + printed[doc] + "--" + (url.hash ? decodeURIComponent(url.hash.slice(1)) : "top"));
    } else if (siteUrl) {
      a.setAttribute("href", siteUrl.replace(/\/$/, "") + "/" + path + url.hash);
    } else {
      a.removeAttribute("href");  // a page of the site that is not printed: its name stays as text
    }
  });
  const styles = [...document.querySelectorAll("style")].map((s) => s.textContent).filter((t) => /mjx/.test(t));
  const h1 = article.querySelector("h1");
  return {html: clone.innerHTML, styles, title: h1 ? h1.innerText.replace(/#\s*$/, "").trim() : document.title};
}
"""

PRINT_CSS = """
@media print {
  .pdf-part { break-before: page; }
  .pdf-title-page { text-align: center; padding-top: 30vh; }
  .pdf-title-page h1 { font-size: 24pt; }
  /* the theme's print style hides a heading that is a section's first child */
  .pdf-title-page h1, .pdf-contents h1 { display: block !important; }
  .pdf-contents table { width: 100%; border-collapse: collapse; font-size: 10.5pt; }
  .pdf-contents td { padding: 3pt 2pt; border-bottom: 1px solid #ddd; }
  .pdf-where { font-size: 8.5pt; color: #555; }
  .bd-sidebar-primary, .bd-sidebar-secondary, .bd-header, .bd-footer, .bd-footer-article,
  .prev-next-area, .header-article, #pst-back-to-top, .bd-header-announcement { display: none !important; }
  .bd-main .bd-content .bd-article-container { max-width: none !important; }
}
"""


def _contents_html(meta: dict, rows: list[tuple[str, str, str]], starts: dict[str, int]) -> str:
    e = html.escape
    items = "".join(
        f'<tr><td><a href="#{slug}--top">{e(title)}</a></td><td class="pdf-where">{e(path)}</td>'
        f'<td style="text-align:right">{starts.get(slug, "")}</td></tr>'
        for slug, title, path in rows
    )
    skipped = "; ".join(f"{e(title)} ({e(path)}.html)" for path, title in SKIP_DOCS.items())
    return (f'<section class="pdf-part pdf-contents" id="pdf-contents"><h1>Contents</h1><table><thead><tr>'
            f'<th style="text-align:left">Chapter</th><th style="text-align:left">Page on the site</th>'
            f'<th style="text-align:right">PDF page</th></tr></thead><tbody>{items}</tbody></table>'
            f'<p>Not printed, on the site only: {skipped}.</p></section>')


def _title_html(meta: dict) -> str:
    e = html.escape
    return (f'<section class="pdf-title-page" id="pdf-title"><h1>{e(meta["title"])}</h1>'
            f'<p>Version {e(meta["version"])}, {e(meta["date"])}</p><p>{e(meta["authors"])}</p>'
            + (f'<p>{e(meta["site_url"])}</p>' if meta["site_url"] else "")
            + '<p style="font-size:10pt">Text and figures CC-BY-4.0; code MIT. Every number is computed by the '
              "report's code from sourced data; on the site, every number links to where it comes from.</p></section>")


def _host(page, base: str) -> None:
    response = page.goto(f"{base}/{HOST_DOC}.html", wait_until="networkidle")
    if response is None or response.status != 200:  # a trimmed copy of the book: its landing page
        page.goto(f"{base}/index.html", wait_until="networkidle")
    _wait_ready(page)


def _wait_ready(page) -> None:
    try:
        page.wait_for_selector("html[data-reader-ready]", timeout=20000)
    except Exception:  # noqa: BLE001 - a page without the site's script is ready when loaded
        pass
    page.evaluate("() => (window.MathJax && MathJax.startup && MathJax.startup.promise) ? MathJax.startup.promise : null")


def _compose(page, body: str, styles: list[str]) -> None:
    """Put ``body`` in the host page's article, with the collected styles; wait for its images."""
    page.evaluate(
        """([body, styles, css]) => {
             for (const t of [...new Set(styles)].concat([css])) {
               const s = document.createElement("style"); s.textContent = t; document.head.appendChild(s);
             }
             const article = document.querySelector("article.bd-article");
             article.innerHTML = body;
             document.querySelectorAll(".bd-sidebar-secondary, .bd-sidebar-primary, .onlyprint, .bd-header-article").forEach((e) => e.remove());
             document.title = document.querySelector("article h1")?.innerText || document.title;
           }""",
        [body, styles, PRINT_CSS],
    )
    page.wait_for_load_state("networkidle")
    page.evaluate("() => Promise.all([...document.images].map((i) => i.complete ? null : new Promise((r) => { i.onload = i.onerror = r; })))")
    page.emulate_media(media="print")


def _pdf(page, meta: dict, label: str) -> bytes:
    header, footer = _templates(meta, label)
    return page.pdf(format="A4", print_background=True, margin=MARGIN, display_header_footer=True,
                    header_template=header, footer_template=footer, outline=False, tagged=True)


def _page_texts(blob: bytes) -> list[str]:
    """The text of each page, without whitespace (for finding the markers that open each part)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(blob))
    return [re.sub(r"\s+", "", unicodedata.normalize("NFKC", p.extract_text() or "")) for p in reader.pages]


def _starts(blob: bytes, markers: dict[str, str]) -> dict[str, int]:
    """slug -> 1-based page on which the part whose opening line is ``markers[slug]`` starts."""
    texts = _page_texts(blob)
    out = {}
    for slug, marker in markers.items():
        needle = re.sub(r"\s+", "", marker)
        out[slug] = next((i + 1 for i, t in enumerate(texts) if needle in t), "")
    return out


def _finish(blob: bytes, meta: dict, out: Path, subject: str, outline: list[tuple[str, int]] = ()) -> int:
    """Metadata, page labels (1, 2, 3, ... through the document) and bookmarks; returns the page count."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blob)))
    for title, page_number in outline:
        if page_number:
            writer.add_outline_item(title, page_number - 1)
    writer.add_metadata({"/Title": meta["title"] + (f" — {subject}" if subject else ""), "/Author": meta["authors"],
                         "/Subject": f"Version {meta['version']}, {meta['date']}"})
    n = len(writer.pages)
    writer.set_page_label(0, n - 1, style="/D", start=1)
    writer._root_object[__import__("pypdf").generic.NameObject("/Lang")] = __import__("pypdf").generic.TextStringObject("en")
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as f:
        writer.write(f)
    return n


def build_pdf(site: Path, out: Path, root: Path = ROOT, browser=None, brief: Path | None = None) -> Path:
    """Print the full edition into ``out`` and the brief beside it (or into ``brief``); returns ``out``.

    ``browser`` is a Playwright Chromium browser to use (the test session's); without it, Debian's
    Chromium is launched for the job.
    """
    if not (site / "index.html").exists():
        raise FileNotFoundError(f"site: {site} has no index.html; run `make book` first")
    brief = brief or out.with_name(metadata(root)["brief_name"])
    if browser is not None:
        return _build(site, out, brief, root, browser)
    from playwright.sync_api import sync_playwright

    exe = chromium()
    if exe is None:
        raise FileNotFoundError("Chromium is not installed (Debian package 'chromium')")
    with sync_playwright() as p:
        own = p.chromium.launch(
            executable_path=exe, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        try:
            return _build(site, out, brief, root, own)
        finally:
            own.close()


def chromium() -> str | None:
    candidates = [os.environ["CHROMIUM"]] if os.environ.get("CHROMIUM") else CHROMIUM_CANDIDATES
    return next((p for p in candidates if os.path.exists(p)), None)


def _build(site: Path, out: Path, brief: Path, root: Path, browser) -> Path:
    meta = metadata(root)
    docs = printed_docs(root)
    slugs = {d: _slug(d) for d in docs}
    server, base = _serve(site)
    t0 = time.perf_counter()
    context = browser.new_context(viewport={"width": 1000, "height": 1200})
    try:
        page = context.new_page()
        # offline: nothing but the local server
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith((base, "data:", "blob:")) else r.abort())
        parts, styles = [], []
        for doc in docs:
            page.goto(f"{base}/{doc}.html", wait_until="networkidle")
            _wait_ready(page)
            got = page.evaluate(HARVEST_JS, [slugs[doc], slugs, meta["site_url"]])
            styles += got["styles"]
            parts.append((doc, got))
        rows = [(slugs[d], got["title"], f"/{d}.html") for d, got in parts]
        where = (lambda d: meta["site_url"].rstrip("/") + f"/{d}.html") if meta["site_url"] else (lambda d: f"/{d}.html")
        chapters = "".join(
            f'<section class="pdf-part" id="{slugs[d]}--top"><p class="pdf-where">On the site: {html.escape(where(d))}</p>'
            f'{got["html"]}</section>'
            for d, got in parts
        )
        _host(page, base)
        starts: dict[str, int] = {}
        for _ in range(3):  # pass 1 finds where each chapter starts; pass 2 prints those numbers
            page.set_default_timeout(120000)
            _compose(page, _title_html(meta) + _contents_html(meta, rows, starts) + chapters, styles)
            blob = _pdf(page, meta, "")
            found = _starts(blob, {slugs[d]: f"On the site: {where(d)}" for d in docs})
            if found == starts:
                break
            starts = found
            _host(page, base)
        outline = [("Title page", 1), ("Contents", 2)] + [(title, starts.get(slug, "")) for slug, title, _ in rows]
        n = _finish(blob, meta, out, "", outline)
        print(f"[pdf] {out}: {n} pages, {len(parts)} pages of the site, in {time.perf_counter() - t0:.0f} s")
        t1 = time.perf_counter()
        n_brief = _build_brief(page, base, meta, root, brief, slugs)
        print(f"[pdf] {brief}: {n_brief} pages, in {time.perf_counter() - t1:.0f} s")
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    return out


BRIEF_JS = r"""
() => {
  const panel = document.querySelector(".findings-panel") || document.querySelector("#key-findings");
  if (!panel) return null;
  const clone = panel.cloneNode(true);
  clone.querySelectorAll("script, details.reader-cite, .headerlink, .onlyprint").forEach((e) => e.remove());
  clone.querySelectorAll("[id]").forEach((e) => e.removeAttribute("id"));
  clone.querySelectorAll("a[href]").forEach((a) => a.removeAttribute("href"));
  return clone.outerHTML;
}
"""

FIGURE_JS = r"""
() => {
  const fig = document.querySelector("article figure");
  if (!fig) return null;
  const clone = fig.cloneNode(true);
  clone.querySelectorAll("details.reader-cite, .figure-tools, .headerlink").forEach((e) => e.remove());
  clone.querySelectorAll("[id]").forEach((e) => e.removeAttribute("id"));
  clone.querySelectorAll("a[href]").forEach((a) => a.removeAttribute("href"));
  clone.querySelectorAll("img[src]").forEach((img) => img.setAttribute("src", new URL(img.getAttribute("src"), location.href).href));
  const h1 = document.querySelector("article h1");
  return {html: clone.outerHTML, title: h1 ? h1.innerText.replace(/#\s*$/, "").trim() : document.title};
}
"""

BRIEF_CSS = """
@media print {
  .brief h1 { font-size: 15pt; margin: 0 0 4pt 0; }
  .brief h2 { font-size: 12pt; margin: 8pt 0 4pt 0; }
  .brief, .brief p, .brief li { font-size: 8.6pt; line-height: 1.3; }
  .brief .brief-findings ol, .brief .brief-findings ul { padding-left: 14pt; margin: 0; }
  .brief .brief-findings li { margin-bottom: 3pt; }
  .brief .brief-figures { display: grid; grid-template-columns: 1fr 1fr; gap: 6pt 10pt; }
  .brief .brief-figure { break-inside: avoid; }
  .brief .brief-figure h3 { font-size: 8.6pt; margin: 0 0 2pt 0; }
  .brief figure { margin: 0; }
  .brief figure img { max-height: 5.2cm; width: auto; max-width: 100%; }
  .brief figcaption, .brief figcaption p { font-size: 7.2pt; line-height: 1.25; }
  .brief pre { font-size: 7pt; white-space: pre-wrap; }
}
"""


def _build_brief(page, base: str, meta: dict, root: Path, out: Path, slugs: dict[str, str]) -> int:
    """The brief: findings, the first figure of each chapter, how to cite; at most 4 pages."""
    e = html.escape
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    page.emulate_media(media="screen")
    page.goto(f"{base}/{toc['root']}.html", wait_until="networkidle")
    _wait_ready(page)
    findings = page.evaluate(BRIEF_JS) or ""
    styles = [s for s in page.evaluate("() => [...document.querySelectorAll('style')].map((s) => s.textContent)") if "mjx" in s]
    figures = []
    for doc in chapter_docs(root):
        page.goto(f"{base}/{doc}.html", wait_until="networkidle")
        _wait_ready(page)
        got = page.evaluate(FIGURE_JS)
        if got:
            figures.append((doc, got))
    where = (lambda d: meta["site_url"].rstrip("/") + f"/{d}.html") if meta["site_url"] else (lambda d: f"{d}.html")
    cite_text = (f"{meta['authors']} ({meta['date'][:4]}). {meta['title']}, version {meta['version']}, {meta['date']}."
                 + (f" {meta['site_url']}" if meta["site_url"] else ""))
    bib = (f"@misc{{synthetic_data_report_{meta['date'][:4]},\n  author  = {{{{{meta['authors']}}}}},\n"
           f"  title   = {{{meta['title']}}},\n  year    = {{{meta['date'][:4]}}},\n  version = {{{meta['version']}}},\n"
           f"  note    = {{Version {meta['version']}, {meta['date']}}}"
           + (f",\n  url     = {{{meta['site_url']}}}" if meta["site_url"] else "") + "\n}")
    body = (
        f'<div class="brief"><h1>{e(meta["title"])}: the brief</h1>'
        f'<p>Version {e(meta["version"])}, {e(meta["date"])}. The findings of the report, one figure from each '
        f'chapter, and how to cite. Every number is computed by the report\'s code from sourced data; the full '
        f'report, with the evidence, uncertainty and provenance of each number, is the site and its PDF edition '
        f'({e(meta["pdf_name"])}).</p>'
        f'<section class="brief-findings"><h2>Findings</h2>{findings}</section>'
        '<section class="brief-figures-section"><h2>One figure from each chapter</h2><div class="brief-figures">'
        + "".join(f'<div class="brief-figure"><h3>{e(got["title"])} ({e(where(doc))})</h3>{got["html"]}</div>'
                  for doc, got in figures)
        + '</div></section><section class="brief-cite"><h2>How to cite</h2>'
        f'<p>{e(cite_text)}</p><pre>{e(bib)}</pre><p>Text and figures CC-BY-4.0, code MIT. Each finding, figure and '
        'table on the site has its own “Cite” block with its anchor.</p></section></div>'
    )
    _host(page, base)
    _compose(page, body, styles + [BRIEF_CSS])
    from pypdf import PdfReader

    blob = b""
    for scale in (1.0, 0.92, 0.85, 0.78, 0.7, 0.62, 0.55):
        header, footer = _templates(meta, "The brief")
        blob = page.pdf(format="A4", print_background=True, margin=MARGIN, display_header_footer=True,
                        header_template=header, footer_template=footer, outline=False, tagged=True, scale=scale)
        if len(PdfReader(io.BytesIO(blob)).pages) <= MAX_BRIEF_PAGES:
            break
    n = _finish(blob, meta, out, "the brief")
    if n > MAX_BRIEF_PAGES:
        raise RuntimeError(f"the brief is {n} pages, more than {MAX_BRIEF_PAGES}, even at the smallest scale")
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    out = args.out or args.site / metadata()["pdf_name"]
    build_pdf(args.site.resolve(), out.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
