"""Sphinx extension: the API reference page (book/api) documents every module of ``analysis``.

``book/api.md`` groups the modules by chapter by hand; any module of the package that the page does
not name (a module added later, e.g. on another branch) is appended under "Other modules" when
Sphinx reads the page, so no public function can be missing from the reference.
"""

from __future__ import annotations

import re
from pathlib import Path

API_DOC = "book/api"
PACKAGE = Path(__file__).resolve().parent.parent / "analysis"


def modules(package_dir: Path = PACKAGE, *, packages: bool = False) -> list[str]:
    """Dotted names of the package's modules in every subpackage, sorted (see analysis._modules);
    with ``packages``, the subpackages too (``analysis.cost``), whose docstrings the modules cite."""
    import importlib.util

    # loaded by path, not imported: importing the package here would import whichever checkout the
    # environment points at, not necessarily the one being built
    spec = importlib.util.spec_from_file_location("_analysis_modules", Path(package_dir) / "_modules.py")
    walker = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(walker)
    return walker.module_names(Path(package_dir), packages=packages)


def missing_blocks(text: str, names: list[str]) -> str:
    """MyST for the modules of ``names`` that ``text`` does not already document with automodule."""
    documented = set(re.findall(r"automodule::\s*(\S+)", text))
    rest = [n for n in names if n not in documented]
    if not rest:
        return ""
    # a subpackage's __init__ only re-exports: its docstring, not its members (documented where defined)
    subpackages = set(modules(packages=True)) - set(modules())
    body = "\n\n".join(f".. automodule:: {n}" + ("" if n in subpackages else "\n   :members:") for n in rest)
    return f"\n\n## Other modules\n\n```{{eval-rst}}\n{body}\n```\n"


def _source_read(app, docname, source):
    if docname == API_DOC:
        source[0] += missing_blocks(source[0], modules(packages=True))


def setup(app):
    app.connect("source-read", _source_read)
    app.connect("autodoc-process-docstring", _process_docstring)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


_KEYS_LINE = re.compile(r"^(\s*)((?:References:\s*)?)([A-Za-z][\w:-]*(?:\s*,\s*[A-Za-z][\w:-]*)*)(\.?)\s*$")


def cite_references(lines: list[str], keys: frozenset[str]) -> None:
    """Turn BibTeX keys listed under a docstring's References into citations (in place).

    Handles the numpydoc section (``References`` underlined, keys on the following lines) and the
    inline form ``References: key, key.``; a line is changed only if every name on it is a key.
    """
    in_refs = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped in ("References", ".. rubric:: References"):
            in_refs = True
            continue
        if in_refs and (set(stripped) == {"-"} or not stripped):
            continue
        m = _KEYS_LINE.match(line)
        if m and (in_refs or m.group(2)):
            names = [n.strip() for n in m.group(3).split(",")]
            if all(n in keys for n in names):
                cites = ", ".join(f":cite:t:`{n}`" for n in names)
                lines[i] = f"{m.group(1)}{m.group(2)}{cites}{m.group(4)}"
                continue
        if in_refs and stripped and not stripped.startswith(":cite:"):
            in_refs = stripped[0].isspace() if stripped else in_refs


def _process_docstring(app, what, name, obj, options, lines):
    from analysis.data.loader import bib_keys

    cite_references(lines, bib_keys())
