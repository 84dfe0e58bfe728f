"""Build the site with Jupyter Book 1, never showing stale numbers, and quickly when nothing changed.

Every notebook is executed against the checkout being built (``--root``, default this repository):
kernels start with that root first on ``PYTHONPATH`` and ``SDR_BUILD_ROOT`` set, ``analysis``
refuses to import from anywhere else, and before anything runs the kernel's interpreter is probed
for where ``analysis`` resolves and which packages it sees (``tools/kernel_env.py``).

jupyter-cache re-executes a notebook only when its own code cells change; it cannot see the
``analysis`` package or the data files a notebook imports (MyST-NB#299). So this script keys the
execution cache on a hash of ``analysis/`` (code and data), the dependency pins, the resolved
import location and the kernel's package versions: when that key changes the cache is cleared and
every notebook runs again. When any source of the site changes, every page is re-read (``--all``)
so numbers glued across pages are refreshed too. With nothing changed, Sphinx's incremental build
does almost nothing.

Usage: python tools/build_book.py [--force] [--root DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--force", action="store_true", help="clear the cache and re-execute everything")
    ap.add_argument("--root", type=Path, default=ROOT, help="the book's root (default: this repo)")
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
    exec_key = hashlib.sha256(
        (tree_hash(root, ["analysis", "requirements.txt", "pyproject.toml", "uv.lock"]) + probe.key()).encode()
    ).hexdigest()
    site_key = tree_hash(root, ["book", "notebooks", "_config.yml", "_toc.yml"]) + exec_key
    try:
        stamp = json.loads(stamp_path.read_text())
    except (OSError, ValueError):
        stamp = {}

    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(root), "-W", "-n", "--keep-going"]
    # The execution cache carries the key of the code and data it was made with; it stays valid
    # for that key even when a build fails (a failing cell or a broken citation elsewhere).
    cache = build / ".jupyter_cache"
    cache_key_path = cache / "analysis-key.txt"
    cached_key = cache_key_path.read_text() if cache_key_path.exists() else None
    # figure data files are written by executing notebooks; if they are gone, so is the cache's use
    lost_outputs = any(
        "figure_data/" in md.read_text(encoding="utf-8") and not (md.parent / "figure_data").exists()
        for folder in ("notebooks", "book") for md in (root / folder).glob("*.md")
    )
    if args.force or cached_key != exec_key or lost_outputs:
        if cache.exists():
            reason = "forced" if args.force else "analysis/, the pins or the kernel environment changed"
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
    stamp_path.write_text(json.dumps({"site_key": site_key}))
    index = build / "html" / "index.html"
    print(f"[build] done in {seconds:.0f} s. Open file://{index} or run `make serve`.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
