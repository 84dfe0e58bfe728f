"""The environment is reproducible: uv.lock is up to date with pyproject.toml, hashed, universal, torch-free by default."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
LOCK = tomllib.loads((ROOT / "uv.lock").read_text())
PACKAGES = {p["name"]: p for p in LOCK["package"]}
PROJECT = PYPROJECT["project"]["name"]
# (python tag, platform tag fragment) for the targets the lock must serve
TARGETS = [(py, plat) for py in ("cp311", "cp312", "cp313") for plat in ("manylinux", "macosx", "win_amd64")]


def _uv(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "UV_OFFLINE": "1", "UV_PYTHON_DOWNLOADS": "never", "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "uv", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _default_closure() -> dict[str, set[str]]:
    """Every locked package installed by `make venv` (project dependencies and default groups), with the markers reaching it."""
    root = next(p for p in LOCK["package"] if p["name"] == _norm(PROJECT))
    default_groups = PYPROJECT["tool"]["uv"]["default-groups"]
    edges = list(root.get("dependencies", []))
    for group in default_groups:
        edges += root.get("dev-dependencies", {}).get(group, [])
    seen: dict[str, set[str]] = {}
    stack = [(e["name"], e.get("marker", "")) for e in edges]
    while stack:
        name, marker = stack.pop()
        if name in seen:
            seen[name].add(marker)
            continue
        seen[name] = {marker}
        for pkg in LOCK["package"]:
            if pkg["name"] == name:
                stack += [(e["name"], e.get("marker", "")) for e in pkg.get("dependencies", [])]
    return seen


def test_lock_is_up_to_date_with_pyproject():
    """`uv lock --check` (offline): pyproject.toml's dependencies are exactly what uv.lock was resolved from."""
    result = _uv("lock", "--check")
    assert result.returncode == 0, f"uv.lock is out of date with pyproject.toml: run `make lock`\n{result.stderr}"


def test_lock_check_would_catch_a_changed_dependency(tmp_path: Path):
    """The check above can fail: a dependency added to pyproject.toml makes the same lock out of date."""
    for name in ("pyproject.toml", "uv.lock", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "analysis").mkdir()
    (tmp_path / "analysis" / "__init__.py").write_text("")
    text = (tmp_path / "pyproject.toml").read_text()
    (tmp_path / "pyproject.toml").write_text(text.replace('"numpy>=2.4,<3",', '"numpy>=2.4,<3",\n    "tabulate",', 1))
    result = _uv("lock", "--check", cwd=tmp_path)
    assert result.returncode != 0


def test_python_versions_agree():
    assert PYPROJECT["project"]["requires-python"] == ">=3.11"
    assert LOCK["requires-python"] == ">=3.11"
    readme = (ROOT / "README.md").read_text()
    assert "3.11 or newer" in readme


def test_every_locked_file_is_hashed():
    unhashed = [
        f"{p['name']} {p['version']}" for p in LOCK["package"]
        for f in [*p.get("wheels", []), *([p["sdist"]] if "sdist" in p else [])]
        if not str(f.get("hash", "")).startswith("sha256:")
    ]
    assert not unhashed, unhashed


def test_default_environment_never_pulls_torch():
    closure = _default_closure()
    heavy = sorted(n for n in closure if n == "torch" or n.startswith(("nvidia-", "triton")))
    assert not heavy, f"the default environment would install {heavy}; put torch-based code behind an optional extra"


def _reached(markers: set[str], py: str, plat: str) -> bool:
    """Whether a package reached under ``markers`` is installed on CPython ``py`` on platform ``plat``."""
    from packaging.markers import Marker

    minor = py[3:]
    env = {
        "python_version": f"3.{minor}", "python_full_version": f"3.{minor}.5", "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "sys_platform": {"manylinux": "linux", "macosx": "darwin", "win_amd64": "win32"}[plat],
        "platform_system": {"manylinux": "Linux", "macosx": "Darwin", "win_amd64": "Windows"}[plat],
        "os_name": "nt" if plat == "win_amd64" else "posix",
        "platform_machine": "AMD64" if plat == "win_amd64" else "x86_64",
    }
    return any(not m or Marker(m).evaluate(env) for m in markers)


def test_compiled_packages_have_wheels_for_each_python_and_platform():
    """Python 3.11-3.13 on Linux, macOS and Windows install every compiled package from a wheel (no compiler needed)."""
    missing = []
    for name, markers in _default_closure().items():
        pkg = PACKAGES.get(name)
        files = [w["url"].rsplit("/", 1)[-1] for w in (pkg or {}).get("wheels", [])]
        if not files or any(f.endswith("-none-any.whl") for f in files):
            continue
        for py, plat in TARGETS:
            if not _reached(markers, py, plat):
                continue
            minor = int(py[3:])
            abi3 = [int(m.group(1)) for f in files if plat in f and (m := re.search(r"-cp3(\d+)-abi3-", f))]
            ok = any(plat in f and (f"-{py}-" in f or "-py3-none-" in f) for f in files) or any(v <= minor for v in abi3)
            if not ok:
                missing.append(f"{name} {pkg['version']}: {py} {plat}")
    assert not missing, missing


def test_uv_bootstrap_pins_the_locked_uv():
    uv = PACKAGES["uv"]
    text = (ROOT / "tools" / "uv-bootstrap.txt").read_text()
    assert f"uv=={uv['version']}" in text
    hashes = set(re.findall(r"--hash=(sha256:[0-9a-f]{64})", text))
    locked = {w["hash"] for w in uv["wheels"]} | ({uv["sdist"]["hash"]} if "sdist" in uv else set())
    assert hashes and hashes <= locked and hashes == locked, "tools/uv-bootstrap.txt is not the lock's uv: run `make lock`"


@pytest.mark.parametrize("name", ["numpy", "pandas", "jupyter-book"])
def test_core_pins(name):
    version = PACKAGES[name]["version"]
    if name == "pandas":
        assert version.startswith("2.3"), "pandas stays 2.3.x (SDV, copulas and rdt need it)"
    if name == "jupyter-book":
        assert version.startswith("1."), "Jupyter Book 1 builds offline; 2.x does not"
