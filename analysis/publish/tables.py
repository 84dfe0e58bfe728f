"""HTML for the site's data appendix: every curated table with its schema and download links.

The site copies ``analysis/data/NAME.csv`` and ``NAME.schema.yml`` to ``data/`` at the root of
the built site (``tools/reader_site.py``); these helpers write the links to them. Tables shown
in chapters need nothing from here: the site makes every table searchable, sortable and
downloadable on its own (``book/_static/reader.js``).
"""

from __future__ import annotations

import html

from analysis.data import loader as data
from analysis.core.validation import Options, validate_params

__all__ = ["dataset_section_html", "datasets_html"]


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
