"""Provenance records made at glue time: datasets read and analysis functions called, traced across cells."""

from __future__ import annotations

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

from analysis.publish import provenance  # noqa: E402
from analysis.publish import tables  # noqa: E402


def _run(cells: list[str]):
    import os

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in cells]
    env_path = os.pathsep.join(filter(None, [str(__import__("conftest").ROOT), os.environ.get("PYTHONPATH", "")]))
    os.environ["PYTHONPATH"] = env_path
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    records = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            meta = out.get("metadata") or {}
            if "scrapbook" in meta:
                records[meta["scrapbook"]["name"]] = meta.get("provenance")
    return records


@pytest.fixture(scope="module")
def records():
    return _run([
        "from analysis import data, regulation\nfrom analysis.publish.glue import glue_value",
        "table = data.load('regulation')",
        "n_unused = len(data.load('software'))",
        "n = len(table)",               # a later cell: inherits regulation through `table`
        "x = n * 2\nglue_value('k_x', x)",
        "glue_value('k_row', 'EU', rows={'regulation': ['eu-aia-113']})",
        "glue_value('k_const', 3)",
        "%%time\nglue_value('k_magic', len(data.load('gpu_prices')))",
        "glue_value('k_fn', len(data.available()))",
        "import functools\navailable = functools.partial(data.available)",
        "glue_value('k_partial', len(available()))",
    ])


def test_datasets_flow_through_variables_across_cells(records):
    assert records["k_x"]["datasets"] == ["regulation"]          # not software: no input of x read it
    assert "analysis.data.loader.load" in records["k_x"]["functions"]


def test_rows_are_recorded_when_given(records):
    assert records["k_row"]["rows"] == {"regulation": ["eu-aia-113"]}
    assert "regulation" in records["k_row"]["datasets"]


def test_a_constant_has_no_datasets(records):
    assert {k: records["k_const"][k] for k in ("datasets", "functions", "rows")} == {"datasets": [], "functions": [], "rows": {}}
    assert records["k_const"]["code"] == "glue_value('k_const', 3)"  # the cell's source, as written


def test_cell_magics_are_traced(records):
    assert records["k_magic"]["datasets"] == ["gpu_prices"]


def test_functions_of_the_package_are_named(records):
    assert records["k_fn"]["datasets"] == [] and records["k_fn"]["functions"] == ["analysis.data.loader.available"]


def test_a_call_of_a_partial_names_the_function_it_wraps(records):
    assert records["k_partial"]["functions"] == ["analysis.data.loader.available"]


def test_record_rejects_bad_rows():
    with pytest.raises(TypeError, match="rows"):
        provenance.record(rows=["regulation"])
    with pytest.raises(ValueError, match="rows"):
        provenance.record(rows={"": ["x"]})


def test_outside_a_kernel_the_record_is_empty():
    provenance.reset()
    provenance.note_dataset("regulation")
    rec = provenance.record()
    assert rec.datasets == ("regulation",) and rec.functions == ()


def test_data_appendix_html_links_every_dataset_and_its_schema():
    from analysis.data import loader as data

    text = tables.datasets_html(href_prefix="../data/")
    for name in data.available():
        assert f'id="data-{name}"' in text
        assert f'href="../data/{name}.csv"' in text and f'href="../data/{name}.schema.yml"' in text
    with pytest.raises(ValueError, match="name"):
        tables.dataset_section_html("no_such_table")
    with pytest.raises(TypeError, match="href_prefix"):
        tables.dataset_section_html("software", href_prefix=3)


def test_glue_keys_are_literal():
    """A glued number can be found by searching its key: keys are string literals, never f-strings."""
    import re

    from conftest import ROOT

    bad = []
    for path in sorted([*ROOT.glob("notebooks/*.md"), *ROOT.glob("book/*.md")]):
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"\b(glue_value|glue|glue_figure)\(\s*(f|rf|fr)[\"']", line):
                bad.append(f"{path.relative_to(ROOT)}:{i}: {line.strip()}")
    assert not bad, "glue keys built with f-strings:\n" + "\n".join(bad)
