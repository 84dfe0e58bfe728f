"""The 2 x 2 interval chart both language-model figures of chapter 3 draw (analysis.publish.plotting.interval_panels)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis.publish import plotting

PANELS = [("a", "A", 1), ("b", "B (%)", 100), ("c", "C", 1), ("d", "D", 1)]


def _summary():
    rows = []
    for g in ("x", "y"):
        for t in range(3):
            row = {"regime": g, "generation": t, "replicates": 3}
            for m, _, _ in PANELS:
                v = t + (g == "y")
                row |= {m: v, f"{m}_lo": v - 0.5, f"{m}_hi": v + 0.5}
            rows.append(row)
    return pd.DataFrame(rows)


def test_each_panel_draws_one_line_per_group_with_its_scale_and_the_data_it_draws():
    s = _summary()
    fig, data = plotting.interval_panels(s, panels=PANELS, colours={"y": "red", "x": "blue"}, labels={"x": "X", "y": "Y"})
    axes = fig.axes
    assert len(axes) == 4 and [ax.get_ylabel() for ax in axes] == [p[1] for p in PANELS]
    lines = axes[1].get_lines()
    assert [ln.get_label() for ln in lines] == ["Y", "X"]  # the order of the colours
    np.testing.assert_allclose(lines[0].get_ydata(), 100 * np.array([1, 2, 3]))
    assert list(data.columns[:3]) == ["regime", "generation", "replicates"] and len(data.columns) == 3 + 12
    plt.close(fig)


def test_interval_panels_refuses_other_than_four_panels_or_a_missing_column():
    with pytest.raises(ValueError, match="panels: four"):
        plotting.interval_panels(_summary(), panels=PANELS[:3], colours={"x": "b"}, labels={"x": "X"})
    with pytest.raises(ValueError, match=r"summary: has no column\(s\) \['d_hi'\]"):
        plotting.interval_panels(_summary().drop(columns="d_hi"), panels=PANELS, colours={"x": "b"}, labels={"x": "X"})
