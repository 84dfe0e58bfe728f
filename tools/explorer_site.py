"""Sphinx extension: the explorer page loads Plotly and ``explorer.js``; no other page does.

``book/explorer.md`` draws its charts with Plotly (MIT). The bundle that the ``plotly`` Python
package ships (``plotly/package_data/plotly.min.js``) is copied into ``_static`` after the build,
never loaded from a CDN, and only the explorer page references it, with ``explorer.js`` and
``explorer.css`` (``book/_static``), so the other pages do not grow.

The bundle carries the addresses of map tiles, map styles and fonts (used only by map traces,
which the explorer never draws) and of Plotly's CDN (used only to fetch map outlines and to
download "un"-minified locales). The copy blanks them, as ``sphinx_offline`` does for MathJax's
speech-rule defaults, so that even an unexpected call could not reach another server.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx

EXPLORER_DOC = "book/explorer"
PLOTLY_JS = "plotly.min.js"
# An absolute http(s) URL inside a JavaScript string or comment (the pattern of tests/site/test_site.py).
_URL = re.compile(r"""(?:https?:)?//[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+[^\s"'`)<>\\]*""")
# XML namespace names: identifiers browsers compare, never fetch; SVG needs them verbatim.
_NAMESPACES = ("http://www.w3.org/",)
# Block comments (licence headers) keep their addresses: nothing in a comment is fetched.
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def plotly_bundle() -> Path:
    """The minified Plotly.js that the installed ``plotly`` package ships."""
    import plotly

    path = Path(plotly.__file__).parent / "package_data" / PLOTLY_JS
    if not path.exists():
        raise RuntimeError(f"plotly: {path} is missing; the explorer cannot draw its charts")
    return path


def offline_copy(code: str) -> str:
    """``code`` with every absolute URL of another server blanked, outside block comments (namespace names kept)."""

    def blank(m: re.Match) -> str:
        url = m.group()
        return url if url.startswith(_NAMESPACES) else ""

    out, last = [], 0
    for comment in _BLOCK_COMMENT.finditer(code):
        out += [_URL.sub(blank, code[last:comment.start()]), comment.group()]
        last = comment.end()
    out.append(_URL.sub(blank, code[last:]))
    return "".join(out)


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if pagename != EXPLORER_DOC:
        return
    # Called during html-page-context, add_*_file applies to this page only.
    app.add_css_file("explorer.css")
    app.add_js_file(PLOTLY_JS, loading_method="defer")
    app.add_js_file("explorer.js", loading_method="defer")


def finish(app: Sphinx, exc) -> None:
    if exc is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    code = plotly_bundle().read_text(encoding="utf-8")
    (static / PLOTLY_JS).write_text(offline_copy(code), encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", page_context)
    app.connect("build-finished", finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
