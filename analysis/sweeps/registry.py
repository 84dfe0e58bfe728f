"""The registry of sweeps: each sweep's name and the module that computes it.

A sweep module defines ``NAME``, ``SEED``, ``CODE_FILES``, ``LIBRARIES`` and ``run(**settings)``
returning one row per replicate and measurement; ``tools/run_sweeps.py`` runs it, in chunks if asked,
and writes ``results/NAME.csv`` with its provenance (:mod:`analysis.sweeps.store`).
"""

__all__ = ["SWEEPS"]

#: sweep name -> module holding its ``run``
SWEEPS = {"bias_generators": "analysis.bias.sweep", "bias_fairness": "analysis.bias.fairness_sweep",
          "privacy_utility": "analysis.privacy.sweep", "privacy_deep": "analysis.privacy.deep_sweep",
          "bias_deep": "analysis.bias.deep_sweep"}
SWEEPS |= {"collapse_lm": "analysis.collapse.lm", "collapse_lm_deep": "analysis.collapse.transformer"}
