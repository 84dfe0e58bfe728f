"""Link the first use of each glossary term on every page to its entry on the glossary page.

The glossary page (``book/glossary``) holds one Sphinx ``glossary`` directive; an entry may have
several terms (synonyms, an abbreviation and its expansion), and counts once: on each page, the
first occurrence in ordinary text of any of an entry's terms becomes a link to that entry, and
later occurrences stay plain. Headings, code, links, math, literal blocks, captions' figure alt
text (an attribute, never a text node), raw HTML and API signatures are left alone. New pages get
the links with no change here.

Matching (:func:`compile_terms`, :func:`first_uses`): whole words only; a plural ``s``/``es`` is
allowed; a term written in lower case matches in any case ("Perplexity" at the start of a
sentence), a term with capitals after its first letter (an acronym: AUC, MST, TVAE, FLOP, PUE) only
as written, so "flop" or "Mst" never match; the longest term wins where two start at the same
place ("Gaussian copula" before "copula").

Also registers ``reader_first.css`` (the findings panel of the landing page, the chapters'
highlights boxes, the glossary links).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from docutils import nodes
from sphinx import addnodes

GLOSSARY_DOC = "book/glossary"

# text inside these is never linked
SKIP_NODES: tuple[type, ...] = (
    nodes.title, nodes.subtitle, nodes.rubric, nodes.reference, nodes.literal, nodes.literal_block,
    nodes.doctest_block, nodes.math, nodes.math_block, nodes.raw, nodes.image, nodes.target,
    nodes.comment, nodes.term, nodes.field_name, nodes.option_string, nodes.abbreviation,
    nodes.citation_reference, nodes.footnote_reference, nodes.problematic, nodes.system_message,
    addnodes.desc_signature, addnodes.glossary, addnodes.toctree, addnodes.pending_xref,
    addnodes.only, addnodes.index,
)


@dataclass(frozen=True)
class Term:
    """One term of a glossary entry: its text, the entry's anchor and a one-line definition."""

    text: str
    anchor: str
    title: str = ""


def _is_case_sensitive(term: str) -> bool:
    """An acronym or a proper name (a capital after the first letter) matches only as written."""
    return any(c.isupper() for c in term[1:])


def _term_pattern(term: str) -> str:
    words = [re.escape(w) for w in term.split()]
    body = r"\s+".join(words)  # a term may break across lines in the source
    if term[-1].isalpha():
        body += r"(?:e?s)?"
    if not _is_case_sensitive(term):
        body = f"(?i:{body})"
    # whole words: no letter, digit, underscore or hyphen on either side
    return rf"(?<![\w-]){body}(?![\w-])"


def compile_terms(terms: Iterable[Term]) -> tuple[re.Pattern, list[Term]]:
    """One regular expression matching any of ``terms`` (longest first), and the terms in group order.

    Raises ValueError for an empty term.
    """
    ordered = sorted(terms, key=lambda t: (-len(t.text), t.text))
    for t in ordered:
        if not t.text.strip():
            raise ValueError("terms: every term must be a non-empty string")
    if not ordered:
        return re.compile(r"(?!x)x"), []
    pattern = "|".join(f"(?P<t{i}>{_term_pattern(t.text)})" for i, t in enumerate(ordered))
    return re.compile(pattern), ordered


def first_uses(text: str, matcher: tuple[re.Pattern, list[Term]], used: set[str]) -> list[tuple[int, int, Term]]:
    """(start, end, term) of each match in ``text`` whose entry is not yet in ``used``; ``used`` is updated.

    Only the first match of each entry (anchor) is returned, in text order.
    """
    regex, ordered = matcher
    found = []
    for m in regex.finditer(text):
        term = ordered[int(m.lastgroup[1:])]
        if term.anchor in used:
            continue
        used.add(term.anchor)
        found.append((m.start(), m.end(), term))
    return found


def _skipped(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, SKIP_NODES):
            return True
        classes = parent.get("classes", []) if isinstance(parent, nodes.Element) else []
        if "cell_input" in classes or "no-glossary" in classes:
            return True
        parent = parent.parent
    return False


def glossary_terms(doctree: nodes.document) -> list[Term]:
    """Every term of the glossary directives of ``doctree``, each with its entry's anchor (the first term's id)."""
    terms = []
    for glossary in doctree.findall(addnodes.glossary):
        for item in glossary.findall(nodes.definition_list_item):
            term_nodes = list(item.findall(nodes.term))
            if not term_nodes or not term_nodes[0]["ids"]:
                continue
            anchor = term_nodes[0]["ids"][0]
            definition = next(iter(item.findall(nodes.definition)), None)
            title = definition.astext().split("\n")[0] if definition is not None else ""
            title = re.split(r"(?<=[.;:])\s", title, maxsplit=1)[0]
            for t in term_nodes:
                terms.append(Term(t.astext().strip(), anchor, title))
    return terms


def link_first_uses(doctree: nodes.document, matcher: tuple[re.Pattern, list[Term]], uri: str) -> int:
    """Replace the first use of each entry in ``doctree``'s ordinary text with a link to ``uri#anchor``; the count."""
    used: set[str] = set()
    count = 0
    for text_node in list(doctree.findall(nodes.Text)):
        if _skipped(text_node):
            continue
        source = str(text_node)
        hits = first_uses(source, matcher, used)
        if not hits:
            continue
        parts: list[nodes.Node] = []
        pos = 0
        for start, end, term in hits:
            if start > pos:
                parts.append(nodes.Text(source[pos:start]))
            ref = nodes.reference("", "", refuri=f"{uri}#{term.anchor}", classes=["glossary-link"],
                                  reftitle=term.title)
            ref.append(nodes.Text(source[start:end]))
            parts.append(ref)
            pos = end
        if pos < len(source):
            parts.append(nodes.Text(source[pos:]))
        text_node.parent.replace(text_node, parts)
        count += len(hits)
    return count


def _matcher(app):
    cached = getattr(app.env, "glossary_links_matcher", None)
    if cached is None:
        try:
            doctree = app.env.get_doctree(GLOSSARY_DOC)
        except (FileNotFoundError, KeyError):  # a build without the glossary page (tools/build_one.py)
            doctree = None
        cached = compile_terms(glossary_terms(doctree) if doctree is not None else [])
        app.env.glossary_links_matcher = cached
    return cached


def on_doctree_resolved(app, doctree: nodes.document, docname: str) -> None:
    if docname == GLOSSARY_DOC or docname in app.config.glossary_links_exclude:
        return
    if not hasattr(app.builder, "get_relative_uri"):
        return
    uri = app.builder.get_relative_uri(docname, GLOSSARY_DOC)
    link_first_uses(doctree, _matcher(app), uri)


def on_env_updated(app, env):
    # the glossary may have changed: read its terms again on the next page
    if hasattr(env, "glossary_links_matcher"):
        del env.glossary_links_matcher


def setup(app):
    app.add_config_value("glossary_links_exclude", ["genindex", "search", "book/bibliography"], "env")
    app.connect("env-updated", on_env_updated)
    app.connect("doctree-resolved", on_doctree_resolved)
    app.add_css_file("reader_first.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
