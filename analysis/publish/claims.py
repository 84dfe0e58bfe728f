"""The claims ledger: status counts and the MyST markup that shows the ledger on book/claims.md.

The ledger itself is the curated table ``analysis/data/claims.csv`` (schema in
``claims.schema.yml``); this module only summarises it and renders it. The markup uses MyST roles
(``{doc}`` for chapter links, ``{cite:p}`` for sources, sphinx-design ``{bdg-*}`` badges), so the
page must render the cell's ``text/markdown`` output as MyST (cell metadata
``mystnb: {markdown_format: myst}``); Sphinx then checks every link and citation at build time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Collection
from pathlib import Path

import pandas as pd

from analysis.core.validation import Frame, Interval, Integral, InstanceOf, NoneType, validate_params

# Ordered from "the article is right" to "nothing behind it"; the order of the bar chart.
STATUSES = ("supported", "partly_supported", "misattributed", "unsupported", "not_found")
STATUS_LABELS = {
    "supported": "supported",
    "partly_supported": "partly supported",
    "misattributed": "misattributed",
    "unsupported": "unsupported",
    "not_found": "not found",
}
# sphinx-design badge colours; the label is always printed, so colour is never the only cue.
_BADGE_COLOURS = {
    "supported": "success",
    "partly_supported": "info",
    "misattributed": "warning",
    "unsupported": "danger",
    "not_found": "dark",
}
CHAPTERS = {
    "01_data_exhaustion": "Chapter 1, data exhaustion",
    "02_cost": "Chapter 2, cost",
    "03_model_collapse": "Chapter 3, model collapse",
    "04_bias_amplification": "Chapter 4, bias amplification",
    "05_regulation": "Chapter 5, regulation",
    "06_privacy_utility": "Chapter 6, privacy and utility",
    "07_energy_carbon": "Chapter 7, energy and carbon",
}
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
_REQUIRED = ("id", "claim", "quote", "status", "correction", "source", "chapter")


def _check_claims(claims) -> None:
    if not isinstance(claims, pd.DataFrame):
        raise TypeError(f"claims: expected a pandas DataFrame, got {type(claims).__name__}")
    missing = [c for c in _REQUIRED if c not in claims.columns]
    if missing:
        raise ValueError(f"claims: missing column(s) {missing}; load it with analysis.data.load('claims')")
    unknown = sorted(set(claims["status"].dropna()) - set(STATUSES))
    if unknown:
        raise ValueError(f"claims: status values {unknown} are not in the vocabulary {list(STATUSES)}")


@dataclasses.dataclass(frozen=True)
class LedgerSummary:
    """Counts of the ledger by verdict (what the claims page and the landing page print).

    Attributes
    ----------
    n_claims : int
        Claims in the ledger.
    by_status : dict
        Number of claims per status of ``STATUSES`` (zeros kept).
    n_tested_in_chapters : int
        Claims linked to the chapter that measures or tests them.
    n_experts_not_found : int
        Named experts the article quotes whom no search could find.
    """

    n_claims: int
    by_status: dict
    n_tested_in_chapters: int
    n_experts_not_found: int

    @property
    def n_supported(self) -> int:
        return self.by_status["supported"]

    @property
    def n_not_as_stated(self) -> int:
        """Claims not supported as stated (every other verdict)."""
        return self.n_claims - self.n_supported

    @property
    def pct_supported(self) -> float:
        return 100.0 * self.n_supported / self.n_claims if self.n_claims else 0.0


@validate_params({"claims": [Frame(min_rows=0)]})
def summarise(claims: pd.DataFrame) -> LedgerSummary:
    """The ledger's counts as a typed result (see ``LedgerSummary``)."""
    _check_claims(claims)
    counts = status_counts(claims)
    topic = claims["topic"] if "topic" in claims.columns else pd.Series("", index=claims.index)
    return LedgerSummary(
        n_claims=len(claims),
        by_status={s: int(n) for s, n in zip(counts["status"], counts["claims"])},
        n_tested_in_chapters=int(claims["chapter"].notna().sum()),
        n_experts_not_found=int(((topic == "experts") & (claims["status"] == "not_found")).sum()),
    )


@validate_params({"claims": [Frame(min_rows=0)]})
def status_counts(claims: pd.DataFrame) -> pd.DataFrame:
    """Number of claims per status, one row per status of the vocabulary in order (zeros kept)."""
    _check_claims(claims)
    counts = claims["status"].value_counts().reindex(list(STATUSES), fill_value=0)
    return pd.DataFrame(
        {
            "status": list(STATUSES),
            "label": [STATUS_LABELS[s] for s in STATUSES],
            "claims": [int(n) for n in counts],
        }
    )


@validate_params({"status": [str]})
def badge(status: str) -> str:
    """The MyST badge role for one status, e.g. ``{bdg-success}`supported```."""
    if status not in _BADGE_COLOURS:
        raise ValueError(f"status: {status!r} is not one of {list(STATUSES)}")
    return f"{{bdg-{_BADGE_COLOURS[status]}}}`{STATUS_LABELS[status]}`"


@validate_params({"chapter": [str]})
def chapter_exists(chapter: str) -> bool:
    """Whether the chapter's page is in this checkout (chapters of other branches land at integration)."""
    return (NOTEBOOKS / f"{chapter}.md").exists()


@validate_params({"chapter": [str, float, NoneType, InstanceOf(type(pd.NA))], "short": [bool]})
def chapter_link(chapter: str | None, *, short: bool = False) -> str:
    """A ``{doc}`` link from book/ to the chapter that tests a claim, or an empty string if none.

    A chapter of the vocabulary whose page is not (yet) in the checkout is named in plain text, so
    the page never links to a missing document.
    """
    if chapter is None or chapter is pd.NA or (isinstance(chapter, float) and chapter != chapter):
        return ""
    if chapter not in CHAPTERS:
        raise ValueError(f"chapter: {chapter!r} is not one of {list(CHAPTERS)}")
    title = CHAPTERS[chapter].split(",")[0] if short else CHAPTERS[chapter]
    if not chapter_exists(chapter):
        return title
    return f"{{doc}}`{title} <../notebooks/{chapter}>`"


@validate_params({"source": [str]})
def cite(source: str) -> str:
    """A parenthetical ``{cite:p}`` role for a ``;``-separated list of references.bib keys."""
    if not isinstance(source, str) or not source.strip():
        raise ValueError("source: a non-empty ';'-separated list of references.bib keys is required")
    keys = [k.strip() for k in source.split(";") if k.strip()]
    return f"{{cite:p}}`{','.join(keys)}`"


@validate_params({"text": [str]})
def escape_myst(text: str) -> str:
    """Escape the characters that MyST would read as markup in plain ledger text ($ is math).

    The text goes into a table cell or an inline span, so any line break (with the spaces around
    it) becomes one space: a newline would end the table row, and a blank line would start a new
    block (a heading, a directive) from inside a cell.
    """
    text = re.sub(r"\s*[\r\n\x0b\x0c\x85\u2028\u2029]+\s*", " ", text)
    return re.sub(r"([$|*_`<>\[\]])", r"\\\1", text)


@validate_params({"claims": [Frame(min_rows=0)]})
def ledger_table(claims: pd.DataFrame) -> str:
    """The ledger as a MyST table: id, claim, status badge and the chapter that tests it."""
    _check_claims(claims)
    lines = ["| Id | Claim of the article (our paraphrase) | Status | Tested in |", "|---|---|---|---|"]
    for row in claims.itertuples(index=False):
        link = chapter_link(row.chapter, short=True) or "not tested here"
        lines.append(
            f"| [{row.id}](#claim-{row.id.lower()}) | {escape_myst(row.claim)} | {badge(row.status)} | {link} |"
        )
    return "\n".join(lines) + "\n"


@validate_params({"claims": [Frame(min_rows=0)]})
def claim_paragraphs(claims: pd.DataFrame) -> str:
    """One short MyST section per claim: the article's words, the verdict, the correction, the evidence."""
    _check_claims(claims)
    blocks = []
    for row in claims.itertuples(index=False):
        parts = [
            f"({'claim-' + row.id.lower()})=",
            f"**{row.id}. {escape_myst(row.claim)}** {badge(row.status)}",
            "",
            f"The article: *\u201c{escape_myst(row.quote)}\u201d*",
            "",
            f"{escape_myst(row.correction)} {cite(row.source)}",
        ]
        searched = getattr(row, "searched", None)
        if isinstance(searched, str) and searched.strip():
            parts += ["", f"What we searched: {escape_myst(searched)}"]
        link = chapter_link(row.chapter)
        if link:
            parts += ["", f"Measured in: {link}."]
        blocks.append("\n".join(parts))
    return "\n\n".join(blocks) + "\n"


# --- Checking quotes without the article ------------------------------------------------------
# The source article is third-party text and stays out of the repository. To let CI check that
# every quote is the article's own words, the repository keeps only a fingerprint: salted, truncated
# hashes of every run of FINGERPRINT_N consecutive tokens of the article, sorted (so the order of the
# text is gone). A quote is in the article if all of its runs are; a changed word, or two passages
# spliced together, produce runs that are not.
FINGERPRINT_N = 6
_FINGERPRINT_SALT = "claims-ledger/opentools2025rise"
_FINGERPRINT_HEX = 10


@validate_params({"text": [str]})
def tokens(text: str) -> list[str]:
    """Words and punctuation marks of ``text``, after unifying non-breaking hyphens and curly apostrophes."""
    text = text.replace("\u2011", "-").replace("\u2019", "'")
    return re.findall(r"\w+|[^\w\s]", text)


def _run_hashes(toks: list[str], n: int) -> set[str]:
    return {
        hashlib.sha256((_FINGERPRINT_SALT + "\x1f" + "\x1f".join(toks[i:i + n])).encode("utf-8")).hexdigest()[:_FINGERPRINT_HEX]
        for i in range(len(toks) - n + 1)
    }


@validate_params({"text": [str], "n": [Interval(Integral, 2, 1000, closed="both")]})
def article_fingerprint(text: str, *, n: int = FINGERPRINT_N) -> list[str]:
    """Sorted, de-duplicated hashes of every run of ``n`` consecutive tokens of ``text``."""
    return sorted(_run_hashes(tokens(text), n))


@validate_params({"quote": [str], "fingerprint": [InstanceOf(Collection, "a collection of hashes")], "n": [Interval(Integral, 2, 1000, closed="both")]})
def quote_in_fingerprint(quote: str, fingerprint: Collection[str], *, n: int = FINGERPRINT_N) -> bool:
    """True if every run of ``n`` consecutive tokens of ``quote`` is in the article's ``fingerprint``."""
    toks = tokens(quote)
    if len(toks) < n:
        raise ValueError(f"quote: {quote!r} has {len(toks)} tokens; at least n={n} are needed to check it")
    return _run_hashes(toks, n) <= set(fingerprint)
