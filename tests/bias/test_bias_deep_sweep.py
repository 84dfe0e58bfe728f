"""The deep generators' loops of chapter 4 (``bias_deep``): current, complete for their settings, reproducible."""

from __future__ import annotations

import importlib.util

import pytest

from analysis.bias import deep_sweep as bias_deep_sweep
from analysis.bias import sweep as bias_sweep
from analysis.bias.real import GeneratorSpec
from analysis.sweeps import store as sweeps

HAS_DEEP = importlib.util.find_spec("torch") is not None and importlib.util.find_spec("ctgan") is not None


@pytest.fixture(scope="module")
def stored():
    # refuses a file computed by code other than the checkout's (StaleResultsError)
    return sweeps.load_results(bias_deep_sweep.NAME)


def test_results_cover_their_settings_at_the_packages_default_training(stored):
    frame, prov = stored
    assert prov.seed == bias_sweep.SEED  # one set of seed streams with bias_generators
    assert prov.settings["epochs"] == 300  # the ctgan package's default
    assert prov.settings["generations"] == 20 and prov.settings["replicates"] >= 10
    assert {g[0] for g in prov.settings["generators"]} == set(frame["generator"]) == {"tvae", "ctgan"}
    assert set(frame["table"]) == {t[0] for t in prov.settings["tables"]}
    loops = frame.groupby(["table", "generator", "replicate"])["generation"]
    assert (loops.min() == 0).all() and (loops.max() == 20).all() and (loops.nunique() == 21).all()
    assert (frame.groupby(["table", "generator"])["replicate"].nunique() == prov.settings["replicates"]).all()
    # generation 0 is the real table, the same in every loop
    first = frame[frame["generation"] == 0].groupby("table")["minority_share"].nunique()
    assert (first == 1).all()


def test_the_two_sweeps_share_seed_streams_without_sharing_a_generator():
    torch_free = {s.key for s in bias_sweep.GENERATOR_SPECS}
    deep = {s.key for s in bias_deep_sweep.DEEP_SPECS}
    assert torch_free.isdisjoint(deep) and torch_free | deep == set(bias_sweep.STREAM_KEYS)


@pytest.mark.parametrize("kwargs, match", [
    ({"generators": (GeneratorSpec("copula"),)}, "generators"), ({"generators": ()}, "generators"),
    ({"generators": ("tvae",)}, "generators"), ({"replicates": 0}, "replicates"), ({"epochs": 0}, "epochs"),
    ({"generations": 0}, "generations"),
])
def test_bad_input_is_named(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        bias_deep_sweep.run(**kwargs)


@pytest.mark.skipif(not HAS_DEEP, reason="the deep generators need the optional extra 'deep' (torch CPU, ctgan)")
def test_reduced_rerun_reproduces_the_stored_file(stored):
    import torch

    frame, prov = stored
    torch.set_num_threads(1)  # as each of the sweep's joblib workers on two cores
    tables = tuple(t for t in bias_sweep.TABLES if t.name == "hearts")
    rerun = bias_deep_sweep.run(generations=1, replicates=2, seed=prov.seed, tables=tables,
                                generators=tuple(s for s in bias_deep_sweep.DEEP_SPECS if s.key == "tvae"),
                                epochs=prov.settings["epochs"], n_jobs=1)
    sub = frame[frame["generation"] <= 1]
    check = sweeps.check_reproduces(sub, rerun, by=["table", "generator", "generation"],
                                    columns=["minority_share", "minority_positive", "majority_positive"])
    assert check["ok"].all(), check[~check["ok"]]
