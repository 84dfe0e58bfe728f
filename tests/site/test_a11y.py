"""Accessibility audit: axe-core (npm, pinned in package-lock.json) on every page, light and dark, desktop and phone.

axe-core is installed by `make test` (`npm ci`) into node_modules; it is injected into each page
served on 127.0.0.1 and run with the WCAG 2.1 A and AA rules. No critical and no serious
violation is allowed.
"""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, toc_docs

pytestmark = pytest.mark.slow

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DOCS = toc_docs()
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
SCHEMES = ("light", "dark")


@pytest.fixture(scope="module")
def audits(browser, site_url):
    if not AXE.exists():
        pytest.fail("axe-core is not installed: `make test` runs `npm ci` (package-lock.json)", pytrace=False)
    script = AXE.read_text(encoding="utf-8")
    results = {}
    for scheme in SCHEMES:
        for size, viewport in VIEWPORTS.items():
            context = browser.new_context(viewport=viewport, color_scheme=scheme, is_mobile=size == "phone")
            page = context.new_page()
            for doc in DOCS:
                # the audit reads the DOM once the page says it is ready (html[data-reader-ready]);
                # waiting for the network to idle as well only added half a second to each of 108 loads
                page.goto(f"{site_url}/{doc}.html", wait_until="load")
                page.wait_for_selector("html[data-reader-ready]", timeout=20000)
                theme = page.evaluate("document.documentElement.dataset.theme")
                assert theme == scheme, f"{doc}: theme {theme!r}, expected {scheme}"
                page.add_script_tag(content=script)
                found = page.evaluate(
                    """async () => {
                        await window.readerEnhanceTables?.();  // audit the interactive tables too
                        const r = await axe.run(document, {runOnly: {type: 'tag',
                            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']});
                        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                            n: v.nodes.length, targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
                    }"""
                )
                results[(doc, scheme, size)] = found
            context.close()
    return results


@pytest.mark.parametrize("size", list(VIEWPORTS))
@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("doc", DOCS)
def test_no_serious_or_critical_violation(audits, doc, scheme, size):
    bad = [v for v in audits[(doc, scheme, size)] if v["impact"] in ("critical", "serious")]
    assert not bad, f"{doc} ({scheme}, {size}):\n" + json.dumps(bad, indent=1)
