"""requirements.txt, for readers who install with pip, is exactly what uv exports from uv.lock now.

`make lock` writes it (``uv export --frozen --format requirements-txt --no-emit-project``: every
package of the project's dependencies and default groups, pinned and hashed). This test exports
again, offline, and compares: a lock changed without `make lock` fails here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPORT = ["export", "--frozen", "--format", "requirements-txt", "--no-emit-project", "--quiet"]


def _body(text: str) -> list[str]:
    """The requirement lines, without uv's header (which records the output path it was given)."""
    return [line for line in text.splitlines() if not line.startswith("#    uv export")]


def test_requirements_txt_is_the_current_export_of_uv_lock():
    env = {**os.environ, "UV_OFFLINE": "1", "UV_PYTHON_DOWNLOADS": "never", "NO_COLOR": "1"}
    fresh = subprocess.run([sys.executable, "-m", "uv", *EXPORT], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=300)
    assert fresh.returncode == 0, fresh.stderr
    committed = (ROOT / "requirements.txt").read_text()
    assert _body(committed) == _body(fresh.stdout), "requirements.txt is out of date with uv.lock: run `make lock`"


def test_requirements_txt_is_hashed_and_torch_free():
    text = (ROOT / "requirements.txt").read_text()
    pins = [line.split(" ")[0] for line in text.splitlines() if line and not line.startswith((" ", "#"))]
    assert len(pins) > 50 and all("==" in p for p in pins), pins[:5]
    assert text.count("--hash=sha256:") >= len(pins)
    assert not any(p.split("==")[0] in ("torch", "ctgan") for p in pins), "the default environment is torch-free"
    assert "-e ." not in text  # pip's hash-checking mode refuses an unhashed editable project
