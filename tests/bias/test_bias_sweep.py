"""The stored sweeps of the bias chapter: current provenance, and a reduced rerun reproduces them within MC error."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest

from analysis.bias import fairness_sweep as bias_fairness_sweep
from analysis.bias import real as bias_real
from analysis.bias import sweep as bias_sweep
from analysis.sweeps import store as sweeps

METRICS = ["minority_share_train", "accuracy", "demographic_parity_difference", "equalized_odds_difference",
           "selection_rate_minority"]


def test_fairness_sweep_is_current_and_reproduces():
    stored, prov = sweeps.load_results(bias_fairness_sweep.NAME)  # raises if the code changed since
    assert prov.settings["replicates"] >= 100 and prov.settings["generations"] == 20
    assert stored.groupby(["table", "config", "generation"]).size().min() == prov.settings["replicates"]
    # the first 3 replicates of the cold naive and the half-real loops on the arrests table, 4 generations
    rerun = []
    for i in (1, 3):
        runs = bias_fairness_sweep.run_replicates(
            bias_fairness_sweep.load_table("arrests"), replicates=3, seed=prov.seed, n_jobs=1, generations=4,
            configs=[bias_fairness_sweep.CONFIGS[i][1]], **bias_fairness_sweep.TABLE_COLUMNS["arrests"])
        runs["config"] = i
        runs.insert(0, "table", "arrests")
        rerun.append(runs)
    rerun = pd.concat(rerun, ignore_index=True)
    sub = stored[stored["generation"] <= 4]
    check = sweeps.check_reproduces(sub, rerun, by=["table", "config", "generation"], columns=METRICS)
    assert check["ok"].all(), check[~check["ok"]]
    # same seeds, same code: the rerun replicates are the stored ones
    merged = rerun.merge(sub, on=["table", "config", "replicate", "generation"], suffixes=("", "_stored"))
    assert len(merged) == len(rerun)
    for col in METRICS:
        np.testing.assert_allclose(merged[col], merged[f"{col}_stored"], atol=1e-9)


def test_generator_sweep_is_current_and_reproduces():
    stored, prov = sweeps.load_results(bias_sweep.NAME)
    counts = stored.groupby(["table", "generator", "generation"]).size()
    assert counts.min() >= 30
    # every loop ran for the sweep's generations, except those its generation limits name
    assert prov.settings["generations"] == 20
    limits = {(t, g): n for t, g, n in prov.settings["generation_limits"]}
    last = stored.groupby(["table", "generator"])["generation"].max()
    for (table, generator), g in last.items():
        assert g == min(20, limits.get((table, generator), 20)), (table, generator, g)
    assert set(stored["generator"]) == {s.key for s in bias_sweep.GENERATOR_SPECS}  # torch-free: no deep generator
    assert (last == 20).all()
    specs = [s for s in bias_sweep.GENERATOR_SPECS if s.key == "copula"]
    if importlib.util.find_spec("copulas") is None:
        pytest.skip("copulas not installed")
    rerun = bias_sweep.run(generations=1, replicates=3, seed=prov.seed, generators=tuple(specs),
                           tables=bias_sweep.TABLES[1:], n_jobs=1)
    sub = stored[stored["generation"] <= 1]
    check = sweeps.check_reproduces(sub, rerun, by=["table", "generator", "generation"],
                                    columns=["minority_share", "minority_positive", "majority_positive"])
    assert check["ok"].all(), check[~check["ok"]]
    # the same seeds give the same tables: the rerun replicates are the stored ones
    merged = rerun.merge(sub, on=["table", "generator", "replicate", "generation"], suffixes=("", "_stored"))
    assert len(merged) == len(rerun)
    np.testing.assert_allclose(merged["minority_share"], merged["minority_share_stored"], atol=1e-12)


def test_stale_results_are_refused_for_a_changed_package_file(tmp_path, monkeypatch):
    frame = pd.DataFrame({"x": [1.0, 2.0]})
    sweeps.write_results("demo", frame, code_files=["analysis/bias/theory.py"], settings={}, seed=1,
                         libraries=["numpy"], command="t", results_dir=tmp_path)
    prov_file = tmp_path / "demo.provenance.json"
    prov_file.write_text(prov_file.read_text().replace('"code_hash": "', '"code_hash": "0'))
    with pytest.raises(sweeps.StaleResultsError):
        sweeps.load_results("demo", results_dir=tmp_path)
    with pytest.raises(FileNotFoundError, match="make sweeps"):
        sweeps.load_results("nothing", results_dir=tmp_path)


def test_check_reproduces_flags_a_shifted_mean():
    rng = np.random.default_rng(0)
    a = pd.DataFrame({"g": 0, "v": rng.normal(0, 1, 100)})
    ok = sweeps.check_reproduces(a, pd.DataFrame({"g": 0, "v": rng.normal(0, 1, 30)}), by=["g"], columns=["v"])
    bad = sweeps.check_reproduces(a, pd.DataFrame({"g": 0, "v": rng.normal(3, 1, 30)}), by=["g"], columns=["v"])
    assert ok["ok"].all() and not bad["ok"].any()
    assert isinstance(bias_real.GeneratorSpec("copula").key, str)


def test_generation_limits_cut_a_loop_to_a_prefix_of_the_full_loop():
    if importlib.util.find_spec("copulas") is None:
        pytest.skip("copulas not installed")
    specs = tuple(s for s in bias_sweep.GENERATOR_SPECS if s.key == "copula")
    full = bias_sweep.run(generations=2, replicates=2, generators=specs, tables=bias_sweep.TABLES[1:], n_jobs=1,
                          generation_limits=())
    cut = bias_sweep.run(generations=2, replicates=2, generators=specs, tables=bias_sweep.TABLES[1:], n_jobs=1,
                         generation_limits=(("hearts", "copula", 1),))
    assert full["generation"].max() == 2 and cut["generation"].max() == 1
    # the seeds of a generation do not depend on how many follow it
    pd.testing.assert_frame_equal(cut, full[full["generation"] <= 1].reset_index(drop=True))


@pytest.mark.parametrize("limits", [(("hearts", "copula", 0),), (("hearts", "copula"),), ("hearts",),
                                    (("hearts", "copula", 1.5),)])
def test_bad_generation_limits_are_named(limits):
    with pytest.raises((ValueError, TypeError), match="generation_limits"):
        bias_sweep.run(generations=1, replicates=1, generation_limits=limits)


@pytest.mark.parametrize("kwargs, name", [
    ({"generators": ()}, "generators"), ({"generators": ("copula",)}, "generators"),
    ({"generators": (bias_real.GeneratorSpec("gan"),)}, "generators"), ({"tables": ()}, "tables"),
    ({"tables": (bias_sweep.SweepTable("census", "sex", "income"),)}, "tables"), ({"tables": ("hearts",)}, "tables"),
])
def test_bad_generators_and_tables_are_named_before_any_fit(kwargs, name):
    with pytest.raises((ValueError, TypeError), match=name):
        bias_sweep.run(generations=1, replicates=1, **kwargs)


def test_generator_summary_marks_loops_cut_short():
    from analysis.bias import report as bias_report

    rows = []
    for generator, gens in (("copula", 3), ("tvae", 1)):
        for r in range(4):
            for g in range(gens + 1):
                cells = [500, 300, 100 + r + g, 100]
                rows.append({"table": "t", "generator": generator, "replicate": r, "generation": g,
                             **dict(zip(bias_report.CELL_NAMES, cells)),
                             "minority_share": (cells[2] + cells[3]) / sum(cells)})
    summary = bias_report.generator_summary(pd.DataFrame(rows), generations=3, project_generations=3)
    full, cut = summary.set_index("generator").loc["copula"], summary.set_index("generator").loc["tvae"]
    assert full["generations_measured"] == 3 and cut["generations_measured"] == 1
    assert np.isfinite(full["share20"]) and np.isnan(cut["share20"]) and cut["vanished"] == -1
    assert np.isfinite(cut["share1"]) and np.isfinite(cut["T"])


def test_share_intervals_stay_within_zero_and_one_where_most_runs_lost_the_group():
    # seven of eight runs end with the group gone, one at 8%: the t interval of the mean reaches
    # below 0, the share's interval and the figure's band stop at 0 and keep the t interval's top
    from analysis.bias import report as bias_report
    from analysis.bias.summary import share_interval, t_interval

    ends = [0.0] * 7 + [0.08]
    t = t_interval(ends)
    assert t.low < 0
    iv = share_interval(ends)
    assert (iv.estimate, iv.low, iv.high) == (t.estimate, 0.0, t.high) and iv.method == "student-t, cut to [0, 1]"
    inner = [0.2, 0.25, 0.3]  # an interval inside [0, 1] is the t interval itself
    assert share_interval(inner, level=0.9)[:4] == t_interval(inner, level=0.9)[:4]
    with pytest.raises(ValueError, match="shares"):
        share_interval([0.2, 1.5])

    rows = []
    for r, end in enumerate(ends):
        for g in range(3):
            minority = 100 if g == 0 else (0 if g == 2 and end == 0 else 8)
            cells = [500, 400, minority, minority]
            rows.append({"table": "t", "generator": "tvae", "replicate": r, "generation": g,
                         **dict(zip(bias_report.CELL_NAMES, cells)),
                         "minority_share": (cells[2] + cells[3]) / sum(cells)})
    stored = pd.DataFrame(rows)
    summary = bias_report.generator_summary(stored, generations=2, project_generations=2).iloc[0]
    last = stored[stored["generation"] == 2]["minority_share"]
    assert t_interval(last).low < 0 and summary["share20_low"] == 0.0
    assert summary["share20_high"] == pytest.approx(t_interval(last).high)
    bands = bias_report.generator_bands(stored)
    assert bands["ci_low"].min() == 0.0 and (bands["ci_high"] <= 1).all()
