"""The built site, served on 127.0.0.1 and driven by Chromium, works offline and is accessible."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest
from conftest import ROOT, toc_docs

pytestmark = pytest.mark.slow

# Strings in the JavaScript we ship that look like URLs but are never requested: XML namespace
# names (identifiers that browsers compare, never dereference) and the link in MathJax's "About"
# box (an <a href> a reader may click). Exact strings, nothing broader.
NEVER_FETCHED = {
    "http://www.w3.org/2000/svg": "SVG namespace name",
    "http://www.w3.org/1998/Math/MathML": "MathML namespace name",
    "http://www.w3.org/1999/xhtml": "XHTML namespace name",
    "http://www.w3.org/1999/xlink": "XLink namespace name",
    "http://www.w3.org/2000/xmlns/": "XMLNS namespace name",
    "http://www.w3.org/XML/1998/namespace": "XML namespace name",
    "http://www.w3.org/2001/10/synthesis": "SSML namespace name (MathJax speech markup)",
    "https://www.mathjax.org": "link in MathJax's About box",
    "https://pydata-sphinx-theme.readthedocs.io/en/stable/user_guide/version-dropdown.html":
        "text of the theme's console hint about its version switcher (not used here)",
    # itables' DataTables bundle (_static/dt_bundle.js) carries the Buttons extension and JSZip, which
    # reader.js never enables: XML namespace names of the .xlsx writer, and help links in error texts
    **{f"http://schemas.openxmlformats.org/{ns}": "Office Open XML namespace name (DataTables' .xlsx export, not enabled)"
       for ns in ("markup-compatibility/2006", "officeDocument/2006/relationships",
                  "officeDocument/2006/relationships/officeDocument", "officeDocument/2006/relationships/styles",
                  "officeDocument/2006/relationships/worksheet", "package/2006/content-types",
                  "package/2006/relationships", "spreadsheetml/2006/main")},
    "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac":
        "SpreadsheetML namespace name (DataTables' .xlsx export, not enabled)",
    "https://datatables.net/tn/": "text of DataTables' error messages (errMode is 'throw': shown nowhere)",
    "https://datatables.net/tn/17": "text of a DataTables error message (errMode is 'throw': shown nowhere)",
    "https://stuk.github.io/jszip/documentation/howto/read_zip.html": "text of a JSZip error message (JSZip unused)",
}
_URL = re.compile(r"""(?:https?:)?//[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+[^\s"'`)<>\\]*""")
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_LINE_COMMENT = re.compile(r"(?<![:\"'\\/])//[^\n]*")
FETCHING_ATTRS = {
    "script": ("src",), "link": ("href",), "img": ("src", "srcset"), "source": ("src", "srcset"),
    "iframe": ("src",), "video": ("src", "poster"), "audio": ("src",), "embed": ("src",),
    "object": ("data",), "track": ("src",), "input": ("src",),
}


DOCS = toc_docs()


@pytest.fixture(scope="module")
def visits(browser, site_url):
    """Load every page of the table of contents once, recording requests, console and content."""
    results = {}
    context = browser.new_context()
    for doc in DOCS:
        page = context.new_page()
        requests, console, failed = [], [], []
        page.on("request", lambda r, requests=requests: requests.append(r.url))
        page.on("console", lambda m, console=console: console.append((m.type, m.text)))
        page.on("pageerror", lambda e, console=console: console.append(("pageerror", str(e))))
        page.on("requestfailed", lambda r, failed=failed: failed.append(r.url))
        page.on("response", lambda r, failed=failed: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
        response = page.goto(f"{site_url}/{doc}.html", wait_until="networkidle")
        results[doc] = {
            "status": response.status if response else None,
            "title": page.title(),
            "h1": page.locator("h1").first.inner_text() if page.locator("h1").count() else "",
            "requests": list(requests),
            "failed": list(failed),
            "console": list(console),
            "links": page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"),
            "imgs": page.eval_on_selector_all(
                "article img, main img", "els => els.map(e => [e.src, e.getAttribute('alt'), e.naturalWidth])"
            ),
            "pasted": page.eval_on_selector_all(".pasted-text", "els => els.map(e => e.textContent)"),
            "text": page.locator("main").inner_text(),
            "url": page.url,
        }
        page.close()
    context.close()
    return results


@pytest.mark.parametrize("doc", DOCS)
def test_page_loads_with_a_title(visits, doc):
    v = visits[doc]
    assert v["status"] == 200
    assert v["title"].strip() and v["h1"].strip(), f"{doc}: no title or heading"


@pytest.mark.parametrize("doc", DOCS)
def test_no_request_leaves_localhost(visits, doc):
    hosts = {urlparse(u).hostname for u in visits[doc]["requests"] if not u.startswith(("data:", "blob:"))}
    assert hosts <= {"127.0.0.1"}, f"{doc} requested {sorted(hosts - {'127.0.0.1'})}"
    assert not visits[doc]["failed"], f"{doc}: failed requests {visits[doc]['failed']}"


@pytest.mark.parametrize("doc", DOCS)
def test_console_has_no_errors_or_warnings(visits, doc):
    bad = [(kind, text) for kind, text in visits[doc]["console"] if kind in ("error", "pageerror", "warning")]
    assert not bad, f"{doc}: {bad}"


class _FetchedURLs(HTMLParser):
    """URLs an HTML page makes the browser fetch: resource attributes, inline scripts and styles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls, self._in = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in FETCHING_ATTRS.get(tag, ()):
            for value in (attrs.get(name) or "").split(","):
                if value.strip():
                    self.urls.append(value.strip().split()[0])
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            self.urls.append((attrs.get("content") or "").partition("url=")[2])
        if attrs.get("style"):
            self.urls += _URL.findall(attrs["style"])
        self._in = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in:
            self.urls += _URL.findall(data)


def _off_site(url: str) -> bool:
    host = urlparse(url if "//" in url else "").hostname
    return bool(host) and host != "127.0.0.1"


def test_no_third_party_url_in_what_we_ship(built_site: Path):
    """Every built page and every script and stylesheet we ship: no URL of another server that would be fetched."""
    found = []
    for html in built_site.rglob("*.html"):
        parser = _FetchedURLs()
        parser.feed(html.read_text(encoding="utf-8"))
        found += [f"{html.relative_to(built_site)}: {u}" for u in parser.urls if _off_site(u)]
    for asset in [*built_site.rglob("*.js"), *built_site.rglob("*.css")]:
        code = _BLOCK_COMMENT.sub("", asset.read_text(encoding="utf-8", errors="replace"))
        if asset.suffix == ".js":
            code = _LINE_COMMENT.sub("", code)
        found += [
            f"{asset.relative_to(built_site)}: {u}" for u in _URL.findall(code)
            if _off_site(u) and u.rstrip("/") not in {k.rstrip("/") for k in NEVER_FETCHED}
        ]
    assert not found, "third-party URLs in the site:\n" + "\n".join(sorted(set(found))[:50])


def test_the_url_scan_sees_what_it_must():
    """The scanner above finds a CDN script, an inline script's URL and a stylesheet, and ignores plain links."""
    parser = _FetchedURLs()
    parser.feed(
        '<script src="https://cdn.example.org/x.js"></script><script>const U = "https://unpkg.com/thebe";</script>'
        '<link rel="stylesheet" href="//fonts.example.com/a.css"><a href="https://arxiv.org/abs/1">paper</a>'
        '<img srcset="https://img.example.net/a.png 2x">'
    )
    assert [u for u in parser.urls if _off_site(u)] == [
        "https://cdn.example.org/x.js", "https://unpkg.com/thebe", "//fonts.example.com/a.css", "https://img.example.net/a.png",
    ]
    js = 'a="https://cdn.jsdelivr.net/npm/x"; /* https://license.example */ // https://comment.example\n'
    code = _LINE_COMMENT.sub("", _BLOCK_COMMENT.sub("", js))
    assert _URL.findall(code) == ["https://cdn.jsdelivr.net/npm/x"]


@pytest.mark.parametrize("doc", DOCS)
def test_images_have_alt_text_and_load(visits, doc):
    for src, alt, width in visits[doc]["imgs"]:
        assert alt and alt.strip(), f"{doc}: <img src={src}> has no alt text"
        assert width > 0, f"{doc}: {src} did not load"


@pytest.mark.parametrize("doc", DOCS)
def test_glued_numbers_render(visits, doc):
    source = (ROOT / f"{doc}.md").read_text(encoding="utf-8")
    n_roles = len(re.findall(r"\{glue(?::text)?\}`", source))  # inline roles; block directives render as outputs
    pasted = [t.strip() for t in visits[doc]["pasted"]]
    assert len(pasted) >= n_roles, f"{doc}: {n_roles} glue roles, {len(pasted)} rendered"
    assert all(pasted), f"{doc}: an empty glued value"
    assert "glue" not in " ".join(pasted).lower()
    for marker in ("np.float64", "nan", "Traceback"):
        assert marker not in visits[doc]["text"].split(), f"{doc} shows {marker!r}"


def test_internal_links_resolve(visits, site_url, browser):
    """Every internal link of every page reaches an existing page, and its #anchor exists there."""
    import urllib.request

    targets = {}
    origin = urlparse(site_url).netloc
    for doc in DOCS:
        for href in visits[doc]["links"]:
            if urlparse(href).netloc == origin:
                base, frag = urldefrag(href)
                targets.setdefault(base, set()).add(frag)
    assert targets
    context = browser.new_context()
    page = context.new_page()
    for base, frags in sorted(targets.items()):
        with urllib.request.urlopen(base) as r:  # noqa: S310 - localhost only
            assert r.status == 200, base
        frags.discard("")
        if frags and base.endswith(".html"):
            page.goto(base)
            ids = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
            missing = sorted(f for f in frags if f not in ids)
            assert not missing, f"{base}: missing anchors {missing}"
    context.close()
