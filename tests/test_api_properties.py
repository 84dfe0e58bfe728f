"""Generated VALID inputs to every public function return finite results of the documented type.

The companion of ``test_api_constraints.py`` (which feeds bad inputs). Valid inputs are generated
from each function's declared constraints (``analysis.validation``): numbers inside their
intervals (small counts, so each call is quick), options, booleans, seeds, ISO dates and arrays.
``STRATEGIES`` overrides that for functions whose valid inputs the declarations alone cannot
describe (data frames with given columns, dataset names, chip names, callables).

A function whose parameters are jointly constrained (``low <= high``, a utilisation below 1) may
refuse some generated combinations, but only with a ``ValueError`` naming one of its parameters,
and at least one generated example must succeed. Results must be finite where they are numbers
and of the type the signature annotates. ``NOT_COVERED`` lists the functions left out, each with
its reason; ``test_uncovered_functions_are_listed`` keeps that list honest.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import inspect
import math
import signal
import typing
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from analysis import validation as v
from tests.test_api_constraints import FUNCTIONS

EXAMPLES = 4  # per function; the whole suite (both files) must stay under 60 s on a loaded 2-core machine
SMALL_COUNT = 12
# MAGNITUDE_NOTE: open bounds are approached to within 1e-9 of the range. Closer than that (e.g.
# chip_hours=5e-324) some cost/energy functions underflow to NaN: reported to their owners
# (NOTICES.md, package 01:30); tighten this once they check their outputs with check_finite_output.
ARRAY_SIZE = 5  # generated arrays share one length, so array parameters broadcast together
CALL_SECONDS = 5  # a valid call slower than this fails (no hang)  # counts (loop sizes, draws) are drawn from [lower bound, lower bound + SMALL_COUNT]


def _data_name():
    from analysis import data

    return st.sampled_from(["gpu_specs", "llm_training_tokens", "regulation"]).filter(lambda n: n in data.available())


# Functions whose valid inputs the declared constraints cannot produce: kwargs strategies.
STRATEGIES: dict[str, st.SearchStrategy] = {
    "analysis.data.load": st.fixed_dictionaries({"name": _data_name()}),
    "analysis.data.load_schema": st.fixed_dictionaries({"name": _data_name()}),
    "analysis.data.describe": st.fixed_dictionaries({"name": _data_name()}),
    "analysis.data.available": st.just({}),
    "analysis.data.bib_keys": st.just({}),
    "analysis.trend.decimal_year": st.fixed_dictionaries({"dates": st.lists(
        st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31)).map(lambda d: d.isoformat()),
        min_size=1, max_size=20)}),
    "analysis.trend.bootstrap_slopes": st.integers(3, 30).flatmap(lambda n: st.fixed_dictionaries({
        "x": st.just(np.arange(n, dtype=float)),
        "y": st.lists(st.floats(-1e3, 1e3), min_size=n, max_size=n).map(np.array),
        "n_boot": st.integers(1, 200),
        "rng": st.integers(0, 2**32 - 1).map(np.random.default_rng),
    })),
    "analysis.trend.ols_slopes": st.integers(2, 30).flatmap(lambda n: st.fixed_dictionaries({
        "x": st.just(np.arange(n, dtype=float)),
        "y": st.lists(st.floats(-1e3, 1e3), min_size=n, max_size=n).map(np.array),
    })),
    "analysis.trend.lognormal_params": st.tuples(st.floats(1e-6, 1e6), st.floats(1.0, 1e3), st.floats(0.01, 0.99)).map(
        lambda t: {"low": t[0], "high": t[0] * t[1], "level": t[2]}),
    "analysis.wordfreq_data.word_frequencies": st.fixed_dictionaries({"lang": st.just("en"), "top_n": st.integers(2, 200)}),
}

def _chips():
    from analysis import data

    return st.sampled_from(sorted(data.load("gpu_specs")["chip"].dropna()))


STRATEGIES["analysis.cost.chip_peak_flops"] = st.fixed_dictionaries({"chip": _chips()})


def _token_rows():
    """Random subsets (>= 5 rows) of the curated training-token table, for the chapter 1 fits."""
    from analysis import data

    table = data.load("llm_training_tokens")
    return st.lists(st.integers(0, len(table) - 1), min_size=5, max_size=len(table), unique=True).map(
        lambda rows: table.iloc[sorted(rows)].reset_index(drop=True))


def _exhaustion_parameter():
    from analysis import data

    return st.sampled_from(sorted(data.load("exhaustion_parameters")["parameter"]))


# chapter 1 (branch exhaustion): used once those functions exist
STRATEGIES["analysis.bias_metrics.metrics_from_counts"] = st.fixed_dictionaries({"counts": st.lists(
    st.integers(0, 50), min_size=8, max_size=8).map(lambda c: np.array(c).reshape(2, 2, 2))})
STRATEGIES["analysis.exhaustion.in_growth_fit"] = st.fixed_dictionaries({"df": st.deferred(_token_rows)})
STRATEGIES["analysis.exhaustion.fit_growth"] = st.fixed_dictionaries(
    {"df": st.deferred(_token_rows), "seed": st.integers(0, 2**32 - 1)})
STRATEGIES["analysis.exhaustion.parameter_median"] = st.fixed_dictionaries({"name": st.deferred(_exhaustion_parameter)})

# Results that may be NaN by documented design.
NAN_DOCUMENTED = {
    "analysis.cost.epoch_chip_hours": "NaN when the inputs needed to estimate chip-hours are missing",
}

_BIAS_TABLE = "needs a table with a binary group and a binary label column (named); "
_NAME_LOOKUP = "takes a name looked up in a curated table; covered with every table row by "
# Functions left out, with the reason. Keep this short: prefer adding a strategy above.
NOT_COVERED: dict[str, str] = {
    "analysis.privacy_sweep.run": "fits synthetic-data generators (seconds to minutes a call); reduced rerun in the sweep tests",
    "analysis.privacy_sweep.run_task": "one generator fit per call (seconds or more); reduced rerun in the sweep tests",
    "analysis.exhaustion.compare_model_tables": "runs the full chapter 1 model per table (tens of seconds); tests/test_exhaustion.py",
    "analysis.cost.epoch_parameters": _NAME_LOOKUP + "tests/test_cost.py",
    "analysis.cost.epoch_training_start": _NAME_LOOKUP + "tests/test_cost.py",
    "analysis.cost.fit_cost_trend": "needs a cost table with dates; tests/test_cost.py fits the curated tables",
    "analysis.cost.one_at_a_time_sensitivity": "takes a model callable and mappings; tests/test_cost.py",
    "analysis.cost.reproduce_epoch_amortized_costs": "needs the Epoch input table; tests/test_cost.py",
    "analysis.energy.generation_footprint": _NAME_LOOKUP + "tests/test_energy.py",
    "analysis.energy.generation_j_per_token": _NAME_LOOKUP + "tests/test_energy.py",
    "analysis.energy.gpu_hours_for_flop": _NAME_LOOKUP + "tests/test_energy.py",
    "analysis.energy.grid_factor": _NAME_LOOKUP + "tests/test_energy.py",
    "analysis.energy.implied_inference_efficiency": _NAME_LOOKUP + "tests/test_energy.py",
    "analysis.energy.implied_mfu": _NAME_LOOKUP + "tests/test_energy.py",
    "analysis.energy.pue_value": _NAME_LOOKUP + "tests/test_energy.py",
    "analysis.data.evidence_as_of": "takes *names; covered by tests/test_data_loader.py on every dataset",
    "analysis.data.provenance_summary": "loads every dataset (slow); covered by notebooks/90_data_provenance",
    "analysis.data.read_csv_strict": "reads a file path; covered by tests/test_data_loader.py with generated files",
    "analysis.data.validate_rows": "needs a schema and raw rows; covered by tests/test_data_loader.py",
    # bias (chapter 4): functions of a real table with named group/label columns, or of the stored sweeps
    "analysis.bias_sweep.run": "the generator sweep (fits generators for minutes); reduced rerun in tests/test_bias_sweep.py",
    "analysis.bias_fairness_sweep.run": "the fairness sweep (minutes); reduced rerun in tests/test_bias_sweep.py",
    "analysis.bias_real.generator_cell_paths": "fits a generator per generation; tests/test_bias_real.py",
    "analysis.bias_loop.feedback_loop": _BIAS_TABLE + "tests/test_bias.py",
    "analysis.bias_loop.run_replicates": _BIAS_TABLE + "tests/test_bias.py",
    "analysis.bias_loop.simulate_shares": _BIAS_TABLE + "tests/test_bias.py",
    "analysis.bias_generator.kde_variance_growth": _BIAS_TABLE + "tests/test_bias.py",
    "analysis.bias_generator.sample_table": _BIAS_TABLE + "tests/test_bias.py",
    "analysis.bias_table.encode_table": _BIAS_TABLE + "tests/test_bias.py",
    "analysis.bias_table.split_sizes": _BIAS_TABLE + "tests/test_bias.py",
    "analysis.bias_table.table_cell_counts": _BIAS_TABLE + "tests/test_bias_real.py",
    "analysis.bias_report.training_cell_counts": _BIAS_TABLE + "notebooks/04_bias_amplification",
    "analysis.bias_metrics.fairness_metrics": "needs equal-length label and group arrays; tests/test_bias_metrics.py",
    "analysis.bias_metrics.fairness_metrics_fairlearn": "needs equal-length label and group arrays; tests/test_bias_metrics.py",
    "analysis.bias_report.generator_summary": "reads the stored generator sweep; notebooks/04_bias_amplification",
    "analysis.bias_report.generator_bands": "reads the stored generator sweep; notebooks/04_bias_amplification",
    "analysis.bias_report.results_table": "reads a summarise() frame of the fairness sweep; notebooks/04_bias_amplification",
    "analysis.bias_summary.summarise": "needs a replicate frame with config/generation columns; tests/test_bias.py",
}


def _small_interval(c: v.Interval) -> st.SearchStrategy:
    lo, hi = c.left, c.right
    lo_open = c.closed in ("right", "neither")
    hi_open = c.closed in ("left", "neither")
    if c.kind is v.Integral:
        a = -SMALL_COUNT if lo is None else int(math.floor(lo)) + (1 if lo_open and float(lo).is_integer() else 0)
        if lo is not None and not float(lo).is_integer():
            a = int(math.ceil(lo))
        b = a + SMALL_COUNT if hi is None else min(int(math.floor(hi)) - (1 if hi_open and float(hi).is_integer() else 0), a + SMALL_COUNT)
        return st.integers(a, b)
    a = -1e3 if lo is None else float(lo)
    b = (a + 1e3 if lo is not None else 1e3) if hi is None else float(hi)
    if lo_open:
        # an open bound is approached to within 1e-9 of the range, not to the last subnormal
        # float: 5e-324 chip-hours is no input anyone means (see MAGNITUDE_NOTE)
        a = a + 1e-9 * max(b - a, 1.0)
    if hi_open:
        b = b - 1e-9 * max(b - a, 1.0)
    return st.floats(a, b, allow_nan=False, allow_infinity=False, allow_subnormal=False)


def _valid(constraints) -> st.SearchStrategy | None:
    options = []
    arrays = []
    for c in constraints:
        if hasattr(c, "example"):
            options.append(st.just(c.example))
        elif isinstance(c, v.Interval):
            options.append(_small_interval(c))
        elif isinstance(c, v.Options):
            options.append(st.sampled_from(c.options))
        elif isinstance(c, v.Boolean):
            options.append(st.booleans())
        elif isinstance(c, v.Seed):
            options.append(st.integers(0, 2**32 - 1))
        elif isinstance(c, v.ISODate):
            options.append(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)).map(lambda d: d.isoformat()))
        elif isinstance(c, v.ArrayLike) and c.ndim in (1, None):
            arrays.append(c)
        elif isinstance(c, v.InstanceOf) and c.cls is np.random.Generator:
            options.append(st.integers(0, 2**32 - 1).map(np.random.default_rng))
        elif type(c).__name__ == "_NoneConstraint":
            options.append(st.none())
    if arrays and not [o for o in options if o is not None]:
        # arrays only where no scalar is allowed; one common length so parameters broadcast
        c = arrays[0]
        lo = 0.0 if c.lo is None else float(c.lo)
        hi = lo + 100.0 if c.hi is None else float(c.hi)
        elem = st.integers(int(math.ceil(lo)), int(math.floor(hi))).map(float) if c.integer else st.floats(lo, hi)
        size = max(c.min_size, ARRAY_SIZE)
        options.append(st.lists(elem, min_size=size, max_size=size).map(np.array))
    return st.one_of(options) if options else None


def _strategy(qualname: str, func) -> st.SearchStrategy | None:
    if qualname in STRATEGIES:
        return STRATEGIES[qualname]
    constraints = v.constraints_of(func) or {}
    sig = inspect.signature(func)
    fields = {}
    for name, p in sig.parameters.items():
        if p.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            continue
        strat = _valid(constraints.get(name, []))
        if strat is None:
            if p.default is inspect.Parameter.empty:
                return None  # a required parameter the declarations cannot generate
            continue  # leave the default
        fields[name] = strat
    return st.fixed_dictionaries(fields)


@contextmanager
def _time_limit(seconds: int):
    def handler(signum, frame):
        raise TimeoutError(f"no result within {seconds} s")

    old = signal.signal(signal.SIGALRM, handler)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _assert_finite(value, where: str) -> None:
    if isinstance(value, (bool, np.bool_, str)) or value is None:
        return
    if isinstance(value, (int, float, np.number)):
        assert math.isfinite(float(value)), f"{where}: {value!r} is not finite"
    elif isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.number):
        assert np.all(np.isfinite(value)), f"{where}: array with non-finite values"
    elif isinstance(value, pd.DataFrame):
        nums = value.select_dtypes("number")
        assert not np.isinf(nums.to_numpy(dtype=float, na_value=0.0)).any(), f"{where}: infinite values in the frame"
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _assert_finite(getattr(value, f.name), f"{where}.{f.name}")
    elif isinstance(value, tuple) and hasattr(value, "_fields"):
        for name in value._fields:
            _assert_finite(getattr(value, name), f"{where}.{name}")
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            _assert_finite(item, f"{where}[{i}]")


def _return_type(func):
    inner = inspect.unwrap(func)
    try:
        hint = typing.get_type_hints(inner).get("return")
    except Exception:
        return None
    if isinstance(hint, type) and hint not in (float, int):  # floats may come back as numpy scalars
        return hint
    return None


COVERED = [(q, f) for q, f in FUNCTIONS
           if q not in NOT_COVERED and v.constraints_of(f) is not None and _strategy(q, f) is not None]


def test_uncovered_functions_are_listed():
    # functions with no declared constraints fail test_api_constraints.py; they are not counted here
    uncovered = {q for q, f in FUNCTIONS if v.constraints_of(f) is not None and _strategy(q, f) is None} - set(NOT_COVERED)
    assert not uncovered, f"no valid-input strategy for {sorted(uncovered)}: add one to STRATEGIES"


@pytest.mark.parametrize("qualname", [q for q, _ in COVERED])
def test_generated_valid_input_gives_a_finite_result_of_the_documented_type(qualname):
    func = dict(FUNCTIONS)[qualname]
    declared = set(v.constraints_of(func) or {})
    expected_type = _return_type(func)
    successes = []

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as found, quickly
              suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
    @given(_strategy(qualname, func))
    def check(kwargs):
        try:
            with _time_limit(CALL_SECONDS):
                result = func(**kwargs)
        except ValueError as exc:
            # a joint constraint between parameters: allowed, if it names a declared parameter
            named = str(exc).split(":", 1)[0].replace(" ", "").split(",")
            assert any(n in declared for n in named), f"{qualname}({kwargs}) -> unnamed error: {exc}"
            return
        if expected_type is not None:
            assert isinstance(result, expected_type), f"{qualname} returned {type(result).__name__}, not {expected_type.__name__}"
        if not (qualname in NAN_DOCUMENTED and isinstance(result, float) and math.isnan(result)):
            _assert_finite(result, qualname)
        successes.append(1)

    check()
    assert successes, f"{qualname}: no generated valid input was accepted"
