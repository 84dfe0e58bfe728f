"""Chapter 6, privacy and utility: the attacks (:mod:`analysis.privacy.attacks`), utility (:mod:`~analysis.privacy.utility`), the sweeps (:mod:`~analysis.privacy.sweep`, :mod:`~analysis.privacy.deep_sweep`) and their summaries (:mod:`~analysis.privacy.report`).

``analysis.privacy`` re-exports the public names of :mod:`analysis.privacy.attacks`.
"""

from analysis.privacy.attacks import (  # noqa: F401  (0.4's public names, at their 0.4 path)
    DCR,
    MembershipInference,
    Risk,
    distance_to_closest_record,
    gower_nearest,
    inference_risk,
    linkability_risk,
    membership_inference,
    outlier_mask,
    residual_risk,
    singling_out_risk,
    wilson_rate,
)
# names 0.4 code reached through this module, kept importable here for one release
from analysis.privacy.attacks import (  # noqa: F401
    check_table,
)

__all__ = ['DCR', 'MembershipInference', 'Risk', 'distance_to_closest_record', 'gower_nearest', 'inference_risk', 'linkability_risk', 'membership_inference', 'outlier_mask', 'residual_risk', 'singling_out_risk', 'wilson_rate']
