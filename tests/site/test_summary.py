"""The landing page: every number is pasted from a chapter (or cited), and each finding links to its source."""

from __future__ import annotations

import re
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]
SUMMARY = ROOT / "book" / "summary.md"

# A pasted value from another page: {glue:text}`path::key:fmt` (path relative to book/).
GLUE_REF = re.compile(r"\{glue(?::text|:any)?\}`([^`]+?)::([A-Za-z][A-Za-z0-9_]*)(?::[^`]*)?`")
# A pasted block from another page: ```{glue} key``` with a ``:doc: path`` option.
GLUE_DIRECTIVE = re.compile(r"^```\{glue(?::any)?\}\s+([A-Za-z][A-Za-z0-9_]*)\s*\n:doc:\s*(\S+)\s*$", re.M)
# Roles and literals whose digits are not claims typed by hand: glued values, citations, links
# to pages and figures, file names in code.
ROLE = re.compile(r"\{[a-z:]+\}`[^`]*`")
LITERAL = re.compile(r"`[^`]*`")
# The allow-list: years, chapter and finding numbers, list numbering.
ALLOWED = [
    re.compile(r"\b(19|20)\d\d\b"),
    re.compile(r"\b[Cc]hapters? \d(\s*(,|and|to)\s*\d)*\b"),
    re.compile(r"\bfindings? \d+(\s*(,|and|to)\s*\d+)*\b"),
    re.compile(r"^\s*\d+\.\s", re.M),
    re.compile(r"\bCC-BY-\d\.\d\b"),  # licence identifier
    # names of models, which contain digits but are not quantities
    re.compile(r"\b(GPT-\d(\.\d)?|Palmyra X \d{3}|Phi-\d|Llama \d(\.\d)?|Gemma \d|AlphaFold \d|Nemotron-\d)"),
    # names of accelerators (H100, A100, V100, TPU v4/v5e/v5p), not quantities
    re.compile(r"\b([AHV]100s?|H200s?|B200s?|TPU v\d[ep]?)\b"),
]


def _text() -> str:
    return SUMMARY.read_text(encoding="utf-8")


def _section(text: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    assert match, f"summary.md has no section '## {title}'"
    return match.group(1)


# A container directive (the findings panel, each finding) holds prose: its fences and options go,
# its text stays and is checked like any other.
CONTAINER_FENCE = re.compile(r"^:{3,}(\{container\}[^\n]*)?\n(:(name|class): [^\n]*\n)*", re.M)


def _prose(text: str) -> str:
    """The page without fenced blocks (code, directives with their options), roles and literals; containers keep their prose."""
    text = CONTAINER_FENCE.sub("", text)
    text = re.sub(r"^(`{3,}|:{3,})[^\n]*\n.*?^\1\s*$", "", text, flags=re.M | re.S)
    text = re.sub(r"^(`{3,}|:{3,})[^\n]*\n.*?^\1\s*$", "", text, flags=re.M | re.S)  # nested fences
    text = ROLE.sub("", text)
    text = LITERAL.sub("", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets (URLs, paths)
    for pattern in ALLOWED:
        text = pattern.sub("", text)
    return text


def _numbered_items(section: str) -> list[str]:
    return [m.group(1) for m in re.finditer(r"^\d+\. (.*?)(?=^\d+\. |\Z)", section, flags=re.M | re.S)]


def _containers(text: str, cls: str) -> list[tuple[str, str]]:
    """(name, body) of each ``{container} cls`` block, in page order."""
    pattern = rf"^(:{{3,}})\{{container\}} {re.escape(cls)}\n:name: (\S+)\n(.*?)^\1\s*$"
    return [(m.group(2), m.group(3)) for m in re.finditer(pattern, text, flags=re.M | re.S)]


def _panel(text: str) -> str:
    match = re.search(r"^(:{4,})\{container\} findings-panel\n(.*?)^\1\s*$", text, flags=re.M | re.S)
    assert match, "summary.md has no findings panel"
    return match.group(2)


def _bullets(section: str) -> list[str]:
    return [m.group(1) for m in re.finditer(r"^- (.*?)(?=^- |^\S|\Z)", section, flags=re.M | re.S)]


_KEY = r"[A-Za-z][A-Za-z0-9_]*"
# glue_interval("key", ...) glues key, key_low and key_high, or key_lo and key_hi with that suffixes=
# argument; the call is written on one line (tests/publish/test_thin_notebooks.py checks it)
GLUE_INTERVAL = re.compile(rf"\bglue_interval\(\s*\"({_KEY})\"(.*)$", re.M)
# glue_values({"key": value, ...}): the keys of the dict literal, up to its closing brace
GLUE_VALUES = re.compile(r"\bglue_values\(\s*\{(.*?)\}\s*(?:,[^)]*)?\)", re.S)


def _glued_keys_of(source: str) -> tuple[set[str], list[str]]:
    literal = set(re.findall(rf"\bglue(?:_value)?\(\s*\"({_KEY})\"", source))
    for key, rest in GLUE_INTERVAL.findall(source):
        low, high = ("_lo", "_hi") if re.search(r"suffixes=\(\"_lo\", \"_hi\"\)", rest) else ("_low", "_high")
        literal |= {key, key + low, key + high}
    for body in GLUE_VALUES.findall(source):
        literal |= set(re.findall(rf"^\s*\"({_KEY})\"\s*:", body, flags=re.M))
        literal |= set(re.findall(rf"[{{,]\s*\"({_KEY})\"\s*:", "{" + body))
    prefixes = re.findall(rf"\bglue(?:_value)?\(\s*f\"({_KEY})\{{", source)
    return literal, prefixes


def _glued_keys(md: Path) -> tuple[set[str], list[str]]:
    """Keys a page glues: literal glue_value("key", ...) and glue("key", ...), the keys glue_interval and
    glue_values glue, and f-string prefixes."""
    return _glued_keys_of(md.read_text(encoding="utf-8"))


def test_glued_keys_are_found_for_every_glue_helper():
    source = (
        'glue_value("ch09_a", 1)\n'
        'glue("ch09_b", x, display=False)\n'
        'glue_interval("ch09_c", ci)\n'
        'r = c("t"); glue_interval("ch09_d", (r["mean"], r["low"], r["high"]), scale=100)\n'
        'glue_interval("ch09_e", (1.0, 0.5, 2.0), suffixes=("_lo", "_hi"))\n'
        'glue_values({\n    "ch09_f": 1.0,\n    "ch09_g": lookup(t, k="x")["v"],\n})\n'
        'glue_values({"ch09_h": 2, "ch09_i": "text"})\n'
        'glue_value(f"ch09_j_{k}", 3)\n'
    )
    literal, prefixes = _glued_keys_of(source)
    assert literal == {"ch09_a", "ch09_b", "ch09_c", "ch09_c_low", "ch09_c_high", "ch09_d", "ch09_d_low",
                       "ch09_d_high", "ch09_e", "ch09_e_lo", "ch09_e_hi", "ch09_f", "ch09_g", "ch09_h", "ch09_i"}
    assert prefixes == ["ch09_j_"]
    # the keys the chapters glue with the helpers are found in their sources
    chapters = SUMMARY.parent.parent / "notebooks"
    found, _ = _glued_keys(chapters / "04_bias_amplification.md")
    assert {"ch04_dpd0", "ch04_dpd0_lo", "ch04_dpd0_hi", "ch04_bound20_95", "ch04_boundlim_95"} <= found
    found, _ = _glued_keys(chapters / "06_privacy_utility.md")
    assert {"ch06_auc_copula_hearts", "ch06_auc_copula_hearts_low", "ch06_auc_copula_hearts_high"} <= found


def test_no_digit_bearing_claim_is_typed_by_hand():
    prose = _prose(_text())
    lines = [ln.strip() for ln in prose.splitlines() if re.search(r"\d", ln)]
    assert not lines, f"numbers typed by hand (glue them from a chapter, or cite them): {lines}"


def test_the_check_catches_a_typed_number():
    # the test above must be able to fail: a typed percentage is caught, a glued one is not
    assert re.search(r"\d", _prose("Collapse is avoided with 10% real data.\n"))
    assert not re.search(r"\d", _prose("Collapse is avoided with {glue:text}`a.md::k:.0f`% real data.\n"))
    assert not re.search(r"\d", _prose("In 2024, chapter 3 showed it (finding 2).\n"))


def test_between_six_and_ten_findings_each_glued_and_linked():
    findings = _containers(_section(_text(), "Key findings"), "finding-detail")
    assert 6 <= len(findings) <= 10, f"{len(findings)} key findings (6 to 10 expected)"
    for i, (name, finding) in enumerate(findings, start=1):
        assert name == f"finding-{i}-detail", f"detailed finding {i} has the anchor {name!r}"
        assert GLUE_REF.search(finding), f"finding {i} carries no number glued from a chapter"
        assert re.search(r"\{(ref|numref|doc)\}`|\]\(", finding), f"finding {i} links to no figure or section"


def test_the_panel_comes_first_with_one_headline_per_finding():
    text = _text()
    panel = _panel(text)
    assert text.index(panel) < text.index("\n## "), "the findings panel is not above the first section"
    headlines = _containers(panel, "finding")
    assert [n for n, _ in headlines] == [f"finding-{i}" for i in range(1, len(headlines) + 1)]
    assert len(headlines) == len(_containers(_section(text, "Key findings"), "finding-detail"))
    for name, body in headlines:
        assert GLUE_REF.search(body), f"{name}: the headline carries no glued number"
        assert re.search(r"\{doc\}`", body), f"{name}: the headline links to no chapter"


def test_four_to_six_recommendations_each_tied_to_a_finding():
    recommendations = _bullets(_section(_text(), "What this means for policy"))
    assert 4 <= len(recommendations) <= 6, f"{len(recommendations)} recommendations (4 to 6 expected)"
    n_findings = len(_containers(_section(_text(), "Key findings"), "finding-detail"))
    for rec in recommendations:
        # each finding named is a link to its anchor on the panel: {ref}`3 <finding-3>`
        numbers = [int(n) for n in re.findall(r"\{ref\}`(\d+) <finding-\1>`", rec)]
        assert numbers, f"recommendation not tied to a finding: {rec[:60]!r}"
        assert all(1 <= n <= n_findings for n in numbers), f"no such finding in {rec[:60]!r}"


def test_every_pasted_value_exists_in_the_page_it_comes_from():
    text = _text()
    refs = GLUE_REF.findall(text) + [(path, key) for key, path in GLUE_DIRECTIVE.findall(text)]
    assert refs, "the summary pastes no value from any chapter"
    for path, key in refs:
        md = (SUMMARY.parent / path).resolve()
        assert md.suffix == ".md" and md.exists(), f"{path}: no such page"
        literal, prefixes = _glued_keys(md)
        assert key in literal or any(key.startswith(p) for p in prefixes), f"{path} glues no key {key!r}"


def test_the_usage_table_and_the_how_to_cite_box_are_on_the_page():
    text = _text()
    usage = _section(text, "Who uses synthetic data, and how much")
    assert GLUE_DIRECTIVE.search(usage), "the usage table is not pasted"
    cite = _section(text, "How to cite")
    assert "@misc{" in cite and "Version" in cite
