"""The built site, served on 127.0.0.1 and driven by Chromium, works offline and is accessible."""

from __future__ import annotations

import re

from urllib.parse import urldefrag, urljoin, urlparse

import pytest
from conftest import ROOT, toc_docs

pytestmark = pytest.mark.slow

# Console messages the theme always logs; allow-listed by exact text, nothing broader.
BENIGN_CONSOLE = {
    "Identifier 'THEBE_JS_URL' has already been declared",
    "Uncaught SyntaxError: Identifier 'THEBE_JS_URL' has already been declared",
    "Got invalid theme mode: . Resetting to auto.",
    "[PST]: Changing to auto mode",
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
def test_console_has_no_unexpected_errors(visits, doc):
    bad = [
        (kind, text) for kind, text in visits[doc]["console"]
        if kind in ("error", "pageerror", "warning") and text not in BENIGN_CONSOLE
    ]
    assert not bad, f"{doc}: {bad}"


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
