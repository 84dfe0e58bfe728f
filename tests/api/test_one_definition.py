"""One definition per idea (issue 26): the names that were coded twice now reach one implementation."""

from __future__ import annotations

import pytest

from analysis import cost, energy
from analysis.bias import sweep as bias_sweep
from analysis.bias import table as bias_table
from analysis.generators import tables
from analysis.privacy import sweep as privacy_sweep


def test_training_compute_is_computed_once():
    for params, tokens in [(0.0, 0.0), (70e9, 15e12), (405e9, 15.6e12), (1.5, 3.25)]:
        assert energy.training_flop(params=params, tokens=tokens) == cost.training_flops(params, tokens) == 6.0 * params * tokens
    assert isinstance(energy.training_flop(params=1, tokens=2), float)


def test_the_person_tables_have_one_list_and_one_loader():
    assert privacy_sweep.TableSpec is tables.TableSpec and privacy_sweep.TABLES is tables.TABLES
    assert privacy_sweep.load_table is tables.load_table
    for name in ("arrests", "hearts"):
        assert bias_table.load_table(name).equals(tables.load_table(name))
    with pytest.raises(ValueError, match="^name:"):
        bias_table.load_table("diabetes")  # chapter 4 uses two of the three tables


def test_the_bias_sweep_table_keeps_its_0_4_fields_under_its_own_name():
    assert bias_sweep.TableSpec is bias_sweep.SweepTable
    assert bias_sweep.SweepTable("arrests", "colour", "released")._fields == ("name", "group", "label")
    shared = {t.key: t for t in tables.TABLES}
    for t in bias_sweep.TABLES:  # the same columns as the shared list, in the 0.4 field order
        assert (t.group, t.label) == (shared[t.name].group, shared[t.name].label)
