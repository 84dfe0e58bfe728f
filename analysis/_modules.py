"""The modules of the package, found by walking its folders (nothing is imported, so the API page's
Sphinx extension can load this file by path while it builds any checkout): what the API page and
the API tests cover."""

from __future__ import annotations

from pathlib import Path

import ast

__all__ = ["module_names"]

PACKAGE = Path(__file__).resolve().parent


def module_names(package_dir: Path = PACKAGE, *, packages: bool = False) -> list[str]:
    """Dotted names of the package's modules, sorted.

    Skipped: private modules (a name starting with ``_``), the deprecated 0.4 paths (the shims
    listed in :data:`analysis._compat.MOVED`, recognised by their call of ``moved(__name__)``) and,
    unless ``packages``, the subpackages themselves (whose ``__init__`` only re-exports).

    Parameters
    ----------
    package_dir : Path
        The ``analysis`` folder.
    packages : bool
        Include the subpackages (``analysis.cost``).

    Returns
    -------
    list of str
    """
    names = []
    for path in sorted(Path(package_dir).rglob("*.py")):
        rel = path.relative_to(Path(package_dir).parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
            if not packages or len(parts) == 1:
                continue
        if any(p.startswith("_") for p in parts):
            continue
        if not _is_shim(path):
            names.append(".".join(parts))
    return sorted(names)


def _is_shim(path: Path) -> bool:
    """Whether the module at ``path`` is a deprecated path: its code is one call of ``moved(__name__)``."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
                and getattr(node.value.func, "id", None) == "moved"):
            return True
    return False
