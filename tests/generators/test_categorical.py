"""Number-coded categories: every generator models a declared column as a category, never as a quantity.

The heart table codes sex as 0/1 and chest-pain type as 0-4; 0.4 let the copula and the deep
generators model such columns as numbers and round their draws. A column whose codes are far apart
(0 and 5 here) shows the difference: modelled as a number, rounded draws land between the codes;
modelled as a category, every draw is one of them.
"""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest

from analysis.bias import fairness_sweep
from analysis.bias.table import check_table
from analysis.generators import tables
from analysis.generators.tabular import make_generator

HAS_DEEP = importlib.util.find_spec("torch") is not None and importlib.util.find_spec("ctgan") is not None


def _coded_table(rows: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    group = rng.integers(0, 2, rows)
    return pd.DataFrame({
        "code": np.where(group == 1, 5, 0).astype(np.int64),  # a category coded 0 or 5
        "many": rng.integers(0, 40, rows) * 3,  # 40 levels, more than MST's 16 bins
        "x": rng.normal(size=rows) + 2.0 * group,
    })


def _make(name: str, categorical):
    if name == "mst":
        return make_generator("mst", epsilon=10.0, categorical=categorical)
    if name in ("tvae", "ctgan"):
        return make_generator(name, epochs=5, categorical=categorical)
    return make_generator(name, categorical=categorical)


NAMES = ["copula", "mst", pytest.param("tvae", marks=pytest.mark.skipif(not HAS_DEEP, reason="needs the extra 'deep'")),
         pytest.param("ctgan", marks=pytest.mark.skipif(not HAS_DEEP, reason="needs the extra 'deep'"))]


@pytest.mark.parametrize("name", NAMES)
def test_a_declared_column_is_drawn_from_its_levels_only(name):
    table = _coded_table()
    out = _make(name, ("code", "many")).fit(table, seed=1).sample(len(table), seed=2)
    assert out.dtypes.equals(table.dtypes)
    assert set(out["code"]) <= {0, 5}
    assert set(out["many"]) <= set(table["many"])


def test_undeclared_the_copula_draws_between_the_codes():
    # the test above could not fail if every generator kept a column's levels anyway
    table = _coded_table()
    out = make_generator("copula").fit(table, seed=1).sample(len(table), seed=2)
    assert not set(out["code"]) <= {0, 5}


def test_undeclared_mst_bins_a_column_of_many_levels():
    table = _coded_table()
    out = make_generator("mst", epsilon=10.0).fit(table, seed=1).sample(len(table), seed=2)
    assert not set(out["many"]) <= set(table["many"])


@pytest.mark.parametrize("categorical, error", [
    ("code", TypeError), (("code", 3), TypeError), (None, TypeError), (("code", "code"), ValueError),
])
def test_bad_declarations_are_named(categorical, error):
    with pytest.raises(error, match="categorical"):
        make_generator("copula", categorical=categorical)


def test_a_declared_column_missing_from_the_table_is_named():
    with pytest.raises(ValueError, match="categorical.*nope"):
        make_generator("copula", categorical=("nope",)).fit(_coded_table(), seed=1)


@pytest.mark.parametrize("spec", tables.TABLES, ids=[t.key for t in tables.TABLES])
def test_each_declared_column_is_a_numeric_code_of_the_table(spec):
    table = tables.load_table(spec.key)
    for c in spec.categorical:
        assert c in table.columns and pd.api.types.is_numeric_dtype(table[c]), c
        assert table[c].nunique() <= 10, c  # codes, not measurements
    assert spec.group in table.columns and spec.label in table.columns
    if pd.api.types.is_numeric_dtype(table[spec.group]):
        assert spec.group in spec.categorical and spec.label in spec.categorical


@pytest.mark.parametrize("key", ["arrests", "hearts"])
def test_the_bias_loop_and_the_generators_take_the_same_categories(key):
    spec = tables.table_spec(key)
    table = tables.load_table(key)
    generators = [c for c in table.columns if c in spec.categorical or not pd.api.types.is_numeric_dtype(table[c])]
    loop = fairness_sweep.TABLE_COLUMNS[key]
    taken = check_table(table, **loop)
    assert taken == [c for c in generators if c not in (loop["group"], loop["label"])]
    if key == "hearts":  # the heart table's codes and its one text column (thal) are all categories
        assert taken == ["cp", "fbs", "restecg", "exang", "slope", "ca", "thal"]


def test_table_spec_names_a_bad_key():
    with pytest.raises(ValueError, match="key"):
        tables.table_spec("census")
