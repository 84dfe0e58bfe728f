"""Re-sync every jupytext pair and re-execute the notebooks in place, one progress line each.

Usage: python tools/run_notebooks.py [NAME ...]   (e.g. 03_model_collapse or claims; default: all)

The .md file is the source of truth: it is converted to the paired .ipynb (jupytext --sync keeps
the pairing metadata), then the .ipynb is executed with nbclient in its own directory and
written back with its outputs, which are the reference nbval compares against. Kernels import the
``analysis`` package of this checkout, whatever the environment holds (checked; see kernel_env.py).
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from jupytext.cli import jupytext as jupytext_cli
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kernel_env import KernelEnvironmentError, kernel_env, probe_kernel  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def notebook_sources() -> list[Path]:
    """Chapter notebooks (notebooks/NN_topic.md) and prose pages that are notebooks (book/*.md with jupytext front matter)."""
    pages = [p for p in sorted((ROOT / "book").glob("*.md")) if p.read_text(encoding="utf-8").startswith("---\njupytext:")]
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.md")) + pages


def _stable_cell_ids(nb, ipynb: Path) -> None:
    """Keep the cell ids of the committed .ipynb (jupytext makes new random ones), so diffs show only real changes."""
    old = {}
    if ipynb.exists():
        for cell in nbformat.read(ipynb, as_version=4).cells:
            old.setdefault((cell.cell_type, cell.source), []).append(cell.get("id"))
    for i, cell in enumerate(nb.cells):
        ids = old.get((cell.cell_type, cell.source))
        cell["id"] = ids.pop(0) if ids else hashlib.sha1(f"{i}:{cell.source}".encode()).hexdigest()[:8]


def main(argv: list[str]) -> int:
    mds = notebook_sources()
    if argv:
        wanted = {a.removesuffix(".md").removesuffix(".ipynb").split("/")[-1] for a in argv}
        unknown = wanted - {p.stem for p in mds}
        if unknown:
            print(f"unknown notebook(s): {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        mds = [p for p in mds if p.stem in wanted]
    # kernels inherit this process's environment: this checkout first on the path, guard set
    os.environ.update(kernel_env(ROOT))
    try:
        probe = probe_kernel(ROOT)
    except KernelEnvironmentError as exc:
        print(f"refusing to execute: {exc}", file=sys.stderr)
        return 3
    print(f"kernels import analysis from {ROOT / probe.analysis_file}", flush=True)
    total = time.perf_counter()
    for i, md in enumerate(mds, start=1):
        ipynb = md.with_suffix(".ipynb")
        t0 = time.perf_counter()
        # the .md is the source of truth: rewrite the .ipynb from it, then execute
        nb = jupytext.read(md)
        _stable_cell_ids(nb, ipynb)
        nb.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"})
        client = NotebookClient(
            nb, timeout=600, kernel_name="python3", record_timing=False,
            resources={"metadata": {"path": str(md.parent)}},
        )
        try:
            client.execute()
        except Exception as exc:  # report which notebook failed, then stop
            print(f"[{i}/{len(mds)}] {md.relative_to(ROOT)} FAILED\n{exc}", file=sys.stderr)
            return 1
        jupytext.write(nb, ipynb, fmt="ipynb")
        jupytext_cli(["--quiet", "--sync", str(md)])  # refresh pairing metadata and timestamps
        print(f"[{i}/{len(mds)}] {md.relative_to(ROOT)} -> {ipynb.name}: executed in {time.perf_counter() - t0:.1f} s", flush=True)
    print(f"executed {len(mds)} notebook(s) in {time.perf_counter() - total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
