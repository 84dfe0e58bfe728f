"""One figure style for the whole report, and helpers that glue or save figures with alt text.

The palette is Okabe & Ito's (2008) colour-blind-safe set, which seaborn ships as "colorblind"
in a different order; ours is fixed here so every chapter shows the same colour for the same role.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import matplotlib

# Headless: a figure reaches the page only through glue_figure or save_figure, which require alt
# text; a figure left open is never displayed by accident.
matplotlib.use("Agg")

import matplotlib.figure  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from .report import GlueKey  # noqa: E402
from .validation import InstanceOf, Interval, Real, _Constraint, validate_params  # noqa: E402

# Okabe-Ito: black excluded (reserved for reference lines and text).
PALETTE = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow (low contrast on white: use for fills, not thin lines)
]
SEQUENTIAL_CMAP = "viridis"  # perceptually uniform and colour-blind safe
DIVERGING_CMAP = "cividis"

_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")

__all__ = ["PALETTE", "SEQUENTIAL_CMAP", "DIVERGING_CMAP", "set_theme", "glue_figure", "save_figure", "overlapping_labels"]


class AltText(_Constraint):
    """Alt text that says what a figure shows: a string of at least 15 non-blank characters."""

    example = "A line rising from zero to one."

    def type_ok(self, value) -> bool:
        return isinstance(value, str)

    def check(self, value) -> str | None:
        return None if len(value.strip()) >= 15 else "a figure needs alt text of at least 15 characters that says what it shows"

    def describe(self) -> str:
        return "alt text of at least 15 characters"


_FIG = [InstanceOf(matplotlib.figure.Figure, "a matplotlib Figure")]
_DATA = [InstanceOf(pd.DataFrame, "a pandas DataFrame"), None]


@validate_params({})
def set_theme() -> None:
    """Apply the report's seaborn theme and colour-blind-safe palette to every later figure.

    Returns
    -------
    None
    """
    # font_scale: a 7-inch figure is shown about 360 px wide on a phone; at seaborn's default
    # sizes its tick labels were about 6 px there, at 1.25 they are about 9-10 px.
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, font_scale=1.25)
    plt.rcParams.update(
        {
            "figure.figsize": (7.0, 4.0),
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "svg.fonttype": "none",  # text stays text in the SVG download: searchable, selectable
            "savefig.bbox": "tight",
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "image.cmap": SEQUENTIAL_CMAP,
        }
    )


def _check_figure_args(key: str, fig, alt: str) -> None:
    if not isinstance(key, str) or not _KEY.match(key):
        raise ValueError(f"key: {key!r} must start with a letter and hold only letters, digits and '_'")
    if not isinstance(fig, matplotlib.figure.Figure):
        raise TypeError(f"fig: expected a matplotlib Figure, got {type(fig).__name__}")
    if not isinstance(alt, str) or len(alt.strip()) < 15:
        raise ValueError(
            "alt: a figure needs alt text of at least 15 characters that says what it shows"
        )


@validate_params({"key": [GlueKey()], "fig": _FIG, "alt": [AltText()], "data": _DATA, "data_dir": [str, Path]})
def glue_figure(key: str, fig: matplotlib.figure.Figure, *, alt: str, data: pd.DataFrame | None = None,
                data_dir: str | Path = "figure_data") -> Path | None:
    """Glue ``fig`` under ``key`` for a ``{glue:figure}`` directive (which must repeat ``:alt:``).

    ``alt`` is required (checked here; the page test checks every rendered image has it). When ``data`` is given, the
    numbers behind the figure are written to ``<data_dir>/<key>.csv`` (relative to the notebook) so
    the page can offer them for download with ``{download}`` next to the figure. The figure itself
    is also written there as ``<key>.svg`` and ``<key>.png``; the site offers both under the
    figure, with a "cite this figure" line, and links the figure to its provenance record.

    Parameters
    ----------
    key : str
        Literal glue key, prefixed by chapter (``ch01_...``).
    fig : matplotlib.figure.Figure
        The figure to glue.
    alt : str
        Alt text saying what the figure shows (at least 15 non-blank characters).
    data : pandas.DataFrame or None
        The numbers behind the figure, written as ``<data_dir>/<key>.csv``.
    data_dir : str or pathlib.Path
        Directory (relative to the notebook) for the CSV, SVG and PNG.

    Returns
    -------
    pathlib.Path or None
        The path of the CSV, or None when ``data`` is None.
    """
    from IPython.display import Image

    from .report import glue_with_provenance

    _check_figure_args(key, fig, alt)
    csv_path = _write_data(key, data, data_dir)
    # Render the PNG here rather than through IPython's figure formatter, so the output does not
    # depend on the kernel's matplotlib backend and carries the alt text in its metadata.
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Description": alt, "Software": None})
    overlaps = overlapping_labels(fig)
    out = Path(data_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{key}.png").write_bytes(buffer.getvalue())
    fig.savefig(out / f"{key}.svg", format="svg", metadata={"Description": alt, "Date": None})
    plt.close(fig)
    # PNG bytes vary with fonts and platforms, so the output comparison of committed and fresh
    # notebooks compares what the figure says instead: its alt text and a digest of its data.
    meta = {"alt": alt}
    if csv_path is not None:
        meta["data_sha256"] = data_digest(csv_path.read_text(encoding="utf-8"))
    glue_with_provenance(key, Image(data=buffer.getvalue(), format="png", metadata=meta), checks={"overlapping_labels": overlaps})
    return csv_path


@validate_params({"fig": _FIG, "tolerance_px": [Interval(Real, 0, 50, closed="both")]})
def overlapping_labels(fig: matplotlib.figure.Figure, *, tolerance_px: float = 1.0) -> list[tuple[str, str]]:
    """Pairs of visible texts of ``fig`` (titles, axis and tick labels, legends, annotations) that overlap.

    Two texts overlap when their drawn boxes intersect by more than ``tolerance_px`` pixels in
    both directions. The site's tests require none, so no label of a published figure hides another.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    tolerance_px : float
        Intersections up to this many pixels (in both directions) are not counted.

    Returns
    -------
    list of (str, str)
        The texts of each overlapping pair.
    """
    import matplotlib.text

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    # an axis keeps label objects for ticks outside its view limits; they are not drawn
    undrawn = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            drawn = {id(x) for tick in axis._update_ticks() for x in (tick.label1, tick.label2)}
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                undrawn.update(id(x) for x in (tick.label1, tick.label2) if id(x) not in drawn)
    boxes = []
    for t in fig.findobj(matplotlib.text.Text):
        if not t.get_visible() or not t.get_text().strip() or id(t) in undrawn:
            continue
        try:
            bb = t.get_window_extent(renderer)
        except (RuntimeError, ValueError):  # a text without a position cannot be drawn
            continue
        if bb.width > 0 and bb.height > 0:
            boxes.append((t.get_text(), bb))
    pairs = []
    for i, (text_a, a) in enumerate(boxes):
        for text_b, b in boxes[i + 1:]:
            dx = min(a.x1, b.x1) - max(a.x0, b.x0)
            dy = min(a.y1, b.y1) - max(a.y0, b.y0)
            if dx > tolerance_px and dy > tolerance_px:
                pairs.append((text_a, text_b))
    return pairs


@validate_params({"fig": _FIG, "path": [str, Path], "alt": [AltText()], "data": _DATA})
def save_figure(fig: matplotlib.figure.Figure, path: str | Path, *, alt: str, data: pd.DataFrame | None = None) -> Path:
    """Save ``fig`` as a PNG at ``path`` with ``alt`` in its Description metadata (and its data as CSV).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to save.
    path : str or pathlib.Path
        Where to write the PNG.
    alt : str
        Alt text saying what the figure shows (at least 15 non-blank characters).
    data : pandas.DataFrame or None
        The numbers behind the figure, written beside the PNG as CSV.

    Returns
    -------
    pathlib.Path
        The path of the PNG written.
    """
    path = Path(path)
    _check_figure_args(path.stem.replace("-", "_"), fig, alt)
    if path.suffix.lower() != ".png":
        raise ValueError(f"path: {path} must end in .png")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, metadata={"Description": alt, "Software": None})
    if data is not None:
        _write_data(path.stem, data, path.parent)
    plt.close(fig)
    return path


_DECIMAL = re.compile(r"-?\d+\.\d+(?:[eE][+-]?\d+)?")


def round_decimals(text: str, *, significant: int = 10) -> str:
    """Round every decimal number in ``text`` to ``significant`` significant digits.

    The last bits of a float can differ between CPUs (BLAS kernels chosen by instruction set);
    ten significant digits keep every change a reader could see. Rounding, not truncation, so
    0.29999999999999 and 0.30000000000001 compare equal.
    """
    return _DECIMAL.sub(lambda m: format(float(m.group()), f".{significant}g"), text)


def data_digest(csv_text: str) -> str:
    """SHA-256 of a figure's data CSV, as written (numbers at :data:`FIGURE_DATA_DIGITS` significant digits)."""
    import hashlib

    return hashlib.sha256(csv_text.encode("utf-8")).hexdigest()


#: Significant digits of the numbers in a figure's data CSV. More than any chart can show, and few
#: enough that the file a reader downloads is the same on every machine: the last bits of a float
#: differ between BLAS kernels and SIMD paths (measured: at most 6e-15 relatively), which at six
#: digits changes a written number only if it lies within that distance of a rounding midpoint.
FIGURE_DATA_DIGITS = 6


def _write_data(key: str, data: pd.DataFrame | None, data_dir) -> Path | None:
    if data is None:
        return None
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data: expected a pandas DataFrame, got {type(data).__name__}")
    out = Path(data_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{key}.csv"
    data.to_csv(path, index=False, float_format=f"%.{FIGURE_DATA_DIGITS}g")
    return path
