"""The site builds with warnings as errors, never shows stale numbers, and fails on broken input."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run_build, toc_docs

pytestmark = pytest.mark.slow


def test_build_succeeds_with_warnings_as_errors(built_site: Path):
    for doc in toc_docs():
        assert (built_site / f"{doc}.html").exists(), f"{doc} was not built"
    assert (built_site / "index.html").exists()
    # MathJax is served from the site itself, never from a CDN
    assert (built_site / "_static" / "mathjax" / "tex-chtml.js").exists()


def test_rebuild_with_nothing_changed_executes_nothing(built_site: Path):
    result = run_build(ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "nothing changed since the last successful build" in result.stdout
    assert "Executing notebook" not in result.stdout + result.stderr


def _copy_repo(dest: Path) -> Path:
    """Copy the repository with its build cache (so unchanged notebooks need not run again)."""
    ignore = shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.egg-info", "html", "jupyter_execute")
    shutil.copytree(ROOT, dest, ignore=ignore)
    return dest


def _page(root: Path, doc: str) -> str:
    return (root / "_build" / "html" / f"{doc}.html").read_text(encoding="utf-8")


def test_changed_data_shows_new_numbers_and_broken_input_fails(built_site: Path, tmp_path: Path):
    """On a copy: a data change reaches the page; a broken citation and a failing cell fail the build."""
    copy = _copy_repo(tmp_path / "repo")
    # notebook kernels must import the copy's analysis package, not the installed one
    env = {**os.environ, "PYTHONPATH": str(copy)}
    doc = "notebooks/90_data_provenance"

    software = copy / "analysis" / "data" / "software.csv"
    lines = software.read_text().splitlines()
    n_before = len(lines) - 1
    first = run_build(copy, env=env)
    assert first.returncode == 0, first.stdout[-3000:]
    assert f'<span class="pasted-text">{n_before}</span> packages above' in _page(copy, doc)

    # 1. a change under analysis/data must re-execute the notebooks and show the new number
    software.write_text("\n".join(lines[:-1]) + "\n")
    changed = run_build(copy, env=env)
    assert changed.returncode == 0, changed.stdout[-3000:]
    assert "clearing the execution cache" in changed.stdout
    assert f'<span class="pasted-text">{n_before - 1}</span> packages above' in _page(copy, doc)

    # 2. a citation of a key that is not in references.bib fails the build
    page = copy / "book" / "how_to_read.md"
    original = page.read_text()
    page.write_text(original + "\nAs shown by {cite:p}`nobody_2099_nothing`.\n")
    broken = run_build(copy, env=env)
    assert broken.returncode != 0
    assert "nobody_2099_nothing" in broken.stdout + broken.stderr
    page.write_text(original)

    # 3. a failing cell fails the build, and only that notebook had to run again
    nb = copy / "notebooks" / "90_data_provenance.md"
    nb.write_text(nb.read_text() + '\n```{code-cell} ipython3\nraise RuntimeError("deliberately failing cell")\n```\n')
    failing = run_build(copy, env=env)
    assert failing.returncode != 0
    assert "deliberately failing cell" in failing.stdout + failing.stderr
    executed = re.findall(r"Executing notebook using", failing.stdout + failing.stderr)
    assert len(executed) <= 1, executed
