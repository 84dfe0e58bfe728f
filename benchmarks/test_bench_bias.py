"""Speed of the bias loop before and after issue 14, in interleaved paired rounds (run with `make bench`).

"Before" is the 0.1.0 loop rebuilt from the same pieces: a StandardScaler + L-BFGS logistic
regression pipeline at scikit-learn's default tolerance and fairlearn's ``MetricFrame`` for every
generation. "After" is :func:`analysis.bias_loop.feedback_loop` (Newton-Cholesky to convergence,
metrics from confusion counts). Both draw the same training tables. The share paths compare
drawing every row with the cell-count chain. Reported: time per replicate-generation and the
median of the per-round ratios.
"""

import numpy as np
from paired import paired_rounds, ratio_summary
from sklego.datasets import load_arrests
from threadpoolctl import threadpool_limits

from analysis.bias import chain as bias_chain
from analysis.bias import loop as bias_loop
from analysis.bias import metrics as bias_metrics
from analysis.bias import table as bias_table

GENERATIONS = 5
ARRESTS = load_arrests(as_frame=True)
KW = dict(group="colour", label="released")


def _before():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    enc = bias_table.encode_table(ARRESTS, **KW)
    rng = np.random.default_rng(1)
    train, test = bias_table.split_table(enc.codes, test_size=bias_table.TEST_SIZE, rng=rng)
    tc, tn = enc.codes[test], enc.numeric[test]
    with threadpool_limits(limits=1):
        for codes, num in bias_loop.training_tables(enc.codes[train], enc.numeric[train], enc.meta,
                                                    generations=GENERATIONS, real_fraction=0.0, temperature=0.9,
                                                    strategy="naive", rng=rng):
            model = Pipeline([("scale", StandardScaler()), ("lr", LogisticRegression(max_iter=2000))])
            model.fit(bias_loop.features(codes, num, enc.meta), codes[:, 1])
            pred = model.predict(bias_loop.features(tc, tn, enc.meta))
            bias_metrics.fairness_metrics_fairlearn(tc[:, 1], pred, tc[:, 0], minority=1)


def _after():
    bias_loop.feedback_loop(ARRESTS, generations=GENERATIONS, temperature=0.9, seed=1, **KW)


def test_bench_bias_loop_before_after(benchmark, capsys):
    benchmark.pedantic(_after, rounds=1, iterations=1)
    times = paired_rounds({"before": _before, "after": _after}, rounds=5)
    ratio = ratio_summary(times["before"], times["after"])
    per = (GENERATIONS + 1)
    benchmark.extra_info.update(before_over_after=ratio.median)
    with capsys.disabled():
        print(
            f"\nbias loop on the arrests table, {ratio.rounds} paired rounds, per replicate-generation:\n"
            f"  before {1e3 * np.median(times['before']) / per:7.1f} ms   after {1e3 * np.median(times['after']) / per:7.1f} ms\n"
            f"  before / after = {ratio.median:.1f} x (rounds {ratio.low:.1f}-{ratio.high:.1f})"
        )
    assert ratio.median > 1


def test_bench_bias_share_paths_rows_vs_counts(benchmark, capsys):
    cells = bias_table.encode_table(ARRESTS, **KW).cell_counts
    reps = 20

    def rows():
        bias_loop.simulate_shares(ARRESTS, generations=20, temperature=0.9, seed=1, replicates=reps, **KW)

    def counts():
        bias_chain.simulate_cells(cells, generations=20, replicates=reps, temperature=0.9, seed=1)

    benchmark.pedantic(counts, rounds=3, iterations=1)
    times = paired_rounds({"rows": rows, "counts": counts}, rounds=3)
    ratio = ratio_summary(times["rows"], times["counts"])
    with capsys.disabled():
        print(f"\nminority-share paths, {reps} replicates x 20 generations: rows / counts = {ratio.median:.0f} x "
              f"(rounds {ratio.low:.0f}-{ratio.high:.0f})")
    assert ratio.median > 1
