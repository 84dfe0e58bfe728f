"""Give every bibliography entry a stable anchor, ``#ref-<BibTeX key>``, beside sphinxcontrib-bibtex's own.

sphinxcontrib-bibtex numbers its anchors (``#id143``), which change whenever an entry is added, so
nothing generated outside Sphinx can link to an entry. Tables that show sources as short
citations (``analysis.publish.labels.citations_html``) link to ``bibliography.html#ref-KEY``; this
extension adds that anchor, as an empty span at the start of the entry, on the page that holds the
bibliography.
"""

from __future__ import annotations

import html
import re

from sphinx.application import Sphinx


def add_anchors(body: str, ids_to_keys: dict[str, str]) -> str:
    """Insert ``<span id="ref-KEY"></span>`` at the start of each ``<div class="citation" id="ID" ...>`` of ``body``."""

    def put(m: re.Match) -> str:
        key = ids_to_keys.get(m.group(2))
        return m.group(1) + (f'<span id="ref-{html.escape(key)}"></span>' if key else "")

    return re.sub(r'(<div class="citation" id="([^"]+)"[^>]*>)', put, body)


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    body = context.get("body")
    if not body or 'class="citation"' not in body:
        return
    domain = app.env.get_domain("cite")
    ids_to_keys = {c.citation_id: c.key for c in getattr(domain, "citations", [])}
    context["body"] = add_anchors(body, ids_to_keys)


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", _page_context)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
