"""The deep generators' part of chapter 6's sweep: current, complete, and a reduced rerun reproduces it."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from analysis.privacy import deep_sweep as privacy_deep_sweep
from analysis.privacy import sweep as privacy_sweep
from analysis.sweeps import store as sweeps


@pytest.fixture(scope="module")
def stored():
    # refuses a file computed by code other than the checkout's (StaleResultsError)
    return sweeps.load_results(privacy_deep_sweep.NAME)


def test_results_cover_the_settings_and_the_main_sweep(stored):
    frame, prov = stored
    main, main_prov = sweeps.load_results(privacy_sweep.NAME)
    assert prov.seed == privacy_sweep.SEED == main_prov.seed  # the same splits as the other generators
    assert set(frame["table"]) == set(prov.settings["tables"]) == set(main_prov.settings["tables"])
    assert set(frame["generator"]) == set(prov.settings["generators"])
    assert set(frame["generator"]).isdisjoint(main["generator"])
    reps = frame.groupby(["table", "generator", "metric"])["replicate"].nunique()
    # issue 28: both deep generators at the ctgan package's default training, at least 10 replicates each
    assert (reps == prov.settings["replicates"]).all() and prov.settings["replicates"] >= 10
    assert set(frame["generator"]) == {"tvae", "ctgan"} and prov.settings["epochs"] == 300
    assert set(frame["metric"]) == set(main["metric"])  # every measurement of the other generators
    assert np.isfinite(frame["value"]).all()


def test_deep_seeds_follow_the_other_generators():
    keys = [s.key for s in privacy_deep_sweep.ALL_SPECS]
    assert keys[:len(privacy_sweep.GENERATOR_SPECS)] == [s.key for s in privacy_sweep.GENERATOR_SPECS]
    assert set(keys[len(privacy_sweep.GENERATOR_SPECS):]) == {"tvae", "ctgan"}


@pytest.mark.parametrize("kwargs, match", [
    ({"generators": ("copula",)}, "generators"), ({"generators": ()}, "generators"),
    ({"tables": ("census",)}, "tables"), ({"replicates": 0}, "replicates"), ({"epochs": 0}, "epochs"),
])
def test_bad_input_is_named(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        privacy_deep_sweep.run(**kwargs)


@pytest.mark.skipif(importlib.util.find_spec("torch") is None or importlib.util.find_spec("ctgan") is None,
                    reason="the deep generators need the optional extra 'deep' (torch CPU, ctgan)")
def test_reduced_rerun_reproduces_the_file(stored):
    import torch

    frame, prov = stored
    # the sweep's joblib workers on two cores run torch on one thread each
    torch.set_num_threads(1)
    rerun = privacy_deep_sweep.run(seed=prov.seed, n_jobs=1, replicates=2, generators=("tvae",),
                                   tables=("hearts",), epochs=prov.settings["epochs"])
    check = sweeps.check_reproduces(frame, rerun, by=["table", "generator", "metric"], columns=["value"])
    assert check["ok"].all(), check[~check["ok"]]
