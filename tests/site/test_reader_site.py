"""The reader's site in Chromium: provenance links, phone navigation, tables, search, downloads, dates."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest
import yaml
from conftest import DESKTOP, PHONE, open_page, ROOT, toc_docs

pytestmark = pytest.mark.slow

DOCS = toc_docs()
CITATION = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def _open(browser, site_url, doc, *, viewport=DESKTOP, **context_args):
    context, page, _ = open_page(browser, site_url, f"{doc}.html", viewport=viewport, **context_args)
    return context, page

def _get(url: str) -> bytes:
    with urllib.request.urlopen(url) as r:  # noqa: S310 - localhost only
        assert r.status == 200, url
        return r.read()


# -- navigation -------------------------------------------------------------------------------


def test_menu_opens_the_navigation_at_phone_width(browser, site_url):
    context, page = _open(browser, site_url, "notebooks/02_cost", viewport=PHONE, is_mobile=True, has_touch=True)
    nav = page.locator(".bd-docs-nav a", has_text="Model collapse").first
    assert not nav.is_visible()
    toggles = page.locator(".primary-toggle")
    visible = [i for i in range(toggles.count()) if toggles.nth(i).is_visible()]
    assert visible, "no visible menu button at 390 px"
    toggles.nth(visible[0]).tap()
    nav.wait_for(state="visible", timeout=5000)
    with page.expect_navigation(url=re.compile(r".*03_model_collapse\.html$"), timeout=20000):
        nav.click()  # waits for the navigation itself, not a load state the old page already has
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("03_model_collapse.html")
    context.close()


def test_sidebar_button_hides_and_shows_the_navigation_at_desktop_width(browser, site_url):
    context, page = _open(browser, site_url, "notebooks/02_cost")
    nav = page.locator(".bd-docs-nav a", has_text="Model collapse").first
    assert nav.is_visible()
    toggles = page.locator(".primary-toggle")
    visible = [i for i in range(toggles.count()) if toggles.nth(i).is_visible()]
    assert visible
    toggles.nth(visible[0]).click()
    page.wait_for_timeout(400)
    assert not nav.is_visible()
    toggles.nth(visible[0]).click()
    nav.wait_for(state="visible", timeout=5000)
    context.close()


@pytest.fixture(scope="module")
def phone_widths(browser, site_url):
    """Document width of every page at 390 px, and the widest elements when it overflows."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    widths = {}
    for doc in DOCS:
        page.goto(f"{site_url}/{doc}.html", wait_until="networkidle")
        page.wait_for_selector("html[data-reader-ready]", timeout=20000)
        widths[doc] = page.evaluate(
            """() => [document.documentElement.scrollWidth,
                [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)
                  .slice(0, 5).map(e => e.tagName + '.' + e.className)]"""
        )
    context.close()
    return widths


@pytest.mark.parametrize("doc", DOCS)
def test_no_page_is_wider_than_a_phone(phone_widths, doc):
    width, culprits = phone_widths[doc]
    assert width <= PHONE["width"], f"{doc} is {width} px wide at 390 px: {culprits}"


# -- provenance -------------------------------------------------------------------------------


def test_every_glued_number_on_the_landing_page_links_to_its_provenance(browser, site_url):
    context, page = _open(browser, site_url, "book/summary")
    pasted = page.locator("article .pasted-text")
    n = pasted.count()
    assert n >= 20, f"only {n} glued values on the landing page"
    hrefs = page.eval_on_selector_all(
        "article .pasted-text", "els => els.map(e => { const a = e.closest('a.glue-prov'); return a ? a.href : null; })"
    )
    assert all(hrefs), f"{hrefs.count(None)} of {n} glued values have no provenance link"
    targets = {}
    for href in hrefs:
        base, _, frag = href.partition("#")
        targets.setdefault(base, set()).add(frag)
    for base, frags in targets.items():
        page.goto(base, wait_until="domcontentloaded")
        for frag in sorted(frags):
            entry = page.locator(f"li#{frag}")
            assert entry.count() == 1, f"no provenance entry {frag} on {base}"
            html = entry.inner_html()
            names_function = re.search(r"(functions|by) <code>analysis\.", html)
            names_dataset = re.search(r'datasets <a href="[^"]*#data-\w+', html)
            assert names_function or names_dataset, f"{frag}: names no dataset and no function: {entry.inner_text()}"
            # the entry sits under the code that computed it
            assert "Code cell" in entry.locator("xpath=ancestor::div[contains(@class,'prov-cell')]").inner_text()
    context.close()


def test_provenance_index_is_published_and_names_sources(built_site):
    index = json.loads((built_site / "provenance.json").read_text())
    assert len(index) > 100
    with_data = [e for e in index.values() if e["datasets"]]
    assert with_data and all(e["bibtex"] for e in with_data if e["datasets"] != ["software"] or e["bibtex"])
    # the run-out median year (chapter 1's keys were renamed ch01_* in 0.2.0)
    runout = next(e for e in index.values() if e["key"] == "ch01_pooled_median")
    assert runout["doc"] == "notebooks/01_data_exhaustion" and runout["code"].strip()
    assert runout["datasets"] or runout["functions"]


# -- tables -----------------------------------------------------------------------------------


def test_regulation_table_filters_to_the_eu_rows(browser, site_url):
    import pandas as pd

    n_eu = int((pd.read_csv(ROOT / "analysis" / "data" / "regulation.csv")["jurisdiction"] == "EU").sum())
    context, page = _open(browser, site_url, "notebooks/05_regulation")
    page.wait_for_selector(".reg-rules[data-ready]", timeout=20000)
    cards = page.locator(".reg-item")
    total = cards.count()
    assert total > n_eu
    page.get_by_label("Jurisdiction", exact=True).select_option("EU")
    shown = page.eval_on_selector_all(".reg-item:not([hidden])", "els => els.map(e => e.dataset.jurisdiction)")
    assert len(shown) == n_eu, shown
    assert set(shown) == {"EU"}
    page.get_by_label("Jurisdiction", exact=True).select_option("")
    assert page.locator(".reg-item:not([hidden])").count() == total
    context.close()


@pytest.mark.parametrize("doc", ["notebooks/05_regulation", "book/claims", "notebooks/02_cost"])
def test_tables_are_sortable_and_downloadable(browser, site_url, doc):
    context, page = _open(browser, site_url, doc)
    page.evaluate("() => window.readerEnhanceTables()")  # every table, not only those near the viewport
    page.wait_for_selector("html[data-reader-tables=done]", timeout=20000)
    n_tables = page.locator("table.reader-datatable").count()
    assert n_tables >= 1, f"{doc}: no interactive table"
    assert page.locator(".reader-table-bar a.reader-csv").count() >= n_tables
    with page.expect_download() as info:
        page.locator(".reader-table-bar a.reader-csv").first.click()
    csv_text = open(info.value.path(), encoding="utf-8").read()
    assert csv_text.count("\n") >= 6
    header = page.locator("table.reader-datatable thead th").first
    header.click()
    # DataTables sets aria-sort after the click's redraw: wait for it (up to 5 s) instead of reading it at once
    from playwright.sync_api import expect

    expect(page.locator("table.reader-datatable thead th").first).to_have_attribute(
        "aria-sort", re.compile(r"^(ascending|descending)$"), timeout=5000)
    context.close()


def test_datatables_load_only_when_a_table_with_controls_comes_near(browser, site_url):
    """DataTables (about 0.7 MB) is fetched when a table with controls nears the viewport, not with the page."""
    context, page = _open(browser, site_url, "book/claims")
    loaded = "() => performance.getEntriesByType('resource').some(e => e.name.endsWith('dt_bundle.js'))"
    if page.evaluate("() => document.documentElement.dataset.readerTables") == "pending":
        assert not page.evaluate(loaded), "DataTables was fetched before any table with controls came near"
        assert page.locator("table.reader-datatable").count() == 0
    page.locator(".reader-table-bar").last.scroll_into_view_if_needed()
    page.wait_for_selector("table.reader-datatable", timeout=20000)
    assert page.evaluate(loaded)
    context.close()


# -- search -----------------------------------------------------------------------------------


def test_search_finds_a_year(browser, site_url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site_url}/search.html?q=2028", wait_until="networkidle")
    page.wait_for_selector("#search-results li", timeout=20000)
    links = page.eval_on_selector_all("#search-results li a", "els => els.map(e => e.href)")
    assert any("01_data_exhaustion" in h for h in links), links
    context.close()


# -- dates and downloads ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def pages(browser, site_url):
    context = browser.new_context()
    page = context.new_page()
    out = {}
    for doc in DOCS:
        page.goto(f"{site_url}/{doc}.html", wait_until="domcontentloaded")
        # figures may sit in collapsed sections (chapter 5): open them, as printing does (reader.js)
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        out[doc] = {
            "meta": page.locator(".reader-meta").first.inner_text() if page.locator(".reader-meta").count() else "",
            "text": page.locator("body").inner_text(),
            "links": page.eval_on_selector_all("a[href]", "els => els.map(e => [e.href, e.textContent.trim()])"),
            "figures": page.eval_on_selector_all(
                "figure", "els => els.map(f => [!!f.querySelector('img'), (f.querySelector('.figure-tools')?.innerText || '')"
                " + ' ' + (f.querySelector('details.reader-cite')?.textContent || '')])"
            ),
            "url": page.url,
        }
    context.close()
    return out


@pytest.mark.parametrize("doc", DOCS)
def test_page_shows_version_and_evidence_date_not_build_date(pages, doc):
    p = pages[doc]
    assert f"Version {CITATION['version']}" in p["meta"], p["meta"]
    assert "Last updated" not in p["text"]
    source = ROOT / f"{doc}.md"
    if source.exists() and re.search(r"ch\d\d_evidence_as_of|evidence_as_of\(", source.read_text(encoding="utf-8")):
        assert re.search(r"sources checked \d{4}-\d{2}-\d{2}", p["meta"]), f"{doc}: {p['meta']}"
    if doc == "book/summary":
        assert re.search(r"sources checked \d{4}-\d{2}-\d{2}", p["meta"]), p["meta"]


@pytest.mark.parametrize("doc", [d for d in DOCS if d.startswith("notebooks/") or (ROOT / f"{d}.ipynb").exists()])
def test_notebook_pages_offer_their_executed_notebook(pages, doc):
    link = [h for h, _ in pages[doc]["links"] if h.endswith(".ipynb")]
    assert link, f"{doc}: no executed-notebook download"
    nb = json.loads(_get(link[0]))
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert outputs, f"{doc}: the downloaded notebook is not executed"


@pytest.mark.parametrize("doc", [d for d in DOCS if d.startswith(("notebooks/", "book/claims"))])
def test_figures_offer_svg_png_and_a_citation(pages, doc):
    figures = [f for f in pages[doc]["figures"] if f[0]]
    for has_img, tools in figures:
        assert "SVG" in tools and "PNG" in tools and "Cite" in tools and "@misc{" in tools, f"{doc}: {tools!r}"
        assert CITATION["version"] in tools
    for href, text in pages[doc]["links"]:
        if text in ("SVG", "PNG"):
            body = _get(href)
            assert body.startswith(b"<?xml") or body[:8] == b"\x89PNG\r\n\x1a\n", href


def test_data_appendix_offers_every_dataset_and_schema(pages):
    links = {h for h, _ in pages["notebooks/90_data_provenance"]["links"]}
    for csv_path in sorted((ROOT / "analysis" / "data").glob("*.csv")):
        for name in (csv_path.name, csv_path.stem + ".schema.yml"):
            match = [h for h in links if h.endswith("/data/" + name)]
            assert match, f"no download of {name}"
        assert _get(next(h for h in links if h.endswith("/data/" + csv_path.name))) == csv_path.read_bytes()


def test_pdf_is_linked_from_the_landing_and_citation_pages(pages, site_pdf):
    for doc in ("book/summary", "book/how_to_cite"):
        pdf_links = [h for h, _ in pages[doc]["links"] if h.endswith(site_pdf.name)]
        assert pdf_links, f"{doc} does not link the PDF edition"
        assert _get(pdf_links[0])[:5] == b"%PDF-"


def test_citation_file_carries_the_configured_urls():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["sphinx"]["config"]
    for cff_key, cfg_key in (("url", "reader_site_url"), ("repository-code", "reader_repository_url")):
        assert (CITATION.get(cff_key) or "") == (config.get(cfg_key) or ""), (
            f"CITATION.cff {cff_key} and _config.yml {cfg_key} disagree"
        )


def test_no_figure_has_overlapping_labels(built_site):
    """Every glued figure was checked at glue time (plotting.overlapping_labels): no label hides another."""
    index = json.loads((built_site / "provenance.json").read_text())
    figures = {k: e for k, e in index.items() if e["kind"] == "figure"}
    assert figures
    unchecked = [k for k, e in figures.items() if "overlapping_labels" not in e.get("checks", {})]
    assert not unchecked, f"figures glued without plotting.glue_figure: {unchecked}"
    bad = {k: e["checks"]["overlapping_labels"][:3] for k, e in figures.items() if e["checks"]["overlapping_labels"]}
    assert not bad, f"figures with overlapping labels: {bad}"
