"""The claims ledger: a valid, sourced table whose quotes are the article's words, and its rendering."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.publish import claims as ledger
from analysis.data import loader as data

ROOT = Path(__file__).resolve().parents[2]
# The source article is kept outside the repository (third-party text). Its fingerprint (hashes of
# every run of a few consecutive tokens, see analysis.publish.claims) is committed, so the quotes are checked
# everywhere; where the shared copy of the article exists, the fingerprint is checked against it too.
ARTICLE = Path("/work/shared/source/article.txt")
FINGERPRINT = Path(__file__).resolve().parents[1] / "fixtures" / "claims_article_fingerprint.txt"


@pytest.fixture(scope="module")
def fingerprint() -> list[str]:
    lines = FINGERPRINT.read_text(encoding="utf-8").splitlines()
    return [ln for ln in lines if ln and not ln.startswith("#")]


@pytest.fixture(scope="module")
def claims() -> pd.DataFrame:
    return data.load("claims")


def _norm(text: str) -> str:
    # the article uses non-breaking hyphens and curly apostrophes; compare modulo those and spacing
    return re.sub(r"\s+", " ", text.replace("\u2011", "-").replace("\u2019", "'")).strip()


def test_ledger_has_at_least_fifteen_distinct_claims(claims):
    assert len(claims) >= 15
    assert claims["id"].is_unique
    assert claims["claim"].is_unique
    assert all(re.fullmatch(r"C\d\d", i) for i in claims["id"])


def test_every_status_is_in_the_vocabulary(claims):
    schema = data.load_schema("claims")
    assert tuple(schema["columns"]["status"]["allowed"]) == ledger.STATUSES
    # every verdict comes from the controlled vocabulary; whether each one is used is up to the evidence
    assert set(claims["status"]) <= set(ledger.STATUSES)


def test_every_source_key_is_in_the_bibliography(claims):
    keys = data.bib_keys()
    cited = {k for cell in claims["source"] for k in cell.split(";")}
    assert cited, "no sources cited"
    assert cited <= keys, sorted(cited - keys)


def test_quotes_are_short(claims):
    too_long = [(i, len(q.split())) for i, q in zip(claims["id"], claims["quote"]) if len(q.split()) > 30]
    assert not too_long


@pytest.mark.skipif(not ARTICLE.exists(), reason="the source article is not available on this machine")
def test_quotes_are_the_articles_own_words(claims):
    article = _norm(ARTICLE.read_text(encoding="utf-8"))
    missing = [i for i, q in zip(claims["id"], claims["quote"]) if _norm(q) not in article]
    assert not missing, f"quotes not found verbatim in the article: {missing}"


def test_quotes_are_in_the_articles_fingerprint(claims, fingerprint):
    """Runs everywhere, CI included: every quote's token runs are among the article's."""
    missing = [i for i, q in zip(claims["id"], claims["quote"]) if not ledger.quote_in_fingerprint(q, fingerprint)]
    assert not missing, f"quotes not found in the article's fingerprint: {missing}"


@pytest.mark.skipif(not ARTICLE.exists(), reason="the source article is not available on this machine")
def test_fingerprint_is_the_articles_and_agrees_with_the_verbatim_check(claims, fingerprint):
    text = ARTICLE.read_text(encoding="utf-8")
    assert ledger.article_fingerprint(text) == fingerprint, "regenerate tests/fixtures/claims_article_fingerprint.txt"
    article = _norm(text)
    for quote in claims["quote"]:
        assert ledger.quote_in_fingerprint(quote, fingerprint) == (_norm(quote) in article), quote
        # and for altered quotes, which must fail both checks
        words = quote.split()
        altered = " ".join(words[:-1] + ["zebra" + words[-1]])
        assert not ledger.quote_in_fingerprint(altered, fingerprint)
        assert _norm(altered) not in article


def test_fingerprint_check_rejects_changed_and_spliced_quotes(claims, fingerprint):
    quotes = list(claims["quote"])
    first = quotes[0].split()
    changed = " ".join(first[:4] + ["not"] + first[4:])
    assert not ledger.quote_in_fingerprint(changed, fingerprint)
    # the start of one real quote followed by the end of another is not in the article
    spliced = " ".join(quotes[0].split()[:6] + quotes[1].split()[-6:])
    assert not ledger.quote_in_fingerprint(spliced, fingerprint)
    with pytest.raises(ValueError, match="quote: .* at least n="):
        ledger.quote_in_fingerprint("too short", fingerprint)
    with pytest.raises(ValueError, match="n: "):
        ledger.article_fingerprint("some text", n=1)


def test_fingerprint_of_a_small_text_matches_substring_search():
    text = "The quick brown fox jumps over the lazy dog, and then the fox sleeps in the sun all day."
    fp = ledger.article_fingerprint(text)
    assert ledger.quote_in_fingerprint("brown fox jumps over the lazy dog", fp)
    assert ledger.quote_in_fingerprint("the fox sleeps in the sun", fp)
    assert not ledger.quote_in_fingerprint("brown fox jumps over the sleepy dog", fp)
    assert not ledger.quote_in_fingerprint("the lazy dog, and then the fox jumps over", fp)


def test_required_topics_of_the_issue_are_covered(claims):
    text = " ".join(claims["claim"] + " " + claims["quote"]).lower()
    for needle in (
        "musk", "sutskever", "gartner", "palmyra", "4.6 million", "phi", "gemma", "llama",
        "gpt-4 turbo", "alphafold 3", "ai act", "2 billion", "less creative", "bias", "carbon",
        "cost",
    ):
        assert needle in _norm(text), f"no claim about {needle!r}"
    topics = set(claims["topic"])
    assert {"experts", "origin", "collapse", "bias", "regulation"} <= topics


def test_quoted_experts_are_not_found_and_the_searches_are_recorded(claims):
    experts = claims[claims["topic"] == "experts"]
    assert len(experts) == 3
    assert (experts["status"] == "not_found").all()
    assert experts["searched"].notna().all()
    # the ledger holds only the article's attribution, never a quotation presented as theirs
    assert not any(ch in q for q in experts["quote"] for ch in "\"\u201c\u201d")


def test_not_found_rows_say_what_was_searched(claims):
    rows = claims[claims["status"] == "not_found"]
    assert rows["searched"].notna().all()


def test_chapter_links_point_to_known_chapters_and_only_link_existing_pages(claims):
    for chapter in claims["chapter"].dropna():
        assert chapter in ledger.CHAPTERS, chapter
        link = ledger.chapter_link(chapter)
        if (ROOT / "notebooks" / f"{chapter}.md").exists():
            assert link.startswith("{doc}`")
        else:  # a chapter of another branch: named, never linked to a missing page
            assert "{doc}" not in link and link == ledger.CHAPTERS[chapter]
    assert claims["chapter"].notna().sum() >= 15


def test_carbon_and_privacy_claims_point_to_the_chapters_that_test_them(claims):
    c = claims.set_index("id")
    assert c.loc["C22", "chapter"] == "07_energy_carbon"
    assert c.loc["C24", "chapter"] == "06_privacy_utility"


def test_c08_rejudged_on_anthropics_post_and_c04_wording_corrected(claims):
    c = claims.set_index("id")
    assert "anthropic2026constitution" in c.loc["C08", "source"].split(";")
    assert c.loc["C08", "status"] == "supported"
    # the weakest evidence behind the verdict (OpenAI's canvas post, seen in quotations) sets the tag
    assert c.loc["C08", "evidence"] == "seen_secondary"
    assert "AI and analytics" in c.loc["C04", "correction"] and "0.1.0" in c.loc["C04", "correction"]


def test_summary_counts_agree_with_status_counts(claims):
    s = ledger.summarise(claims)
    counts = ledger.status_counts(claims).set_index("status")["claims"]
    assert s.n_claims == len(claims) == sum(s.by_status.values())
    assert s.n_supported == counts["supported"]
    assert s.n_not_as_stated == len(claims) - counts["supported"]
    assert s.n_experts_not_found == 3
    assert s.n_tested_in_chapters == claims["chapter"].notna().sum()


def test_status_counts_keep_every_status_in_order_and_sum_to_the_total(claims):
    counts = ledger.status_counts(claims)
    assert list(counts["status"]) == list(ledger.STATUSES)
    assert counts["claims"].sum() == len(claims)
    by_hand = {s: int((claims["status"] == s).sum()) for s in ledger.STATUSES}
    assert dict(zip(counts["status"], counts["claims"])) == by_hand


def test_status_counts_report_zero_for_an_unused_status(claims):
    only_supported = claims[claims["status"] == "supported"]
    counts = ledger.status_counts(only_supported).set_index("status")["claims"]
    assert counts["supported"] == len(only_supported)
    assert counts.drop("supported").eq(0).all()


def test_rendered_table_has_one_row_per_claim_with_badge_and_link(claims):
    table = ledger.ledger_table(claims)
    rows = [ln for ln in table.splitlines() if ln.startswith("| [C")]
    assert len(rows) == len(claims)
    assert all("{bdg-" in r for r in rows)
    n_links = sum("{doc}`" in r for r in rows)
    assert n_links == sum(ledger.chapter_exists(c) for c in claims["chapter"].dropna())


def test_rendered_paragraphs_cite_every_source_and_escape_dollars(claims):
    text = ledger.claim_paragraphs(claims)
    for key in {k for cell in claims["source"] for k in cell.split(";")}:
        assert key in text
    # an unescaped $ would start inline math in MyST and swallow the text up to the next $
    assert not re.search(r"(?<!\\)\$", text)
    assert text.count("(claim-c") == len(claims)


def test_helpers_reject_bad_input():
    with pytest.raises(ValueError, match="status"):
        ledger.badge("true")
    with pytest.raises(ValueError, match="chapter"):
        ledger.chapter_link("08_nothing")
    with pytest.raises(ValueError, match="source"):
        ledger.cite("  ")
    with pytest.raises(TypeError, match="claims"):
        ledger.status_counts([1, 2])
    with pytest.raises(ValueError, match="missing column"):
        ledger.status_counts(pd.DataFrame({"status": ["supported"]}))
    with pytest.raises(ValueError, match="vocabulary"):
        ledger.status_counts(
            pd.DataFrame({c: ["x"] for c in ("id", "claim", "quote", "correction", "source", "chapter")}
                         | {"status": ["maybe"]})
        )


def test_chapter_link_and_cite_markup():
    assert ledger.chapter_link("03_model_collapse") == (
        "{doc}`Chapter 3, model collapse <../notebooks/03_model_collapse>`"
    )
    assert ledger.chapter_link(pd.NA) == ""
    assert ledger.cite("a2020x; b2021y") == "{cite:p}`a2020x,b2021y`"
    assert ledger.escape_myst("$700,000 | *x*") == r"\$700,000 \| \*x\*"


def test_public_functions_declare_constraints_and_name_bad_parameters():
    import inspect

    from analysis.core.validation import constraints_of
    public = [n for n, f in inspect.getmembers(ledger, inspect.isfunction)
              if not n.startswith("_") and f.__module__ == ledger.__name__]
    assert public
    for name in public:
        assert constraints_of(getattr(ledger, name)) is not None, name
    with pytest.raises(TypeError, match="^source: "):
        ledger.cite(None)
    with pytest.raises(TypeError, match="^text: "):
        ledger.escape_myst(3)
    with pytest.raises(ValueError, match="^n: "):
        ledger.quote_in_fingerprint("a b c d e f g", [], n=0)
