"""Build the site with Jupyter Book 1, never showing stale numbers, and quickly when nothing changed.

Every notebook is executed against the checkout being built (``--root``, default this repository):
kernels start with that root first on ``PYTHONPATH`` and ``SDR_BUILD_ROOT`` set, ``analysis``
refuses to import from anywhere else, and before anything runs the kernel's interpreter is probed
for where ``analysis`` resolves and which packages it sees (``tools/kernel_env.py``).

jupyter-cache re-executes a notebook only when its own code cells change; it cannot see the
``analysis`` package or the data files a notebook imports (MyST-NB#299). So this script keys the
execution cache on a hash of ``analysis/`` (code and data), the lock (``uv.lock``), the resolved
import location and the versions of every package the kernel sees (pyproject.toml is left out:
its test settings do not change a number, and its dependencies reach the key through the lock
and the kernel's packages): when that key changes the cache is cleared and
every notebook runs again. When any source of the site changes, every page is re-read (``--all``)
so numbers glued across pages are refreshed too. With nothing changed since the last successful
build (its stamp holds the same key of every source) and its PDF editions there, nothing runs at all.

Usage: python tools/build_book.py [--force] [--root DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kernel_env import KernelEnvironmentError, kernel_env, probe_kernel  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SKIP_PARTS = {"__pycache__", ".ipynb_checkpoints", "figure_data"}


def tree_hash(root: Path, paths: list[str]) -> str:
    """SHA-256 over the names and bytes of every file under ``paths`` (relative to ``root``)."""
    h = hashlib.sha256()
    for rel in paths:
        base = root / rel
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for f in files:
            if SKIP_PARTS & set(f.relative_to(root).parts) or f.suffix == ".pyc":
                continue
            h.update(str(f.relative_to(root)).encode())
            h.update(b"\0")
            h.update(f.read_bytes())
            h.update(b"\0")
    return h.hexdigest()


def toc_pages(root: Path) -> list[Path]:
    """The source files of every page in the table of contents."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text())
    docs = [toc["root"]]
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            docs.append(chapter["file"])
            docs.extend(s["file"] for s in chapter.get("sections", []))
    return [root / f"{d}.md" for d in docs if (root / f"{d}.md").exists()]


def lost_figure_data(root: Path) -> list[str]:
    """Figure data files a page of the table of contents links to that are missing (notebooks write them)."""
    return [
        f"{md.parent.name}/figure_data/{name}"
        for md in toc_pages(root)
        for name in re.findall(r"figure_data/([\w.-]+\.csv)", md.read_text(encoding="utf-8"))
        if not (md.parent / "figure_data" / name).exists()
    ]


def _local_extensions(root: Path) -> list[str]:
    """The local Sphinx extensions of _config.yml and the tools/ modules they import (reader_cite, make_pdf)."""
    import yaml

    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    names = list(((config.get("sphinx") or {}).get("local_extensions") or {}).keys())
    names += [n for n in ("reader_cite",) if (root / "tools" / f"{n}.py").exists()]
    return [n for n in names if (root / "tools" / f"{n}.py").exists()]


def build_keys(root: Path, probe) -> tuple[str, str]:
    """(execution-cache key, site key): hashes of what the notebooks' outputs and the site are made from."""
    exec_key = hashlib.sha256(
        (tree_hash(root, ["analysis", "uv.lock"]) + probe.key()).encode()
    ).hexdigest()
    # the site's own Sphinx extensions (tools/, listed in _config.yml) shape every page too
    extensions = [f"tools/{name}.py" for name in _local_extensions(root)]
    site_key = tree_hash(root, ["book", "notebooks", "_config.yml", "_toc.yml", *extensions]) + exec_key
    return exec_key, site_key


def read_stamp(root: Path) -> dict:
    """The stamp the last successful build left (``{}`` if none, or if that build failed)."""
    try:
        return json.loads((root / "_build" / ".build-stamp.json").read_text())
    except (OSError, ValueError):
        return {}


def is_up_to_date(root: Path) -> bool:
    """Whether ``_build/html`` is the site a build of ``root`` would make now, with nothing to redo.

    True when the last build succeeded with the same site key (the sources, the package and its
    data, the lock and the kernel's environment) and its execution cache is still keyed to the same
    code. The test suite uses it to reuse the site `make book` built instead of building it again.
    """
    root = Path(root).resolve()
    build = root / "_build"
    if not (build / "html" / "index.html").exists() or lost_figure_data(root):
        return False
    try:
        probe = probe_kernel(root, kernel_env(root))
    except KernelEnvironmentError:
        return False
    exec_key, site_key = build_keys(root, probe)
    cache_key = build / ".jupyter_cache" / "analysis-key.txt"
    if read_stamp(root).get("site_key") != site_key or not cache_key.exists() or cache_key.read_text() != exec_key:
        return False
    # the PDF editions, when the last build printed them, are still there
    return not read_stamp(root).get("pdf") or all((build / "html" / n).exists() for n in pdf_names(root))


PDF_LINK = re.compile(r'<span class="reader-pdf-item" data-pdf="([^"]+)">.*?</span><!--/reader-pdf-->', re.S)


def pdf_names(root: Path) -> list[str]:
    """The PDF files the site links to: the full edition and the brief (tools/make_pdf.py)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import make_pdf

    meta = make_pdf.metadata(root)
    return [meta["pdf_name"], meta["brief_name"]]


def print_pdfs(html_dir: Path, root: Path, skip: bool = False) -> bool:
    """Print the PDF editions into the site when they are missing or older than a page; True if they exist.

    They take Chromium (Debian's package; `make test` installs it). Where there is none, or the
    printing fails, every link to a missing PDF is removed from the pages, so that no reader meets a
    link that leads nowhere, and the build says so.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import make_pdf

    names = pdf_names(root)
    pdfs = [html_dir / n for n in names]
    pages = list(html_dir.rglob("*.html"))
    newest = max((p.stat().st_mtime for p in pages), default=0)
    if all(p.exists() and p.stat().st_mtime >= newest for p in pdfs):
        return True
    if skip:
        print("[build] --no-pdf: the PDF editions are not printed and the pages do not link them")
    elif make_pdf.chromium() is None:
        print("[build] no Chromium here (Debian package 'chromium', or CHROMIUM=/path): the PDF editions are not "
              "printed and the pages do not link them; `make pdf` prints them", file=sys.stderr)
    else:
        t0 = time.perf_counter()
        try:
            make_pdf.build_pdf(html_dir, pdfs[0], root, brief=pdfs[1])
            print(f"[build] PDF editions printed in {time.perf_counter() - t0:.0f} s")
        except Exception as exc:  # noqa: BLE001 - the site stays usable; its links to the PDF go
            print(f"[build] the PDF editions could not be printed ({exc}); the pages do not link them", file=sys.stderr)
    missing = {p.name for p in pdfs if not p.exists()}
    if missing:
        for page in pages:
            text = page.read_text(encoding="utf-8")
            new = PDF_LINK.sub(lambda m: "" if m.group(1) in missing else m.group(0), text)
            if new != text:
                page.write_text(new, encoding="utf-8")
    return not missing


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--force", action="store_true", help="clear the cache and re-execute everything")
    ap.add_argument("--root", type=Path, default=ROOT, help="the book's root (default: this repo)")
    ap.add_argument("--no-pdf", action="store_true", help="do not print the PDF editions (the pages then do not link them)")
    args = ap.parse_args(argv)
    root: Path = args.root.resolve()
    build = root / "_build"
    stamp_path = build / ".build-stamp.json"

    env = kernel_env(root)
    try:
        probe = probe_kernel(root, env)
    except KernelEnvironmentError as exc:
        print(f"[build] FAILED before executing anything: {exc}", file=sys.stderr)
        return 3
    print(f"[build] notebooks import analysis from {root / probe.analysis_file}")
    exec_key, site_key = build_keys(root, probe)
    stamp = read_stamp(root)

    # jupyter-book's own entry point, run after setting the kernels' transport encryption
    launcher = (
        "import sys; sys.path.insert(0, sys.argv.pop(1)); import kernel_env; kernel_env.encrypt_kernel_transport(); "
        "from jupyter_book.cli.main import main; sys.argv[0] = 'jupyter-book'; sys.exit(main())"
    )
    tools = str(Path(__file__).resolve().parent)
    cmd = [sys.executable, "-c", launcher, tools, "build", str(root), "-W", "-n", "--keep-going"]
    # The execution cache carries the key of the code and data it was made with; it stays valid
    # for that key even when a build fails (a failing cell or a broken citation elsewhere).
    cache = build / ".jupyter_cache"
    cache_key_path = cache / "analysis-key.txt"
    cached_key = cache_key_path.read_text() if cache_key_path.exists() else None
    # figure data files are written by executing notebooks; if one a page links to is gone, so is
    # the cache's use (only pages of the table of contents are built, so only they count)
    lost_outputs = lost_figure_data(root)
    pdfs_there = all((build / "html" / name).exists() for name in pdf_names(root))
    if (not args.force and cached_key == exec_key and not lost_outputs and stamp.get("site_key") == site_key
            and (build / "html" / "index.html").exists() and (args.no_pdf or (stamp.get("pdf") and pdfs_there))):
        # the stamp is written only after a successful build of these very sources: nothing to execute,
        # nothing to re-read, and the PDF editions printed from these pages are there
        print("[build] nothing changed since the last successful build: _build/html is current, nothing to do")
        return 0
    if args.force or cached_key != exec_key or lost_outputs:
        if cache.exists():
            reason = (
                "forced" if args.force
                else f"figure data lost ({lost_outputs[0]})" if lost_outputs and cached_key == exec_key
                else "analysis/, the pins or the kernel environment changed"
            )
            print(f"[build] {reason}: clearing the execution cache, every notebook runs again")
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir(parents=True)
        cache_key_path.write_text(exec_key)
    if args.force or stamp.get("site_key") != site_key or not (build / "html" / "index.html").exists():
        cmd.append("--all")
    else:
        print("[build] nothing changed since the last successful build")

    t0 = time.perf_counter()
    stamp_path.unlink(missing_ok=True)  # a failed build must not look up to date next time
    result = subprocess.run(cmd, cwd=root, env=env)
    seconds = time.perf_counter() - t0
    if result.returncode != 0:
        print(
            f"[build] FAILED after {seconds:.0f} s (exit {result.returncode}). Execution reports, "
            f"if any: {build / 'html' / 'reports'}",
            file=sys.stderr,
        )
        return result.returncode
    build.mkdir(exist_ok=True)
    made_pdf = print_pdfs(build / "html", root, skip=args.no_pdf)
    stamp_path.write_text(json.dumps({"site_key": site_key, "pdf": made_pdf}))
    index = build / "html" / "index.html"
    print(f"[build] done in {seconds:.0f} s. Open file://{index} or run `make serve`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
