"""One validation (issue 26): the declaration is the only check of a declared parameter.

A function decorated with ``validate_params`` does not check a declared parameter again in its
body (``check_int``, ``check_real``, ``check_seed``, ``check_frame`` on that parameter): nested calls
skip the declaration's checks on purpose (scikit-learn's ``prefer_skip_nested_validation``), and a
second check in the body would run anyway, with its own range, possibly another. A constraint
between parameters (``successes <= trials``) is declared as a relation.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.bias.summary import wilson_interval
from analysis.collapse.models import regression_theory, regression_unit
from analysis.core.trend import bootstrap_slopes
from analysis.core.validation import relations_of
from analysis.exhaustion.model import geometric_midpoint
from analysis.privacy.attacks import distance_to_closest_record, gower_nearest, wilson_rate
from analysis.publish.explorer import value_list

ROOT = Path(__file__).resolve().parents[2]
BODY_CHECKS = {"check_int", "check_real", "check_seed", "check_frame"}


def _declared(fn: ast.FunctionDef) -> set[str] | None:
    for d in fn.decorator_list:
        if isinstance(d, ast.Call) and getattr(d.func, "id", getattr(d.func, "attr", "")) == "validate_params":
            if d.args and isinstance(d.args[0], ast.Dict):
                return {k.value for k in d.args[0].keys if isinstance(k, ast.Constant)}
    return None


def test_no_declared_parameter_is_checked_again_in_the_body():
    found = []
    for path in sorted((ROOT / "analysis").rglob("*.py")):
        for fn in ast.walk(ast.parse(path.read_text())):
            if not isinstance(fn, ast.FunctionDef) or (declared := _declared(fn)) is None:
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") in BODY_CHECKS and node.args:
                    a0 = node.args[0]
                    name = a0.value if isinstance(a0, ast.Constant) else getattr(a0, "id", None)
                    if name in declared:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} {fn.name}: {node.func.id}({name})")
    assert not found, found


def test_the_scan_would_find_a_body_check():
    src = ('@validate_params({"n": [Interval(Integral, 1, 10, closed="both")]})\n'
           'def f(n):\n    n = check_int("n", n, minimum=1)\n    return n\n')
    fn = ast.parse(src).body[0]
    assert _declared(fn) == {"n"}
    assert any(isinstance(c, ast.Call) and getattr(c.func, "id", "") == "check_int" for c in ast.walk(fn))


@pytest.mark.parametrize("call, names", [
    (lambda: wilson_rate(5, 3), "successes, trials"),
    (lambda: wilson_interval(5, 3), "successes, trials"),
    (lambda: regression_unit(n_samples=4, n_features=3, noise_std=1.0), "n_samples, n_features"),
    (lambda: regression_theory(generations=2, n_samples=4, n_features=3, noise_std=1.0), "n_samples, n_features"),
    (lambda: geometric_midpoint(low=2.0, high=1.0), "low, high"),
    (lambda: value_list(start=2.0, stop=1.0, step=0.5), "start, stop"),
    (lambda: bootstrap_slopes(np.arange(4.0), np.arange(5.0), n_boot=10, rng=np.random.default_rng(0)), "x, y"),
    (lambda: gower_nearest(pd.DataFrame({"a": [1.0]}), pd.DataFrame({"a": [1.0, 2.0]}), k=3), "k, pool, exclude_self"),
    (lambda: distance_to_closest_record(pd.DataFrame({"a": [1.0]}), pd.DataFrame({"a": [1.0]}),
                                        pd.DataFrame({"a": [1.0, 2.0]})), "train, holdout"),
])
def test_a_relation_between_parameters_is_declared_and_named(call, names):
    with pytest.raises(ValueError, match=f"^{names}:"):
        call()


def test_relations_are_declared_not_hidden():
    assert relations_of(wilson_rate) and relations_of(gower_nearest) and relations_of(regression_theory)
