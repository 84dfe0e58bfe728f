"""The PDF edition of the report, printed from the built site with Debian's Chromium, offline.

Each page of the table of contents (the provenance index and the API reference excepted: they
are the site's lookup tables for readers checking a number and for developers, not reading
matter, and the API reference alone would print about 175 pages) is served from ``_build/html`` on 127.0.0.1 and printed with
Playwright's ``page.pdf`` in print media (``book/_static/reader.css`` lays wide tables out one
block per row, so no column is cut, and opens every collapsed cell). A title page (title,
version, release date) and a table of contents with each chapter's first page are printed the
same way, and everything is merged with pypdf, with one bookmark per chapter. Every page carries
a running header (title and version) and footer (the page's path on the site and its page number
within that page).

Usage: python tools/make_pdf.py [--site _build/html] [--out _build/html/synthetic-data-report.pdf]
"""

from __future__ import annotations

import argparse
import html
import io
import os
import sys
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
# not printed; the contents page names them and where they are on the site
SKIP_DOCS = {"book/provenance": "Where every number comes from", "book/api": "The analysis package: API reference"}
MARGIN = {"top": "18mm", "bottom": "16mm", "left": "14mm", "right": "14mm"}
TEMPLATE_STYLE = "font-size:7.5pt;font-family:sans-serif;color:#444;width:100%;padding:0 14mm;"


def toc_docs(root: Path = ROOT) -> list[str]:
    """Pages of the table of contents, in reading order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    docs = [toc["root"]]
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            docs.append(chapter["file"])
            docs.extend(s["file"] for s in chapter.get("sections", []))
    return docs


def metadata(root: Path = ROOT) -> dict:
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    sphinx_cfg = (config.get("sphinx") or {}).get("config") or {}
    return {
        "title": str(cff.get("title", config.get("title", ""))),
        "version": str(cff.get("version", "")),
        "date": str(cff.get("date-released", "")),
        "authors": ", ".join(a.get("name", "") for a in cff.get("authors", [])),
        "site_url": str(sphinx_cfg.get("reader_site_url") or ""),
        "pdf_name": str(sphinx_cfg.get("reader_pdf_name") or "synthetic-data-report.pdf"),
    }


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _serve(directory: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def _templates(meta: dict, path: str) -> tuple[str, str]:
    e = html.escape
    header = f'<div style="{TEMPLATE_STYLE}">{e(meta["title"])} · version {e(meta["version"])} ({e(meta["date"])})</div>'
    footer = (
        f'<div style="{TEMPLATE_STYLE}display:flex;justify-content:space-between;">'
        f'<span>{e(path)}</span><span>page <span class="pageNumber"></span> of <span class="totalPages"></span> of this page</span></div>'
    )
    return header, footer


def _print(page, url: str, meta: dict, path: str) -> bytes:
    page.goto(url, wait_until="networkidle")
    try:
        page.wait_for_selector("html[data-reader-ready]", timeout=15000)
    except Exception:  # noqa: BLE001 - a page without the site's script (the title page) is ready
        pass
    page.evaluate("() => { if (window.readerOpenAll) window.readerOpenAll(); }")
    page.emulate_media(media="print")
    header, footer = _templates(meta, path)
    return page.pdf(
        format="A4", print_background=True, margin=MARGIN, display_header_footer=True,
        header_template=header, footer_template=footer, outline=False,
    )


def _title_html(meta: dict) -> str:
    e = html.escape
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{e(meta['title'])}</title>
<style>body{{font-family:sans-serif;margin:0}} .t{{margin-top:35vh;text-align:center}}
h1{{font-size:24pt;margin:0 2cm}} p{{font-size:13pt}}</style></head><body><div class="t">
<h1>{e(meta['title'])}</h1><p>Version {e(meta['version'])}, {e(meta['date'])}</p><p>{e(meta['authors'])}</p>
<p>{e(meta['site_url'])}</p><p style="font-size:10pt">Text and figures CC-BY-4.0; code MIT.
Every number is computed by the report's code from sourced data; see "Where every number comes from" on the site.</p>
</div></body></html>"""


def _toc_html(meta: dict, rows: list[tuple[str, str, int]]) -> str:
    e = html.escape
    items = "".join(
        f'<tr><td>{e(title)}</td><td style="color:#555">{e(path)}</td><td style="text-align:right">{start}</td></tr>'
        for title, path, start in rows
    )
    skipped = "; ".join(f"{e(title)} ({e(path)}.html)" for path, title in SKIP_DOCS.items())
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Contents</title>
<style>body{{font-family:sans-serif}} table{{width:100%;border-collapse:collapse;font-size:11pt}}
td{{padding:4pt 2pt;border-bottom:1px solid #ddd}}</style></head><body><h1>Contents</h1>
<table><thead><tr><th style="text-align:left">Chapter</th><th style="text-align:left">Page on the site</th>
<th style="text-align:right">PDF page</th></tr></thead><tbody>{items}</tbody></table>
<p style="font-size:10pt">Not printed, on the site only: {skipped}.</p></body></html>"""


def build_pdf(site: Path, out: Path, root: Path = ROOT, browser=None) -> Path:
    """Print every page of ``site`` and merge them into ``out``; returns ``out``.

    ``browser`` is a Playwright Chromium browser to use (the test session's); without it, Debian's
    Chromium is launched for the job.
    """
    if not (site / "index.html").exists():
        raise FileNotFoundError(f"site: {site} has no index.html; run `make book` first")
    if browser is not None:
        return _build(site, out, root, browser)
    from playwright.sync_api import sync_playwright

    exe = next((p for p in CHROMIUM_CANDIDATES if os.path.exists(p)), None)
    if exe is None:
        raise FileNotFoundError("Chromium is not installed (Debian package 'chromium')")
    with sync_playwright() as p:
        own = p.chromium.launch(
            executable_path=exe, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        try:
            return _build(site, out, root, own)
        finally:
            own.close()


def _build(site: Path, out: Path, root: Path, browser) -> Path:
    from pypdf import PdfReader, PdfWriter

    meta = metadata(root)
    docs = [d for d in toc_docs(root) if d not in SKIP_DOCS]
    server, base = _serve(site)
    parts: list[tuple[str, str, bytes]] = []
    t0 = time.perf_counter()
    context = browser.new_context()
    try:
        page = context.new_page()
        # offline: nothing but the local server
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith((base, "data:", "blob:")) else r.abort())
        for doc in docs:
            path = f"{doc}.html"
            page.emulate_media(media="screen")
            pdf = _print(page, f"{base}/{path}", meta, "/" + path)
            title = page.locator("article h1").first.inner_text().strip().rstrip("#").strip()
            parts.append((title, "/" + path, pdf))
        counts = [len(PdfReader(io.BytesIO(pdf)).pages) for _, _, pdf in parts]
        page.emulate_media(media="screen")
        page.set_content(_title_html(meta))
        title_pdf = page.pdf(format="A4", print_background=True, margin=MARGIN)
        n_title = len(PdfReader(io.BytesIO(title_pdf)).pages)
        # the contents fit on one or two pages: print again if their length moved the numbers
        n_toc = 1
        for _ in range(3):
            start = n_title + n_toc + 1
            rows = []
            for (title, path, _), n in zip(parts, counts):
                rows.append((title, path, start))
                start += n
            page.set_content(_toc_html(meta, rows))
            toc_pdf = page.pdf(format="A4", print_background=True, margin=MARGIN)
            got = len(PdfReader(io.BytesIO(toc_pdf)).pages)
            if got == n_toc:
                break
            n_toc = got
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    writer = PdfWriter()
    for blob in (title_pdf, toc_pdf):
        writer.append(PdfReader(io.BytesIO(blob)))
    for title, _path, blob in parts:
        writer.append(PdfReader(io.BytesIO(blob)), outline_item=title)
    writer.add_metadata({"/Title": meta["title"], "/Author": meta["authors"],
                         "/Subject": f"Version {meta['version']}, {meta['date']}"})
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as f:
        writer.write(f)
    pages = len(PdfReader(out).pages)
    print(f"[pdf] {out} : {pages} pages, {len(parts)} chapters, in {time.perf_counter() - t0:.0f} s")
    return out


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
