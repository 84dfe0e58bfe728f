"""Each chapter is a jupytext pair: the .md source and an executed .ipynb with the same cells."""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
BOOK_NOTEBOOKS = [p for p in sorted((ROOT / "book").glob("*.md")) if p.read_text(encoding="utf-8").startswith("---\njupytext:")]
CHAPTERS = sorted(NOTEBOOKS.glob("*.md"))
MDS = CHAPTERS + BOOK_NOTEBOOKS  # every notebook source: chapters, and prose pages that compute


def _cells(nb):
    return [(c.cell_type, c.source.strip(), tuple(c.metadata.get("tags", []))) for c in nb.cells]


def test_chapters_exist_and_are_named_nn_topic():
    assert CHAPTERS, "no chapter notebooks in notebooks/"
    for md in CHAPTERS:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+\.md", md.name), f"{md.name}: name it NN_topic.md"
    for folder in (NOTEBOOKS, ROOT / "book"):
        orphans = {p.stem for p in folder.glob("*.ipynb")} - {p.stem for p in MDS}
        assert not orphans, f".ipynb without a .md source in {folder.name}/: {sorted(orphans)}"


def test_every_chapter_is_in_the_table_of_contents():
    toc = (ROOT / "_toc.yml").read_text()
    for md in MDS:
        doc = f"{md.parent.name}/{md.stem}"
        assert re.search(rf"file: {doc}\s*$", toc, flags=re.M), f"{doc} is not listed in _toc.yml"


@pytest.mark.parametrize("md", MDS, ids=lambda p: p.stem)
def test_pair_has_identical_cells(md):
    ipynb = md.with_suffix(".ipynb")
    assert ipynb.exists(), f"{md.name} has no paired {ipynb.name}: run `make notebooks`"
    text_nb, executed = jupytext.read(md), jupytext.read(ipynb)
    assert _cells(text_nb) == _cells(executed), (
        f"{md.name} and {ipynb.name} differ: run `make notebooks NB={md.stem}` and review the outputs"
    )
    assert "md:myst" in executed.metadata.get("jupytext", {}).get("formats", ""), "not paired with md:myst"


@pytest.mark.parametrize("md", MDS, ids=lambda p: p.stem)
def test_every_code_cell_was_executed_top_to_bottom(md):
    # nbval silently skips output comparison for unexecuted cells, so an unexecuted reference
    # would pass vacuously; consecutive counts from 1 mean one clean run from top to bottom.
    nb = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts, f"{md.name} has no code cells"
    assert counts == list(range(1, len(counts) + 1)), f"{md.stem}.ipynb execution counts {counts}: re-run `make notebooks`"
    for c in nb.cells:
        if c.cell_type == "code":
            errors = [o for o in c.outputs if o.output_type == "error"]
            assert not errors or "raises-exception" in c.metadata.get("tags", []), f"error output in {md.stem}"


@pytest.mark.parametrize("md", MDS, ids=lambda p: p.stem)
def test_compared_figure_outputs_carry_what_the_comparison_needs(md):
    # PNG bytes depend on font rendering and library versions, so the output comparison
    # (test_notebook_outputs.py) compares a figure by its alt text and the digest of its data CSV,
    # which glue_figure puts in the output's metadata. A figure cell that is compared must have them.
    nb = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    for i, c in enumerate(nb.cells):
        if c.cell_type != "code" or {"nbval-ignore-output", "nbval-skip"} & set(c.metadata.get("tags", [])):
            continue
        for o in c.outputs:
            for mime in o.get("data", {}):
                base = mime.removeprefix("application/papermill.record/")
                if base.startswith("image/"):
                    meta = o.get("metadata", {}).get(base, {})
                    assert meta.get("alt") and meta.get("data_sha256"), (
                        f"{md.stem} cell {i}: a figure output without alt text and data digest in its metadata; "
                        "glue it with analysis.publish.plotting.glue_figure(..., data=...) and re-run `make notebooks`"
                    )


@pytest.mark.parametrize("md", [*MDS, *sorted((ROOT / "book").glob("*.md"))], ids=lambda p: p.stem)
def test_every_figure_directive_has_alt_text(md):
    text = md.read_text(encoding="utf-8")
    blocks = re.findall(r"^(`{3,}|:{3,})\{(?:glue:figure|figure|image)\}[^\n]*\n(.*?)^\1", text, flags=re.M | re.S)
    for _, body in blocks:
        options = [ln for ln in body.splitlines() if ln.startswith(":")]
        alt = [ln for ln in options if ln.startswith(":alt:")]
        assert alt and len(alt[0].removeprefix(":alt:").strip()) >= 15, f"{md.name}: a figure without :alt: text"


@pytest.mark.parametrize("md", MDS, ids=lambda p: p.stem)
def test_front_matter_pairs_with_ipynb(md):
    front = md.read_text(encoding="utf-8").split("---", 2)[1]
    meta = yaml.safe_load(front)
    assert meta["jupytext"]["formats"] == "ipynb,md:myst"
    assert meta["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("md", MDS, ids=lambda p: p.stem)
def test_no_stray_return_value_is_shown(md):
    """A cell ending in a call whose return value nobody wanted (a file path, say) shows it to readers."""
    nb = nbformat.read(md.with_suffix(".ipynb"), as_version=4)
    stray = [
        i for i, c in enumerate(nb.cells) if c.cell_type == "code"
        for o in c.outputs if o.output_type == "execute_result"
        and re.match(r"^(Posix|Windows)?Path\(", str(o.get("data", {}).get("text/plain", "")))
    ]
    assert not stray, f"{md.stem}: cells {stray} display a Path; assign the result (`_ = ...`) or end with ';'"
