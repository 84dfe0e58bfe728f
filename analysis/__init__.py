"""Models, simulations and curated data behind "Synthetic Data in AI Training — an executable research report".

Modules are named for what they model (``collapse``, ``exhaustion``, ``cost``, ``bias``,
``regulation``); ``data`` loads and validates the curated CSVs; ``plotting`` holds the figure style.
"""

__version__ = "0.1.0"
