"""Models, simulations and curated data behind "Synthetic Data in AI Training — an executable research report".

Modules are named for what they model (``collapse``, ``exhaustion``, ``cost``, ``bias``,
``regulation``); ``data`` loads and validates the curated CSVs; ``plotting`` holds the figure style.
"""

import os as _os
from pathlib import Path as _Path

# The single source of truth for the release; analysis.release checks every other place against it.
__version__ = "0.4.0"
__release_date__ = "2026-12-06"

# The build (tools/build_book.py, tools/run_notebooks.py) sets SDR_BUILD_ROOT to the checkout it
# executes. Importing another copy of this package (a second clone's editable install, a
# non-editable install) would publish that copy's numbers, so refuse loudly.
_build_root = _os.environ.get("SDR_BUILD_ROOT")
if _build_root and _Path(__file__).resolve().parent != _Path(_build_root).resolve() / "analysis":
    raise ImportError(
        f"analysis was imported from {_Path(__file__).resolve().parent}, but the checkout being built is "
        f"{_build_root}: notebooks must run against the checkout being built (see tools/kernel_env.py)"
    )
