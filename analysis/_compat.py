"""The 0.4 import paths, kept for one release (0.5) with a DeprecationWarning; removed in 0.6.

Release 0.5 moved the package from 44 flat modules to subpackages (a core, the data, one subpackage
per chapter, the sweeps and the publishing layer). A module whose old name became a subpackage of
the same name (``analysis.cost``, ``analysis.collapse``...) re-exports its 0.4 public names there and
needs no shim. Every other old module is a two-line file that calls :func:`moved`, which warns and
puts the new module in its place, so ``from analysis.bias_table import encode_table`` and
``analysis.bias_table.encode_table`` still reach the same function object.

The release tooling left the package for ``tools/`` (``analysis.release`` -> ``tools/release.py``):
tools are scripts, not an installed package, so :func:`load_tool` loads one by its path in this
checkout as the module ``tools.NAME``.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import warnings
from pathlib import Path
from types import ModuleType

__all__ = ["MOVED", "moved", "current_module", "load_tool"]

_TOOLS = Path(__file__).resolve().parents[1] / "tools"

#: old module -> the module that holds its code now (the paths of 0.4, without a package of their own)
MOVED: dict[str, str] = {
    "analysis.validation": "analysis.core.validation",
    "analysis.trend": "analysis.core.trend",
    "analysis.wordfreq_data": "analysis.data.wordfreq",
    "analysis.refresh": "analysis.data.refresh",
    "analysis.collapse_lm": "analysis.collapse.lm",
    "analysis.collapse_lm_report": "analysis.collapse.lm_report",
    "analysis.kneser_ney": "analysis.collapse.kneser_ney",
    "analysis.lm_corpus": "analysis.collapse.corpus",
    "analysis.lm_transformer": "analysis.collapse.transformer",
    "analysis.bias_table": "analysis.bias.table",
    "analysis.bias_generator": "analysis.bias.generator",
    "analysis.bias_loop": "analysis.bias.loop",
    "analysis.bias_metrics": "analysis.bias.metrics",
    "analysis.bias_chain": "analysis.bias.chain",
    "analysis.bias_real": "analysis.bias.real",
    "analysis.bias_summary": "analysis.bias.summary",
    "analysis.bias_theory": "analysis.bias.theory",
    "analysis.bias_fairness_sweep": "analysis.bias.fairness_sweep",
    "analysis.bias_sweep": "analysis.bias.sweep",
    "analysis.bias_report": "analysis.bias.report",
    "analysis.regulation_html": "analysis.publish.regulation_cards",
    "analysis.utility": "analysis.privacy.utility",
    "analysis.privacy_sweep": "analysis.privacy.sweep",
    "analysis.privacy_deep_sweep": "analysis.privacy.deep_sweep",
    "analysis.privacy_report": "analysis.privacy.report",
    "analysis.report": "analysis.publish.glue",
    "analysis.plotting": "analysis.publish.plotting",
    "analysis.provenance": "analysis.publish.provenance",
    "analysis.tables": "analysis.publish.tables",
    "analysis.claims": "analysis.publish.claims",
    "analysis.labels": "analysis.publish.labels",
    "analysis.explorer": "analysis.publish.explorer",
    "analysis.freshness": "analysis.publish.freshness",
    "analysis.release": "tools.release",
}


def current_module(name: str) -> str:
    """The module path of 0.5 for ``name``, a module path of 0.4 or 0.5."""
    return MOVED.get(name, name)


def moved(old: str) -> None:
    """Replace the shim module ``old`` by the module it moved to, with a DeprecationWarning."""
    new = MOVED[old]
    warnings.warn(f"{old} moved to {new} in release 0.5; the old path will be removed in 0.6",
                  DeprecationWarning, stacklevel=3)
    sys.modules[old] = load_tool(new.split(".", 1)[1]) if new.startswith("tools.") else importlib.import_module(new)


def load_tool(name: str) -> ModuleType:
    """The script ``tools/NAME.py`` of this checkout as the module ``tools.NAME`` (loaded once)."""
    key = f"tools.{name}"
    if key not in sys.modules:
        path = _TOOLS / f"{name}.py"
        if not path.is_file():
            raise ValueError(f"name: no tool {path}; expected one of {sorted(p.stem for p in _TOOLS.glob('*.py'))}")
        spec = importlib.util.spec_from_file_location(key, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module  # before running it: dataclasses look their module up by name
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[key]
            raise
    return sys.modules[key]
