"""Sphinx extension: the site we ship references no third-party server, and loads only what it uses.

Jupyter Book 1 always loads ``sphinx_thebe``; with thebe off it still writes thebe's CDN URL
(unpkg.com) into an inline script on every page and ships a script that redeclares it (a console
error on pages that load it twice). ``sphinx-mathjax-offline`` copies the whole MathJax
distribution (24 MB), including loaders that fetch from CDNs (``latest.js``) and combined
components we never load. This extension:

* removes sphinx_thebe's event handlers and stylesheet, so no thebe script, URL or asset is written;
* after the build, keeps from ``_static/mathjax`` only the component the pages load
  (``tex-chtml.js``) and what it loads from its own directory (fonts, TeX extensions, menu,
  speech maps), and blanks the speech-rule-engine's built-in CDN defaults in it (MathJax
  overrides them with its local ``sre/mathmaps``; the others serve Internet Explorer only), so
  that even if one were used the request would stay on the site's own server;
* loads MathJax (1.2 MB) only on pages that show math: Sphinx decides per page, but the
  landing page loaded it with no formula on it (Sphinx counts the formulas of every page
  in a page's table of contents).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from sphinx.application import Sphinx

# tex-chtml.js and what it may load from its own directory: fonts, TeX extensions (\\require), the
# menu and its accessibility tools (speech maps in sre/), and the SVG renderer the menu can switch to
MATHJAX_KEEP = (
    "tex-chtml.js", "output/chtml", "output/chtml.js", "output/svg", "output/svg.js",
    "input/tex/extensions", "ui", "a11y", "sre", "adaptors",
)
# SRE's built-in default locations (cdn.jsdelivr.net): its maps (MathJax configures its local copy
# instead), and the maps and XPath polyfill for Internet Explorer
_SRE_CDN = re.compile(r'"https://cdn\.jsdelivr\.net/npm/[^"]*"')


def _drop_thebe(app: Sphinx) -> None:
    for event, listeners in list(app.events.listeners.items()):
        app.events.listeners[event] = [
            lsn for lsn in listeners if getattr(lsn.handler, "__module__", "") != "sphinx_thebe"
        ]
    app.registry.css_files = [(name, attrs) for name, attrs in app.registry.css_files if "thebe" not in name]


def _prune_mathjax(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    mathjax = Path(app.outdir) / "_static" / "mathjax"
    if not mathjax.is_dir():
        return
    for path in sorted(mathjax.iterdir()):
        rel = path.name
        if not any(keep == rel or keep.startswith(rel + "/") for keep in MATHJAX_KEEP):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    for sub in ("output", "input", "input/tex"):
        base = mathjax / sub
        if base.is_dir():
            for path in base.iterdir():
                rel = path.relative_to(mathjax).as_posix()
                if not any(keep == rel or keep.startswith(rel + "/") for keep in MATHJAX_KEEP):
                    shutil.rmtree(path) if path.is_dir() else path.unlink()
    for js in mathjax.rglob("*.js"):
        text = js.read_text(encoding="utf-8")
        new = _SRE_CDN.sub('""', text)
        if new != text:
            js.write_text(new, encoding="utf-8")


def _shows_math(doctree) -> bool:
    from docutils import nodes

    return doctree is not None and any(True for _ in doctree.findall(lambda n: isinstance(n, (nodes.math, nodes.math_block))))


def _mathjax_where_math(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Drop MathJax and its configuration from a page without a formula."""
    if doctree is None or _shows_math(doctree):
        return
    scripts = context.get("script_files")
    if scripts is None:
        return
    kept = [js for js in scripts if "mathjax" not in str(getattr(js, "filename", js) or "").lower()
            and "MathJax" not in str((getattr(js, "attributes", None) or {}).get("body", ""))]
    scripts[:] = kept


def setup(app: Sphinx) -> dict:
    _drop_thebe(app)
    app.connect("html-page-context", _mathjax_where_math, priority=900)
    app.connect("build-finished", _prune_mathjax)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
