"""The same numbers whatever the machine: BLAS thread count, and the exact parts of the computations.

Issue 23: a fresh clone failed its own tests on a CPU whose OpenBLAS picked another kernel. Two
computations amplified floating-point differences: the tempered cell probabilities of chapter 4's
chain (numpy's SIMD ``log``/``exp`` differ between AVX2 and AVX-512, and a last-bit change of a
probability changed a multinomial draw and every later draw of the stream), and the Gower
distances of chapter 6 (a tie in exact arithmetic, summed in another order, was broken by the last
bits of the synthetic table, which vary with the BLAS kernel). Both are now computed with
correctly rounded operations only (``analysis.bias.generator.tempered_rows``,
``analysis.privacy.attacks._exact_row_sums``).

The kernel itself cannot be changed inside a test (OPENBLAS_CORETYPE is never set here); the
thread count can, and it is what these tests vary. Other kernels and SIMD paths were compared by
hand with ``tools/glue_dump.py`` (README, "What reproduces exactly").
"""

from __future__ import annotations

import decimal
import math
import os
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT
from test_notebook_outputs import RTOL, Glued

from analysis.bias import generator as bias_generator
from analysis.privacy import attacks as privacy

sys.path.insert(0, str(ROOT / "tools"))

# --------------------------------------------------------------------------------------------
# the exact computations
# --------------------------------------------------------------------------------------------


def test_tempered_rows_at_temperature_one_are_the_exact_shares():
    counts = np.array([[1500, 3000, 400, 900], [3, 0, 7, 1], [0, 0, 0, 5]])
    np.testing.assert_array_equal(bias_generator.tempered_rows(counts, 1.0), counts / counts.sum(axis=1, keepdims=True))


@pytest.mark.parametrize("temperature", [0.9, 1.1, 0.5, 2.0, 0.05])
def test_tempered_rows_equal_the_direct_formula(temperature):
    """The decimal computation is p_c^(1/T) renormalised: equal to a float64 evaluation within its rounding."""
    rng = np.random.default_rng(7)
    counts = np.vstack([rng.integers(0, 5000, size=(200, 4)), [[0, 0, 3, 9]], [[10**6, 1, 1, 0]]])
    p = bias_generator.tempered_rows(counts, temperature)
    shares = counts / counts.sum(axis=1, keepdims=True)
    direct = shares ** (1 / temperature)
    direct /= direct.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(p, direct, rtol=1e-12, atol=1e-300)
    np.testing.assert_array_equal(p == 0, counts == 0)  # empty cells stay empty, no others vanish
    # one row as decimal arithmetic gives it, to 28 digits, rounded once
    ctx = decimal.Context(prec=40)
    w = [ctx.power(ctx.divide(decimal.Decimal(int(c)), decimal.Decimal(int(counts[0].sum()))),
                   ctx.divide(decimal.Decimal(1), decimal.Decimal(temperature))) for c in counts[0]]
    exact = [float(x / sum(w)) for x in w]
    np.testing.assert_allclose(p[0], exact, rtol=4e-16)


def test_tempered_rows_take_the_same_values_by_table_and_by_pairs():
    """Rows of a common total go through a table, rare totals through pairs: both give the same probabilities."""
    common = np.tile([[120, 300, 40, 40]], (200, 1))
    rare = np.array([[120, 300, 40, 40]])
    np.testing.assert_allclose(bias_generator.tempered_rows(common, 0.8)[0], bias_generator.tempered_rows(rare, 0.8)[0],
                               rtol=4e-16)


def test_tempered_rows_do_not_overflow_or_vanish_at_low_temperature():
    counts = np.array([[4000, 3990, 10, 0]])
    p = bias_generator.tempered_rows(counts, 0.01)  # weights from 0.5**100 down to 1e-260
    assert np.isfinite(p).all() and math.isclose(p.sum(), 1.0, rel_tol=1e-15)
    assert p[0, 0] > p[0, 1] > p[0, 2] > 0 and p[0, 3] == 0
    # at T = 1/2000 every share**(1/T) underflows: the weights are then taken relative to the largest cell
    p = bias_generator.tempered_rows(counts, 0.0005)
    assert np.isfinite(p).all() and math.isclose(p.sum(), 1.0, rel_tol=1e-15)
    assert math.isclose(p[0, 1] / p[0, 0], (3990 / 4000) ** 2000, rel_tol=1e-9)
    assert p[0, 2] == 0 and p[0, 3] == 0


def test_exact_row_sums_keep_ties_of_exact_arithmetic():
    """0.5 + 0.5 + t and 1 + t are the same distance however t's last bits fall (the chapter 6 case)."""
    rng = np.random.default_rng(3)
    t = rng.random(10_000) * 0.3  # the column that carries the synthetic table's noise
    a = privacy._exact_row_sums([t[:, None], np.full((10_000, 1), 0.5), np.full((10_000, 1), 0.5)], None, shape=(10_000, 1))
    b = privacy._exact_row_sums([t[:, None]], np.ones((10_000, 1), dtype=np.int64), shape=(10_000, 1))
    np.testing.assert_array_equal(a, b)
    # summed left to right as before, some of these ties are broken
    plain_a, plain_b = (t + 0.5) + 0.5, t + 1.0
    assert (plain_a != plain_b).any()
    # and the result is the correctly rounded sum
    for i in range(0, 10_000, 997):
        assert a[i, 0] == math.fsum([t[i], 0.5, 0.5])


def test_gower_distances_equal_the_direct_sum():
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"x": rng.normal(size=40), "y": rng.integers(0, 5, 40).astype(float),
                          "c": rng.choice(list("abc"), 40)})
    idx, dist = privacy.gower_nearest(frame.iloc[:10], frame.iloc[10:], k=3)
    span_x, span_y = np.ptp(frame["x"]), np.ptp(frame["y"])
    for i in range(10):
        # numeric columns are divided by their range first, then differenced (analysis.privacy.attacks._encode)
        x, y = frame["x"] / span_x, frame["y"] / span_y
        d = [math.fsum([abs(x[i] - x[j]), abs(y[i] - y[j]), float(frame["c"][i] != frame["c"][j])]) for j in range(10, 40)]
        order = np.argsort(d, kind="stable")[:3]
        np.testing.assert_array_equal(idx[i], order)
        np.testing.assert_array_equal(dist[i], np.asarray(d)[order])


# --------------------------------------------------------------------------------------------
# one BLAS thread or two: the sweeps
# --------------------------------------------------------------------------------------------


def _registered() -> list[str]:
    import run_sweeps

    return sorted(run_sweeps.SWEEPS)


@pytest.mark.parametrize("name", _registered())
def test_a_reduced_sweep_gives_the_same_numbers_with_one_and_two_blas_threads(name, tmp_path):
    """Each registered sweep's reduced run (``run_sweeps.REDUCED``, as the cluster tests use it), in this process."""
    import run_sweeps
    from threadpoolctl import threadpool_limits

    reason = run_sweeps.unavailable(name)
    if reason:
        pytest.skip(reason)
    frames = []
    for threads in (1, 2):
        out = tmp_path / f"threads{threads}"
        with threadpool_limits(limits=threads):
            assert run_sweeps.main([name, *run_sweeps.REDUCED[name][0], "--results-dir", str(out), "--n-jobs", "1",
                                    "--progress-every", "0"]) == 0
        frames.append(pd.read_csv(out / f"{name}.csv"))
    one, two = frames
    assert list(one.columns) == list(two.columns) and len(one) == len(two)
    for col in one.columns:
        if pd.api.types.is_float_dtype(one[col]):
            # RTOL: the tolerance justified for notebook numbers (tests/site/test_notebook_outputs.py)
            np.testing.assert_allclose(two[col], one[col], rtol=RTOL, atol=1e-15, err_msg=f"{name}: {col}")
        else:
            pd.testing.assert_series_equal(two[col], one[col], obj=f"{name}: {col}")


# --------------------------------------------------------------------------------------------
# one BLAS thread or two: every glued number of the site
# --------------------------------------------------------------------------------------------


def _threads_set_in_environment() -> bool:
    return any(os.environ.get(v) for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"))


@pytest.mark.slow
def test_every_glued_number_is_shown_the_same_with_one_and_two_blas_threads(built_site):
    """The build executed every notebook with OpenBLAS's default threads (one per core); here they run with one.

    On a machine with one core, or where the environment fixes the thread count, the two-thread
    execution is made explicitly instead of taken from the build.
    """
    import glue_dump
    import nbformat
    from kernel_env import encrypt_kernel_transport, kernel_env
    from run_notebooks import notebook_sources
    from test_notebook_outputs import _executed_by_build

    env = kernel_env(ROOT)
    encrypt_kernel_transport()
    builds = _executed_by_build(built_site.parent / ".jupyter_cache")
    explicit_two = (os.cpu_count() or 1) < 2 or _threads_set_in_environment()
    compared = 0
    for md in notebook_sources():
        one = glue_dump.execute(md, {**env, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"})
        if explicit_two:
            two = glue_dump.execute(md, {**env, "OPENBLAS_NUM_THREADS": "2", "OMP_NUM_THREADS": "2"})["glue"]
        else:
            import jupytext

            code = tuple(c.source for c in jupytext.read(md).cells if c.cell_type == "code")
            assert code in builds, f"{md.stem}: the build executed no notebook with these code cells"
            two = glue_dump.glued_outputs(nbformat.read(builds[code], as_version=4))
        assert set(one["glue"]) == set(two), f"{md.stem}: other glue keys with one thread"
        for key, text in two.items():
            assert Glued(key, one["glue"][key]) == Glued(key, text), (
                f"{md.stem}: {key} is shown as {Glued(key, one['glue'][key]).shown} with one BLAS thread "
                f"and {Glued(key, text).shown} with two")
            compared += 1
    assert compared > 500  # every chapter's numbers, not an empty comparison
