"""Number figures and tables by chapter ("Figure 5.2", "Table 4.1"), not across the whole report.

Sphinx numbers figures, tables and code blocks through the whole toctree (``numfig``) unless the
toctree itself is numbered, and the report's table of contents is not: its chapters take their
numbers from the notebooks' names (``notebooks/05_regulation`` is chapter 5). After Sphinx has
assigned its numbers, this extension rewrites ``env.toc_fignumbers``, the one table both the
captions and every ``{numref}`` read, so that each document's figures (and, separately, its
tables and code blocks) count from 1 behind the document's chapter label:

- ``notebooks/NN_topic`` with NN below 90: chapter ``int(NN)`` (``01`` is 1);
- ``notebooks/9N_topic``: an appendix letter, ``90`` is A, ``91`` B, and so on;
- other pages: the label named in ``chapter_number_labels`` (``book/claims`` is C, for "claims");
  a page with none numbers its figures 1, 2, ... without a prefix.

The caption prefixes are spelled out ("Figure", not "Fig."), as readers cite them.

Most of the report's tables are not Sphinx tables but the HTML of executed cells (DataFrames,
``analysis.publish.labels.display_table``), which Sphinx never numbers. On the pages with a chapter label,
every such table (and every Sphinx table without a caption) gets a caption "Table N.M" in
document order and, when it has none, the anchor ``table-N-M``; tables folded inside
``<details>`` (the data appendix's schemas) and tables nested in tables are left unnumbered.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from docutils import nodes
from sphinx.application import Sphinx

_CHAPTER = re.compile(r"^(\d\d)_")

#: Labels of pages outside notebooks/ that have figures or tables.
DEFAULT_LABELS = {"book/claims": "C"}

#: How captions and references spell each kind of number.
NUMFIG_FORMAT = {"figure": "Figure %s", "table": "Table %s", "code-block": "Listing %s"}


def chapter_label(docname: str, labels: dict[str, str] | None = None) -> str | None:
    """The chapter label of a document: ``"5"`` for notebooks/05_regulation, ``"A"`` for notebooks/90_..., or None.

    Parameters
    ----------
    docname : str
        A Sphinx document name (path without suffix, ``/``-separated).
    labels : dict or None
        Labels of pages that are not numbered chapter notebooks (default :data:`DEFAULT_LABELS`).
    """
    labels = DEFAULT_LABELS if labels is None else labels
    if docname in labels:
        return str(labels[docname])
    path = PurePosixPath(docname)
    m = _CHAPTER.match(path.name)
    if path.parent.name == "notebooks" and m:
        n = int(m.group(1))
        return str(n) if n < 90 else chr(ord("A") + n - 90)
    return None


def renumber(toc_fignumbers: dict, labels: dict[str, str] | None = None) -> dict:
    """Each document's numbers of each kind counted from 1 in document order, behind its chapter label.

    ``toc_fignumbers`` maps document -> kind ("figure", "table", ...) -> node id -> a tuple of
    numbers that Sphinx assigned in reading order across the report; the order is kept, the
    numbers become ``(label, i)`` (or ``(i,)`` for a page without a label).
    """
    out: dict = {}
    for docname, kinds in toc_fignumbers.items():
        label = chapter_label(docname, labels)
        out[docname] = {}
        for kind, ids in kinds.items():
            ordered = sorted(ids, key=lambda i: tuple(ids[i]))
            out[docname][kind] = {
                node_id: ((label, k) if label is not None else (k,)) for k, node_id in enumerate(ordered, start=1)
            }
    return out


def _env_updated(app: Sphinx, env) -> list[str]:
    labels = dict(DEFAULT_LABELS)
    labels.update(app.config.chapter_number_labels or {})
    new = renumber(env.toc_fignumbers, labels)
    changed = [d for d in new if new[d] != env.toc_fignumbers.get(d)]
    env.toc_fignumbers = new
    return changed


_TAGS = re.compile(r"<(/?)(table|details)\b([^>]*)>", flags=re.I)


def number_html_tables(html_text: str, label: str, start: int) -> tuple[str, int]:
    """Caption each top-level table of ``html_text`` outside ``<details>`` "Table {label}.{n}", from ``start``.

    Returns the new HTML and the next number.
    """
    out, pos, depth, folded, n = [], 0, 0, 0, start
    for m in _TAGS.finditer(html_text):
        closing, tag, attrs = m.group(1), m.group(2).lower(), m.group(3)
        if tag == "details":
            folded += -1 if closing else 1
            continue
        if closing:
            depth -= 1
            continue
        depth += 1
        if depth == 1 and folded == 0:
            anchor = "" if re.search(r"\bid=", attrs) else f' id="table-{label.lower()}-{n}"'
            out.append(html_text[pos:m.end()].replace(m.group(0), f"<table{attrs}{anchor}>", 1) if anchor else html_text[pos:m.end()])
            out.append(f'<caption class="reader-table-number"><span class="caption-number">Table {label}.{n} </span></caption>')
            pos = m.end()
            n += 1
    out.append(html_text[pos:])
    return "".join(out), n


def _number_tables(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    labels = dict(DEFAULT_LABELS)
    labels.update(app.config.chapter_number_labels or {})
    label = chapter_label(docname, labels)
    if label is None or app.builder.format != "html":
        return
    n = 1
    for node in list(doctree.findall(lambda x: isinstance(x, (nodes.raw, nodes.table)))):
        if isinstance(node, nodes.table):
            if any(isinstance(c, nodes.title) for c in node.children) or node.next_node(nodes.table, include_self=False):
                continue
            title = nodes.title("", "")
            title += nodes.inline("", f"Table {label}.{n} ", classes=["caption-number"])
            node.insert(0, title)
            if not node["ids"]:
                node["ids"].append(f"table-{label.lower()}-{n}")
            n += 1
        elif "html" in node.get("format", "").split() and "<table" in node.astext().lower():
            text, n = number_html_tables(node.astext(), label, n)
            node.children = []
            node += nodes.Text(text)


def _config_inited(app: Sphinx, config) -> None:
    fmt = dict(config.numfig_format or {})
    fmt.update(NUMFIG_FORMAT)
    config.numfig_format = fmt
    config.numfig = True


def setup(app: Sphinx) -> dict:
    app.add_config_value("chapter_number_labels", {}, "env")
    app.connect("config-inited", _config_inited)
    # after the toctree collector (priority 500) has assigned Sphinx's report-wide numbers
    app.connect("env-get-updated", _env_updated, priority=900)
    app.connect("doctree-resolved", _number_tables)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
