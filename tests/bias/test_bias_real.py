"""Real generators in the loop, the effective temperature, Wilson intervals, and the loop on a Dask cluster."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import bias
from analysis.bias import chain as bias_chain
from analysis.bias import real as bias_real
from analysis.bias import summary as bias_summary
from tests.bias.test_bias import make_table

CELLS = np.array([559, 3379, 333, 955])


def test_effective_temperature_recovers_the_transparent_model_with_nominal_coverage():
    # 30 replicates of the transparent model's first generation at T = 0.9 (the real generators'
    # replicate count): the estimate is unbiased within MC error and the 95% interval covers 0.9 in
    # 95% of 100 independent sets (binomial SE 2.2 points; tolerance 4 SE)
    covered, estimates = 0, []
    for i in range(100):
        paths = bias_chain.simulate_cells(CELLS, generations=1, replicates=30, temperature=0.9, seed=1000 + i)
        fit = bias_real.effective_temperature(CELLS, paths.counts[:, 1], seed=i, resamples=400)
        covered += fit.low <= 0.9 <= fit.high
        estimates.append(fit.estimate)
        assert not fit.at_bound
    assert abs(covered / 100 - 0.95) <= 4 * np.sqrt(0.95 * 0.05 / 100)
    est = np.array(estimates)
    assert abs(est.mean() - 0.9) <= 4 * est.std(ddof=1) / 10


def test_effective_temperature_of_a_flattening_generator_is_above_one():
    # a generator that samples cells uniformly, whatever it was fitted to, has T far above 1
    rng = np.random.default_rng(2)
    nxt = rng.multinomial(CELLS.sum(), [0.25] * 4, size=30)
    fit = bias_real.effective_temperature(CELLS, nxt, seed=0)
    assert fit.low > 5
    with pytest.raises(ValueError, match="next_counts"):
        bias_real.effective_temperature(CELLS, nxt[:1])
    with pytest.raises(ValueError, match="initial_counts"):
        bias_real.effective_temperature([1, 2], nxt)


def test_tempered_adapter_in_the_generic_loop_matches_the_chain():
    # the transparent generator behind the fit/sample interface: its generation-1 minority share has
    # the mean of the recursion (4 SE)
    table = make_table(rows=300, minority_rows=90, seed=4)
    spec = bias_real.GeneratorSpec("tempered", options=(("group", "group"), ("label", "label"),
                                                        ("temperature", 0.7)))
    paths = bias_real.generator_cell_paths(table, spec, generations=1, replicates=200, seed=5, group="group",
                                           label="label", n_jobs=1)
    enc = bias.encode_table(table, group="group", label="label")
    expected = bias_chain.expected_cell_shares(enc.cell_counts, generations=1, temperature=0.7)[1]
    got = paths.minority_share[:, 1]
    assert abs(got.mean() - (expected[2] + expected[3])) <= 4 * got.std(ddof=1) / np.sqrt(200)
    assert np.all(paths.counts[:, 0] == enc.cell_counts)


def test_copula_generator_runs_in_the_loop():
    pytest.importorskip("copulas")
    table = make_table(rows=120, minority_rows=40, seed=6)
    paths = bias_real.generator_cell_paths(table, bias_real.GeneratorSpec("copula"), generations=2, replicates=2,
                                           seed=7, group="group", label="label", n_jobs=1)
    assert paths.counts.shape == (2, 3, 4)
    assert np.all(paths.counts.sum(-1) == 120)


def test_wilson_interval_known_values():
    # Wilson (1927); e.g. 0 of 10 -> [0, 0.2775], 5 of 10 -> [0.2366, 0.7634] at 95%
    lo, hi = bias_summary.wilson_interval(0, 10)[1:3]
    assert (lo, hi) == pytest.approx((0.0, 0.27753), abs=1e-5)
    iv = bias_summary.wilson_interval(5, 10)
    assert (iv.low, iv.high) == pytest.approx((0.23659, 0.76341), abs=1e-5)
    assert bias_summary.wilson_interval(10, 10).high == 1.0
    with pytest.raises(ValueError, match="successes"):
        bias_summary.wilson_interval(11, 10)


def test_wilson_interval_coverage_for_vanishing_counts():
    # the chain's "vanished in k of n runs" count is binomial: its Wilson interval covers the true
    # probability (estimated on 20,000 runs) in about 95% of 200 sets of 100 runs
    cells = np.array([40, 40, 3, 3])
    big = bias_chain.simulate_cells(cells, generations=8, replicates=20_000, temperature=0.8, seed=9)
    p = bias_chain.vanished(big, generation=8).mean()
    covered = 0
    for i in range(200):
        runs = bias_chain.simulate_cells(cells, generations=8, replicates=100, temperature=0.8, seed=100 + i)
        k = int(bias_chain.vanished(runs, generation=8).sum())
        iv = bias_summary.wilson_interval(k, 100)
        covered += iv.low <= p <= iv.high
    assert abs(covered / 200 - 0.95) <= 4 * np.sqrt(0.95 * 0.05 / 200) + 4 * np.sqrt(p * (1 - p) / 20_000)


@pytest.fixture(scope="module")
def medium():
    return make_table(rows=200, minority_rows=60, seed=2)


def test_replicates_identical_for_one_two_jobs_none_and_a_dask_cluster(medium):
    from joblib import parallel_config

    kw = {"replicates": 3, "seed": 3, "generations": 2, "group": "group", "label": "label",
          "configs": [{"temperature": 1.0}, {"temperature": 0.8, "strategy": "stratified"}]}
    one = bias.run_replicates(medium, n_jobs=1, **kw)
    pd.testing.assert_frame_equal(one, bias.run_replicates(medium, n_jobs=2, **kw))
    pd.testing.assert_frame_equal(one, bias.run_replicates(medium, n_jobs=None, **kw))
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster):
        with parallel_config(backend="dask"):
            on_dask = bias.run_replicates(medium, n_jobs=None, **kw)
    pd.testing.assert_frame_equal(one, on_dask)


@pytest.mark.parametrize("n_jobs, error", [(0, ValueError), (-2, ValueError), (1.5, TypeError), ("2", TypeError)])
def test_n_jobs_accepts_none_minus_one_and_positive_only(medium, n_jobs, error):
    with pytest.raises(error, match="n_jobs"):
        bias.run_replicates(medium, replicates=1, seed=1, n_jobs=n_jobs, generations=1, group="group",
                            label="label")


def test_replicates_in_batches_equal_one_run(medium):
    kw = {"seed": 4, "generations": 1, "group": "group", "label": "label", "n_jobs": 1}
    whole = bias.run_replicates(medium, replicates=3, **kw)
    parts = pd.concat([bias.run_replicates(medium, replicates=1, **kw),
                       bias.run_replicates(medium, replicates=2, first_replicate=1, **kw)], ignore_index=True)
    pd.testing.assert_frame_equal(whole, parts)


def test_mst_in_the_loop_keeps_the_real_tables_schema():
    # every generation's MST reads its levels and bin bounds from the loop's real table, not from
    # the synthetic table it is fitted to (so the domain, and mbi's compiled model, never change)
    table = pd.DataFrame({"g": ["a", "b", "a", "b"], "y": [0, 1, 1, 0], "x": [1.0, 2.0, 3.0, 4.0]})
    mst = bias_real.GeneratorSpec("mst", epsilon=1.0).make(label="y", domain=table)
    assert mst.public_domain is table and mst.star_center == "y"
    assert bias_real.GeneratorSpec("mst", epsilon=1.0).make(label="y").public_domain is None
    assert not hasattr(bias_real.GeneratorSpec("copula").make(label="y", domain=table), "public_domain")
