"""Text that looks like markup stays text on the page: the sampled sentences of chapter 3 show their ``<unk>``.

0.4.0 printed the n-gram model's sentences through a pandas Styler without escaping, so each
``<unk>`` reached the page as an unknown HTML element, which browsers do not show: a reader saw
"see  silicates pe lozenge in" with the unknown words silently gone.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: set[str] = set()
        self.in_samples = 0
        self.sample_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag == "table" and any(v and "samples" in v for k, v in attrs if k == "id"):
            self.in_samples += 1

    def handle_endtag(self, tag):
        if tag == "table" and self.in_samples:
            self.in_samples -= 1

    def handle_data(self, data):
        if self.in_samples:
            self.sample_text.append(data)


def _parse(path: Path) -> _Tags:
    p = _Tags()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def test_no_page_has_an_unk_element(built_site):
    pages = [p for p in built_site.rglob("*.html") if "_static" not in p.parts]
    assert pages
    bad = [str(p.relative_to(built_site)) for p in pages if "unk" in _parse(p).tags]
    assert not bad, f"pages with a raw <unk> element (unescaped text): {bad}"


def test_chapter_3_sample_tables_show_unk_as_text(built_site):
    page = _parse(built_site / "notebooks" / "03_model_collapse.html")
    text = " ".join(page.sample_text)
    assert "<unk>" in text, "the sampled sentences lost their <unk> markers"
