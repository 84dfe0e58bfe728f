"""The one row lookup of the package (analysis.core.frames), which the chapters and chapter 6's summary cells call."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.core.frames import lookup_row
from analysis.privacy import report as privacy_report
from analysis.publish import tables

DF = pd.DataFrame({"table": ["a", "a", "b"], "generation": [0, 1, 0], "value": [1.0, 2.0, 3.0]}, index=[7, 8, 9])


def test_lookup_row_returns_the_matching_row_with_its_label():
    row = lookup_row(DF, {"table": "a", "generation": 1})
    assert row.name == 8 and row["value"] == 2.0
    pd.testing.assert_series_equal(tables.lookup(DF, table="a", generation=1), row)


@pytest.mark.parametrize(("where", "message"), [
    ({"table": "c"}, "summary: 0 rows match table='c'"),
    ({"table": "a"}, "summary: 2 rows match table='a'"),
    ({"tabel": "a"}, r"summary: has no column\(s\) \['tabel'\]"),
])
def test_lookup_row_names_the_callers_frame_and_the_condition(where, message):
    with pytest.raises(ValueError, match=message):
        lookup_row(DF, where, name="summary")


def test_privacy_cell_is_the_same_lookup():
    s = pd.DataFrame({"table": ["t", "t"], "generator": ["g", "h"], "metric": ["m", "m"], "mean": [0.5, 0.6]})
    pd.testing.assert_series_equal(privacy_report.cell(s, "t", "h", "m"), lookup_row(s, {"table": "t", "generator": "h",
                                                                                          "metric": "m"}))
    with pytest.raises(TypeError, match="where: expected a mapping"):
        lookup_row(DF, [("table", "a")])
