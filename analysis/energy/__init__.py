"""Chapter 7, energy and carbon: training and generation footprints, break-even of synthetic data (:mod:`analysis.energy.model`).
"""

from analysis.energy.model import (  # noqa: F401  (0.4's public names, at their 0.4 path)
    Assumptions,
    BreakEven,
    Draws,
    ENERGY_TOLERANCE,
    Footprint,
    G_PER_TONNE,
    J_PER_KWH,
    KWH_PER_MWH,
    McInterval,
    Range,
    TRAINING_TOLERANCE,
    emissions_tonnes,
    generation_footprint,
    generation_j_per_token,
    gpu_hours_for_flop,
    grams_to_tonnes,
    grid_factor,
    hardware_specs,
    implied_grid_from_card,
    implied_inference_efficiency,
    implied_mfu,
    inference_efficiencies,
    joules_to_kwh,
    kwh_to_joules,
    kwh_to_mwh,
    mwh_to_kwh,
    pue_value,
    reproduce_training_footprints,
    round_sig,
    simulate_break_even,
    simulate_generation,
    simulate_training,
    simulate_training_from_hours,
    summarise,
    tonnes_to_grams,
    tornado,
    training_flop,
    training_footprint,
)
# names 0.4 code reached through this module, kept importable here for one release
from analysis.energy.model import (  # noqa: F401
    FLOP_PER_PARAM_TOKEN_INFER,
    FLOP_PER_PARAM_TOKEN_TRAIN,
    SECONDS_PER_HOUR,
)

__all__ = ['Assumptions', 'BreakEven', 'Draws', 'ENERGY_TOLERANCE', 'Footprint', 'G_PER_TONNE', 'J_PER_KWH', 'KWH_PER_MWH', 'McInterval', 'Range', 'TRAINING_TOLERANCE', 'emissions_tonnes', 'generation_footprint', 'generation_j_per_token', 'gpu_hours_for_flop', 'grams_to_tonnes', 'grid_factor', 'hardware_specs', 'implied_grid_from_card', 'implied_inference_efficiency', 'implied_mfu', 'inference_efficiencies', 'joules_to_kwh', 'kwh_to_joules', 'kwh_to_mwh', 'mwh_to_kwh', 'pue_value', 'reproduce_training_footprints', 'round_sig', 'simulate_break_even', 'simulate_generation', 'simulate_training', 'simulate_training_from_hours', 'summarise', 'tonnes_to_grams', 'tornado', 'training_flop', 'training_footprint']
