"""Page weight of the built site: the bytes a reader's browser loads for each page, uncompressed.

Each page of the table of contents is opened in Chromium (Playwright, offline, served from
``_build/html`` on 127.0.0.1) at a desktop size; the weight is the sum of the body sizes of every
response the page load received (HTML, scripts, styles, fonts, figures), after the network is
idle and the page's script has finished (``html[data-reader-ready]``). A fresh browser context
per page: nothing comes from the cache.

Usage: python tools/page_weight.py [--site _build/html] [--top 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")


def page_weight(browser, url: str, viewport: dict | None = None) -> dict[str, int]:
    """{response URL: body bytes} for one page load of ``url`` in a fresh context."""
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
    page = context.new_page()
    responses = []
    page.on("response", lambda r: responses.append(r))
    page.goto(url, wait_until="networkidle")
    try:
        page.wait_for_selector("html[data-reader-ready]", timeout=20000)
    except Exception:  # noqa: BLE001 - a page without the site's script still has a weight
        pass
    page.wait_for_load_state("networkidle")
    sizes: dict[str, int] = {}
    for r in responses:
        if r.url.startswith(("data:", "blob:")):
            continue
        try:
            sizes[r.url] = len(r.body())
        except Exception:  # noqa: BLE001 - a redirect has no body
            sizes.setdefault(r.url, 0)
    context.close()
    return sizes


def _serve(directory: Path) -> tuple[ThreadingHTTPServer, str]:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main(argv: list[str] | None = None) -> int:
    import yaml
    from playwright.sync_api import sync_playwright

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", type=Path, default=ROOT / "_build" / "html")
    ap.add_argument("--toc", type=Path, default=ROOT / "_toc.yml")
    ap.add_argument("--top", type=int, default=5, help="largest responses to list per page")
    args = ap.parse_args(argv)
    toc = yaml.safe_load(args.toc.read_text())
    docs = [toc["root"]] + [f for part in toc["parts"] for c in part["chapters"]
                            for f in [c["file"], *(s["file"] for s in c.get("sections", []))]]
    exe = next((p for p in CHROMIUM_CANDIDATES if os.path.exists(p)), None)
    server, base = _serve(args.site)
    totals = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, headless=True, args=["--no-sandbox", "--disable-gpu"])
        for doc in docs:
            sizes = page_weight(browser, f"{base}/{doc}.html")
            total = sum(sizes.values())
            totals.append(total)
            top = sorted(sizes.items(), key=lambda kv: -kv[1])[: args.top]
            print(f"{doc:40s} {total / 1e6:6.2f} MB  " + ", ".join(f"{u.rsplit('/', 1)[-1].split('?')[0]} {n / 1e3:.0f} kB" for u, n in top))
        browser.close()
    server.shutdown()
    print(f"median {statistics.median(totals) / 1e6:.2f} MB, max {max(totals) / 1e6:.2f} MB, min {min(totals) / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
