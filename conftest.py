"""Make the whole test session use this checkout's ``analysis``, whatever the environment holds.

Tests import ``analysis`` and nbval's kernels inherit this process's environment; both must see the
checkout under test, not another clone's editable install that may share the venv. This is the
same mechanism the build uses (tools/kernel_env.py), applied before anything is collected.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tools"))
from kernel_env import kernel_env  # noqa: E402

os.environ.update(kernel_env(ROOT))
sys.path.insert(0, str(ROOT))
for _name in [m for m in sys.modules if m == "analysis" or m.startswith("analysis.")]:
    del sys.modules[_name]
