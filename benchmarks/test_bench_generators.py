"""Cost of one fit of each deep generator at the ctgan package's default of 300 epochs, one core (`make bench`).

The README's table of what the deep sweeps (``bias_deep``, ``privacy_deep``) cost comes from these
figures: a fit on each of the three tables, then sampling as many rows. Skipped without the
optional extra ``deep`` (torch CPU, ctgan).
"""

from __future__ import annotations

import importlib.util
import warnings

import pytest

from analysis.generators.tables import TABLES, load_table
from analysis.generators.tabular import make_generator

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("torch") is None or importlib.util.find_spec("ctgan") is None,
    reason="the deep generators need the optional extra 'deep' (torch CPU, ctgan)")

CASES = [(g, t) for g in ("tvae", "ctgan") for t in TABLES]


@pytest.mark.parametrize("name, spec", CASES, ids=[f"{g}-{t.key}" for g, t in CASES])
def test_bench_one_deep_fit_at_300_epochs(benchmark, name, spec):
    import torch

    torch.set_num_threads(1)  # one core, as each joblib worker of a sweep
    table = load_table(spec.key)

    def fit_and_sample():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            generator = make_generator(name, epochs=300, categorical=spec.categorical).fit(table, seed=0)
            return generator.sample(len(table), seed=1)

    out = benchmark.pedantic(fit_and_sample, rounds=1, iterations=1)
    assert out.shape == table.shape
