"""Models, simulations and curated data behind "Synthetic Data in AI Training — an executable research report".

Modules are named for what they model (``collapse``, ``exhaustion``, ``cost``, ``bias``,
``regulation``); ``data`` loads and validates the curated CSVs; ``plotting`` holds the figure style.
"""

# The single source of truth for the release; analysis.release checks every other place against it.
__version__ = "0.2.0"
__release_date__ = "2026-11-26"
