"""Build a private copy of the book holding only some chapters, to check pages without touching _build/.

Usage: python tools/build_one.py NN_topic [NN_topic ...] [--keep]

Copies the repository (without .venv, .git and _build) to /tmp/book-<names>, trims _toc.yml to the
landing page (replaced by a plain stub unless `summary` is named), the given chapters, and the
pages any chapter may link to (how to read, how to cite, the data appendix, the bibliography), and builds it with warnings as errors,
exactly as `make book` does. The copy's own `analysis` package is the one the notebooks import.
Useful when several chapters are being written at once: a half-finished chapter elsewhere cannot
break the check, and the shared _build/ is left alone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    names = [a.removesuffix(".md").split("/")[-1] for a in argv if not a.startswith("--")]
    if not names:
        print(__doc__)
        return 2
    dest = Path("/tmp") / ("book-" + "-".join(names))
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(
        ROOT, dest,
        ignore=shutil.ignore_patterns(".venv", ".git", "_build", "__pycache__", "*.egg-info", "figure_data"),
    )
    toc = yaml.safe_load((dest / "_toc.yml").read_text())
    if "summary" not in names:
        # the landing page glues numbers from every chapter; in a trimmed copy it would break
        (dest / "book" / "summary.md").write_text("# Synthetic Data in AI Training\n\nTrimmed build.\n")
    chapters = [{"file": f"notebooks/{n}"} for n in names if n[:2].isdigit()]
    chapters += [{"file": f"book/{n}"} for n in names if not n[:2].isdigit() and n != "summary"]
    for c in chapters:
        if not (dest / (c["file"] + ".md")).exists():
            print(f"no such page: {c['file']}.md", file=sys.stderr)
            return 2
    # pages that every chapter may link to, always present so such links resolve
    stable = ["book/how_to_read", "book/how_to_cite", "notebooks/90_data_provenance", "book/bibliography"]
    chapters += [{"file": f} for f in stable if {"file": f} not in chapters]
    toc["parts"] = [{"caption": "Chapters", "chapters": chapters}]
    (dest / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    env = {**os.environ, "PYTHONPATH": str(dest)}
    result = subprocess.run([sys.executable, str(dest / "tools" / "build_book.py"), "--root", str(dest)], env=env)
    print(f"site: file://{dest}/_build/html/index.html")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
