"""The regulation chapter as a reader uses it (issue 24), in Chromium: filters, cards, height, words, print.

The filters must give exactly the rows the package gives for the same question
(:func:`analysis.regulation.rules.status`, the rows of :func:`analysis.regulation.rules.in_force`), at the
report's "as of" date and at other dates; the default view must fit in 4,000 px on a desktop; no
text a reader sees may be a row id, a field name or a BibTeX key; the cards open by keyboard and
all print open.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis.data import loader as data
from analysis.regulation import rules as regulation
from conftest import DESKTOP, open_page

pytestmark = pytest.mark.slow

DOC = "notebooks/05_regulation"
MAX_HEIGHT_PX = 4000
TABLE = regulation.provisions()
AS_OF = regulation.last_verified()


def _open(browser, site_url, *, fragment: str = "", viewport=DESKTOP):
    return open_page(browser, site_url, f"{DOC}.html{fragment}", viewport=viewport, ready=".reg-rules[data-ready]")

@pytest.fixture()
def chapter(browser, site_url):
    context, page, problems = _open(browser, site_url)
    yield page
    assert not problems, problems
    context.close()


def _shown(page) -> list[str]:
    return page.eval_on_selector_all(
        ".reg-item:not([hidden]) details.reg-card", "els => els.map(e => e.id.replace(/^reg-/, ''))")


def _badges(page) -> dict[str, str]:
    return dict(page.eval_on_selector_all(
        ".reg-item details.reg-card",
        "els => els.map(e => [e.id.replace(/^reg-/, ''), e.querySelector('.reg-badge').textContent.trim()])"))


def _expected(*, on=AS_OF, jurisdiction=None, topic=None, status=None) -> set[str]:
    s = regulation.status(TABLE, as_of=on)
    keep = pd.Series(True, index=s.index)
    if jurisdiction:
        keep &= (TABLE.set_index("id")["jurisdiction"] == jurisdiction).reindex(s.index)
    if topic:
        keep &= (TABLE.set_index("id")["topic"] == topic).reindex(s.index)
    if status:
        keep &= s == status
    return set(s.index[keep.to_numpy()])


def test_eu_in_force_gives_the_rows_of_the_package_query(chapter):
    chapter.get_by_label("Jurisdiction", exact=True).select_option("EU")
    chapter.get_by_label("Status", exact=True).select_option("in_force")
    shown = set(_shown(chapter))
    query = regulation.in_force(AS_OF, table=TABLE)
    assert shown == set(query.loc[query["jurisdiction"] == "EU", "id"])
    assert shown == _expected(jurisdiction="EU", status="in_force")
    assert len(shown) >= 5
    assert f"{len(shown)} of {len(TABLE)} rules shown" in chapter.locator(".reg-count").inner_text()


@pytest.mark.parametrize(
    ("control", "value", "expected"),
    [
        ("Jurisdiction", "US-CA", {"jurisdiction": "US-CA"}),
        ("Jurisdiction", "CN", {"jurisdiction": "CN"}),
        ("Topic", "labelling", {"topic": "labelling"}),
        ("Topic", "training_data_transparency", {"topic": "training_data_transparency"}),
        ("Status", "adopted", {"status": "adopted"}),
        ("Status", "ended", {"status": "ended"}),
        ("Status", "undated", {"status": "undated"}),
    ],
)
def test_each_filter_gives_the_package_rows(chapter, control, value, expected):
    chapter.get_by_label(control, exact=True).select_option(value)
    shown = _shown(chapter)
    assert set(shown) == _expected(**expected)
    assert shown, f"{control}={value} shows nothing"
    chapter.get_by_role("button", name="Reset filters").click()
    assert len(_shown(chapter)) == len(TABLE)


@pytest.mark.parametrize(("day", "status"), [("2023-01-01", "in_force"), ("2024-07-01", "adopted"),
                                             ("2025-01-20", "ended"), ("2026-03-01", "in_force"),
                                             ("2028-12-31", "in_force"), ("2022-01-01", "proposed")])
def test_the_date_shows_each_status_on_that_day(chapter, day, status):
    chapter.get_by_label("Status on", exact=True).fill(day)
    chapter.get_by_label("Status", exact=True).select_option(status)
    assert set(_shown(chapter)) == _expected(on=day, status=status)
    # every card's badge, shown or not, says its status on that day, as the package computes it
    s = regulation.status(TABLE, as_of=day)
    assert _badges(chapter) == {i: regulation.STATUS_BADGES[s[i]] for i in TABLE["id"]}


def test_default_view_fits_in_4000_px_on_a_desktop(chapter):
    height = chapter.evaluate("() => document.documentElement.scrollHeight")
    assert height <= MAX_HEIGHT_PX, f"the chapter is {height} px tall at 1280 x 900"


def _codes() -> set[str]:
    events = data.load("regulation_events")
    usage = data.load("synthetic_data_usage")
    codes = set(TABLE["id"]) | set(events["id"]) | set(data.bib_keys())
    codes |= {c for c in [*TABLE.columns, *events.columns, *usage.columns] if "_" in c}
    codes |= {c for c in [*regulation.TOPICS, *regulation.EVIDENCE_LABELS] if "_" in c}
    codes |= {v for v in pd.unique(usage[["stage", "kind", "disclosure_channel"]].to_numpy().ravel()) if "_" in str(v)}
    return codes


def test_no_visible_text_is_an_id_a_field_name_or_a_bibtex_key(chapter):
    codes = _codes()
    for state in ("closed", "every card open"):
        if state != "closed":
            chapter.get_by_role("button", name="Open all").click()
        text = chapter.locator("article").inner_text()
        words = set(re.findall(r"[A-Za-z0-9][A-Za-z0-9_.:-]*[A-Za-z0-9]", text))
        assert not sorted(words & codes), f"{state}: {sorted(words & codes)}"
    # and the timeline's row labels are rule names, not ids
    csv = chapter.evaluate("""async () => { const a = [...document.querySelectorAll('a')]
        .find(x => (x.getAttribute('href') || '').endsWith('fig_regulation_timeline.csv'));
        return a ? (await fetch(a.href)).text() : ''; }""")
    assert "AI Act, Art. 53(1)(d)" in csv and "eu-aia-53-1d" not in csv


def test_cards_open_and_close_by_keyboard(chapter):
    summary = chapter.locator("details.reg-card > summary").first
    card = chapter.locator("details.reg-card").first
    summary.focus()
    chapter.keyboard.press("Enter")
    assert card.evaluate("d => d.open")
    assert card.locator(".reg-req").is_visible()
    chapter.keyboard.press("Space")
    assert not card.evaluate("d => d.open")
    # the controls are reached by Tab and named by their labels
    for name in ("Jurisdiction", "Topic", "Status on"):
        assert chapter.get_by_label(name, exact=True).count() == 1
    chapter.get_by_label("Jurisdiction", exact=True).focus()
    chapter.keyboard.press("Tab")
    assert chapter.evaluate("() => document.activeElement.id") == "reg-f-topic"


def test_print_media_opens_every_card(chapter):
    chapter.emulate_media(media="print")
    cards = chapter.locator("details.reg-card")
    assert cards.count() == len(TABLE)
    # the media-query change reaches the page's script as an event: wait for it (up to 5 s)
    chapter.wait_for_function("() => [...document.querySelectorAll('details.reg-card')].every(d => d.open)", timeout=5000)
    assert chapter.locator(".reg-req").first.is_visible() and chapter.locator(".reg-req").last.is_visible()
    assert not chapter.locator(".reg-filters").is_visible()
    chapter.emulate_media(media="screen")
    chapter.wait_for_function("() => ![...document.querySelectorAll('details.reg-card')].some(d => d.open)", timeout=5000)


def test_a_link_to_a_rule_opens_its_card(browser, site_url):
    context, page, problems = _open(browser, site_url, fragment="#reg-eu-aia-53-1d")
    assert page.locator("#reg-eu-aia-53-1d").evaluate("d => d.open")
    assert page.locator("#reg-eu-aia-53-1d .reg-req").is_visible()
    assert not problems, problems
    context.close()


def test_a_link_to_a_figure_opens_its_section(browser, site_url):
    context, page, problems = _open(browser, site_url, fragment="#fig-regulation-timeline")
    assert page.locator("#fig-regulation-timeline img").is_visible()
    assert not problems, problems
    context.close()


def test_sources_link_to_their_bibliography_entries(chapter, site_url):
    chapter.get_by_role("button", name="Open all").click()
    links = chapter.eval_on_selector_all("a.reg-cite", "els => els.map(e => [e.href, e.textContent])")
    assert links
    targets = {href.partition("#")[2] for href, _ in links}
    chapter.goto(f"{site_url}/book/bibliography.html", wait_until="domcontentloaded")
    missing = [t for t in sorted(targets) if chapter.locator(f"[id='{t}']").count() != 1]
    assert not missing, f"no bibliography entry with these ids: {missing}"
