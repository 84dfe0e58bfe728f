"""Figure and glue helpers: alt text is mandatory, numbers glued into prose are finite Python values."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from analysis import plotting
from analysis.report import glue_value

ALT = "A line rising from zero to one over ten steps."


def _fig():
    fig, ax = plt.subplots()
    ax.plot(np.linspace(0, 1, 10))
    return fig


def test_theme_uses_the_colour_blind_safe_palette():
    plotting.set_theme()
    from matplotlib.colors import to_hex

    cycle = [to_hex(c) for c in plt.rcParams["axes.prop_cycle"].by_key()["color"]]
    assert cycle == [c.lower() for c in plotting.PALETTE]


def test_save_figure_writes_png_with_alt_text_and_data(tmp_path):
    path = plotting.save_figure(_fig(), tmp_path / "rise.png", alt=ALT, data=pd.DataFrame({"y": [0, 1]}))
    with Image.open(path) as im:
        assert im.info["Description"] == ALT
    assert (tmp_path / "rise.csv").read_text().splitlines() == ["y", "0", "1"]


@pytest.mark.parametrize("alt", ["", "   ", "a plot", None])
def test_figure_without_real_alt_text_is_refused(tmp_path, alt):
    with pytest.raises(ValueError, match="alt: a figure needs alt text"):
        plotting.save_figure(_fig(), tmp_path / "x.png", alt=alt)


def test_figure_helpers_validate_their_arguments(tmp_path):
    with pytest.raises(TypeError, match="fig: expected a matplotlib Figure"):
        plotting.save_figure("not a figure", tmp_path / "x.png", alt=ALT)
    with pytest.raises(ValueError, match="path: .* must end in .png"):
        plotting.save_figure(_fig(), tmp_path / "x.svg", alt=ALT)
    with pytest.raises(ValueError, match="key: '1bad' must start with a letter"):
        plotting.glue_figure("1bad", _fig(), alt=ALT)
    with pytest.raises(TypeError, match="data: expected a pandas DataFrame"):
        plotting.save_figure(_fig(), tmp_path / "x.png", alt=ALT, data=[1, 2])


def test_glue_figure_glues_a_png_and_writes_its_data(tmp_path, monkeypatch):
    glued = {}
    monkeypatch.setattr("myst_nb.glue", lambda key, obj, display: glued.update({key: obj}))
    path = plotting.glue_figure("fig_rise", _fig(), alt=ALT, data=pd.DataFrame({"y": [1]}), data_dir=tmp_path)
    assert path == tmp_path / "fig_rise.csv" and path.exists()
    png = glued["fig_rise"].data
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and ALT.encode() in png


def test_glue_value_converts_numpy_and_refuses_nonsense(monkeypatch):
    glued = {}
    monkeypatch.setattr("myst_nb.glue", lambda key, obj, display: glued.update({key: obj}))
    glue_value("x", np.float64(2.5))
    glue_value("n", np.int64(3))
    assert glued == {"x": 2.5, "n": 3} and type(glued["x"]) is float and type(glued["n"]) is int
    for bad in (math.nan, np.float64("inf")):
        with pytest.raises(ValueError, match="must not be printed"):
            glue_value("bad", bad)
    with pytest.raises(TypeError, match="value: expected a number or a string"):
        glue_value("arr", np.array([1.0]))
    with pytest.raises(ValueError, match="key: a non-empty string"):
        glue_value("", 1)
