"""Cost of one replicate of each registered sweep at its full settings, on one core (run with `make bench`).

One replicate means every cell of the sweep's grid (tables x generators or configurations, all
generations) once: a full sweep of R replicates costs about R times as much, divided by the
workers that run it (joblib on two cores, or a Dask cluster). The README quotes these figures.
The deep generators (TVAE, CTGAN) need the optional extra ``deep`` (torch); without it their part
is skipped.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import run_sweeps  # noqa: E402

DEEP = ("tvae", "ctgan")


def _one_replicate_kwargs(name: str, module, part: str) -> dict:
    params = inspect.signature(module.run).parameters
    kw = {"replicates": 1, "n_jobs": 1}
    if name == "privacy_deep":
        kw["generators"] = tuple(s.key for s in module.ALL_SPECS if s.key in DEEP)
    if "seed" in params:
        kw["seed"] = module.SEED
    return kw


CASES = [(n, "deep" if n in ("privacy_deep", "bias_deep") else "torch-free") for n in sorted(run_sweeps.SWEEPS)]


@pytest.mark.parametrize("name, part", CASES, ids=[f"{n}-{p}" for n, p in CASES])
def test_bench_one_replicate_of_each_sweep(benchmark, name, part):
    reason = run_sweeps.unavailable(name)
    if reason:
        pytest.skip(reason)
    if part == "deep" and (importlib.util.find_spec("torch") is None or importlib.util.find_spec("ctgan") is None):
        pytest.skip("the deep generators need the optional extra 'deep' (torch CPU, ctgan)")
    if part == "deep":
        import torch

        torch.set_num_threads(1)  # one core, as each joblib worker of a sweep
    module = importlib.import_module(run_sweeps.SWEEPS[name])
    kw = _one_replicate_kwargs(name, module, part)
    frame = benchmark.pedantic(module.run, kwargs=kw, rounds=1, iterations=1)
    assert len(frame) > 0 and frame["replicate"].nunique() == 1
