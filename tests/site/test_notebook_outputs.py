"""The committed notebooks show what the code gives today: their outputs equal the build's own execution.

This is nbval's check without a second execution: the site build (the ``built_site`` fixture, as
``make book``) executes every notebook once against this checkout and keeps the executed copies in
its execution cache, keyed by the code and data they were made with (tools/build_book.py). Each
committed ``.ipynb`` is compared with that execution, output by output, after the sanitising
rules of ``tests/nbval_sanitize.cfg``.

What is compared is what a reader sees, on any machine (issue 23):

* a glued value is compared as the page displays it: formatted with every format spec the pages
  use for its key (myst-nb's own ``format_plain_text``), and its raw value within
  :data:`RTOL` / :data:`ATOL`;
* a number printed in any other output (a table, a stream) within the same tolerance, the text
  around it exactly; whole numbers (counts, years) exactly;
* a glued figure by its alt text and a digest of the data CSV behind it, which is written at six
  significant digits (``analysis.publish.plotting.glue_figure``); PNG bytes vary with fonts and platforms.

Cells tagged ``nbval-ignore-output`` or ``nbval-skip`` are skipped, as nbval does.
"""

from __future__ import annotations

import configparser
import json
import math
import re
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, toc_docs
from myst_nb.core.variables import format_plain_text

pytestmark = pytest.mark.slow

SANITIZE_CFG = ROOT / "tests" / "nbval_sanitize.cfg"
SKIP_TAGS = {"nbval-ignore-output", "nbval-skip"}
NOTEBOOK_DOCS = [d for d in toc_docs() if (ROOT / f"{d}.ipynb").exists()]
GLUE_PREFIX = "application/papermill.record/"

#: Tolerance on raw numbers. Executed with other OpenBLAS kernels (Haswell, SkylakeX, Prescott),
#: 1 or 2 BLAS threads and numpy's AVX2 or AVX-512 code paths, the largest relative difference
#: of any glued or printed number was 6e-15 (tools/glue_dump.py, December 2026): floating-point
#: rounding in sums and matrix products. 1e-9 leaves a factor 10^5 for worse-conditioned fits on
#: other CPUs and is still 10^5 below the finest precision any page displays (four decimals).
RTOL = 1e-9
#: A true zero computed as a rounding residue (measured up to 1.4e-17) equals zero.
ATOL = 1e-15


def _patterns() -> list[tuple[re.Pattern, str]]:
    cfg = configparser.ConfigParser()
    cfg.read(SANITIZE_CFG, encoding="utf-8")
    return [(re.compile(cfg[s]["regex"]), cfg[s]["replace"]) for s in cfg.sections()]


PATTERNS = _patterns()
# decimals and exponent forms; whole numbers stay in the text and are compared exactly
_NUMBER = re.compile(r"-?\d+\.\d+(?:[eE][+-]?\d+)?|-?\d+[eE][+-]?\d+")


def _page_formats() -> dict[str, set[str]]:
    """Glue key -> every format spec a page displays it with ('' for none)."""
    found: dict[str, set[str]] = {}
    role = re.compile(r"\{glue(?::text)?\}`([A-Za-z0-9_]+)(?::([^`]*))?`")
    for page in [*ROOT.glob("notebooks/*.md"), *ROOT.glob("book/*.md")]:
        for m in role.finditer(page.read_text(encoding="utf-8")):
            found.setdefault(m.group(1), set()).add(m.group(2) or "")
    return found


PAGE_FORMATS = _page_formats()


def sanitize(text: str) -> str:
    for regex, replace in PATTERNS:
        text = regex.sub(replace, text)
    return text


class Numbers:
    """Text with its decimal numbers taken out: equal when the text is equal and the numbers agree within tolerance."""

    def __init__(self, text: str):
        nums: list[float] = []
        self.skeleton = _NUMBER.sub(lambda m: nums.append(float(m.group())) or "#", sanitize(text))
        self.numbers = tuple(nums)

    def __eq__(self, other) -> bool:
        return (isinstance(other, Numbers) and self.skeleton == other.skeleton
                and len(self.numbers) == len(other.numbers)
                and all(math.isclose(a, b, rel_tol=RTOL, abs_tol=ATOL) for a, b in zip(self.numbers, other.numbers)))

    def __repr__(self) -> str:
        return f"Numbers({self.skeleton[:200]!r}, {self.numbers[:20]})"


class Glued:
    """A glued value: equal when every display of it on the pages is the same text and the raw values agree."""

    def __init__(self, key: str, text: str):
        self.key, self.raw = key, Numbers(text)
        self.shown = {spec: format_plain_text(text, spec) for spec in sorted(PAGE_FORMATS.get(key, {""}))}

    def __eq__(self, other) -> bool:
        return isinstance(other, Glued) and (self.key, self.shown) == (other.key, other.shown) and self.raw == other.raw

    def __repr__(self) -> str:
        return f"Glued({self.key!r}, shown={self.shown}, raw={self.raw!r})"


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def normalise(outputs: list) -> list:
    """Outputs as comparable values: streams merged by name, glued values as displayed, images by what they show."""
    result, streams = [], {}
    for out in outputs:
        kind = out["output_type"]
        if kind == "stream":
            if out["name"] in streams:
                streams[out["name"]][1] += _text(out["text"])
            else:
                streams[out["name"]] = ["stream:" + out["name"], _text(out["text"])]
                result.append(streams[out["name"]])
        elif kind == "error":
            result.append(["error", f"{out['ename']}: {sanitize(out['evalue'])}"])
        else:
            scrap = out.get("metadata", {}).get("scrapbook") or {}
            data = {}
            for mime, value in out.get("data", {}).items():
                base = mime.removeprefix(GLUE_PREFIX)
                if base.startswith("image/"):
                    meta = out.get("metadata", {}).get(base, {})
                    data[mime] = {k: meta.get(k) for k in ("alt", "data_sha256")}
                elif base == "application/vnd.jupyter.widget-view+json":
                    continue  # model ids are random
                elif base == "text/plain" and scrap.get("name") and mime.startswith(GLUE_PREFIX):
                    data[mime] = Glued(scrap["name"], _text(value))
                else:
                    data[mime] = Numbers(_text(value) if isinstance(value, (str, list)) else json.dumps(value, sort_keys=True))
            result.append(["display", data])
    for item in result:
        if item[0].startswith("stream:"):
            item[1] = Numbers(item[1])
    return result


def _executed_by_build(cache: Path) -> dict[tuple[str, ...], Path]:
    """The build's executed notebooks, by the sources of their code cells (newest first wins)."""
    found: dict[tuple[str, ...], Path] = {}
    for path in sorted(cache.glob("executed/*/base.ipynb"), key=lambda p: p.stat().st_mtime, reverse=True):
        nb = nbformat.read(path, as_version=4)
        found.setdefault(tuple(c.source for c in nb.cells if c.cell_type == "code"), path)
    return found


@pytest.fixture(scope="module")
def build_executions(built_site: Path) -> dict[tuple[str, ...], Path]:
    return _executed_by_build(built_site.parent / ".jupyter_cache")


@pytest.mark.parametrize("doc", NOTEBOOK_DOCS)
def test_committed_outputs_equal_the_builds_execution(build_executions, doc):
    committed = nbformat.read(ROOT / f"{doc}.ipynb", as_version=4)
    code = [c for c in committed.cells if c.cell_type == "code"]
    fresh_path = build_executions.get(tuple(c.source for c in code))
    assert fresh_path is not None, f"{doc}: the build executed no notebook with these code cells (is the .ipynb in sync with the .md?)"
    fresh = [c for c in nbformat.read(fresh_path, as_version=4).cells if c.cell_type == "code"]
    for i, (ref, new) in enumerate(zip(code, fresh)):
        if SKIP_TAGS & set(ref.metadata.get("tags", [])):
            continue
        assert normalise(new.outputs) == normalise(ref.outputs), (
            f"{doc}, code cell {i + 1} ({ref.source.splitlines()[0][:60]!r}): the committed output differs "
            f"from today's execution; re-run `make notebooks NB={doc.split('/')[-1]}` and review the change"
        )


def test_numbers_compare_within_tolerance_and_text_exactly():
    assert Numbers("mean 0.29999999999999 of 12") == Numbers("mean 0.30000000000001 of 12")
    assert Numbers("mean 0.3000 of 12") != Numbers("mean 0.3001 of 12")  # a visible change
    assert Numbers("mean 0.3 of 12") != Numbers("mean 0.3 of 13")  # whole numbers exactly
    assert Numbers("mean 0.3 of 12") != Numbers("median 0.3 of 12")
    assert Numbers("residue 1.4e-17") == Numbers("residue 0.0")
    assert Numbers("at 0x7f3a2b1c9d80") == Numbers("at 0x7f3a2b1c0000")


def test_a_glued_value_is_compared_as_every_page_shows_it():
    key = next(k for k, specs in PAGE_FORMATS.items() if ".1f" in specs)
    assert Glued(key, "24.682230727173295") == Glued(key, "24.682230727173300")
    # 24.75 and 24.7499 agree to 4e-6, but the page shows 24.8 and 24.7: what a reader sees decides
    assert Glued(key, "24.75") != Glued(key, "24.7499")
    assert Glued(key, "24.68") != Glued(key, "24.78")


def test_the_comparison_sees_numbers_and_figure_data_but_not_png_bytes():
    def out(text, png, digest):
        return [
            {"output_type": "display_data", "metadata": {"image/png": {"alt": "Bars.", "data_sha256": digest}},
             "data": {"application/papermill.record/image/png": png, "application/papermill.record/text/plain": text}},
            {"output_type": "stream", "name": "stdout", "text": "took 3.2 s\n"},
            {"output_type": "stream", "name": "stdout", "text": "mean 0.1234567890123\n"},
        ]

    ref = normalise(out("'42.0'", "iVBOR-a", "d1"))
    assert normalise(out("'42.0'", "iVBOR-b", "d1")) == ref  # other PNG bytes, same figure data
    assert normalise(out("'43.0'", "iVBOR-a", "d1")) != ref  # a printed number changed
    assert normalise(out("'42.0'", "iVBOR-a", "d2")) != ref  # the figure's data changed
