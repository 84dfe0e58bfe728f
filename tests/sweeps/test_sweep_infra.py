"""The sweep machinery: every registered sweep on a Dask cluster and in chunks, the code fingerprint, progress.

Each registered sweep runs reduced (``tools/run_sweeps.py``'s ``REDUCED`` arguments) through the
one command a researcher uses, locally, on a Dask ``LocalCluster`` with two workers, and as two
chunks merged: the three results files must be equal replicate by replicate. Chunks of other
settings or other code are refused at the merge. The fingerprint survives a docstring and a comment
but not a changed constant.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.sweeps import store as sweeps

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import run_sweeps  # noqa: E402

NAMES = sorted(run_sweeps.SWEEPS)


def test_every_registered_sweep_has_a_reduced_run():
    # a sweep added to SWEEPS without one would escape the cluster and chunk tests below
    assert set(run_sweeps.REDUCED) >= set(run_sweeps.SWEEPS), set(run_sweeps.SWEEPS) - set(run_sweeps.REDUCED)


def _reduced(name: str) -> list[str]:
    reason = run_sweeps.unavailable(name)
    if reason:
        pytest.skip(reason)
    return list(run_sweeps.REDUCED[name][0])


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as c:
        yield c


@pytest.fixture(scope="module")
def local_runs(tmp_path_factory):
    """The reduced one-piece local run of each sweep, computed once."""
    cache = {}

    def get(name):
        if name not in cache:
            out = tmp_path_factory.mktemp(f"local_{name}")
            assert run_sweeps.main([name, *_reduced(name), "--results-dir", str(out), "--n-jobs", "1"]) == 0
            cache[name] = (pd.read_csv(out / f"{name}.csv"), json.loads((out / f"{name}.provenance.json").read_text()))
        return cache[name]

    return get


@pytest.mark.parametrize("name", NAMES)
def test_a_sweep_on_a_dask_cluster_equals_the_local_run(name, cluster, local_runs, tmp_path, capsys):
    args = _reduced(name)
    local, local_prov = local_runs(name)
    capsys.readouterr()
    assert run_sweeps.main([name, *args, "--results-dir", str(tmp_path), "--scheduler", cluster.scheduler_address,
                            "--progress-every", "0"]) == 0
    on_dask = pd.read_csv(tmp_path / f"{name}.csv")
    pd.testing.assert_frame_equal(local, on_dask)  # replicate by replicate, bit for bit
    prov = json.loads((tmp_path / f"{name}.provenance.json").read_text())
    assert prov["code_hash"] == local_prov["code_hash"] and prov["code_method"] == sweeps.FINGERPRINT_METHOD
    assert prov["settings"] == local_prov["settings"]
    # progress on stderr counted every task of the sweep on the cluster (and only those: a task's
    # inner scikit-learn joblib calls run on the same in-process workers)
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.startswith(f"[{name}]")]
    total = lines[0].split("/")[1].split()[0]
    assert int(total) >= 2 and lines[-1].startswith(f"[{name}] {total}/{total} replicates done (100%)"), lines


def test_a_sweep_on_worker_processes_equals_the_local_run(local_runs, tmp_path):
    # separate worker processes, as on several machines: tasks are pickled, and each worker
    # computes the code fingerprint of its own import of the package before any task is sent
    distributed = pytest.importorskip("distributed")
    name = "bias_fairness"
    local, _ = local_runs(name)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as c:
        assert run_sweeps.main([name, *_reduced(name), "--results-dir", str(tmp_path), "--scheduler",
                                c.scheduler_address, "--progress-every", "1000"]) == 0
    pd.testing.assert_frame_equal(local, pd.read_csv(tmp_path / f"{name}.csv"))


def test_workers_with_other_code_are_refused(cluster, monkeypatch):
    # a worker answering another fingerprint (another checkout) stops the run before any task
    real = sweeps.code_fingerprint
    calls = []

    def fingerprint(roots):
        calls.append(roots)
        return real(roots) if len(calls) == 1 else "f" * 64  # the runner's own call comes first

    monkeypatch.setattr(sweeps, "code_fingerprint", fingerprint)
    with pytest.raises(SystemExit, match="workers with other code"):
        with run_sweeps.backend(cluster.scheduler_address, ("analysis.bias.fairness_sweep:run",)):
            pass


def test_workers_with_other_library_versions_are_refused(cluster, monkeypatch):
    real = sweeps.library_versions
    calls = []

    def versions(names):
        calls.append(names)
        out = real(names)
        return out if len(calls) == 1 else {**out, "numpy": "0.0"}

    monkeypatch.setattr(sweeps, "library_versions", versions)
    with pytest.raises(SystemExit, match="other library versions.*numpy"):
        with run_sweeps.backend(cluster.scheduler_address, (), ("numpy", "pandas")):
            pass


@pytest.mark.parametrize("name", NAMES)
def test_a_sweep_in_two_chunks_merged_equals_the_one_piece_run(name, local_runs, tmp_path):
    args = _reduced(name)
    local, local_prov = local_runs(name)
    chunks = tmp_path / "chunks"
    for part in ("1/2", "2/2"):
        assert run_sweeps.main([name, *args, "--chunk", part, "--chunks-dir", str(chunks), "--n-jobs", "1",
                                "--progress-every", "1000"]) == 0
    dirs = sorted((chunks / name).iterdir())
    assert len(dirs) == 2
    assert run_sweeps.main(["merge", name, "--chunks-dir", str(chunks), "--results-dir", str(tmp_path)]) == 0
    merged = pd.read_csv(tmp_path / f"{name}.csv")
    pd.testing.assert_frame_equal(local, merged)
    _, prov = sweeps.load_results(name, results_dir=tmp_path)  # current: same code as the checkout
    assert prov.settings == local_prov["settings"]  # the whole replicate range, the same settings
    total = local_prov["settings"]["replicates"]
    assert [c["chunk"]["start"] for c in prov.chunks] == [0, run_sweeps.chunk_range(total, 2, 2)[0]]
    assert all(c["code_hash"] == prov.code_hash for c in prov.chunks)


def _fairness_chunks(tmp_path, generations=("2", "2")):
    chunks = tmp_path / "chunks"
    base = ["bias_fairness", "--tables", "hearts", "--chunks-dir", str(chunks), "--n-jobs", "1",
            "--progress-every", "1000"]
    run_sweeps.main([*base, "--replicates", "0:1", "--generations", generations[0]])
    run_sweeps.main([*base, "--replicates", "1:2", "--generations", generations[1]])
    return sorted((chunks / "bias_fairness").iterdir())


def test_a_chunk_with_other_settings_is_refused_at_the_merge(tmp_path, capsys):
    dirs = _fairness_chunks(tmp_path, generations=("2", "1"))
    with pytest.raises(sweeps.ChunkMismatchError, match=r"other settings.*generations: 1 vs 2"):
        sweeps.merge_results("bias_fairness", dirs, results_dir=tmp_path)
    capsys.readouterr()
    assert run_sweeps.main(["merge", "bias_fairness", *map(str, dirs), "--results-dir", str(tmp_path)]) == 2
    assert "generations" in capsys.readouterr().err
    assert not (tmp_path / "bias_fairness.csv").exists()


def test_a_chunk_of_other_code_or_seed_or_a_gap_is_refused(tmp_path):
    dirs = _fairness_chunks(tmp_path)
    meta = dirs[1] / "bias_fairness.provenance.json"
    good = meta.read_text()
    raw = json.loads(good)
    raw["code_hash"] = "0" * 64
    meta.write_text(json.dumps(raw))
    with pytest.raises(sweeps.ChunkMismatchError, match="other code"):
        sweeps.merge_results("bias_fairness", dirs, results_dir=tmp_path)
    raw = json.loads(good)
    raw["seed"] = 1
    meta.write_text(json.dumps(raw))
    with pytest.raises(sweeps.ChunkMismatchError, match="seed"):
        sweeps.merge_results("bias_fairness", dirs, results_dir=tmp_path)
    raw = json.loads(good)
    raw["libraries"]["numpy"] = "0.0"
    meta.write_text(json.dumps(raw))
    with pytest.raises(sweeps.ChunkMismatchError, match="numpy"):
        sweeps.merge_results("bias_fairness", dirs, results_dir=tmp_path)
    meta.write_text(good)
    with pytest.raises(sweeps.ChunkMismatchError, match="gap"):
        sweeps.merge_results("bias_fairness", [dirs[0], _shifted(dirs[1], tmp_path)], results_dir=tmp_path)
    with pytest.raises(sweeps.ChunkMismatchError, match="overlap"):
        sweeps.merge_results("bias_fairness", [dirs[0], dirs[0]], results_dir=tmp_path)
    # both chunks made by code other than the checkout's: the merged file would be stale at once
    for d in dirs:
        m = d / "bias_fairness.provenance.json"
        raw = json.loads(m.read_text())
        raw["code_hash"] = "1" * 64
        m.write_text(json.dumps(raw))
    with pytest.raises(sweeps.ChunkMismatchError, match="the checkout is"):
        sweeps.merge_results("bias_fairness", dirs, results_dir=tmp_path)


def _shifted(chunk_dir: Path, tmp_path: Path) -> Path:
    """A copy of a chunk relabelled as replicates 2..2 (leaving replicate 1 out: a gap)."""
    out = tmp_path / "shifted"
    shutil.copytree(chunk_dir, out)
    frame = pd.read_csv(out / "bias_fairness.csv")
    frame["replicate"] = 2
    frame.to_csv(out / "bias_fairness.csv", index=False)
    meta = out / "bias_fairness.provenance.json"
    raw = json.loads(meta.read_text())
    raw["chunk"].update(start=2, stop=3)
    raw["settings"]["first_replicate"] = 2
    meta.write_text(json.dumps(raw))
    return out


def test_chunk_ranges_tile_the_replicates():
    for total in (1, 7, 30, 100):
        for parts in range(1, min(total, 9) + 1):
            ranges = [run_sweeps.chunk_range(total, i, parts) for i in range(1, parts + 1)]
            assert ranges[0][0] == 0 and ranges[-1][1] == total
            assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
            sizes = [b - a for a, b in ranges]
            assert max(sizes) - min(sizes) <= 1 and min(sizes) >= 1
    with pytest.raises(ValueError, match="--chunk"):
        run_sweeps.chunk_range(2, 1, 3)


# ------------------------------------------------------------------------------------------------
# the code fingerprint
# ------------------------------------------------------------------------------------------------


@pytest.fixture
def code_copy(tmp_path, monkeypatch):
    """A copy of the package that the fingerprint reads instead of the checkout."""
    shutil.copytree(ROOT / "analysis", tmp_path / "analysis", ignore=shutil.ignore_patterns("__pycache__", "*.csv", "*.yml"))
    monkeypatch.setattr(sweeps, "ROOT", tmp_path)
    return tmp_path / "analysis"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


def _stored(tmp_path: Path):
    results = tmp_path / "results"
    sweeps.write_results("bias_fairness", pd.DataFrame({"replicate": [0], "x": [1.0]}), code_files=[],
                         settings={}, seed=1, libraries=["numpy"], command="t", results_dir=results,
                         code_roots=["analysis.bias.fairness_sweep:run"])
    return results


def test_docstrings_comments_and_annotations_keep_stored_results_loadable(code_copy, tmp_path):
    results = _stored(tmp_path)
    # a sweep module's docstrings and comments, and those of a function it calls in another module
    _edit(code_copy / "bias" / "fairness_sweep.py", "    Parameters\n", "    A reworded docstring.\n\n    Parameters\n")
    _edit(code_copy / "bias" / "fairness_sweep.py", "    frames = []\n", "    # a new comment\n    frames = []  # and another\n")
    _edit(code_copy / "bias" / "loop.py", "def run_replicates(", "# a comment above\ndef run_replicates(")
    _edit(code_copy / "bias" / "fairness_sweep.py", "first_replicate: int = 0) -> pd.DataFrame:",
          "first_replicate: int = 0) -> object:")
    text = (code_copy / "bias" / "fairness_sweep.py").read_text()
    (code_copy / "bias" / "fairness_sweep.py").write_text("\n\n" + text)  # every line moves
    frame, prov = sweeps.load_results("bias_fairness", results_dir=results)
    assert prov.code_method == sweeps.FINGERPRINT_METHOD and len(frame) == 1


@pytest.mark.parametrize("name, module", [("bias_fairness", "bias/fairness_sweep.py"), ("bias_generators", "bias/sweep.py")])
def test_the_stored_results_survive_a_docstring_and_a_comment_not_a_constant(code_copy, name, module):
    # the results files in results/, read against an edited copy of the package
    _, prov = sweeps.load_results(name, require_current=False)
    if prov.code_method != sweeps.FINGERPRINT_METHOD:
        pytest.skip(f"{name} still carries its 0.3 byte hash (run `tools/run_sweeps.py refingerprint {name}`)")
    sweeps.load_results(name)
    path = code_copy / module
    _edit(path, "    Parameters\n", "    Reworded, with an example.\n\n    Parameters\n")
    _edit(path, "    frames = []\n", "    # why: one frame per table\n    frames = []\n")
    frame, _ = sweeps.load_results(name)
    assert len(frame) > 0
    _edit(path, "SEED = ", "SEED = 1 + ")
    with pytest.raises(sweeps.StaleResultsError, match=name):
        sweeps.load_results(name)


def test_a_changed_constant_makes_stored_results_stale(code_copy, tmp_path):
    results = _stored(tmp_path)
    _edit(code_copy / "bias" / "fairness_sweep.py", "COLD = 0.9", "COLD = 0.8")
    with pytest.raises(sweeps.StaleResultsError, match="bias_fairness"):
        sweeps.load_results("bias_fairness", results_dir=results)


def test_a_changed_statement_in_a_called_module_makes_stored_results_stale(code_copy, tmp_path):
    results = _stored(tmp_path)
    # a constant of bias_table (reached through load_table and split_table), not of the sweep module
    text = (code_copy / "bias" / "table.py").read_text()
    assert "TEST_SIZE = " in text
    line = next(ln for ln in text.splitlines() if ln.startswith("TEST_SIZE = "))
    _edit(code_copy / "bias" / "table.py", line, line + " + 0.01")
    with pytest.raises(sweeps.StaleResultsError):
        sweeps.load_results("bias_fairness", results_dir=results)


def test_code_the_sweep_does_not_reach_leaves_the_fingerprint_alone(code_copy):
    roots = ["analysis.bias.fairness_sweep:run"]
    before = sweeps.code_fingerprint(roots)
    # chapter 6's privacy code and the bias module's __all__ are not part of the fairness sweep
    (code_copy / "privacy" / "attacks.py").write_text((code_copy / "privacy" / "attacks.py").read_text() + "\nN_UNUSED = 1\n")
    _edit(code_copy / "bias" / "fairness_sweep.py", '__all__ = ["NAME"', '__all__ = ["NEW", "NAME"')
    assert sweeps.code_fingerprint(roots) == before
    assert sweeps.code_fingerprint(["analysis.privacy.sweep:run"]) != before


def test_a_definition_moved_to_another_module_keeps_the_fingerprint(code_copy):
    roots = ["analysis.bias.fairness_sweep:run"]
    before = sweeps.code_fingerprint(roots)
    # COLD moves to bias_loop and the sweep imports it from there
    _edit(code_copy / "bias" / "fairness_sweep.py", "COLD = 0.9\n", "")
    _edit(code_copy / "bias" / "fairness_sweep.py", "from analysis.bias.loop import _N_JOBS, run_replicates",
          "from analysis.bias.loop import _N_JOBS, COLD, run_replicates")
    (code_copy / "bias" / "loop.py").write_text((code_copy / "bias" / "loop.py").read_text() + "\nCOLD = 0.9\n")
    assert sweeps.code_fingerprint(roots) == before


def test_the_fingerprint_follows_the_sweeps_calls():
    reached, _ = sweeps._reach(["analysis.privacy.sweep:run"])
    assert {("analysis.privacy.attacks", "singling_out_risk"), ("analysis.generators.tabular", "GaussianCopula"),
            ("analysis.privacy.utility", "classifier_accuracy"), ("analysis.privacy.sweep", "N_ATTACKS")} <= reached
    reached, _ = sweeps._reach(["analysis.bias.fairness_sweep:run"])
    assert ("analysis.bias.loop", "feedback_loop") in reached
    assert not any(m.startswith("analysis.privacy") for m, _ in reached)


def test_the_paths_of_0_4_and_the_module_paths_of_imports_leave_the_fingerprint_alone(code_copy):
    # roots stored by 0.4 name modules that moved in 0.5; they stand for the modules the code moved to
    assert sweeps.code_fingerprint(["analysis.bias_sweep:run"]) == sweeps.code_fingerprint(["analysis.bias.sweep:run"])
    roots = ["analysis.bias.sweep:run"]
    before, before_v1 = sweeps.code_fingerprint(roots), sweeps.code_fingerprint(roots, method=sweeps.AST_V1)
    # an import written inside a function, naming the same definition by another path
    _edit(code_copy / "bias" / "real.py", "from analysis.generators.tabular import make_generator",
          "from analysis.generators import make_generator")
    assert sweeps.code_fingerprint(roots) == before
    assert sweeps.code_fingerprint(roots, method=sweeps.AST_V1) != before_v1  # 0.4's method hashed the path
    # the same import of another definition is a change
    _edit(code_copy / "bias" / "real.py", "from analysis.generators import make_generator",
          "from analysis.generators import GaussianCopula as make_generator")
    assert sweeps.code_fingerprint(roots) != before


@pytest.mark.parametrize("roots, match", [([], "roots"), (["analysis.bias.fairness_sweep"], "roots"),
                                          (["analysis.nothing:run"], "roots"),
                                          (["analysis.bias.fairness_sweep:nothing"], "roots"), ("x", "roots")])
def test_bad_roots_are_named(roots, match):
    with pytest.raises((ValueError, TypeError), match=match):
        sweeps.code_fingerprint(roots)


def test_files_of_0_3_are_still_checked_by_their_bytes(tmp_path):
    frame = pd.DataFrame({"x": [1.0]})
    prov = sweeps.write_results("demo", frame, code_files=["analysis/bias/theory.py"], settings={}, seed=1,
                                libraries=["numpy"], command="t", results_dir=tmp_path)
    assert prov.code_method == sweeps.LEGACY_METHOD
    raw = json.loads((tmp_path / "demo.provenance.json").read_text())
    for key in ("code_method", "code_roots", "chunk", "chunks", "refingerprinted"):
        del raw[key]  # a provenance file as 0.3 wrote it
    (tmp_path / "demo.provenance.json").write_text(json.dumps(raw))
    assert sweeps.load_results("demo", results_dir=tmp_path)[1].code_method == sweeps.LEGACY_METHOD


# ------------------------------------------------------------------------------------------------
# progress
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_progress_counts_every_task_with_time_left(n_jobs):
    import io

    from joblib import Parallel, delayed

    from joblib import parallel

    original = parallel.Parallel.print_progress
    stream = io.StringIO()
    progress = run_sweeps.Progress("demo", 12, every_s=0, stream=stream)
    with run_sweeps.reporting(progress):
        Parallel(n_jobs=n_jobs, backend="threading")(delayed(abs)(-i) for i in range(5))
        Parallel(n_jobs=n_jobs, backend="threading")(delayed(abs)(-i) for i in range(7))
    assert progress.done == 12
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("[demo] 0/12 replicates done")
    assert lines[-1].startswith("[demo] 12/12 replicates done (100%)") and lines[-1].endswith("done")
    assert any("left" in ln for ln in lines[1:-1])
    assert parallel.Parallel.print_progress is original  # the patch is gone afterwards


def test_progress_without_a_task_count_says_so():
    import io

    stream = io.StringIO()
    progress = run_sweeps.Progress("demo", None, every_s=0, stream=stream)
    progress.advance(3)
    assert "3 replicates done" in stream.getvalue() and "total not known" in stream.getvalue()


def test_the_fingerprint_text_leaves_out_fields_a_newer_python_adds_empty():
    import ast

    # Python 3.12 gave every function and class an empty `type_params`; a 3.11 tree has no such field
    tree = ast.parse("def f(x):\n    return x + 1\n")
    func = tree.body[0]
    func.type_params = []
    func._fields = (*func._fields, "type_params") if "type_params" not in func._fields else func._fields
    text = sweeps._serial(func)
    assert "type_params" not in text and "lineno" not in text
    assert text.startswith("FunctionDef(name='f'") and "BinOp(" in text and "Constant(value=1)" in text


# ------------------------------------------------------------------------------------------------
# refingerprint: only after the reduced-rerun tests pass (none failed, none skipped)
# ------------------------------------------------------------------------------------------------

_CHECKS = '''
import json
import pytest
import pandas as pd
from analysis.sweeps import store as sweeps

def _stale(tmp_path):
    sweeps.write_results("demo_refp", pd.DataFrame({"x": [1.0]}), code_files=[], settings={}, seed=1,
                         libraries=["numpy"], command="t", results_dir=tmp_path,
                         code_roots=["analysis.bias.fairness_sweep:run"])
    meta = tmp_path / "demo_refp.provenance.json"
    raw = json.loads(meta.read_text())
    raw["code_hash"] = "0" * 64
    meta.write_text(json.dumps(raw))

def test_loads_the_stale_file(tmp_path):
    _stale(tmp_path)
    assert len(sweeps.load_results("demo_refp", results_dir=tmp_path)[0]) == 1

def test_skipped():
    pytest.skip("a check that did not run")
'''


@pytest.fixture
def checks_file():
    path = ROOT / "tests" / "test_zz_refingerprint_checks_tmp.py"
    path.write_text(_CHECKS)
    yield f"tests/{path.name}"
    path.unlink()


def test_refingerprint_requires_the_reduced_rerun_tests_to_pass(checks_file):
    # the stale file loads inside the checks only for the sweep being re-fingerprinted
    ok, summary = run_sweeps._run_checks("demo_refp", [f"{checks_file}::test_loads_the_stale_file"])
    assert ok, summary
    # another sweep's name: the stale file is refused (a failure); a skipped check is no pass either
    ok, summary = run_sweeps._run_checks("other", [f"{checks_file}::test_loads_the_stale_file",
                                                   f"{checks_file}::test_skipped"])
    assert not ok and "test_loads_the_stale_file: failed" in summary and "test_skipped: skipped" in summary


def test_refingerprint_refuses_a_sweep_without_registered_checks(monkeypatch, capsys):
    monkeypatch.setitem(run_sweeps.REPRODUCE_TESTS, "bias_fairness", [])
    monkeypatch.setattr(sweeps, "code_fingerprint", lambda roots: "e" * 64)  # as if the code had changed
    before = (sweeps.RESULTS_DIR / "bias_fairness.provenance.json").read_text()
    assert run_sweeps.main(["refingerprint", "bias_fairness"]) == 1
    assert "no reduced-rerun test" in capsys.readouterr().err
    assert (sweeps.RESULTS_DIR / "bias_fairness.provenance.json").read_text() == before


def test_any_setting_of_a_sweep_can_be_set_and_a_wrong_one_is_named(tmp_path):
    args = ["bias_fairness", "--tables", "hearts", "--replicates", "1", "--results-dir", str(tmp_path),
            "--progress-every", "1000", "--n-jobs", "1"]
    assert run_sweeps.main([*args, "--set", "generations=1"]) == 0
    _, prov = sweeps.load_results("bias_fairness", results_dir=tmp_path)
    assert prov.settings["generations"] == 1
    with pytest.raises(SystemExit, match="no setting 'temperature'"):
        run_sweeps.main([*args, "--set", "temperature=0.5"])


def _grid(order: str, replicates) -> pd.DataFrame:
    rows = []
    cells, reps = ("a", "b"), list(replicates)
    pairs = [(c, r) for r in reps for c in cells] if order == "replicate" else [(c, r) for c in cells for r in reps]
    for c, r in pairs:
        for g in range(2):
            rows.append({"cell": c, "replicate": r, "generation": g, "value": (ord(c) * 31 + r * 7 + g) / 997})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("order, sizes, declared", [("cell", (2, 2), None), ("replicate", (2, 2), None),
                                                     ("replicate", (1, 1, 1, 1), "replicate"),
                                                     ("cell", (1, 1, 1, 1), None)])
def test_merged_rows_follow_the_sweeps_own_order(tmp_path, order, sizes, declared):
    # cell by cell (chapters 4 and 6) or replicate by replicate (a sweep whose jobs loop over
    # replicates first): read from chunks of two replicates, declared where chunks hold one each
    whole = _grid(order, range(4))
    dirs, start = [], 0
    for size in sizes:
        d = tmp_path / f"c{start}"
        sweeps.write_results("demo", _grid(order, range(start, start + size)), code_files=[],
                             settings={"replicates": size, "first_replicate": start}, seed=1, libraries=["numpy"],
                             command="t", results_dir=d, code_roots=["analysis.bias.fairness_sweep:run"],
                             chunk={"start": start, "stop": start + size, "keys": ["replicates", "first_replicate"]})
        dirs.append(d)
        start += size
    sweeps.merge_results("demo", dirs, results_dir=tmp_path, row_order=declared)
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "demo.csv"), whole)


def test_a_local_sweep_uses_every_core_unless_told(monkeypatch, tmp_path):
    # run(n_jobs=None) defers to the caller's joblib context, which is one process outside one:
    # `make sweeps` with no --n-jobs used to run every sweep on a single core
    seen = []
    import importlib

    module = importlib.import_module(run_sweeps.SWEEPS["bias_fairness"])
    real_run = module.run

    def spy(**kw):
        seen.append(kw["n_jobs"])
        return real_run(**{**kw, "n_jobs": 1})

    monkeypatch.setattr(module, "run", spy)
    base = ["bias_fairness", "--tables", "hearts", "--replicates", "1", "--generations", "1",
            "--results-dir", str(tmp_path), "--progress-every", "1000"]
    assert run_sweeps.main(base) == 0
    assert run_sweeps.main([*base, "--n-jobs", "1"]) == 0
    assert seen == [-1, 1]
    assert run_sweeps._n_jobs(None, "tcp://127.0.0.1:8786") is None and run_sweeps._n_jobs(3, "tcp://x:1") == 3
