"""The curated data: the CSVs and their schemas (this folder), the loader, the word-frequency tables and the refresh from upstream snapshots.

``analysis.data`` re-exports the loader's public names (:mod:`analysis.data.loader`).
"""

from analysis.data.loader import (  # noqa: F401  (0.4's public names, at their 0.4 path)
    available,
    bib_keys,
    describe,
    evidence_as_of,
    load,
    load_schema,
    provenance_summary,
    read_csv_strict,
    validate_rows,
    word_frequencies,
)
# names 0.4 code reached through this module, kept importable here for one release
from analysis.data.loader import (  # noqa: F401
    BIB_PATH,
    COLUMN_TYPES,
    DATA_DIR,
    EVIDENCE_LEVELS,
    ORIGIN_KEYS,
)

__all__ = ['available', 'bib_keys', 'describe', 'evidence_as_of', 'load', 'load_schema', 'provenance_summary', 'read_csv_strict', 'validate_rows', 'word_frequencies']
