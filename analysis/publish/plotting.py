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

import matplotlib.axis  # noqa: E402
import matplotlib.figure  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from analysis.publish.glue import GlueKey  # noqa: E402
from analysis.core.validation import InstanceOf, Interval, Real, _Constraint, validate_params  # noqa: E402

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

#: Width in CSS pixels of the column in which the site shows a figure on a desktop, a 1280 x 900
#: window (pydata-sphinx-theme's article column less its padding, measured in Chromium, and
#: measured again on the built site by tests/site/test_readable_charts.py).
FIGURE_COLUMN_PX = 672
#: The smallest text a figure may show in that column, in CSS pixels (11 px, issue 24).
MIN_TEXT_PX = 11.0
#: Resolution of the PNG the page shows (rcParams "savefig.dpi" set by set_theme). A figure
#: narrower than FIGURE_COLUMN_PX / PNG_DPI inches is shown at its own size, not enlarged.
PNG_DPI = 150

__all__ = ["PALETTE", "SEQUENTIAL_CMAP", "DIVERGING_CMAP", "FIGURE_COLUMN_PX", "MIN_TEXT_PX", "set_theme",
           "glue_figure", "save_figure", "interval_panels", "overlapping_labels", "rendered_text_sizes", "plain_number",
           "plain_log_ticks"]


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
            "savefig.dpi": PNG_DPI,
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

    from analysis.publish.glue import glue_with_provenance

    _check_figure_args(key, fig, alt)
    csv_path = _write_data(key, data, data_dir)
    # Render the PNG here rather than through IPython's figure formatter, so the output does not
    # depend on the kernel's matplotlib backend and carries the alt text in its metadata.
    svg = io.StringIO()
    fig.savefig(svg, format="svg", metadata={"Description": alt, "Date": None})
    sizes = rendered_text_sizes(svg.getvalue())
    if sizes and sizes[0][1] < MIN_TEXT_PX:
        text, px = sizes[0]
        plt.close(fig)
        raise ValueError(
            f"fig: figure {key!r} shows text {text!r} at {px:.1f} px in the site's {FIGURE_COLUMN_PX} px figure "
            f"column; every text must be at least {MIN_TEXT_PX:g} px there: use a larger font size or a narrower figure "
            f"(font px = font pt x {FIGURE_COLUMN_PX} / figure width in pt)"
        )
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Description": alt, "Software": None})
    overlaps = overlapping_labels(fig)
    out = Path(data_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{key}.png").write_bytes(buffer.getvalue())
    (out / f"{key}.svg").write_text(svg.getvalue(), encoding="utf-8")
    plt.close(fig)
    # PNG bytes vary with fonts and platforms, so the output comparison of committed and fresh
    # notebooks compares what the figure says instead: its alt text and a digest of its data.
    meta = {"alt": alt}
    if csv_path is not None:
        meta["data_sha256"] = data_digest(csv_path.read_text(encoding="utf-8"))
    glue_with_provenance(key, Image(data=buffer.getvalue(), format="png", metadata=meta), checks={"overlapping_labels": overlaps})
    return csv_path


_LARGE = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


@validate_params({"value": [Real]})
def plain_number(value: float) -> str:
    """A tick value in words a reader knows: ``0.001``, ``1,000``, ``10 million``, ``3 trillion``.

    Log-scale axes otherwise label their ticks as powers of ten whose exponent is drawn at 70% of
    the text size (too small to read where the site shows the figure); these labels are text of
    one size.

    Parameters
    ----------
    value : float
        The tick value.

    Returns
    -------
    str
        Numbers from one million up in millions, billions or trillions (``1,000 trillion`` for
        1e15); smaller ones with thousands separators; below 0.0001 in scientific notation (``1e-6``).
    """
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"value: must be a finite number, got {value!r}")
    size = abs(value)
    for unit, name in _LARGE:
        if size >= unit:
            return f"{value / unit:,.6g} {name}"
    if size == 0 or size >= 1e-4:
        return f"{value:,.6g}"
    return re.sub(r"e([+-])0*(\d)", r"e\1\2", f"{value:.3g}")  # 1e-6, not 1e-06


@validate_params({"axis": [InstanceOf(matplotlib.axis.Axis, "a matplotlib Axis (ax.xaxis or ax.yaxis)")]})
def plain_log_ticks(axis: matplotlib.axis.Axis) -> None:
    """Label a log-scale axis with :func:`plain_number` at its major ticks, leaving minor ticks unlabelled.

    Parameters
    ----------
    axis : matplotlib.axis.Axis
        ``ax.xaxis`` or ``ax.yaxis``.

    Returns
    -------
    None
    """
    import matplotlib.ticker as mticker

    axis.set_major_formatter(mticker.FuncFormatter(lambda v, _pos: plain_number(float(v))))
    axis.set_minor_formatter(mticker.NullFormatter())


_SVG_LENGTH = re.compile(r"^\s*([0-9.]+)\s*(pt|px)?\s*$")
_FONT_SIZE = re.compile(r"font-size:\s*([0-9.]+)px")


@validate_params({"svg": [str], "display_width_px": [Interval(Real, 1, 10_000, closed="both")],
                  "dpi": [Interval(Real, 1, 2400, closed="both")]})
def rendered_text_sizes(svg: str, *, display_width_px: float = FIGURE_COLUMN_PX,
                        dpi: float = PNG_DPI) -> list[tuple[str, float]]:
    """Each text of a matplotlib SVG and its size in CSS pixels where the site shows the figure, smallest first.

    The page shows the figure's PNG (``dpi`` pixels per inch of the SVG's width) scaled down to fit
    ``display_width_px`` and never up, so a text of ``s`` SVG units in a figure ``W`` units wide is
    drawn at

    .. math:: s \\cdot \\min(D,\\ W \\cdot \\mathrm{dpi} / 72) / W

    CSS pixels, with ``D`` the displayed width (a matplotlib SVG measures in points, 72 to the inch).
    Texts are read from ``<text>`` and ``<tspan>`` elements (svg.fonttype "none"), so a superscript
    drawn smaller than its base counts at its own size.

    Parameters
    ----------
    svg : str
        The SVG text, as ``Figure.savefig(format="svg")`` writes it with text kept as text.
    display_width_px : float
        Width of the column the figure is shown in, in CSS pixels.
    dpi : float
        Resolution of the PNG shown on the page.

    Returns
    -------
    list of (str, float)
        ``(text, pixels)`` for every non-blank text, smallest first; empty when the SVG has no text.
    """
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(svg.encode("utf-8"))
    except ET.ParseError as err:
        raise ValueError(f"svg: not a well-formed SVG document ({err})") from None
    m = _SVG_LENGTH.match(root.get("width", ""))
    if m is None or float(m.group(1)) <= 0:
        raise ValueError("svg: the root element needs a positive width in pt (as matplotlib writes it)")
    width = float(m.group(1))
    scale = min(display_width_px, width * dpi / 72.0) / width
    out = []

    def walk(el, inherited: float | None) -> None:
        size = _FONT_SIZE.search(el.get("style", ""))
        size = float(size.group(1)) if size else inherited
        tag = el.tag.rsplit("}", 1)[-1]
        if tag in ("text", "tspan") and (el.text or "").strip() and size is not None:
            out.append((el.text.strip(), size * scale))
        for child in el:
            walk(child, size)

    walk(root, None)
    return sorted(out, key=lambda t: t[1])


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


@validate_params({"summary": [InstanceOf(pd.DataFrame)], "panels": [InstanceOf((list, tuple), "a list of "
                                                                                 "(metric, label, scale)")],
                  "colours": [InstanceOf(dict, "a dict of group -> colour")],
                  "labels": [InstanceOf(dict, "a dict of group -> legend label")],
                  "group": [InstanceOf(str)], "x": [InstanceOf(str)], "xlabel": [InstanceOf(str)]})
def interval_panels(summary: pd.DataFrame, *, panels: list[tuple[str, str, float]] | tuple, colours: dict, labels: dict, group: str = "regime",
                    x: str = "generation", xlabel: str = "generation") -> tuple[matplotlib.figure.Figure, pd.DataFrame]:
    """A 2 x 2 grid of line charts, one line per group with its interval as a band, and the numbers drawn.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per (group, x), with ``metric``, ``metric_lo`` and ``metric_hi`` for every panel's metric.
    panels : list of (str, str, float)
        Four (metric, y-axis label, scale) triples; values are multiplied by the scale (100 for percent).
    colours, labels : dict
        Group -> line colour, and group -> legend label; groups are drawn in the order of ``colours``.
    group, x : str
        The columns that name the line and the horizontal axis.
    xlabel : str
        The horizontal axis label.

    Returns
    -------
    (Figure, DataFrame)
        The figure and the columns it draws (for :func:`glue_figure`'s ``data``).
    """
    if len(panels) != 4:
        raise ValueError(f"panels: four (metric, label, scale) triples, got {len(panels)}")
    columns = [c for m, _, _ in panels for c in (m, f"{m}_lo", f"{m}_hi")]
    missing = [c for c in [group, x, *columns] if c not in summary.columns]
    if missing:
        raise ValueError(f"summary: has no column(s) {missing}")
    fig, axes = plt.subplots(2, 2, figsize=(8, 6), sharex=True)
    for ax, (metric, label, scale) in zip(axes.ravel(), panels):
        for key, colour in colours.items():
            d = summary[summary[group] == key]
            ax.plot(d[x], scale * d[metric], color=colour, marker="o", markersize=3, label=labels[key])
            ax.fill_between(d[x], scale * d[f"{metric}_lo"], scale * d[f"{metric}_hi"], color=colour, alpha=0.2,
                            linewidth=0)
        ax.set_ylabel(label)
    for ax in axes[1]:
        ax.set_xlabel(xlabel)
    axes[0, 0].legend(frameon=False)
    fig.tight_layout()
    extra = [c for c in ("replicates",) if c in summary.columns]
    return fig, summary[[group, x, *extra, *columns]]
