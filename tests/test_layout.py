"""The package layout of 0.5: subpackages by chapter, and the 0.4 import paths kept for one release.

``tests/fixtures/api_0_3_names.json`` and ``api_0_4_names.json`` list every public name of every module
of releases 0.3.0 and 0.4.0 (each module's ``__all__``, or its public functions and classes where it
had none), recorded from those checkouts (0.3.0: commit 325643e) before the move.
"""

from __future__ import annotations

import ast
import importlib
import json
import sys
import warnings
from pathlib import Path

import pytest

import analysis
from analysis._compat import MOVED
from analysis._modules import module_names

ROOT = Path(__file__).resolve().parent.parent
OLD = json.loads((ROOT / "tests" / "fixtures" / "api_0_4_names.json").read_text())
OLD_0_3 = json.loads((ROOT / "tests" / "fixtures" / "api_0_3_names.json").read_text())
SUBPACKAGES = {"core", "data", "exhaustion", "cost", "collapse", "bias", "regulation", "privacy", "generators",
               "energy", "sweeps", "publish"}


@pytest.mark.parametrize("release, old", [("0.3", m) for m in sorted(OLD_0_3)] + [("0.4", m) for m in sorted(OLD)])
def test_every_public_name_of_0_3_and_0_4_imports_by_its_old_path(release, old):
    path = f"analysis.{old}"
    for name in [n for n in sys.modules if n == path]:
        del sys.modules[name]  # import it afresh, so that the warning is raised here
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mod = importlib.import_module(path)
    deprecated = [w for w in caught if issubclass(w.category, DeprecationWarning) and path in str(w.message)]
    if path in MOVED:
        assert deprecated, f"{path} imported without a DeprecationWarning"
        assert MOVED[path] in str(deprecated[0].message)  # the warning says where it went
        assert mod is sys.modules[MOVED[path]]
    else:
        assert not deprecated, f"{path} is a subpackage of 0.5 and must not warn"
    names = (OLD_0_3 if release == "0.3" else OLD)[old]
    missing = [n for n in names if not hasattr(mod, n)]
    assert not missing, f"{path} lost {missing} of release {release}"


def test_the_top_level_holds_subpackages_and_deprecated_paths_only():
    flat = {p.stem for p in (ROOT / "analysis").glob("*.py")} - {"__init__", "_compat", "_modules"}
    assert {f"analysis.{m}" for m in flat} <= set(MOVED), sorted(f"analysis.{m}" for m in flat if f"analysis.{m}" not in MOVED)
    packages = {p.parent.name for p in (ROOT / "analysis").glob("*/__init__.py")}
    assert packages == SUBPACKAGES


def test_every_deprecated_path_is_a_two_line_shim():
    for old in MOVED:
        path = ROOT / Path(*old.split(".")).with_suffix(".py")
        tree = ast.parse(path.read_text())
        code = [n for n in tree.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
        assert len(code) == 2, f"{path} holds code: it must only call analysis._compat.moved"


def test_no_module_of_the_package_imports_a_deprecated_path():
    """The package, the tools, the tests and the notebooks use the paths of 0.5."""
    old_paths = set(MOVED)
    offenders = []
    files = [*(ROOT / "analysis").rglob("*.py"), *(ROOT / "tools").glob("*.py"), *(ROOT / "tests").rglob("*.py"),
             *(ROOT / "benchmarks").glob("*.py")]
    for path in files:
        if path.parent == ROOT / "analysis" and f"analysis.{path.stem}" in MOVED or path.name == "test_layout.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n in old_paths]
    for md in [*(ROOT / "notebooks").glob("*.md"), *(ROOT / "book").glob("*.md")]:
        text = md.read_text()
        offenders += [f"{md.relative_to(ROOT)}: {old}" for old in old_paths
                      if f"from {old} import" in text or f"import {old}\n" in text
                      or f"from analysis import {old.split('.')[1]}\n" in text]
    assert not offenders, offenders


def test_the_walk_finds_every_module_of_every_subpackage():
    names = module_names()
    assert len(names) >= 40
    assert {"analysis.bias.table", "analysis.collapse.lm", "analysis.publish.glue", "analysis.core.validation"} <= set(names)
    assert not set(names) & set(MOVED)
    for name in names:
        assert importlib.import_module(name).__name__ == name


def test_the_version_is_still_read_from_the_top_level():
    assert analysis.__version__ and analysis.__release_date__


def test_the_release_tooling_lives_in_tools_and_loads_by_path():
    from analysis._compat import load_tool

    release = load_tool("release")
    assert Path(release.__file__) == ROOT / "tools" / "release.py"
    assert release.current().version == analysis.__version__
    assert not (ROOT / "analysis" / "release.py").read_text().count("def ")  # only the shim is left
    with pytest.raises(ValueError, match="name: no tool"):
        load_tool("no_such_tool")
