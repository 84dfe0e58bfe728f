"""Alt text and captions on every page carry no hand-typed number: glued, or phrased without the number.

A number typed into a caption or an alt text does not change when the analysis does, and it is
what a screen-reader user or a reader skimming figures takes away. The landing page's prose has
the same check in test_summary.py; this one covers the figure and table directives of every page
of the table of contents (their ``:alt:`` option, their title and their caption) and the ``alt=``
string literals given to ``glue_figure``/``save_figure``. Digits allowed are those of
test_summary.py: years, chapter and finding numbers, list numbering, licence and model names.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, toc_docs
from test_summary import _prose

DIRECTIVE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{(?P<name>glue:figure|figure|image|table|list-table|csv-table|glue:math|math)\}(?P<arg>[^\n]*)\n"
    r"(?P<body>.*?)^(?P=fence)\s*$",
    re.M | re.S,
)
# alt="..." / alt='...' given to a figure helper as a plain (not f-) string literal
ALT_LITERAL = re.compile(r"""(?<![A-Za-z_])alt\s*=\s*(?P<prefix>[rRbBuU]?)(?P<q>"{3}|'{3}|"|')(?P<text>.*?)(?P=q)""", re.S)
PAGES = [ROOT / f"{doc}.md" for doc in toc_docs() if (ROOT / f"{doc}.md").exists()]


# Labels of parts of a cited work (its figure 1, table 2, section 3.1, equation 4): not quantities.
PART_LABEL = re.compile(r"\b(?:[Ff]ig(?:ure|\.)?|[Tt]able|[Ss]ection|[Ss]ec\.|[Ee]quation|[Ee]q\.|[Aa]ppendix)\s+[A-Z]?\d+(?:\.\d+)*\b")
INLINE_MATH = re.compile(r"\$[^$\n]+\$")


def _math(segment: str) -> str:
    """Inline math is notation ($W_2$, $1+k/m$); a value assigned in it ($T = 100$) is still a typed number."""
    assigned = re.findall(r"=\s*(-?\d[\d.,]*)", segment)
    return " ".join(assigned)


def typed_numbers(text: str) -> list[str]:
    """Lines of ``text`` that still hold a digit once glued values, citations, literals and the allowed patterns are removed."""
    text = INLINE_MATH.sub(lambda m: _math(m.group()), text)
    text = PART_LABEL.sub("", text)
    return [ln.strip() for ln in _prose(text).splitlines() if re.search(r"\d", ln)]


def alt_and_captions(source: str) -> list[tuple[str, str]]:
    """(where, text) for every alt text, title and caption of a figure or table directive, and every alt= literal."""
    found = []
    for m in DIRECTIVE.finditer(source):
        name, arg, body = m["name"], m["arg"].strip(), m["body"]
        line = source[: m.start()].count("\n") + 1
        options = [ln for ln in body.splitlines() if re.match(r"^:[a-z-]+:", ln)]
        for opt in options:
            key, _, value = opt[1:].partition(":")
            if key == "alt":
                found.append((f"line {line} {name} :alt:", value.strip()))
        if name in ("table", "list-table", "csv-table") and arg:
            found.append((f"line {line} {name} title", arg))
        if name in ("glue:figure", "figure"):
            caption = "\n".join(ln for ln in body.splitlines() if not re.match(r"^:[a-z-]+:", ln)).strip()
            if caption:
                found.append((f"line {line} {name} caption", caption))
    for m in ALT_LITERAL.finditer(source):
        if "f" not in m["prefix"].lower():
            line = source[: m.start()].count("\n") + 1
            found.append((f"line {line} alt= literal", m["text"]))
    return found


@pytest.mark.parametrize("md", PAGES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_alt_text_and_captions_have_no_typed_number(md: Path):
    offenders = [
        f"{where}: {text[:120]!r}" for where, text in alt_and_captions(md.read_text(encoding="utf-8"))
        if typed_numbers(text)
    ]
    assert not offenders, (
        f"{md.relative_to(ROOT)}: numbers typed by hand in alt text or captions (glue them, or phrase "
        f"without the number):\n" + "\n".join(offenders)
    )


def test_the_check_catches_typed_numbers_in_alt_and_captions():
    page = (
        "```{glue:figure} fig_x\n:alt: Bars rising to 42 percent by the end.\n:name: fig-x\n\n"
        "Share reaches {glue:text}`ch01_share:.0f`% (80% interval shaded).\n```\n"
        "```{code-cell} ipython3\nplotting.glue_figure(\"fig_x\", fig, alt=\"A line falling by 3 points.\")\n```\n"
        "```{code-cell} ipython3\nplotting.glue_figure(\"fig_y\", fig, alt=f\"A line falling by {drop:.0f} points.\")\n```\n"
        "```{glue:figure} fig_y\n:alt: Model collapse in chapter 3, since 2024.\n\nAfter figure 2 of the paper; "
        "squared $W_2$ error, limit $1+k/m$.\n```\n"
        "```{glue:figure} fig_z\n:alt: A chart with enough words in it.\n\nWith $T = 100$ samples.\n```\n"
    )
    bad = [(where, text) for where, text in alt_and_captions(page) if typed_numbers(text)]
    assert [w.split(" ", 2)[2] for w, _ in bad] == [
        "glue:figure :alt:", "glue:figure caption", "glue:figure caption", "alt= literal",
    ]
    assert "100" in " ".join(typed_numbers(bad[2][1]))
