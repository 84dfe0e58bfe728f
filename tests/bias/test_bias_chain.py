"""The cell-count chain of the transparent loop against its expected-value recursion and the row-by-row loop.

Tolerances are 4 Monte Carlo standard errors (stated per test).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from analysis import bias
from analysis.bias import chain as bias_chain

ARRESTS_CELLS = np.array([559, 3379, 333, 955])  # the arrests table's (group, label) cells


@pytest.mark.parametrize("strategy, real_fraction", [("naive", 0.0), ("naive", 0.2), ("naive", 0.5),
                                                     ("stratified", 0.0), ("reweighted", 0.0)])
def test_one_generation_mean_equals_the_recursion_exactly(strategy, real_fraction):
    # one generation: E[N_1] = n_s tau_T(N_0) + n_r p_0 exactly (multinomial + hypergeometric means)
    reps = 4000
    paths = bias_chain.simulate_cells(ARRESTS_CELLS, generations=1, replicates=reps, temperature=0.8,
                                      real_fraction=real_fraction, strategy=strategy, seed=1)
    expected = bias_chain.expected_cell_shares(ARRESTS_CELLS, generations=1, temperature=0.8,
                                               real_fraction=real_fraction, strategy=strategy)[1]
    got = paths.shares[:, 1]
    se = got.std(axis=0, ddof=1) / np.sqrt(reps)
    assert np.all(np.abs(got.mean(axis=0) - expected) <= 4 * se + 1e-15)


@pytest.mark.parametrize("temperature, real_fraction", [(0.9, 0.0), (0.9, 0.2), (0.9, 0.5), (0.7, 0.0)])
def test_simulated_paths_follow_the_recursion_on_a_large_table(temperature, real_fraction):
    # over many generations the recursion is the large-table limit (the sampling noise entering the
    # nonlinear map is of order t/n): on 10**7 rows it is far below the Monte Carlo error of 1,000 paths
    cells = ARRESTS_CELLS * 2000
    reps, t = 1000, 20
    paths = bias_chain.simulate_cells(cells, generations=t, replicates=reps, temperature=temperature,
                                      real_fraction=real_fraction, seed=2)
    expected = bias_chain.expected_cell_shares(cells, generations=t, temperature=temperature,
                                               real_fraction=real_fraction)
    share = paths.minority_share
    se = share.std(axis=0, ddof=1) / np.sqrt(reps)
    exp_share = expected[:, 2] + expected[:, 3]
    assert np.all(np.abs(share.mean(axis=0) - exp_share) <= 4 * se + 1e-9)


def test_recursion_without_real_data_has_the_closed_form():
    p0 = ARRESTS_CELLS / ARRESTS_CELLS.sum()
    rec = bias_chain.expected_cell_shares(ARRESTS_CELLS, generations=30, temperature=0.9)
    closed = bias_chain.closed_form_cell_shares(p0, generations=30, temperature=0.9)
    np.testing.assert_allclose(rec, closed, rtol=1e-9, atol=1e-300)
    # the log-odds of any two cells grow by 1/T a generation
    t = 7
    lo = np.log(closed[t, 3] / closed[t, 1])
    assert lo == pytest.approx(bias_chain.log_odds_factor(temperature=0.9, generations=t) * np.log(p0[3] / p0[1]))


def test_counts_chain_has_the_distribution_of_the_row_by_row_loop():
    # the same loop drawn row by row (analysis.bias.loop.simulate_shares) and from the cells alone:
    # the minority share after 3 generations must have the same distribution (two-sample KS test and
    # means within 4 SE)
    from tests.bias.test_bias import make_table

    table = make_table(rows=120, minority_rows=36, seed=3)
    enc = bias.encode_table(table, group="group", label="label")
    reps = 400
    rows = bias.simulate_shares(table, group="group", label="label", generations=3, temperature=0.7,
                                real_fraction=0.2, replicates=reps, seed=4)[:, 3]
    counts = bias_chain.simulate_cells(enc.cell_counts, generations=3, replicates=reps, temperature=0.7,
                                       real_fraction=0.2, seed=5).minority_share[:, 3]
    assert stats.ks_2samp(rows, counts).pvalue > 1e-4
    se = np.hypot(rows.std(ddof=1), counts.std(ddof=1)) / np.sqrt(reps)
    assert abs(rows.mean() - counts.mean()) < 4 * se


def test_neutral_chain_is_wright_fisher():
    n, reps = 200, 3000
    cells = np.array([70, 70, 30, 30])
    share = bias_chain.simulate_cells(cells, generations=10, replicates=reps, seed=6).minority_share
    sd = bias.drift_sd(initial_share=0.3, rows=n, generations=np.arange(11))
    assert np.all(np.abs(share.mean(axis=0) - 0.3) <= 4 * sd / np.sqrt(reps) + 1e-12)
    assert share[:, 10].std() == pytest.approx(sd[10], rel=4 * np.sqrt(2 / reps) * 2)


def test_stratified_chain_keeps_group_sizes_and_vanishing_is_permanent():
    paths = bias_chain.simulate_cells(ARRESTS_CELLS, generations=5, replicates=50, temperature=0.5,
                                      strategy="stratified", seed=7)
    groups = paths.counts[..., 2:].sum(-1)
    assert np.all(groups == ARRESTS_CELLS[2:].sum())
    cold = bias_chain.simulate_cells(np.array([50, 50, 1, 1]), generations=30, replicates=200, temperature=0.5,
                                     seed=8)
    gone = bias_chain.vanished(cold, generation=30)
    assert gone.mean() > 0.9
    share = cold.minority_share
    # once a group has no rows, the generator never samples it again
    first = np.argmax(share == 0, axis=1)
    for r in np.flatnonzero(gone):
        assert np.all(share[r, first[r]:] == 0)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"initial_counts": [1, 2, 3]}, ValueError, "initial_counts"),
    ({"initial_counts": [1.5, 2, 3, 4]}, ValueError, "initial_counts"),
    ({"replicates": 0}, ValueError, "replicates"),
    ({"temperature": -1.0}, ValueError, "temperature"),
    ({"strategy": "magic"}, ValueError, "strategy"),
    ({"generations": 2.0}, TypeError, "generations"),
    ({"replicates": 10**6, "generations": 1000}, ValueError, "replicates"),
])
def test_chain_rejects_bad_input(kwargs, error, match):
    args = {"initial_counts": ARRESTS_CELLS, "generations": 2, "replicates": 3, **kwargs}
    with pytest.raises(error, match=match):
        bias_chain.simulate_cells(**args)
