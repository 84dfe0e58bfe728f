"""Figure and glue helpers: alt text is mandatory, numbers glued into prose are finite Python values."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from analysis.publish import plotting
from analysis.publish.glue import glue_value

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
    with pytest.raises((ValueError, TypeError), match="alt: .*alt text"):
        plotting.save_figure(_fig(), tmp_path / "x.png", alt=alt)


def test_figure_helpers_validate_their_arguments(tmp_path):
    with pytest.raises(TypeError, match="fig: expected a matplotlib Figure"):
        plotting.save_figure("not a figure", tmp_path / "x.png", alt=ALT)
    with pytest.raises(ValueError, match="path: .* must end in .png"):
        plotting.save_figure(_fig(), tmp_path / "x.svg", alt=ALT)
    with pytest.raises(ValueError, match="key: .*'1bad'.*starts with a letter"):
        plotting.glue_figure("1bad", _fig(), alt=ALT)
    with pytest.raises(TypeError, match="data: expected a pandas DataFrame"):
        plotting.save_figure(_fig(), tmp_path / "x.png", alt=ALT, data=[1, 2])


def _capture(monkeypatch) -> dict:
    """Record what glue_value / glue_figure display: {key: (mime bundle, metadata)}."""
    glued = {}

    def display(bundle, raw, metadata):
        assert raw is True
        glued[metadata["scrapbook"]["name"]] = (bundle, metadata)

    monkeypatch.setattr("IPython.display.display", display)
    return glued


def test_glue_figure_glues_a_png_and_writes_its_data(tmp_path, monkeypatch):
    import base64

    glued = _capture(monkeypatch)
    path = plotting.glue_figure("fig_rise", _fig(), alt=ALT, data=pd.DataFrame({"y": [1]}), data_dir=tmp_path)
    assert path == tmp_path / "fig_rise.csv" and path.exists()
    bundle, meta = glued["fig_rise"]
    png = base64.b64decode(bundle["application/papermill.record/image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and ALT.encode() in png
    assert meta["scrapbook"]["mime_prefix"] == "application/papermill.record/"
    assert set(meta["provenance"]) == {"datasets", "functions", "rows", "code", "checks"}
    assert meta["provenance"]["checks"] == {"overlapping_labels": []}
    # the figure's downloads beside its data: the same PNG, and an SVG that keeps its text as text
    assert (tmp_path / "fig_rise.png").read_bytes() == png
    svg = (tmp_path / "fig_rise.svg").read_text()
    assert svg.startswith("<?xml") and "<svg" in svg and ALT in svg


def test_glue_value_converts_numpy_and_refuses_nonsense(monkeypatch):
    glued = _capture(monkeypatch)
    glue_value("x", np.float64(2.5))
    glue_value("n", np.int64(3))
    text = {k: b["application/papermill.record/text/plain"] for k, (b, _) in glued.items()}
    assert text == {"x": "2.5", "n": "3"}  # a numpy scalar would print as np.float64(2.5)
    glue_value("row", "EU", rows={"regulation": ["eu-aia-113"]})
    assert glued["row"][1]["provenance"]["rows"] == {"regulation": ["eu-aia-113"]}
    for bad in (math.nan, np.float64("inf")):
        with pytest.raises(ValueError, match="value: must be"):
            glue_value("bad", bad)
    with pytest.raises(TypeError, match="value: expected a finite number"):
        glue_value("arr", np.array([1.0]))
    with pytest.raises(ValueError, match="key: must be a non-empty string key"):
        glue_value("", 1)


def test_overlapping_labels_are_found():
    fig, ax = plt.subplots()
    ax.text(0.5, 0.5, "a long label here")
    ax.text(0.52, 0.5, "another long label")
    ax.text(0.1, 0.9, "far away")
    pairs = plotting.overlapping_labels(fig)
    assert ("a long label here", "another long label") in pairs
    assert not any("far away" in p for p in pairs)
    plt.close(fig)
    clean = _fig()
    assert plotting.overlapping_labels(clean) == []
    plt.close(clean)


def test_tick_labels_outside_the_view_are_not_counted():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set_yscale("log")
    ax.set_ylim(1e-3, 1)
    ax.set_ylabel("a long y label that sits beside the ticks")
    ax.set_xlim(0.2, 0.8)
    assert plotting.overlapping_labels(fig) == []
    plt.close(fig)
