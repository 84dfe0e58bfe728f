"""Stored sweep results with their provenance and code fingerprint (:mod:`analysis.sweeps.store`); the registry of sweeps (:mod:`analysis.sweeps.registry`).
"""

from analysis.sweeps.store import (  # noqa: F401  (0.4's public names, at their 0.4 path)
    ChunkMismatchError,
    FINGERPRINT_METHOD,
    LEGACY_METHOD,
    Provenance,
    StaleResultsError,
    check_reproduces,
    code_fingerprint,
    code_hash,
    library_versions,
    load_results,
    merge_results,
    write_results,
)
# names 0.4 code reached through this module, kept importable here for one release
from analysis.sweeps.store import (  # noqa: F401
    RESULTS_DIR,
    ROOT,
)

__all__ = ['ChunkMismatchError', 'FINGERPRINT_METHOD', 'LEGACY_METHOD', 'Provenance', 'StaleResultsError', 'check_reproduces', 'code_fingerprint', 'code_hash', 'library_versions', 'load_results', 'merge_results', 'write_results']
