"""Build a private copy of the book holding only some chapters, to check pages without touching _build/.

Usage: python tools/build_one.py NN_topic [NN_topic ...] [--keep]

Copies the repository (without .venv, .git and _build) to /tmp/book-<names>, trims _toc.yml to the
landing page (replaced by a plain stub unless `summary` is named), the given chapters, and the
pages any chapter may link to (how to read, how to cite, the data appendix, the bibliography); every
other page becomes a one-line stub so links to it resolve. Builds it with warnings as errors,
exactly as `make book` does. The copy's own `analysis` package is the one the notebooks import.
Useful when several chapters are being written at once: a half-finished chapter elsewhere cannot
break the check, and the shared _build/ is left alone.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


STABLE_PAGES = ["book/how_to_read", "book/how_to_cite", "notebooks/90_data_provenance", "book/bibliography"]
IGNORE = shutil.ignore_patterns(".venv", ".git", "_build", "__pycache__", "*.egg-info", "figure_data", ".pytest_cache")


def _toc_files(toc: dict) -> list[str]:
    """Every page named in a Jupyter Book table of contents (parts, chapters, sections), the root excepted."""
    found: list[str] = []

    def walk(entries):
        for e in entries or []:
            if "file" in e:
                found.append(e["file"])
            walk(e.get("sections"))
            walk(e.get("chapters"))

    walk(toc.get("parts"))
    walk(toc.get("chapters"))
    return found


def trimmed_copy(names: list[str], dest: Path, *, root: Path = ROOT) -> Path:
    """Copy ``root`` to ``dest`` with a table of contents holding only ``names`` and the stable pages.

    ``names`` are page stems (``03_model_collapse``, ``claims``, ``summary``). Unless ``summary`` is
    named, the landing page is replaced by a stub (it glues numbers from every chapter). Raises
    ValueError for a page that does not exist.
    """
    dest = Path(dest)
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(root, dest, ignore=IGNORE)
    toc = yaml.safe_load((dest / "_toc.yml").read_text())
    if "summary" not in names:
        (dest / "book" / "summary.md").write_text("# Synthetic Data in AI Training\n\nTrimmed build.\n")
    chapters = [{"file": f"notebooks/{n}"} for n in names if n[:2].isdigit()]
    chapters += [{"file": f"book/{n}"} for n in names if not n[:2].isdigit() and n != "summary"]
    for c in chapters:
        if not (dest / (c["file"] + ".md")).exists():
            raise ValueError(f"names: no such page {c['file']}.md")
    # pages that every chapter may link to, always present so such links resolve
    chapters += [{"file": f} for f in STABLE_PAGES if {"file": f} not in chapters]
    # every other page of the full book becomes a one-line stub (no code, nothing executed), so the
    # kept pages' links to it resolve and the copy still builds with warnings as errors
    kept = {c["file"] for c in chapters} | {toc["root"]}
    for doc in _toc_files(toc):
        if doc not in kept:
            source = dest / f"{doc}.md"
            title = next((ln for ln in source.read_text(encoding="utf-8").splitlines() if ln.startswith("# ")), f"# {doc}")
            source.write_text(f"{title}\n\nNot part of this trimmed build.\n", encoding="utf-8")
            chapters.append({"file": doc})
    toc["parts"] = [{"caption": "Chapters", "chapters": chapters}]
    (dest / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    return dest


def main(argv: list[str]) -> int:
    names = [a.removesuffix(".md").split("/")[-1] for a in argv if not a.startswith("--")]
    if not names:
        print(__doc__)
        return 2
    dest = Path("/tmp") / ("book-" + "-".join(names))
    try:
        trimmed_copy(names, dest)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    # build_book.py makes the kernels import the copy's own analysis package (and checks it)
    # (no PDF editions: `make book` prints them; a trimmed copy does not need them)
    result = subprocess.run([sys.executable, str(dest / "tools" / "build_book.py"), "--root", str(dest), "--no-pdf"])
    print(f"site: file://{dest}/_build/html/index.html")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
