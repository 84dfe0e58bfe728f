"""The Examples in the docstrings of the main entry points run and print what they show (doctest)."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pytest

# module -> the functions whose docstrings carry an Examples section (each must have at least one)
ENTRY_POINTS = {
    "analysis.core.trend": ["decimal_year"],
    "analysis.core.stats": ["wilson_score", "t_interval"],
    "analysis.cost.model": ["training_flops", "training_cost"],
    "analysis.collapse.models": ["smallest_sufficient_fraction", "gaussian_theory"],
    "analysis.data.loader": ["load"],
    "analysis.core.validation": [],  # the module docstring's decorator example
}


@pytest.mark.parametrize("module", sorted(ENTRY_POINTS))
def test_docstring_examples_run(module):
    mod = importlib.import_module(module)
    finder = doctest.DocTestFinder(exclude_empty=True)
    tests = {t.name.rsplit(".", 1)[-1]: t for t in finder.find(mod, module)}
    for name in ENTRY_POINTS[module]:
        assert name in tests and tests[name].examples, f"{module}.{name} has no doctested example"
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    with np.printoptions(legacy=False):
        for test in tests.values():
            runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} doctest example(s) failed in {module} (see the output above)"
