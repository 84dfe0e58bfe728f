"""The PDF edition (`make pdf`): title page, contents, every chapter, bibliography, running header and footer, no table cut."""

from __future__ import annotations

import re
import unicodedata

import pytest
import yaml
from conftest import ROOT, toc_docs

pytestmark = pytest.mark.slow

CITATION = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
NOT_PRINTED = {"book/provenance", "book/api"}  # lookup pages, named on the contents page (tools/make_pdf.py)
PRINTED = [d for d in toc_docs() if d not in NOT_PRINTED]


def _norm(text: str) -> str:
    # NFKC folds the PDF's ligatures ("ﬁ") back into letters
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


@pytest.fixture(scope="module")
def pdf(site_pdf):
    from pypdf import PdfReader

    reader = PdfReader(site_pdf)
    texts = [_norm(p.extract_text() or "") for p in reader.pages]
    return reader, texts


@pytest.fixture(scope="module")
def titles(browser, site_url):
    context = browser.new_context()
    page = context.new_page()
    out = {}
    for doc in PRINTED:
        page.goto(f"{site_url}/{doc}.html", wait_until="domcontentloaded")
        out[doc] = _norm(page.locator("article h1").first.inner_text()).rstrip("#").strip()
    context.close()
    return out


def test_page_count_title_page_and_contents(pdf):
    reader, texts = pdf
    assert len(PRINTED) + 2 <= len(reader.pages) <= 400, len(reader.pages)
    assert f"Version {CITATION['version']}" in texts[0]
    assert str(CITATION["date-released"]) in texts[0]
    assert "Contents" in texts[1]
    assert "Not printed, on the site only" in texts[1] and all(f"{d}.html" in texts[1] for d in NOT_PRINTED)


def test_every_chapter_is_there_with_its_bookmark(pdf, titles):
    reader, texts = pdf
    body = " ".join(texts)
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    for doc, title in titles.items():
        assert title in body, f"{title!r} ({doc}) is not in the PDF"
        assert title in outline, f"{title!r} has no bookmark"
    assert "References" in body or "Bibliography" in body


def test_running_header_and_footer(pdf):
    reader, texts = pdf
    for i, text in enumerate(texts[2:], start=2):
        assert f"version {CITATION['version']}" in text, f"page {i + 1} has no running header"
        assert re.search(r"/(book|notebooks)/[\w.-]+\.html", text), f"page {i + 1} has no page path"


def test_no_table_is_cut(browser, site_url, pdf):
    """In print layout every table fits the page width, and its last row's last cell is in the PDF."""
    reader, texts = pdf
    body = _norm(" ".join(texts)).replace(" ", "")
    context = browser.new_context(viewport={"width": 688, "height": 1000})  # A4 less the 14 mm margins, at 96 dpi
    page = context.new_page()
    checked = 0
    for doc in PRINTED:
        page.goto(f"{site_url}/{doc}.html", wait_until="networkidle")
        page.wait_for_selector("html[data-reader-ready]", timeout=20000)
        page.evaluate("() => window.readerOpenAll && window.readerOpenAll()")
        page.emulate_media(media="print")
        tables = page.evaluate(
            """() => [...document.querySelectorAll('article table')].filter(t => t.offsetParent !== null).map(t => {
                 const r = t.getBoundingClientRect();
                 const rows = t.tBodies.length ? t.tBodies[0].rows : t.rows;
                 const last = rows.length ? rows[rows.length - 1] : null;
                 const cell = last && last.cells.length ? last.cells[last.cells.length - 1].textContent : '';
                 return {right: r.right, width: document.documentElement.clientWidth,
                         overflow: t.scrollWidth - t.clientWidth, cell: cell.trim().slice(0, 40)};
               })"""
        )
        for t in tables:
            checked += 1
            assert t["right"] <= t["width"] + 1 and t["overflow"] <= 1, f"{doc}: a table is wider than the page: {t}"
            if t["cell"]:
                assert _norm(t["cell"]).replace(" ", "") in body, f"{doc}: {t['cell']!r} (a table's last cell) is not in the PDF"
        page.emulate_media(media="screen")
    assert checked >= 5
    context.close()
