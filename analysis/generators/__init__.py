"""Tabular generators behind one interface, shared by chapters 4 and 6 (:mod:`analysis.generators.tabular`),
and the person-level tables they are fitted to (:mod:`analysis.generators.tables`).
"""

from analysis.generators.tabular import (  # noqa: F401  (0.4's public names, at their 0.4 path)
    DEEP_GENERATORS,
    DP_GENERATORS,
    DeepGenerator,
    GENERATORS,
    GaussianCopula,
    GeneratorNotFitted,
    MST,
    RealData,
    Resample,
    TabularGenerator,
    make_generator,
    zcdp_rho,
)
# names 0.4 code reached through this module, kept importable here for one release
from analysis.generators.tabular import (  # noqa: F401
    check_table,
    label,
)

__all__ = ['DEEP_GENERATORS', 'DP_GENERATORS', 'DeepGenerator', 'GENERATORS', 'GaussianCopula', 'GeneratorNotFitted', 'MST', 'RealData', 'Resample', 'TabularGenerator', 'make_generator', 'zcdp_rho']
