"""Reader first (issue 24): the answer on the first screen, short sentences, highlights, glossary links.

The sentence statistics are computed from the text the browser shows (``innerText`` of the built
page), split by :func:`split_sentences`, which is unit-tested here without a browser. The browser
tests are marked slow.
"""

from __future__ import annotations

import re
import statistics
import sys

import pytest
from conftest import DESKTOP, PHONE, open_page, ROOT

sys.path.insert(0, str(ROOT / "tools"))
import glossary_links as gl  # noqa: E402

SUMMARY = "book/summary"
CHAPTERS = sorted(p.stem for p in (ROOT / "notebooks").glob("0[1-9]_*.md"))

# -- sentences ---------------------------------------------------------------------------------

# a full stop after these does not end a sentence
ABBREVIATIONS = ("e.g", "i.e", "et al", "vs", "cf", "Fig", "Eq", "No", "approx", "Dr", "Mr", "Ms", "St", "U.S", "U.K")
_ABBREV = "|".join(re.escape(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True))
# a sentence ends at . ! or ? (possibly followed by a closing quote or bracket), then white space,
# then something that can open a sentence: a capital, a digit, a quote or an opening bracket
_END = re.compile(r"""(?<![\s(])([.!?])(["'”’)\]]*)\s+(?=["'“‘(\[]?[A-Z0-9ΑΩε])""")


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text``: split after . ! ? followed by white space and a capital, digit or opening mark.

    Not after an abbreviation (``e.g.``, ``et al.``, ``vs.``) or a single capital initial (``J.``);
    decimals (``0.81``) and ranges (``2027–2030``) never split, having no white space after the point.
    White space runs are collapsed; empty pieces are dropped.
    """
    text = re.sub(r"\s+", " ", text).strip()
    sentences, start = [], 0
    for m in _END.finditer(text):
        before = text[start:m.start(1)]
        if m.group(1) == "." and (re.search(rf"(?:^|[\s(])(?:{_ABBREV})$", before) or re.search(r"(?:^|[\s(])[A-Z]$", before)):
            continue
        sentences.append(text[start:m.end(2)].strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return [s for s in sentences if s]


def word_count(sentence: str) -> int:
    """Words of a sentence: runs of non-space characters holding a letter or digit (a dash alone is not a word)."""
    return sum(1 for w in sentence.split() if re.search(r"[\w]", w))


def sentence_stats(texts: list[str]) -> tuple[float, int]:
    """(median, longest) sentence length in words over all ``texts``."""
    lengths = [word_count(s) for t in texts for s in split_sentences(t)]
    return statistics.median(lengths), max(lengths)


def test_split_sentences_on_full_stops_but_not_abbreviations_decimals_or_ranges():
    text = ("The AUC is 0.81 (0.80–0.82), e.g. for resampled rows. Cottier et al. found 2.4 times; "
            "the range is 2027–2030. J. Smith agrees! Does it hold? \"Yes.\" (It does.) 3 runs failed.")
    assert split_sentences(text) == [
        "The AUC is 0.81 (0.80–0.82), e.g. for resampled rows.",
        "Cottier et al. found 2.4 times; the range is 2027–2030.",
        "J. Smith agrees!",
        "Does it hold?",
        "\"Yes.\"",
        "(It does.)",
        "3 runs failed.",
    ]


def test_split_sentences_keeps_lower_case_continuations_and_collapses_white_space():
    assert split_sentences("It rose by 357 vs. 211 when the\n  data accumulated. then it fell") == [
        "It rose by 357 vs. 211 when the data accumulated. then it fell"]
    assert split_sentences("   ") == []


def test_word_count_and_stats():
    assert word_count("Only 6 of the 25 claims hold – see the ledger ›") == 10
    assert sentence_stats(["One two three. One two three four five.", "One."]) == (3, 5)


# -- glossary matching (tools/glossary_links.py) ------------------------------------------------

TERMS = [gl.Term("AUC", "term-AUC"), gl.Term("copula", "term-copula"), gl.Term("Gaussian copula", "term-copula"),
         gl.Term("token", "term-token"), gl.Term("ε", "term-eps"), gl.Term("log-odds", "term-log-odds"),
         gl.Term("perplexity", "term-perplexity")]


def _linked(text: str, used: set | None = None) -> list[tuple[str, str]]:
    used = set() if used is None else used
    return [(text[s:e], t.anchor) for s, e, t in gl.first_uses(text, gl.compile_terms(TERMS), used)]


def test_glossary_links_each_entry_once_longest_first():
    text = "A Gaussian copula and a copula; the AUC and the AUC again."
    assert _linked(text) == [("Gaussian copula", "term-copula"), ("AUC", "term-AUC")]


def test_glossary_acronyms_match_only_as_written_plain_terms_in_any_case():
    assert _linked("the auc of an Auc") == []
    assert _linked("Perplexity rose") == [("Perplexity", "term-perplexity")]
    assert _linked("tokens and token") == [("tokens", "term-token")]


def test_glossary_whole_words_only():
    assert _linked("tokenizer, copulae, AUCs-ish, log-oddsish, pre-perplexity") == []
    assert _linked("at ε = 0.1 the log-odds fall") == [("ε", "term-eps"), ("log-odds", "term-log-odds")]


def test_glossary_entries_already_used_on_the_page_stay_plain():
    used = {"term-AUC"}
    assert _linked("the AUC of a copula", used) == [("copula", "term-copula")]
    assert used == {"term-AUC", "term-copula"}


def test_glossary_rejects_an_empty_term():
    with pytest.raises(ValueError, match="terms"):
        gl.compile_terms([gl.Term(" ", "x")])


def test_a_headline_finding_is_cited_once_at_the_end_of_its_detail():
    import reader_cite

    meta = reader_cite.Meta("Report", "Authors", "0.4.0", "2026-12-06")
    body = ('<div class="findings-panel"><div class="finding" id="finding-1"><p>One thing, 5%.</p></div>'
            '<div class="finding" id="finding-2"><p>Another.</p></div></div>'
            '<div class="finding-detail" id="finding-1-detail"><p>In detail.</p></div>')
    out = reader_cite.add_cite_blocks(body, meta, "book/summary.html", "Summary")
    panel = out[: out.index("</div></div>") + len("</div></div>")]
    detail = out[out.index('id="finding-1-detail"'):]
    assert "reader-cite" not in panel.split('id="finding-2"')[0], "finding 1's headline must stay one sentence"
    assert out.count('data-cite-for="finding-1"') == 1 and 'data-cite-for="finding-1"' in detail
    assert 'href="#finding-1"' in detail and 'data-cite-for="finding-1-detail"' not in out
    # a finding without a detail keeps its block beside it
    assert 'data-cite-for="finding-2"' in panel


# -- the built site ---------------------------------------------------------------------------


def _open(browser, site_url, doc, *, viewport=DESKTOP, **context_args):
    context, page, _ = open_page(browser, site_url, f"{doc}.html", viewport=viewport, **context_args)
    return context, page

@pytest.mark.slow
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_first_five_headlines_and_their_numbers_fit_the_first_screen(browser, site_url, size):
    viewport = DESKTOP if size == "desktop" else PHONE
    extra = {} if size == "desktop" else {"is_mobile": True, "has_touch": True}
    context, page = _open(browser, site_url, SUMMARY, viewport=viewport, **extra)
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('.findings-panel .finding')].slice(0, 5).map(f => ({
            id: f.id, bottom: f.getBoundingClientRect().bottom,
            numbers: [...f.querySelectorAll('a.glue-prov')].map(a => a.getBoundingClientRect().bottom)}))"""
    )
    context.close()
    assert [b["id"] for b in boxes] == [f"finding-{i}" for i in range(1, 6)]
    for b in boxes:
        assert b["numbers"], f"{b['id']}: no pasted number in the headline"
        assert b["bottom"] <= viewport["height"], f"{size}: {b['id']} ends at {b['bottom']:.0f} px, below the first screen"
        assert max(b["numbers"]) <= viewport["height"]
    print(f"{size}: fifth headline ends at {boxes[4]['bottom']:.0f} px of {viewport['height']}")


@pytest.fixture(scope="module")
def summary_text(browser, site_url):
    context, page = _open(browser, site_url, SUMMARY)
    texts = page.evaluate(
        """() => ({
            // the headline's sentence, without its trailing "Chapter N ›" link (not a sentence)
            headlines: [...document.querySelectorAll('.findings-panel .finding')].map(f => {
                const c = f.cloneNode(true);
                c.querySelectorAll('a').forEach(a => { if (a.textContent.trim().endsWith('›')) a.remove(); });
                return c.textContent; }),
            details: [...document.querySelectorAll('.finding-detail')].map(f => f.innerText),
            ids: [...document.querySelectorAll('[id^=finding-]')].map(e => e.id),
            links: [...document.querySelectorAll('a[href*="#finding-"]')].map(a => a.getAttribute('href')),
        })"""
    )
    context.close()
    return texts


@pytest.mark.slow
def test_headline_sentences_are_short(summary_text):
    headlines = summary_text["headlines"]
    assert 6 <= len(headlines) <= 10
    median, _ = sentence_stats(headlines)
    longest = max(word_count(h) for h in headlines)
    print(f"headlines: median sentence {median} words, longest headline {longest} words")
    assert median <= 25
    assert longest <= 60


@pytest.mark.slow
def test_detailed_finding_sentences_are_short(summary_text):
    details = summary_text["details"]
    assert len(details) == len(summary_text["headlines"])
    median, longest = sentence_stats(details)
    print(f"detailed findings: median sentence {median} words, longest {longest}")
    assert median <= 25


@pytest.mark.slow
def test_every_finding_has_its_anchors_and_every_finding_link_resolves(summary_text):
    n = len(summary_text["headlines"])
    ids = set(summary_text["ids"])
    for i in range(1, n + 1):
        assert f"finding-{i}" in ids and f"finding-{i}-detail" in ids
    assert summary_text["links"], "nothing on the landing page links to a finding"
    for href in summary_text["links"]:
        assert href.split("#", 1)[1] in ids, f"{href} points to no finding"


@pytest.mark.slow
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_opens_with_highlights_before_its_first_figure_and_section(browser, site_url, chapter):
    context, page = _open(browser, site_url, f"notebooks/{chapter}")
    found = page.evaluate(
        """() => {
            const article = document.querySelector('article') || document.body;
            const box = article.querySelector('.admonition.highlights');
            if (!box) return null;
            const before = el => el ? !!(box.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) : true;
            return {
                items: [...box.querySelectorAll('li')].map(li => li.querySelectorAll('a.glue-prov').length),
                beforeFigure: before(article.querySelector('figure, img')),
                beforeSection: before(article.querySelector('section section h2, h2')),
            };
        }"""
    )
    context.close()
    assert found, f"{chapter}: no highlights box"
    assert 3 <= len(found["items"]) <= 5, f"{chapter}: {len(found['items'])} highlights"
    # each highlight is a pasted result with its uncertainty (an interval's ends, or a count and its total)
    assert all(n >= 2 for n in found["items"]), f"{chapter}: a highlight without a pasted number and its range: {found['items']}"
    assert found["beforeFigure"], f"{chapter}: a figure comes before the highlights"
    assert found["beforeSection"], f"{chapter}: a section comes before the highlights"


@pytest.mark.slow
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_result_figure_before_validation_in_chapters_2_and_7(browser, site_url, size):
    # chapters 2 and 7 once opened with a check of the model against published figures
    context, page = _open(browser, site_url, "notebooks/02_cost", viewport=DESKTOP if size == "desktop" else PHONE)
    first2 = page.evaluate("() => document.querySelector('article figure').id")
    page.goto(f"{site_url}/notebooks/07_energy_carbon.html", wait_until="networkidle")
    first7 = page.evaluate("() => document.querySelector('article figure').id")
    context.close()
    assert first2 != "fig-cost-repro", "chapter 2 opens with the reproduction of published costs"
    assert first7 != "fig-ch07-repro", "chapter 7 opens with the check against published footprints"


@pytest.mark.slow
def test_a_chapter_links_the_first_use_of_a_term_to_the_glossary(browser, site_url):
    context, page = _open(browser, site_url, "notebooks/06_privacy_utility")
    got = page.evaluate(
        """() => {
            const article = document.querySelector('article');
            const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                if (node.parentElement.closest('h1, h2, h3, pre, code, .cell_input, mjx-container')) continue;
                if (/(^|[^\\w-])AUC([^\\w-]|$)/.test(node.textContent)) {
                    const a = node.parentElement.closest('a');
                    return {first: a ? a.getAttribute('href') : null, cls: a ? a.className : '',
                            count: [...article.querySelectorAll('a.glossary-link')]
                                .filter(x => x.getAttribute('href').endsWith('#term-AUC')).length};
                }
            }
            return null;
        }"""
    )
    page.goto(f"{site_url}/book/glossary.html#term-AUC", wait_until="networkidle")
    target = page.evaluate("() => { const t = document.getElementById('term-AUC'); return t && t.tagName; }")
    context.close()
    assert got, "the chapter never uses the term AUC in its prose"
    assert got["first"] and got["first"].endswith("glossary.html#term-AUC"), got
    assert "glossary-link" in got["cls"]
    assert got["count"] == 1, "only the first use of a term links to the glossary"
    assert target == "DT"
