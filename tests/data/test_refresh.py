"""make refresh, offline: fixture "next versions" of each upstream served from 127.0.0.1.

The repository under test is a temporary copy (data, schemas, bibliography, manifest, one page and
the landing page); the upstream files are small fixtures with the declared columns, served by
``http.server`` in a thread. The real URLs are never contacted.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import socket
import shutil
import threading
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis.data import loader as data
from analysis.data import refresh

ROOT = Path(__file__).resolve().parents[2]
DECLARED = yaml.safe_load((ROOT / refresh.MANIFEST).read_text(encoding="utf-8"))["datasets"]


def _frame(snapshot: str, rows: list[dict], dataset: str = "epoch_cost_inputs") -> pd.DataFrame:
    return pd.DataFrame(rows).reindex(columns=DECLARED[dataset]["snapshots"][snapshot]["columns"])


def _epoch_files(version: int) -> dict[str, bytes]:
    """Two models in version 1; in version 2 one cost changes, one model is added and one removed."""
    costs = [{"Model": "Alpha", "Cloud_Cost": 2e6, "Hardware_Capex_Energy_Cost": 1.0e6},
             {"Model": "Beta", "Cloud_Cost": 4e6, "Hardware_Capex_Energy_Cost": 2.0e6}]
    models = [{"Model": "Alpha", "Publication date": "2024-05-01", "Organization": "Lab A",
               "Training hardware": "NVIDIA H100 SXM5 80GB", "Hardware quantity": 1024,
               "Training time (hours)": 500, "Training compute (FLOP)": 1e24},
              {"Model": "Beta", "Publication date": "2024-09-01", "Organization": "Lab B",
               "Training hardware": "NVIDIA H100 SXM5 80GB", "Training compute (FLOP)": 3e24},
              {"Model": "Gamma", "Publication date": "2026-03-01", "Organization": "Lab C",
               "Training hardware": "NVIDIA H100 SXM5 80GB", "Training compute (FLOP)": 2e25}]
    if version == 2:
        costs[0]["Hardware_Capex_Energy_Cost"] = 1.5e6  # changed
        costs = [costs[0], {"Model": "Gamma", "Cloud_Cost": 9e7, "Hardware_Capex_Energy_Cost": 3.0e7}]  # Beta removed, Gamma added
    chips = [{"Hardware name": "NVIDIA H100 SXM5 80GB", "Release date": "2022-09-20", "TDP (W)": 700,
              "Tensor-FP16/BF16 performance (FLOP/s)": 9.89e14}]
    prices = [{"Price date": "2023-03-21", "Hardware model": "NVIDIA H100 SXM5 80GB", "Price (hardware purchase)": 30000,
               "Notes": "DGX H100 server price per GPU"}]
    ppi = [{"observation_date": "2024-05-01", "PCU518210518210": 118.0},
           {"observation_date": "2024-09-01", "PCU518210518210": 118.9},
           {"observation_date": "2024-12-01", "PCU518210518210": 119.349},
           {"observation_date": "2026-03-01", "PCU518210518210": 121.0}]
    frames = {"model_costs": _frame("model_costs", costs), "models": _frame("models", models),
              "chips": _frame("chips", chips), "prices": _frame("prices", prices), "ppi": _frame("ppi", ppi)}
    return {name: f.to_csv(index=False).encode() for name, f in frames.items()}


def _ember_file(version: int) -> bytes:
    year, value = (2024, 473.0) if version == 1 else (2025, 455.0)
    rows = [{"Area": "World", "ISO 3 code": "", "Year": y, "Category": "Power sector emissions", "Subcategory": "CO2 intensity",
             "Variable": "CO2 intensity", "Unit": "gCO2/kWh", "Value": v} for y, v in ((2023, 480.0), (year, value))]
    return _frame("ember_yearly", rows, "grid_intensity").to_csv(index=False).encode()


class _Server:
    """http.server on 127.0.0.1 in a thread, serving one folder."""

    def __init__(self, folder: Path):
        handler = functools.partial(_Quiet, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


def _serve(folder: Path, version: int, *, rename_column: bool = False) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    files = {f"epoch_{k}.csv": v for k, v in _epoch_files(version).items()}
    files["ember.csv"] = _ember_file(version)
    if rename_column:
        files["epoch_models.csv"] = files["epoch_models.csv"].replace(b"Training hardware", b"Training hardware (chips)", 1)
    for name, content in files.items():
        (folder / name).write_bytes(content)


def _manifest(url: str, folder: Path) -> dict:
    """The committed manifest, pointed at the local server, with the hashes of the files served now."""
    m = yaml.safe_load((ROOT / refresh.MANIFEST).read_text(encoding="utf-8"))
    for name, snap in m["datasets"]["epoch_cost_inputs"]["snapshots"].items():
        snap["url"] = f"{url}/epoch_{name}.csv"
        snap["sha256"] = hashlib.sha256((folder / f"epoch_{name}.csv").read_bytes()).hexdigest()
    snap = m["datasets"]["grid_intensity"]["snapshots"]["ember_yearly"]
    snap["url"], snap["sha256"] = f"{url}/ember.csv", hashlib.sha256((folder / "ember.csv").read_bytes()).hexdigest()
    return m


def _fake_execute(stage: Path, pages: list[str]) -> None:
    """Stands in for re-executing the chapter: glues two numbers read from the staged tables."""
    costs = pd.read_csv(stage / "analysis" / "data" / "epoch_cost_inputs.csv")
    grid = pd.read_csv(stage / "analysis" / "data" / "grid_intensity.csv")
    _write_notebook(stage / "notebooks" / "02_cost.ipynb", {
        "ch02_n_models": str(len(costs)), "ch02_total_cost_m": f"{costs['published_cost_usd'].sum() / 1e6:.1f}"})
    _write_notebook(stage / "notebooks" / "07_energy_carbon.ipynb", {
        "ch07_latest_world_grid_g": f"{1000 * grid.loc[grid['curation'] == 'snapshot', 'kg_per_kwh'].iloc[-1]:.0f}"})


def _write_notebook(path: Path, values: dict[str, str]) -> None:
    outputs = [{"output_type": "display_data", "metadata": {"scrapbook": {"name": k}},
                "data": {"application/papermill.record/text/plain": repr(v)}} for k, v in values.items()]
    path.write_text(json.dumps({"cells": [{"cell_type": "code", "outputs": outputs}]}), encoding="utf-8")


@pytest.fixture(autouse=True)
def only_localhost(monkeypatch):
    """Every connection these tests make goes to 127.0.0.1: a real URL fails the test."""
    connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        assert host in ("127.0.0.1", "localhost"), f"a test tried to reach {address}"
        return connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def repo(tmp_path):
    """A small repository at version 1 of every upstream, curated and executed."""
    root = tmp_path / "repo"
    (root / "analysis" / "data").mkdir(parents=True)
    for name in ("epoch_cost_inputs", "grid_intensity"):
        shutil.copy(ROOT / "analysis" / "data" / f"{name}.schema.yml", root / "analysis" / "data")
    shutil.copy(ROOT / "analysis" / "data" / "grid_intensity.csv", root / "analysis" / "data")
    (root / "book").mkdir()
    shutil.copy(ROOT / "book" / "references.bib", root / "book")
    (root / "book" / "summary.md").write_text(
        "## Key findings\n\n1. **Costs.** The models cost {glue:text}`../notebooks/02_cost.md::ch02_total_cost_m:.1f` million.\n"
        "2. **Grid.** The world grid emits {glue:text}`../notebooks/07_energy_carbon.md::ch07_latest_world_grid_g` g/kWh.\n\n## Licence\n",
        encoding="utf-8")
    (root / "notebooks").mkdir()
    for page in ("02_cost", "07_energy_carbon"):
        shutil.copy(ROOT / "notebooks" / f"{page}.md", root / "notebooks")
    served = tmp_path / "served"
    _serve(served, 1)
    server = _Server(served)
    (root / refresh.MANIFEST).write_text(yaml.safe_dump(_manifest(server.url, served), sort_keys=False), encoding="utf-8")
    # version 1, curated by the pipeline itself into the empty repository, then executed
    (root / "analysis" / "data" / "epoch_cost_inputs.csv").write_text(
        ",".join(refresh.EPOCH_COLUMNS) + "\n", encoding="utf-8")
    refresh.refresh(root=root, cache_dir=tmp_path / "cache", execute=_fake_execute, today="2026-12-06")
    yield root, served, server, tmp_path
    server.stop()


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_version_1_is_curated_and_loads(repo):
    root, *_ = repo
    costs = data.load("epoch_cost_inputs", data_dir=root / "analysis" / "data", bib_path=root / "book" / "references.bib")
    assert list(costs["model"]) == ["Alpha", "Beta"]
    grid = data.load("grid_intensity", data_dir=root / "analysis" / "data", bib_path=root / "book" / "references.bib")
    assert (grid["curation"] == "hand").sum() == (pd.read_csv(ROOT / "analysis" / "data" / "grid_intensity.csv")["curation"] == "hand").sum()
    assert grid.set_index("grid").at["ember_world_2024", "kg_per_kwh"] == pytest.approx(0.473)


def test_the_change_report_lists_exactly_the_injected_changes(repo):
    root, served, server, tmp = repo
    _serve(served, 2)
    before = _tree(root)
    report = refresh.refresh(root=root, cache_dir=tmp / "cache", update=["epoch_cost_inputs", "grid_intensity"],
                             execute=_fake_execute, today="2026-12-07")
    by = {r.dataset: r for r in report.rows}
    e = by["epoch_cost_inputs"]
    assert e.added == ("Gamma",) and e.removed == ("Beta",)
    assert {(k, c) for k, c, _, _ in e.changed} == {("Alpha", "published_cost_usd")}
    assert [(o, n) for _, c, o, n in e.changed] == [("1000000", "1500000")]
    g = by["grid_intensity"]
    assert g.added == ("ember_world_2025",) and g.removed == ("ember_world_2024",) and g.changed == ()
    moved = {(m.page, m.key): (m.old, m.new, m.findings) for m in report.moved}
    assert moved == {
        ("notebooks/02_cost.md", "ch02_total_cost_m"): ("3.0", "31.5", ("finding 1",)),
        ("notebooks/07_energy_carbon.md", "ch07_latest_world_grid_g"): ("473", "455", ("finding 2",)),
    }  # ch02_n_models stays 2: one added, one removed
    text = (root / "results" / "refresh_report.md").read_text(encoding="utf-8")
    assert "Draft changelog entry" in text and "ch02_total_cost_m 3.0 -> 31.5" in text
    # the manifest now declares the new files' hashes and access date
    m = refresh.load_manifest(root / refresh.MANIFEST)
    assert m["epoch_cost_inputs"].snapshots[0].date_accessed == "2026-12-07"
    assert m["epoch_cost_inputs"].snapshots[0].sha256 == hashlib.sha256((served / "epoch_model_costs.csv").read_bytes()).hexdigest()
    after = _tree(root)
    assert {k for k in after if before.get(k) != after[k]} == {
        "analysis/data/epoch_cost_inputs.csv", "analysis/data/grid_intensity.csv", refresh.MANIFEST,
        "notebooks/02_cost.ipynb", "notebooks/07_energy_carbon.ipynb", "results/refresh_report.md"}


def test_an_unchanged_upstream_changes_no_table(repo):
    root, served, server, tmp = repo
    before = _tree(root)
    report = refresh.refresh(root=root, cache_dir=tmp / "cache", execute=_fake_execute, today="2026-12-07")
    assert all(r.empty for r in report.rows) and report.moved == () and report.pages == ()
    after = _tree(root)
    assert {k for k in after if before.get(k) != after[k]} == {"results/refresh_report.md"}


def test_a_hash_mismatch_stops_and_changes_nothing(repo):
    root, served, server, tmp = repo
    _serve(served, 2)  # the server now serves files the manifest does not declare
    before = _tree(root)
    with pytest.raises(refresh.RefreshError, match=r"^epoch_cost_inputs: snapshot 'model_costs' .*hash mismatch: declared sha256 [0-9a-f]{64}, fetched [0-9a-f]{64}"):
        refresh.refresh(root=root, cache_dir=tmp / "fresh-cache", execute=_fake_execute)
    assert _tree(root) == before


def test_an_unreachable_source_stops_and_changes_nothing(repo):
    root, served, server, tmp = repo
    server.stop()
    before = _tree(root)
    with pytest.raises(refresh.RefreshError, match=r"^epoch_cost_inputs: snapshot 'model_costs' \(http://127\.0\.0\.1:\d+/epoch_model_costs\.csv\): unreachable"):
        refresh.refresh(root=root, cache_dir=tmp / "fresh-cache", execute=_fake_execute)
    assert _tree(root) == before
    server.__init__(served)  # the fixture stops it again


def test_a_changed_upstream_schema_stops_and_changes_nothing(repo):
    root, served, server, tmp = repo
    _serve(served, 2, rename_column=True)
    before = _tree(root)
    with pytest.raises(refresh.RefreshError, match=r"^epoch_cost_inputs: snapshot 'models': upstream schema changed: "
                       r"columns missing \['Training hardware'\], columns added \['Training hardware \(chips\)'\]"):
        refresh.refresh(root=root, cache_dir=tmp / "cache", update=["epoch_cost_inputs"], execute=_fake_execute)
    assert _tree(root) == before


def test_a_failed_execution_changes_nothing(repo):
    root, served, server, tmp = repo
    _serve(served, 2)
    before = _tree(root)

    def broken(stage, pages):
        raise refresh.RefreshError("re-executing 02_cost failed")

    with pytest.raises(refresh.RefreshError, match="re-executing"):
        refresh.refresh(root=root, cache_dir=tmp / "cache", update=["epoch_cost_inputs"], execute=broken)
    assert _tree(root) == before


def test_an_undeclared_snapshot_is_skipped_and_the_cache_must_be_outside(repo):
    root, served, server, tmp = repo
    m = yaml.safe_load((root / refresh.MANIFEST).read_text(encoding="utf-8"))
    m["datasets"]["grid_intensity"]["snapshots"]["ember_yearly"]["sha256"] = None
    (root / refresh.MANIFEST).write_text(yaml.safe_dump(m, sort_keys=False), encoding="utf-8")
    report = refresh.refresh(root=root, cache_dir=tmp / "cache", execute=_fake_execute, today="2026-12-07")
    assert report.skipped == ("grid_intensity",) and [r.dataset for r in report.rows] == ["epoch_cost_inputs"]
    with pytest.raises(ValueError, match="cache_dir"):
        refresh.refresh(root=root, cache_dir=root / "cache")


def test_the_committed_manifest_declares_every_snapshot_and_the_epoch_curation_reproduces_the_table():
    m = refresh.load_manifest()
    assert set(m) == {"epoch_cost_inputs", "grid_intensity"}
    for up in m.values():
        for s in up.snapshots:
            assert s.url.startswith("https://") and s.licence and s.columns
    epoch = m["epoch_cost_inputs"]
    assert all(len(s.sha256 or "") == 64 for s in epoch.snapshots)
    # the same curation step, on frames standing in for the snapshot, gives the committed columns
    committed = pd.read_csv(ROOT / "analysis" / "data" / "epoch_cost_inputs.csv", nrows=0)
    assert list(committed.columns) == refresh.EPOCH_COLUMNS


def test_diff_rows_compares_numbers_by_value():
    old = pd.DataFrame({"k": ["a", "b"], "v": ["1e+25", "3.0"]})
    new = pd.DataFrame({"k": ["a", "b"], "v": ["1e25", "3"]})
    assert refresh.diff_rows("t", old, new, ("k",)).empty
    new.loc[1, "v"] = "3.5"
    assert refresh.diff_rows("t", old, new, ("k",)).changed == (("b", "v", "3", "3.5"),)


def test_the_report_separates_changes_a_reader_sees_from_those_below_the_shown_precision():
    seen = refresh.MovedNumber("notebooks/02_cost.md", "ch02_a", "0.0", "0.09", (), "0e+00", "9e-02")
    hidden = refresh.MovedNumber("notebooks/02_cost.md", "ch02_b", "0.99999999997", "0.99999999996", (), "1.0000", "1.0000")
    unpasted = refresh.MovedNumber("notebooks/02_cost.md", "ch02_c", "61", "60", ())
    assert seen.visible and not hidden.visible and unpasted.visible
    report = refresh.ChangeReport("2026-12-07", (), (seen, hidden, unpasted), ("notebooks/02_cost.md",))
    text = report.markdown()
    moved, below = text.split("Changed below the precision the pages show:")
    assert "ch02_a`: 0e+00 -> 9e-02" in moved and "ch02_c`: 61 -> 60" in moved and "ch02_b" not in moved
    assert "ch02_b" in below and "ch02_b" not in report.changelog()
