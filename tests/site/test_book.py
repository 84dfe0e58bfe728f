"""The site builds with warnings as errors, never shows stale numbers, and fails on broken input."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from build_one import trimmed_copy
from conftest import ROOT, run_build, toc_docs
from kernel_env import ENV_ROOT

pytestmark = pytest.mark.slow


def test_build_succeeds_with_warnings_as_errors(built_site: Path):
    for doc in toc_docs():
        assert (built_site / f"{doc}.html").exists(), f"{doc} was not built"
    assert (built_site / "index.html").exists()
    # MathJax is served from the site itself, never from a CDN
    assert (built_site / "_static" / "mathjax" / "tex-chtml.js").exists()


def test_mathjax_is_loaded_only_on_pages_that_show_a_formula(built_site: Path):
    """MathJax (1.2 MB) loads where a formula is shown, and nowhere else (tools/sphinx_offline.py)."""
    with_math, without = [], []
    for doc in toc_docs():
        page = (built_site / f"{doc}.html").read_text(encoding="utf-8")
        shows = 'class="math notranslate' in page
        loads = "mathjax/tex-chtml.js" in page
        assert shows == loads, f"{doc}: shows a formula: {shows}, loads MathJax: {loads}"
        (with_math if shows else without).append(doc)
    assert "book/summary" in without  # the landing page has none: it loaded MathJax through its contents
    assert "notebooks/03_model_collapse" in with_math


def test_rebuild_with_nothing_changed_executes_nothing(built_site: Path):
    result = run_build(ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "nothing changed since the last successful build" in result.stdout
    assert "Executing notebook" not in result.stdout + result.stderr


def _foreign_env() -> dict[str, str]:
    """The environment as another checkout would leave it: no help on the path for the copy."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.pop(ENV_ROOT, None)
    return env


def _page(root: Path, doc: str) -> str:
    return (root / "_build" / "html" / f"{doc}.html").read_text(encoding="utf-8")


def _executed(result) -> list[str]:
    return re.findall(r"Executing notebook using", result.stdout + result.stderr)


PROVENANCE = "notebooks/90_data_provenance"


def _packages_above(root: Path) -> int:
    """The glued package count of the data appendix's "N packages above" (the number may sit in a provenance link)."""
    found = re.findall(r'<span class="pasted-text">(\d+)</span>(?:</a>)? packages above', _page(root, PROVENANCE))
    assert len(found) == 1, f"the data appendix shows {len(found)} glued package counts"
    return int(found[0])


@pytest.fixture(scope="module")
def small_copy(tmp_path_factory) -> Path:
    """A copy of the repository whose table of contents holds only the stable pages (data appendix included)."""
    return trimmed_copy([], tmp_path_factory.mktemp("stale") / "repo")


def test_a_copy_sharing_another_checkouts_environment_shows_its_own_numbers(small_copy: Path):
    """The failure found in 0.1.0: a copy built with another checkout's environment published that checkout's numbers.

    Only the pages the change touches are built (a trimmed table of contents holding the data
    appendix, whose glued package count follows software.csv), and without the PDF editions
    (printed from the built pages, over half a minute a build; tests/site/test_pdf.py checks them).
    """
    copy, env = small_copy, _foreign_env()
    # the premise: in this environment, a plain `import analysis` from the copy's notebooks/ finds another copy
    where = subprocess.run(
        [sys.executable, "-c", "import analysis; print(analysis.__file__)"],
        cwd=copy / "notebooks", env=env, capture_output=True, text=True,
    )
    assert where.returncode == 0, where.stderr
    assert not Path(where.stdout.strip()).resolve().is_relative_to(copy), "premise: the environment must not know the copy"

    software = copy / "analysis" / "data" / "software.csv"
    lines = software.read_text().splitlines()
    n_before = len(lines) - 1
    first = run_build(copy, "--no-pdf", env=env)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert f"notebooks import analysis from {copy / 'analysis' / '__init__.py'}" in first.stdout
    assert _packages_above(copy) == n_before

    # a change under analysis/data re-executes the notebooks and the glued number follows it
    software.write_text("\n".join(lines[:-1]) + "\n")
    changed = run_build(copy, "--no-pdf", env=env)
    assert changed.returncode == 0, changed.stdout[-3000:] + changed.stderr[-3000:]
    assert "clearing the execution cache" in changed.stdout
    assert _executed(changed), "the data changed but no notebook was executed"
    assert _packages_above(copy) == n_before - 1

    # building again serves the new number, not an old cache entry, and executes nothing
    again = run_build(copy, "--no-pdf", env=env)
    assert again.returncode == 0, again.stdout[-3000:]
    assert "nothing changed since the last successful build" in again.stdout
    assert not _executed(again)
    assert _packages_above(copy) == n_before - 1

    # what the test session's built_site fixture relies on to reuse a site instead of building it:
    # up to date now, and not once a source of the site changes
    import build_book

    assert build_book.is_up_to_date(copy)
    page = copy / "book" / "how_to_read.md"
    original = page.read_text()
    page.write_text(original + "\nOne more sentence.\n")
    try:
        assert not build_book.is_up_to_date(copy)
    finally:
        page.write_text(original)  # the copy is shared with test_broken_input_fails_the_build
    assert build_book.is_up_to_date(copy)


def test_a_kernel_that_imports_another_analysis_fails_the_build(tmp_path: Path):
    """A package shadowing the checkout's analysis (here: one in notebooks/, first on a kernel's path) is refused."""
    copy = trimmed_copy([], tmp_path / "repo")
    shadow = copy / "notebooks" / "analysis"
    shadow.mkdir()
    (shadow / "__init__.py").write_text("")
    result = run_build(copy, "--no-pdf", env=_foreign_env())
    assert result.returncode != 0
    assert "not from the checkout being built" in result.stderr
    assert not _executed(result)


def test_the_package_refuses_to_import_outside_the_root_being_built(tmp_path: Path):
    env = {**_foreign_env(), ENV_ROOT: str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", "import analysis"], cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert result.returncode != 0
    assert "checkout being built" in result.stderr


def test_broken_input_fails_the_build(small_copy: Path):
    """A broken citation and a failing cell fail the build; only the failing notebook runs again.

    Shares the trimmed copy (and, when it ran first, the execution cache) of the test above
    instead of building a copy of its own; every file it breaks is restored.
    """
    copy = small_copy
    env = _foreign_env()

    # a citation of a key that is not in references.bib fails the build
    page = copy / "book" / "how_to_read.md"
    original = page.read_text()
    page.write_text(original + "\nAs shown by {cite:p}`nobody_2099_nothing`.\n")
    try:
        broken = run_build(copy, "--no-pdf", env=env)
    finally:
        page.write_text(original)
    assert broken.returncode != 0
    assert "nobody_2099_nothing" in broken.stdout + broken.stderr

    # a failing cell fails the build, and only that notebook had to run again
    nb = copy / "notebooks" / "90_data_provenance.md"
    source = nb.read_text()
    nb.write_text(source + '\n```{code-cell} ipython3\nraise RuntimeError("deliberately failing cell")\n```\n')
    try:
        failing = run_build(copy, "--no-pdf", env=env)
    finally:
        nb.write_text(source)
    assert failing.returncode != 0
    assert "deliberately failing cell" in failing.stdout + failing.stderr
    assert len(_executed(failing)) <= 1, _executed(failing)
