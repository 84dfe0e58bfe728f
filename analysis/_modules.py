"""The modules of the package, found by walking its folders (no import): what the API page and the
API tests cover."""

from __future__ import annotations

from pathlib import Path

from analysis._compat import MOVED

__all__ = ["module_names"]

PACKAGE = Path(__file__).resolve().parent


def module_names(package_dir: Path = PACKAGE, *, packages: bool = False) -> list[str]:
    """Dotted names of the package's modules, sorted.

    Skipped: private modules (a name starting with ``_``), the deprecated 0.4 paths
    (:data:`analysis._compat.MOVED`) and, unless ``packages``, the subpackages themselves (whose
    ``__init__`` only re-exports).

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
        name = ".".join(parts)
        if name not in MOVED:
            names.append(name)
    return sorted(names)
