"""Charts and tables for people (issue 24): readable figure text, figures that enlarge, chapter numbers, human labels.

The unit tests check the rules in the package (``analysis.publish.plotting``'s minimum text size,
``analysis.publish.labels``, ``tools/chapter_numbers.py``); the browser tests (marked slow) check the built
site as a reader sees it: each figure's smallest text measured in Chromium where the page shows
it, a figure enlarged on a phone, "Figure N.M" captions, and no id, field name, evidence tag or
BibTeX key in any table cell, caption or figure text of any page of the table of contents.
"""

from __future__ import annotations

import csv
import re
import sys

import matplotlib.pyplot as plt
import pandas as pd
import pytest
import yaml
from conftest import DESKTOP, PHONE, open_page, ROOT, toc_docs

from analysis.publish import labels
from analysis.publish import plotting

sys.path.insert(0, str(ROOT / "tools"))
import chapter_numbers  # noqa: E402
import cite_anchors  # noqa: E402

DOCS = toc_docs()
slow = pytest.mark.slow


# -- the minimum text size, in the package ------------------------------------------------------


def _svg(fig) -> str:
    import io

    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    return buf.getvalue()


def test_rendered_text_sizes_scale_font_points_to_the_figure_column():
    plotting.set_theme()
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.plot([0, 1], [0, 1])
    ax.text(0.5, 0.5, "tiny", fontsize=6)
    svg = _svg(fig)
    width_pt = float(re.search(r'width="([0-9.]+)pt"', svg).group(1))
    sizes = dict(plotting.rendered_text_sizes(svg))
    # 6 pt in a figure W pt wide, shown at 672 px: 6 * 672 / W px
    assert sizes["tiny"] == pytest.approx(6 * plotting.FIGURE_COLUMN_PX / width_pt, rel=1e-6)
    assert plotting.rendered_text_sizes(svg)[0] == ("tiny", sizes["tiny"])


def test_a_narrow_figure_is_not_enlarged_beyond_its_png():
    plotting.set_theme()
    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.text(0.5, 0.5, "label", fontsize=10)
    ax.set_axis_off()
    svg = _svg(fig)
    width_pt = float(re.search(r'width="([0-9.]+)pt"', svg).group(1))
    assert width_pt * plotting.PNG_DPI / 72 < plotting.FIGURE_COLUMN_PX
    # shown at its own size (150 dpi PNG): 10 pt = 10 * 150 / 72 px
    assert dict(plotting.rendered_text_sizes(svg))["label"] == pytest.approx(10 * 150 / 72, rel=1e-6)


def test_superscripts_count_at_their_own_size():
    plotting.set_theme()
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.set_yscale("log")
    ax.plot([1, 2], [10, 1000])
    sizes = plotting.rendered_text_sizes(_svg(fig))
    tick = max(px for _, px in sizes)
    assert min(px for _, px in sizes) < 0.8 * tick  # the exponents of 10^1, 10^2, 10^3


def test_glue_figure_refuses_text_under_11_px(tmp_path, monkeypatch):
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: None)
    plotting.set_theme()
    fig, ax = plt.subplots(figsize=(11, 4))
    ax.plot([0, 1], [0, 1], label="a legend")
    ax.legend(fontsize=8)
    with pytest.raises(ValueError, match=r"fig: figure 'fig_small'.*'a legend'.*at least 11 px"):
        plotting.glue_figure("fig_small", fig, alt="A line rising from zero to one.", data_dir=tmp_path)
    assert not (tmp_path / "fig_small.svg").exists()
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot([0, 1], [0, 1], label="a legend")
    ax.legend()
    plotting.glue_figure("fig_fine", fig, alt="A line rising from zero to one.", data_dir=tmp_path)
    assert min(px for _, px in plotting.rendered_text_sizes((tmp_path / "fig_fine.svg").read_text())) >= 11


def test_rendered_text_sizes_refuses_what_is_not_an_svg():
    with pytest.raises(ValueError, match="^svg:"):
        plotting.rendered_text_sizes("<p>not svg")
    with pytest.raises(ValueError, match="^svg:"):
        plotting.rendered_text_sizes('<svg xmlns="http://www.w3.org/2000/svg"></svg>')


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "0"), (0.001, "0.001"), (1, "1"), (1000, "1,000"), (250_000, "250,000"), (1e6, "1 million"),
     (3e9, "3 billion"), (1e12, "1 trillion"), (1e15, "1,000 trillion"), (1e-6, "1e-6"), (-2000, "-2,000")],
)
def test_plain_number_writes_tick_values_in_words(value, text):
    assert plotting.plain_number(value) == text


def test_plain_log_ticks_leave_no_exponent():
    plotting.set_theme()
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.set_yscale("log")
    ax.plot([1, 2], [10, 1e7])
    plotting.plain_log_ticks(ax.yaxis)
    sizes = plotting.rendered_text_sizes(_svg(fig))
    assert max(px for _, px in sizes) == pytest.approx(min(px for _, px in sizes))
    assert "10 million" in [t for t, _ in sizes]


# -- labels -------------------------------------------------------------------------------------


def test_evidence_labels_are_words_for_every_tag_of_the_data():
    from analysis.data import loader as data

    assert set(labels.EVIDENCE_LABELS) == set(data.EVIDENCE_LEVELS)
    assert labels.evidence_label("seen_secondary") == "secondary source"
    assert labels.evidence_label("seen_primary") == "primary source"
    with pytest.raises(ValueError, match="^tag:"):
        labels.evidence_label("seen_tertiary")


@pytest.mark.parametrize(
    ("name", "label"),
    [("data_governance_bias", "data governance bias"), ("cost_per_token_usd", "cost per token (USD)"),
     ("usd_p05", "5th percentile (USD)"), ("error_pct", "error (%)"), ("saving_needed_p95", "saving needed (95th percentile)"),
     ("reported_by", "reported by"), ("Real data", "Real data"), ("evidence", "evidence"), ("hearts", "heart disease")],
)
def test_column_labels(name, label):
    assert labels.column_label(name) == label


def test_short_citations_follow_author_year_style():
    assert labels.short_citation("villalobos2024will") == "Villalobos et al. 2024"
    assert labels.short_citation("okabe2008color") == "Okabe and Ito 2008"
    with pytest.raises(ValueError, match="^key:"):
        labels.short_citation("nosuchkey1999")


def test_every_bibtex_key_has_a_short_citation_with_a_year():
    keys = re.findall(r"@\w+\{([^,\s]+),", (ROOT / "book" / "references.bib").read_text(encoding="utf-8"))
    for key in keys:
        text = labels.short_citation(key)
        assert re.search(r"(\d{4}|n\.d\.)$", text), (key, text)
        assert "{" not in text and "\\" not in text, (key, text)


def test_citations_link_to_the_stable_bibliography_anchor():
    out = labels.citations_html("tarantola2025elon;wiggers2025elon", href="bibliography.html")
    assert out == ('<a class="reader-cite" href="bibliography.html#ref-tarantola2025elon">Tarantola 2025</a>; '
                   '<a class="reader-cite" href="bibliography.html#ref-wiggers2025elon">Wiggers 2025</a>')


def test_display_table_shows_words_not_codes():
    frame = pd.DataFrame({"usd_median": [1.5, 2.0], "evidence": ["seen_secondary", "seen_primary"],
                          "source": ["villalobos2024will", "okabe2008color"], "note": ["a <b>", None]})
    out = labels.display_table(frame)
    assert "<th>median (USD)</th>" in out and "usd_median" not in out
    assert "secondary source" in out and "seen_" not in out
    assert ">Villalobos et al. 2024</a>" in out and "#ref-villalobos2024will" in out
    assert "a &lt;b&gt;" in out  # text is escaped
    assert "<th></th>" not in out and ">0<" not in out  # no index column
    indexed = labels.display_table(frame.set_index("note"))
    assert indexed.index("<th>note</th>") < indexed.index("<th>median (USD)</th>")  # a named index is a column


def test_bibliography_anchors_are_added_beside_the_numbered_ones():
    body = '<div class="citation" id="id7" role="doc-biblioentry"><span class="label">x</span></div>'
    out = cite_anchors.add_anchors(body, {"id7": "villalobos2024will"})
    assert out == ('<div class="citation" id="id7" role="doc-biblioentry"><span id="ref-villalobos2024will"></span>'
                   '<span class="label">x</span></div>')


# -- chapter numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc", "label"),
    [("notebooks/05_regulation", "5"), ("notebooks/01_data_exhaustion", "1"), ("notebooks/90_data_provenance", "A"),
     ("notebooks/91_more", "B"), ("book/claims", "C"), ("book/summary", None), ("book/05_not_a_chapter", None)],
)
def test_chapter_label(doc, label):
    assert chapter_numbers.chapter_label(doc) == label


def test_renumber_counts_each_kind_from_one_within_each_chapter():
    sphinx = {
        "notebooks/05_regulation": {"figure": {"fig-b": (21,), "fig-a": (20,)}, "table": {"t": (3,)}},
        "notebooks/90_data_provenance": {"figure": {"fig-e": (29,)}},
        "book/summary": {"figure": {"f": (1,)}},
    }
    assert chapter_numbers.renumber(sphinx) == {
        "notebooks/05_regulation": {"figure": {"fig-a": ("5", 1), "fig-b": ("5", 2)}, "table": {"t": ("5", 1)}},
        "notebooks/90_data_provenance": {"figure": {"fig-e": ("A", 1)}},
        "book/summary": {"figure": {"f": (1,)}},
    }


def test_html_tables_are_captioned_in_order_outside_folded_details():
    html = ('<table class="a"><tr><td><table></table></td></tr></table>'
            "<details><summary>schema</summary><table></table></details><table id=\"kept\"></table>")
    out, following = chapter_numbers.number_html_tables(html, "A", 3)
    assert following == 5
    assert re.findall(r"Table A\.\d+", out) == ["Table A.3", "Table A.4"]
    assert '<table class="a" id="table-a-3"><caption' in out and '<table id="kept"><caption' in out
    assert "<details><summary>schema</summary><table></table></details>" in out


# -- what a reader must never see -----------------------------------------------------------------

_ID = re.compile(r"^[a-z0-9]+(?:[_-][a-z0-9]+)+$")  # eu-aia-53-1d, seen_secondary
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")  # data_governance_bias


def codes() -> set[str]:
    """Ids of the curated data (primary keys that are codes), snake_case field names and values, BibTeX keys."""
    found = set()
    for schema_path in sorted((ROOT / "analysis" / "data").glob("*.schema.yml")):
        schema = yaml.safe_load(schema_path.read_text(encoding="utf-8"))
        key = schema.get("primary_key")
        columns = schema.get("columns") or {}
        # a primary key is a code when it is called one (id, *_id) or has a declared pattern; keys
        # such as model or chip names (phi-1, H100) are the names readers know
        coded = key is not None and (key == "id" or key.endswith("_id") or "pattern" in (columns.get(key) or {}))
        found.update(c for c in (schema.get("columns") or {}) if _SNAKE.match(c))
        table = schema_path.with_name(schema_path.name.replace(".schema.yml", ".csv"))
        if not table.exists():
            continue
        with table.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                for col, value in row.items():
                    value = (value or "").strip()
                    if (coded and col == key and _ID.match(value)) or _SNAKE.match(value):
                        found.add(value)
    # BibTeX keys in author-year form (villalobos2024will, sdv_copulas); a key that is one plain word
    # (jupytext, playwright) is also the name of the thing it cites, which a table may show
    keys = re.findall(r"@\w+\{([^,\s]+),", (ROOT / "book" / "references.bib").read_text(encoding="utf-8"))
    found.update(k for k in keys if re.search(r"[\d_]", k))
    return found


def test_the_code_list_holds_what_the_issue_names():
    c = codes()
    assert {"eu-aia-53-1d", "data_governance_bias", "seen_secondary", "villalobos2024will"} <= c
    assert not {"hearts", "GPT-4", "H100", "phi-1", "model", "evidence", "jupytext"} & c  # names and ordinary words are allowed


# -- the built site, in Chromium -------------------------------------------------------------------

_TEXT_SIZES = r"""async () => {
  // each figure's SVG, inlined at the width the page shows the figure, every text measured on screen
  const out = [];
  for (const fig of document.querySelectorAll('article.bd-article figure')) {
    const img = fig.querySelector('img');
    const a = fig.querySelector('.figure-downloads a[href$=".svg"]');
    if (!img || !a) continue;
    const width = img.getBoundingClientRect().width;
    const text = await (await fetch(a.href)).text();
    const box = document.createElement('div');
    box.style.cssText = `position:absolute;left:0;top:0;width:${width}px`;
    box.innerHTML = text.slice(text.indexOf('<svg'));
    document.body.appendChild(box);
    const svg = box.querySelector('svg');
    svg.removeAttribute('height'); svg.style.width = '100%'; svg.style.height = 'auto';
    let min = Infinity, which = '';
    for (const t of svg.querySelectorAll('text, tspan')) {
      const own = [...t.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
      if (!own) continue;
      const m = t.getScreenCTM();
      const px = parseFloat(getComputedStyle(t).fontSize) * Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
      if (px < min) { min = px; which = own; }
    }
    box.remove();
    out.push({id: fig.id, width, min, which});
  }
  return out;
}"""


def _open(browser, site_url, doc, *, viewport=DESKTOP, **kwargs):
    return open_page(browser, site_url, f"{doc}.html", viewport=viewport, **kwargs)

@pytest.fixture(scope="module")
def figure_sizes(browser, site_url):
    sizes = {}
    for doc in DOCS:
        context, page, _ = _open(browser, site_url, doc)
        for f in page.evaluate(_TEXT_SIZES):
            sizes[(doc, f["id"])] = f
        context.close()
    return sizes


@slow
def test_figures_are_shown_at_the_column_width_the_package_assumes(figure_sizes):
    assert len(figure_sizes) >= 25
    widths = {round(f["width"]) for f in figure_sizes.values()}
    # no figure is shown wider than the column the text sizes are computed for
    assert max(widths) == plotting.FIGURE_COLUMN_PX, widths


@slow
@pytest.mark.parametrize("doc", DOCS)
def test_every_figure_text_is_at_least_11_px_on_a_desktop(figure_sizes, doc):
    small = {fid: (round(f["min"], 1), f["which"]) for (d, fid), f in figure_sizes.items()
             if d == doc and f["min"] < plotting.MIN_TEXT_PX}
    assert not small, f"{doc}: figures with text under {plotting.MIN_TEXT_PX} px at 1280x900: {small}"


@slow
def test_a_figure_enlarges_on_a_phone_and_closes_with_escape(browser, site_url):
    doc = "notebooks/02_cost"
    context, page, problems = _open(browser, site_url, doc, viewport=PHONE, is_mobile=True, has_touch=True)
    link = page.locator("article.bd-article figure a.figure-enlarge").first
    assert link.get_attribute("href").endswith(".svg")  # without JavaScript the link opens the SVG
    shown = link.locator("img").bounding_box()["width"]
    link.tap()
    dialog = page.locator("dialog.figure-lightbox[open]")
    dialog.wait_for(state="visible", timeout=5000)
    big = dialog.locator("img")
    page.wait_for_function("() => { const i = document.querySelector('dialog[open] img'); return i && i.complete && i.naturalWidth > 0; }")
    enlarged = big.bounding_box()["width"]
    assert enlarged >= plotting.FIGURE_COLUMN_PX > 1.5 * shown
    # the enlarged SVG's smallest text, from its own font sizes at the width it is drawn
    svg_text = page.evaluate("async () => (await fetch(document.querySelector('dialog[open] img').src)).text()")
    width_pt = float(re.search(r'width="([0-9.]+)pt"', svg_text).group(1))
    smallest = plotting.rendered_text_sizes(svg_text, display_width_px=enlarged, dpi=1e3)[0][1]
    assert smallest >= plotting.MIN_TEXT_PX, (smallest, enlarged, width_pt)
    assert page.evaluate("document.activeElement.classList.contains('figure-lightbox-close')")
    page.keyboard.press("Escape")
    page.locator("dialog.figure-lightbox[open]").wait_for(state="detached", timeout=5000)
    assert page.evaluate("document.activeElement.classList.contains('figure-enlarge')")
    assert not problems, problems  # console errors, page errors, requests off 127.0.0.1
    context.close()


@slow
@pytest.mark.parametrize("doc", DOCS)
def test_captions_number_figures_and_tables_by_chapter(browser, site_url, doc):
    context, page, problems = _open(browser, site_url, doc)
    numbers = page.eval_on_selector_all("article.bd-article .caption-number", "els => els.map(e => e.textContent.trim())")
    refs = page.eval_on_selector_all("article.bd-article a.reference span.std-numref, article.bd-article a.reference.internal span",
                                      "els => els.map(e => e.textContent.trim())")
    context.close()
    label = chapter_numbers.chapter_label(doc)
    for kind in ("Figure", "Table"):
        mine = [n for n in numbers if n.startswith(kind + " ")]
        expected = [f"{kind} {label}.{i}" if label else f"{kind} {i}" for i in range(1, len(mine) + 1)]
        assert mine == expected, f"{doc}: {mine}"
    assert not [n for n in numbers if n.startswith("Fig. ")], numbers
    for r in refs:  # a {numref} to a figure of this report names its chapter as the captions do
        if re.match(r"^(Figure|Table) ", r):
            assert re.match(r"^(Figure|Table) ([0-9]+|[A-Z])\.[0-9]+", r), (doc, r)
    assert not problems, problems


_VISIBLE_TEXT = r"""async () => {
  // checkVisibility: a cell folded in a closed <details> is laid out but not shown
  const seen = e => e.checkVisibility ? e.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true})
                                      : !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
  const out = [];
  for (const c of document.querySelectorAll('article.bd-article :is(td, th, figcaption, caption, .figure-cite)')) {
    if (!seen(c)) continue;
    const clone = c.cloneNode(true);
    clone.querySelectorAll('code, pre, .pre').forEach(x => x.remove());   // code is shown as code, on purpose
    out.push(['table or caption', clone.textContent]);
  }
  for (const a of document.querySelectorAll('article.bd-article figure .figure-downloads a[href$=".svg"]')) {
    const doc = new DOMParser().parseFromString(await (await fetch(a.href)).text(), 'image/svg+xml');
    for (const t of doc.querySelectorAll('text, tspan')) out.push(['figure ' + a.getAttribute('href'), t.textContent]);
  }
  return out;
}"""
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*[A-Za-z0-9]")


@pytest.fixture(scope="module")
def code_list():
    return codes()


@slow
@pytest.mark.parametrize("doc", DOCS)
def test_no_reader_sees_an_id_field_name_tag_or_bibtex_key(browser, site_url, code_list, doc):
    context, page, _ = _open(browser, site_url, doc)
    found = {}
    for where, text in page.evaluate(_VISIBLE_TEXT):
        for token in _TOKEN.findall(text):
            token = token.rstrip(".")
            if token in code_list:
                found.setdefault(token, where)
    context.close()
    assert not found, f"{doc}: codes shown to readers: {dict(sorted(found.items())[:20])} ({len(found)} in all)"


@slow
def test_short_citations_in_tables_land_on_their_bibliography_entry(browser, site_url):
    context, page, _ = _open(browser, site_url, "notebooks/07_energy_carbon")
    link = page.locator("article.bd-article table a.reader-cite").first
    href = link.get_attribute("href")
    key = href.split("#ref-")[1]
    text = link.inner_text()
    with page.expect_navigation(url=re.compile(r".*bibliography\.html.*"), timeout=20000):
        link.click()  # waits for the navigation itself, not a load state the old page already has
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"bibliography.html#ref-{key}")
    target = page.locator(f"[id='ref-{key}']")
    assert target.count() == 1
    # the anchor sits in the entry of that reference: the entry names the first author of the short citation
    entry = target.locator("xpath=..").inner_text()
    assert text.split()[0] in entry, (text, entry[:200])
    context.close()
