"""Chapter 2, cost: training-run cost, chip prices and the cost trend (:mod:`analysis.cost.model`).
"""

from analysis.cost.model import (  # noqa: F401  (0.4's public names, at their 0.4 path)
    AmortizedCost,
    ComputeOptimal,
    CostTrend,
    EpochParameters,
    HardwareGap,
    RunCost,
    amortized_hardware_cost,
    chinchilla_optimal,
    chip_peak_flops,
    decimal_year,
    depreciated_value,
    draw_lognormal_interval,
    epoch_chip_hours,
    epoch_parameters,
    epoch_training_start,
    fit_cost_trend,
    hardware_gap,
    human_annotation_cost,
    implied_utilization,
    one_at_a_time_sensitivity,
    reproduce_epoch_amortized_costs,
    self_hosted_generation_cost,
    synthetic_data_cost,
    tokens_for_budget,
    training_cost,
    training_flops,
    us_industrial_electricity_price,
)
# names 0.4 code reached through this module, kept importable here for one release
from analysis.cost.model import (  # noqa: F401
    DAYS_PER_YEAR,
    DEPRECIATION_RANGE,
    EPOCH_ACQUISITION_LAG_DAYS,
    EPOCH_DEPRECIATION_OOMS_PER_YEAR,
    EPOCH_INTERCONNECT_FRACTION,
    EPOCH_MEDIAN_TRAINING_DAYS,
    EPOCH_MEDIAN_UTILIZATION,
    EPOCH_PUBLICATION_LAG_DAYS,
    EPOCH_RELEASE_TO_FIRST_PURCHASE_DAYS,
    EPOCH_TRAINING_END_OVERRIDES,
    EPOCH_TRAINING_START_OVERRIDES,
    HOURS_PER_YEAR,
    SECONDS_PER_HOUR,
    US_INDUSTRIAL_USD_PER_KWH,
    bootstrap_slopes,
    lognormal_params,
)

__all__ = ['AmortizedCost', 'ComputeOptimal', 'CostTrend', 'EpochParameters', 'HardwareGap', 'RunCost', 'amortized_hardware_cost', 'chinchilla_optimal', 'chip_peak_flops', 'decimal_year', 'depreciated_value', 'draw_lognormal_interval', 'epoch_chip_hours', 'epoch_parameters', 'epoch_training_start', 'fit_cost_trend', 'hardware_gap', 'human_annotation_cost', 'implied_utilization', 'one_at_a_time_sensitivity', 'reproduce_epoch_amortized_costs', 'self_hosted_generation_cost', 'synthetic_data_cost', 'tokens_for_budget', 'training_cost', 'training_flops', 'us_industrial_electricity_price']
