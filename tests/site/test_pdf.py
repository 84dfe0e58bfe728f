"""The PDF editions (`make book` / `make pdf`): the full edition tagged for screen readers, numbered
through, claims and chapters before the appendices and the changelog, no table cut; the brief in at
most four pages with the findings, one figure per chapter and how to cite."""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest
import yaml
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import make_pdf  # noqa: E402

pytestmark = pytest.mark.slow

CITATION = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
PRINTED = make_pdf.printed_docs(ROOT)
CHAPTERS = make_pdf.chapter_docs(ROOT)


def _norm(text: str) -> str:
    # NFKC folds the PDF's ligatures ("ﬁ") back into letters
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def _read(path):
    from pypdf import PdfReader

    reader = PdfReader(path)
    return reader, [_norm(p.extract_text() or "") for p in reader.pages]


@pytest.fixture(scope="module")
def pdf(site_pdf):
    return _read(site_pdf)


@pytest.fixture(scope="module")
def brief(site_pdf):
    return _read(site_pdf.with_name(make_pdf.metadata(ROOT)["brief_name"]))


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


def _tagged(reader) -> bool:
    root = reader.trailer["/Root"]
    mark = root.get("/MarkInfo")
    return "/StructTreeRoot" in root and mark is not None and bool(mark.get_object().get("/Marked"))


def test_page_count_title_page_and_contents(pdf):
    reader, texts = pdf
    assert len(PRINTED) + 2 <= len(reader.pages) <= 400, len(reader.pages)
    assert f"Version {CITATION['version']}" in texts[0]
    assert str(CITATION["date-released"]) in texts[0]
    assert "Contents" in texts[1]
    assert "Not printed, on the site only" in texts[1] and all(f"{d}.html" in texts[1] for d in make_pdf.SKIP_DOCS)


def test_the_pdf_is_tagged_for_screen_readers(pdf):
    reader, _ = pdf
    assert _tagged(reader), "no structure tree (StructTreeRoot) or MarkInfo /Marked true"
    assert str(reader.trailer["/Root"].get("/Lang", "")) == "en"
    struct = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    assert struct.get("/K") is not None, "an empty structure tree"


def test_every_chapter_is_there_with_its_bookmark(pdf, titles):
    reader, texts = pdf
    body = " ".join(texts)
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    for doc, title in titles.items():
        assert title in body, f"{title!r} ({doc}) is not in the PDF"
        assert _norm(title) in [_norm(t) for t in outline], f"{title!r} has no bookmark"
    assert "References" in body or "Bibliography" in body


def test_page_numbers_run_through_the_whole_document(pdf):
    reader, texts = pdf
    n = len(reader.pages)
    assert list(reader.page_labels) == [str(i) for i in range(1, n + 1)], "the page labels do not run 1..N"
    for i, text in enumerate(texts):
        assert f"page {i + 1} of {n}" in text, f"page {i + 1}: its footer does not say 'page {i + 1} of {n}'"
        assert "of this page" not in text
    for i, text in enumerate(texts[1:], start=1):
        assert f"version {CITATION['version']}" in text, f"page {i + 1} has no running header"


def test_the_contents_give_the_page_each_chapter_starts_on(pdf, titles):
    reader, texts = pdf
    outline = {_norm(item.title): reader.get_destination_page_number(item) + 1
               for item in reader.outline if not isinstance(item, list)}
    contents = re.sub(r"\s+", "", texts[1])
    for doc in PRINTED:
        start = outline[_norm(titles[doc])]
        assert f"On the site: /{doc}.html" in texts[start - 1], f"{doc} does not start on page {start}"
        assert re.search(rf"/{re.escape(doc)}\.html{start}(?!\d)", contents), f"{doc}: the contents do not give page {start}"


def test_claims_and_chapters_come_before_the_appendices_and_the_changelog(pdf, titles):
    reader, _ = pdf
    pages = {_norm(item.title): reader.get_destination_page_number(item) for item in reader.outline if not isinstance(item, list)}
    start = {doc: pages[_norm(titles[doc])] for doc in PRINTED}
    changelog = start["book/changelog"]
    for doc in ["book/claims", *CHAPTERS]:
        assert start[doc] < changelog, f"{doc} comes after the changelog"
    assert start["book/claims"] < min(start[d] for d in CHAPTERS)
    assert [start[d] for d in PRINTED] == sorted(start[d] for d in PRINTED), "pages out of the reading order"


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


# -- the brief ----------------------------------------------------------------------------------


def test_the_brief_is_at_most_four_tagged_pages(brief):
    reader, texts = brief
    assert 1 <= len(reader.pages) <= make_pdf.MAX_BRIEF_PAGES, len(reader.pages)
    assert _tagged(reader)
    assert f"Version {CITATION['version']}" in texts[0]


def test_the_brief_has_the_findings(brief, browser, site_url):
    _, texts = brief
    body = " ".join(texts).replace(" ", "")
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site_url}/book/summary.html", wait_until="networkidle")
    findings = page.evaluate(
        """() => { const panel = document.querySelector('.findings-panel') || document.querySelector('#key-findings');
                   const items = panel.querySelectorAll('[id^="finding-"]');
                   return [...(items.length ? items : panel.querySelectorAll('li'))].map(e => e.innerText.trim()); }""")
    context.close()
    assert len(findings) >= 5
    for text in findings:
        opening = _norm(text)[:60].replace(" ", "")
        assert opening in body, f"the brief lacks the finding {text[:80]!r}"


def test_the_brief_has_one_figure_per_chapter_and_how_to_cite(brief, titles):
    reader, texts = brief
    body = " ".join(texts)
    for doc in CHAPTERS:
        assert titles[doc] in body, f"the brief has no figure of {doc}"
    images = sum(len([x for x in (p.get("/Resources", {}).get("/XObject", {}) or {}).values()
                      if x.get_object().get("/Subtype") == "/Image"]) for p in reader.pages)
    assert images >= len(CHAPTERS), f"{images} images for {len(CHAPTERS)} chapters"
    assert "How to cite" in body and "@misc{" in body and CITATION["version"] in body
