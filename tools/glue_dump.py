"""Execute notebooks under a given BLAS setting and dump every glued value and figure data file.

Used to find the numbers that depend on the machine (BLAS kernel, thread count): run it twice with
different settings and diff the two JSON files with ``--compare``. Nothing is written back to the
notebooks; the figure data files the notebooks write are read after each notebook and kept in the
JSON. The build check (tests/test_machine_independence.py) uses the same functions.

Usage:
    python tools/glue_dump.py --threads 1 --out /tmp/t1.json [NAME ...]
    OPENBLAS_CORETYPE=Haswell python tools/glue_dump.py --out /tmp/haswell.json   (by hand only)
    python tools/glue_dump.py --compare /tmp/t1.json /tmp/t2.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

ROOT = Path(__file__).resolve().parent.parent


def glued_outputs(nb) -> dict[str, str]:
    """Glue key -> the text/plain record of every value glued in an executed notebook."""
    from myst_nb.ext.glue import GLUE_PREFIX

    found = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            scrap = out.get("metadata", {}).get("scrapbook")
            if not scrap:
                continue
            data = out.get("data", {})
            text = data.get(GLUE_PREFIX + "text/plain")
            if isinstance(text, list):
                text = "".join(text)
            found[scrap["name"]] = text if text is not None else "<non-text>"
    return found


def execute(md: Path, env: dict[str, str]) -> dict:
    """Execute one notebook source (jupytext .md) with ``env`` and return its glue and figure data."""
    import jupytext
    from nbclient import NotebookClient

    nb = jupytext.read(md)
    nb.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"})
    data_dir = md.parent / "figure_data"
    before = {p: p.stat().st_mtime_ns for p in data_dir.glob("*.csv")} if data_dir.exists() else {}
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        NotebookClient(nb, timeout=1200, kernel_name="python3", record_timing=False,
                       resources={"metadata": {"path": str(md.parent)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    figures = {}
    for p in sorted(data_dir.glob("*.csv")) if data_dir.exists() else []:
        if before.get(p) != p.stat().st_mtime_ns:
            figures[p.name] = p.read_text(encoding="utf-8")
    return {"glue": glued_outputs(nb), "figures": figures}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="notebook names (default: every notebook)")
    ap.add_argument("--threads", type=int, default=None, help="BLAS/OpenMP threads in the kernel")
    ap.add_argument("--out", type=Path, help="JSON file to write")
    ap.add_argument("--compare", nargs=2, type=Path, metavar=("A", "B"), help="diff two dumps and exit")
    args = ap.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    from kernel_env import encrypt_kernel_transport, kernel_env
    from run_notebooks import notebook_sources

    mds = notebook_sources()
    if args.names:
        mds = [p for p in mds if p.stem in set(args.names)]
    env = kernel_env(ROOT)
    if args.threads is not None:
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = str(args.threads)
    os.environ.update({k: v for k, v in env.items() if k.startswith("JUPYTER")})
    encrypt_kernel_transport()
    result = {}
    for md in mds:
        t0 = time.perf_counter()
        result[md.stem] = execute(md, env)
        print(f"{md.stem}: {len(result[md.stem]['glue'])} glued values, {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    args.out.write_text(json.dumps(result, indent=1, sort_keys=True), encoding="utf-8")
    return 0


def compare(a: Path, b: Path) -> int:
    """Print every glued value and figure data cell that differs between two dumps."""
    import csv
    import io

    da, db = json.loads(a.read_text()), json.loads(b.read_text())
    n = 0
    for doc in sorted(set(da) & set(db)):
        for key in sorted(set(da[doc]["glue"]) | set(db[doc]["glue"])):
            va, vb = da[doc]["glue"].get(key), db[doc]["glue"].get(key)
            if va != vb:
                n += 1
                print(f"{doc} glue {key}: {va} -> {vb}")
        for name in sorted(set(da[doc]["figures"]) & set(db[doc]["figures"])):
            ra = list(csv.reader(io.StringIO(da[doc]["figures"][name])))
            rb = list(csv.reader(io.StringIO(db[doc]["figures"][name])))
            if ra == rb:
                continue
            if len(ra) != len(rb):
                n += 1
                print(f"{doc} figure {name}: {len(ra)} -> {len(rb)} rows")
                continue
            cells = [(i, j, x, y) for i, (r1, r2) in enumerate(zip(ra, rb)) for j, (x, y) in enumerate(zip(r1, r2)) if x != y]
            n += 1
            worst = 0.0
            for _, _, x, y in cells:
                try:
                    worst = max(worst, abs(float(x) - float(y)) / max(abs(float(x)), 1e-300))
                except ValueError:
                    worst = float("inf")
            print(f"{doc} figure {name}: {len(cells)} cells differ, largest relative difference {worst:.2e}; "
                  f"e.g. row {cells[0][0]} col {ra[0][cells[0][1]]}: {cells[0][2]} -> {cells[0][3]}")
    print(f"{n} difference(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
