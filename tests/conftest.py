"""Shared fixtures: the repository root, the built site, a local web server and a browser."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")


@contextmanager
def time_limit(seconds: int):
    """Raise ``TimeoutError`` if the block runs longer than ``seconds`` (a hang is a failure, not a wait)."""

    def handler(signum, frame):
        raise TimeoutError(f"no answer within {seconds} s")

    old = signal.signal(signal.SIGALRM, handler)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def toc_docs() -> list[str]:
    """Every page of the table of contents, as Sphinx document names (e.g. notebooks/03_model_collapse)."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    docs = [toc["root"]]
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            docs.append(chapter["file"])
            docs.extend(s["file"] for s in chapter.get("sections", []))
    return docs


DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def open_page(browser, site_url: str, path: str, *, viewport: dict = DESKTOP,
              ready: str = "html[data-reader-ready]", **context_args):
    """Open ``path`` of the built site in a new browser context and wait until ``ready`` is there.

    Returns ``(context, page, problems)``: ``problems`` collects, while the page lives, console
    errors, uncaught page errors and every request that leaves 127.0.0.1.
    """
    from urllib.parse import urlparse

    context = browser.new_context(viewport=viewport, **context_args)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda r: problems.append(f"request off 127.0.0.1: {r.url}")
            if urlparse(r.url).hostname not in (None, "127.0.0.1") and not r.url.startswith(("data:", "blob:")) else None)
    page.goto(f"{site_url}/{path}", wait_until="networkidle")
    page.wait_for_selector(ready, timeout=20000)
    return context, page, problems


def run_build(root: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the book build exactly as `make book` does, capturing its log."""
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_book.py"), "--root", str(root), *extra],
        cwd=root, capture_output=True, text=True, env=env, timeout=1800,
    )


@pytest.fixture(scope="session")
def built_site() -> Path:
    """The site `make book` builds: reused as it is when nothing it is made from changed, else built once.

    ``tools/build_book.py`` stamps a successful build with a hash of its sources (pages, notebooks,
    the package and its data, the lock, the kernel's environment); when the stamp matches the
    checkout, running the build again would only re-read every page to change nothing, so the
    session uses ``_build/html`` directly. Otherwise the site is built once per session, as
    `make book` does, and the build's log is shown if it fails.
    """
    sys.path.insert(0, str(ROOT / "tools"))
    import build_book

    # one build at a time: with pytest-xdist each worker asks, the first builds, the others then find
    # the site up to date (`make test` builds it before the workers start, so usually none builds)
    (ROOT / "_build").mkdir(exist_ok=True)
    with open(ROOT / "_build" / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if build_book.is_up_to_date(ROOT):
            return ROOT / "_build" / "html"
        result = run_build(ROOT)
    if result.returncode != 0:
        pytest.fail(
            f"the book build failed (exit {result.returncode}):\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}",
            pytrace=False,
        )
    return ROOT / "_build" / "html"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output readable
        pass


@pytest.fixture(scope="session")
def site_url(built_site: Path):
    """Serve the built site on 127.0.0.1 on a free port for the session."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(built_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no browser download), headless and offline-minded."""
    from playwright.sync_api import sync_playwright

    candidates = [os.environ["CHROMIUM"]] if os.environ.get("CHROMIUM") else CHROMIUM_CANDIDATES
    exe = next((p for p in candidates if os.path.exists(p)), None)
    if exe is None:
        pytest.fail(
            "Chromium is not installed: `make test` installs Debian's chromium package where there is apt; "
            "elsewhere install Chromium and set CHROMIUM=/path/to/chromium",
            pytrace=False,
        )
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=exe,
            headless=True,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture(scope="session")
def site_pdf(built_site: Path, browser) -> Path:
    """The PDF edition in the built site (as `make pdf` prints it), printed again when the site is newer."""
    sys.path.insert(0, str(ROOT / "tools"))
    import make_pdf

    out = built_site / make_pdf.metadata(ROOT)["pdf_name"]
    index = built_site / "index.html"
    newest = max(p.stat().st_mtime for p in built_site.glob("**/*.html"))
    if not out.exists() or out.stat().st_mtime < max(newest, index.stat().st_mtime):
        make_pdf.build_pdf(built_site, out, ROOT, browser=browser)
    return out


@pytest.fixture(scope="session", autouse=True)
def _refingerprint_check():
    """Let a sweep's stored file load whatever its recorded code hash, only for ``run_sweeps.py refingerprint``.

    ``tools/run_sweeps.py refingerprint NAME`` runs the sweep's reduced-rerun tests with
    ``SWEEPS_REFINGERPRINT=NAME`` before it records this checkout's fingerprint: the tests must
    check the stored numbers against the current code even though the file's hash is out of date.
    """
    name = os.environ.get("SWEEPS_REFINGERPRINT")
    if not name:
        yield
        return
    from analysis.sweeps import store as sweeps

    original = sweeps.load_results

    def load_results(n, **kwargs):
        if n == name:
            kwargs["require_current"] = False
        return original(n, **kwargs)

    patch = pytest.MonkeyPatch()
    patch.setattr(sweeps, "load_results", load_results)
    yield
    patch.undo()
