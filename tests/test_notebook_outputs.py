"""The committed notebooks show what the code gives today: their outputs equal the build's own execution.

This is nbval's check without a second execution: the site build (the ``built_site`` fixture, as
``make book``) executes every notebook once against this checkout and keeps the executed copies in
its execution cache, keyed by the code and data they were made with (tools/build_book.py). Each
committed ``.ipynb`` is compared with that execution, output by output, after the sanitising
rules of ``tests/nbval_sanitize.cfg`` and with decimals rounded to ten significant digits. Figure
images are not compared byte for byte (they vary with fonts and platforms): a glued figure is
compared by its alt text and a digest of the data CSV behind it (``analysis.plotting.glue_figure``).
Cells tagged ``nbval-ignore-output`` or ``nbval-skip`` are skipped, as nbval does.
"""

from __future__ import annotations

import configparser
import json
import re
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, toc_docs

from analysis.plotting import round_decimals

pytestmark = pytest.mark.slow

SANITIZE_CFG = ROOT / "tests" / "nbval_sanitize.cfg"
SKIP_TAGS = {"nbval-ignore-output", "nbval-skip"}
NOTEBOOK_DOCS = [d for d in toc_docs() if (ROOT / f"{d}.ipynb").exists()]


def _patterns() -> list[tuple[re.Pattern, str]]:
    cfg = configparser.ConfigParser()
    cfg.read(SANITIZE_CFG, encoding="utf-8")
    return [(re.compile(cfg[s]["regex"]), cfg[s]["replace"]) for s in cfg.sections()]


PATTERNS = _patterns()


def sanitize(text: str) -> str:
    for regex, replace in PATTERNS:
        text = regex.sub(replace, text)
    return round_decimals(text)


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def normalise(outputs: list) -> list:
    """Outputs as comparable values: streams merged by name, volatile text sanitised, images by what they show."""
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
            data = {}
            for mime, value in out.get("data", {}).items():
                base = mime.removeprefix("application/papermill.record/")
                if base.startswith("image/"):
                    meta = out.get("metadata", {}).get(base, {})
                    data[mime] = {k: meta.get(k) for k in ("alt", "data_sha256")}
                elif base == "application/vnd.jupyter.widget-view+json":
                    continue  # model ids are random
                else:
                    data[mime] = sanitize(_text(value) if isinstance(value, (str, list)) else json.dumps(value, sort_keys=True))
            result.append(["display", data])
    for item in result:
        if item[0].startswith("stream:"):
            item[1] = sanitize(item[1])
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


def test_decimals_are_rounded_not_truncated():
    assert sanitize("0.29999999999999") == sanitize("0.30000000000001") == "0.3"
    assert sanitize("0.123456789049") != sanitize("0.123456789051")
    assert sanitize("at 0x7f3a2b1c9d80") == "at 0xADDRESS"


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
    assert normalise(out("'43.0'", "iVBOR-a", "d1")) != ref  # a glued number changed
    assert normalise(out("'42.0'", "iVBOR-a", "d2")) != ref  # the figure's data changed
