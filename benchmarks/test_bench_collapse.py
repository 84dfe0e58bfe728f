"""Speed of the exact (sufficient-statistics) Gaussian recursion against drawing every sample (run with `make bench`).

Setting from issue 3: sample_size=1000, generations=100, chains=1000. The exact method should cost
about as much as drawing two random numbers per chain and generation; the target is >= 100x faster
than the sample method.
"""

import time

import numpy as np

from analysis import collapse

SETTING = dict(generations=100, sample_size=1000, chains=1000, estimator="unbiased", workflow="replace")


def _best_of(fn, repeats):
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _two_draws_per_chain_and_generation():
    rng = np.random.default_rng(0)
    for _ in range(SETTING["generations"]):
        rng.standard_normal(SETTING["chains"])
        rng.chisquare(SETTING["sample_size"] - 1, SETTING["chains"])


def test_bench_gaussian_exact_vs_sample(benchmark, capsys):
    result = benchmark(lambda: collapse.gaussian_recursion(method="exact", seed=0, **SETTING))
    assert result.var.shape == (101, 1000)
    exact_s = benchmark.stats.stats.min
    sample_s = _best_of(lambda: collapse.gaussian_recursion(method="sample", seed=0, **SETTING), repeats=2)
    floor_s = _best_of(_two_draws_per_chain_and_generation, repeats=20)
    ratio = sample_s / exact_s
    benchmark.extra_info.update(sample_s=sample_s, ratio=ratio, two_draws_s=floor_s)
    # `make bench` runs pytest without -s: print past the capture so the ratio always reaches the terminal
    with capsys.disabled():
        print(
            f"\ngaussian_recursion at {SETTING}:\n"
            f"  exact  {exact_s * 1e3:8.2f} ms (best)\n"
            f"  sample {sample_s * 1e3:8.2f} ms (best of 2)\n"
            f"  sample / exact = {ratio:.0f} x  (target >= 100 x)\n"
            f"  two random numbers per chain and generation alone: {floor_s * 1e3:.2f} ms "
            f"(exact / that = {exact_s / floor_s:.1f})"
        )
    assert ratio >= 100
