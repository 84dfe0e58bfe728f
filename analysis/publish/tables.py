"""Tables for the pages: the site's data appendix, a row looked up by its values, and cell formatting.

The data appendix is every curated table with its schema and download links.

The site copies ``analysis/data/NAME.csv`` and ``NAME.schema.yml`` to ``data/`` at the root of
the built site (``tools/reader_site.py``); these helpers write the links to them. Tables shown
in chapters need nothing from here: the site makes every table searchable, sortable and
downloadable on its own (``book/_static/reader.js``).
"""

from __future__ import annotations

import html
from importlib.metadata import PackageNotFoundError, version

import numpy as np
import pandas as pd

from analysis.data import loader as data
from analysis.core.frames import lookup_row
from analysis.core.validation import (Frame, Integral, Interval, Options, Real, RealOrNaN, validate_params)

__all__ = ["dataset_section_html", "datasets_html", "disclosed_share", "disclosed_tokens", "installed_version",
           "interval_text", "lookup", "round_significant"]


@validate_params({"frame": [Frame(min_rows=0)]})
def lookup(frame: pd.DataFrame, **where: object) -> pd.Series:
    """The one row of ``frame`` whose columns equal the values given: ``lookup(runs, table="hearts", generation=20)``.

    Values are compared with ``==`` (exactly, floats included); the row is returned as
    ``frame[mask].iloc[0]``, with the frame's index label as its name.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table to search.
    **where : object
        Column name -> the value that column must hold.

    Returns
    -------
    pandas.Series
        The matching row.

    Raises
    ------
    ValueError
        If a column is missing, or if no row or several rows match; the message names the columns
        and values.

    Examples
    --------
    >>> df = pd.DataFrame({"table": ["a", "a", "b"], "generation": [0, 1, 0], "value": [1.0, 2.0, 3.0]})
    >>> float(lookup(df, table="a", generation=1)["value"])
    2.0
    """
    return lookup_row(frame, where)  # the one implementation (analysis.core.frames)


@validate_params({"estimate": [RealOrNaN()], "low": [RealOrNaN()], "high": [RealOrNaN()],
                  "scale": [Options(Real, (1, 100))], "decimals": [Interval(Integral, 0, 15, closed="both")]})
def interval_text(estimate: float, low: float, high: float, *, scale: float = 1, decimals: int = 2) -> str:
    """A table cell for an estimate and its interval: ``"0.52 (0.50 to 0.54)"``, or ``"0.52"`` when ``low`` is NaN.

    Parameters
    ----------
    estimate : float
        The estimate.
    low, high : float
        The ends of its interval; NaN for ``low`` when no interval was computed (one replicate).
    scale : {1, 100}
        Factor applied to the three values: 100 for a share shown in percent.
    decimals : int
        Decimal places shown.

    Returns
    -------
    str
        The formatted cell.

    Examples
    --------
    >>> interval_text(0.5234, 0.5011, 0.5457)
    '0.52 (0.50 to 0.55)'
    >>> interval_text(0.5234, float("nan"), float("nan"))
    '0.52'
    """
    d, k = int(decimals), scale
    if np.isnan(low):
        return f"{k * estimate:.{d}f}"
    return f"{k * estimate:.{d}f} ({k * low:.{d}f} to {k * high:.{d}f})"


@validate_params({"value": [Interval(Real, None, None)], "figures": [Interval(Integral, 1, 15, closed="both")]})
def round_significant(value: float, figures: int = 2) -> float:
    """``value`` rounded to ``figures`` significant figures with ``numpy.round``.

    Parameters
    ----------
    value : float
        The number to round.
    figures : int
        Significant figures kept.

    Returns
    -------
    float
        The rounded value (0.0 for 0).

    Examples
    --------
    >>> round_significant(431.7)
    430.0
    >>> round_significant(0.012345, 3)
    0.0123
    """
    x = float(value)
    if x == 0:
        return 0.0
    decimals = int(figures) - 1 - int(np.floor(np.log10(abs(x))))
    if decimals > 300:  # numpy scales by 10**decimals, which overflows; Python's round does not
        return float(round(x, decimals))
    return float(np.round(value, decimals))


@validate_params({"package": [str]})
def installed_version(package: str) -> str:
    """The installed version of a distribution, or ``"not installed (optional extra)"``.

    Parameters
    ----------
    package : str
        Distribution name, as in ``uv.lock``.

    Returns
    -------
    str
        Its version string, or the note for a package of an optional extra not installed.
    """
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed (optional extra)"


def _check_prefix(href_prefix: str) -> str:
    if not isinstance(href_prefix, str):
        raise TypeError(f"href_prefix: expected a string path to the site's data folder, got {type(href_prefix).__name__}")
    return href_prefix if href_prefix.endswith("/") or not href_prefix else href_prefix + "/"


@validate_params({"name": [Options(str, data.available())], "href_prefix": [str]})
def dataset_section_html(name: str, *, href_prefix: str = "../data/") -> str:
    """One dataset's entry: anchor ``data-NAME``, title, description, origin, downloads and schema.

    Parameters
    ----------
    name : str
        A dataset of ``analysis/data`` (see :func:`analysis.data.loader.available`).
    href_prefix : str
        The path from the page to the site's ``data/`` folder.

    Returns
    -------
    str
        An HTML fragment.
    """
    if name not in data.available():
        raise ValueError(f"name: {name!r} is not a curated dataset; one of {', '.join(data.available())}")
    prefix = _check_prefix(href_prefix)
    schema = data.load_schema(name)
    frame = data.load(name)
    e = html.escape
    origin = schema.get("origin") or {}
    origin_html = ""
    if origin:
        origin_html = (
            "<p>Origin: " + e(str(origin.get("producer", ""))) + "; version " + e(str(origin.get("version", "")))
            + "; checked " + e(str(origin.get("date_accessed", ""))) + "; licence " + e(str(origin.get("licence", "")))
            + ".</p>"
        )
    rows = []
    for col, spec in schema["columns"].items():
        constraint = []
        if "unit" in spec:
            constraint.append(f"unit: {spec['unit']}")
        if "allowed" in spec:
            # the values exactly as the CSV file holds them, so shown as code
            constraint.append("one of " + ", ".join(f"<code>{e(str(a))}</code>" for a in spec["allowed"]))
        for bound in ("min", "max"):
            if bound in spec:
                constraint.append(f"{bound} {spec[bound]}")
        if not spec.get("required", True):
            constraint.append("optional")
        rows.append(
            f"<tr><td><code>{e(col)}</code></td><td>{e(str(spec['type']))}</td>"
            f"<td>{'; '.join(c if c.startswith('one of ') else e(c) for c in constraint)}</td><td>{e(' '.join(str(spec.get('description', '')).split()))}</td></tr>"
        )
    pk = schema.get("primary_key")
    return (
        f'<section class="data-entry reader-skip" id="data-{e(name)}">'
        f"<h3>{e(schema['title'])} (<code>{e(name)}</code>)</h3>"
        f"<p>{e(' '.join(str(schema['description']).split()))}</p>{origin_html}"
        f"<p>{len(frame)} rows, {len(schema['columns'])} columns"
        + (f", one row per <code>{e(str(pk))}</code>" if pk else "")
        + f'. Download: <a href="{prefix}{e(name)}.csv" download>{e(name)}.csv</a> · '
        f'<a href="{prefix}{e(name)}.schema.yml" download>{e(name)}.schema.yml</a></p>'
        f"<details><summary>Schema of {e(name)}</summary>"
        '<table class="table"><thead><tr><th>column</th><th>type</th><th>constraint</th><th>meaning</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></details></section>"
    )


@validate_params({"href_prefix": [str]})
def datasets_html(*, href_prefix: str = "../data/") -> str:
    """:func:`dataset_section_html` for every curated dataset, in name order.

    Parameters
    ----------
    href_prefix : str
        Prefix of the links to the dataset files.

    Returns
    -------
    str
        The HTML sections, one per dataset.
    """
    return "\n".join(dataset_section_html(n, href_prefix=href_prefix) for n in data.available())


@validate_params({"share": [RealOrNaN()]})
def disclosed_share(share: float) -> str:
    """A share as a whole percentage (``"40%"``), or ``"not disclosed"`` for NaN.

    Parameters
    ----------
    share : float
        The share (0.4 for 40%), NaN where the source gives none.

    Returns
    -------
    str
        The table cell.
    """
    return "not disclosed" if pd.isna(share) else f"{100 * share:.0f}%"


@validate_params({"tokens": [RealOrNaN()]})
def disclosed_tokens(tokens: float) -> str:
    """A token count in billions (``"1,500 billion"``), or ``"not disclosed"`` for NaN.

    Parameters
    ----------
    tokens : float
        The number of tokens, NaN where the source gives none.

    Returns
    -------
    str
        The table cell.
    """
    return "not disclosed" if pd.isna(tokens) else f"{tokens / 1e9:,.0f} billion"
