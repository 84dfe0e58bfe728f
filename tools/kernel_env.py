"""Make every notebook kernel import the ``analysis`` package of the checkout being built, and prove it.

A Python environment can hold another copy of ``analysis`` (the editable install of a second clone
sharing the venv, or a non-editable install). A kernel started in ``notebooks/`` would import that
copy, and every glued number would silently come from it. So the build and the notebook runner:

1. start kernels with ``PYTHONPATH`` beginning with the root being built (entries of PYTHONPATH come
   before site-packages and before any editable-install finder), and with ``SDR_BUILD_ROOT`` set to
   that root; ``analysis/__init__.py`` refuses to import from anywhere else while it is set, so a
   notebook executed against the wrong copy fails at its first ``import analysis``;
2. before executing anything, run the kernel's own interpreter with that environment and read back
   where ``analysis`` resolves and which packages it sees (:func:`probe_kernel`); the answer is
   part of the execution cache's key, so outputs made with another copy or other package versions
   are never reused.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ENV_ROOT = "SDR_BUILD_ROOT"
KERNEL_NAME = "python3"

_PROBE = r"""
import importlib.metadata as md, json, sys
import analysis
dists = sorted({f"{d.metadata['Name']}=={d.version}" for d in md.distributions() if d.metadata['Name']})
print(json.dumps({"analysis": analysis.__file__, "python": sys.version, "executable": sys.executable,
                  "packages": dists}))
"""


class KernelEnvironmentError(RuntimeError):
    """The kernel would not import the ``analysis`` package of the root being built."""


@dataclass(frozen=True)
class KernelProbe:
    """What a notebook kernel started for ``root`` imports: where ``analysis`` lives and the package set."""

    analysis_file: str  # relative to the root (anything outside it is refused)
    python: str
    executable: str
    packages: tuple[str, ...]

    def key(self) -> str:
        """A stable text to hash into the execution cache key."""
        return json.dumps(
            {"analysis": self.analysis_file, "python": self.python, "executable": self.executable,
             "packages": list(self.packages)},
            sort_keys=True,
        )


def kernel_env(root: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for processes that start kernels for ``root``: its path first, and the guard variable."""
    root = Path(root).resolve()
    env = dict(os.environ if base is None else base)
    rest = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and Path(p).resolve() != root]
    env["PYTHONPATH"] = os.pathsep.join([str(root), *rest])
    env[ENV_ROOT] = str(root)
    return env


def kernel_command() -> list[str]:
    """The interpreter the ``python3`` kernel runs (as jupyter_client resolves it)."""
    from jupyter_client.kernelspec import KernelSpecManager

    argv = KernelSpecManager().get_kernel_spec(KERNEL_NAME).argv
    exe = argv[0]
    # jupyter_client runs a kernelspec's bare "python"/"python3" with its own interpreter
    if exe in {"python", f"python{sys.version_info[0]}", "python{}.{}".format(*sys.version_info[:2])}:
        exe = sys.executable
    return [exe]


def probe_kernel(root: Path, env: dict[str, str] | None = None) -> KernelProbe:
    """Run the kernel's interpreter as a notebook would (cwd ``notebooks/``) and check where ``analysis`` resolves.

    Raises
    ------
    KernelEnvironmentError
        If ``analysis`` cannot be imported or resolves outside ``root``.
    """
    root = Path(root).resolve()
    env = kernel_env(root) if env is None else env
    cwd = root / "notebooks" if (root / "notebooks").is_dir() else root
    result = subprocess.run(
        [*kernel_command(), "-c", _PROBE], cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
    )
    if result.returncode != 0:
        raise KernelEnvironmentError(
            f"the notebook kernel cannot import the analysis package of {root}:\n{result.stderr[-3000:]}"
        )
    info = json.loads(result.stdout.strip().splitlines()[-1])
    location = Path(info["analysis"]).resolve()
    if location != root / "analysis" / "__init__.py":
        raise KernelEnvironmentError(
            f"the notebook kernel imports analysis from {location}, not from the checkout being built "
            f"({root}); refusing to execute notebooks against another copy"
        )
    # keyed relative to the root: anything else was refused above, and a moved or copied
    # checkout may reuse its own cache
    rel = location.relative_to(root).as_posix()
    return KernelProbe(rel, info["python"], info["executable"], tuple(info["packages"]))
