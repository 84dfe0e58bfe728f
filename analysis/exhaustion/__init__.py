"""Chapter 1, exhaustion of real data: the Villalobos et al. (2024) stock and demand model (:mod:`analysis.exhaustion.model`).
"""

from analysis.exhaustion.model import (  # noqa: F401  (0.4's public names, at their 0.4 path)
    Comparison,
    GrowthFit,
    IntervalBudget,
    RunoutDistribution,
    compare_model_tables,
    crossing_years,
    effective_data,
    fit_growth,
    geometric_midpoint,
    in_growth_fit,
    interval_budget,
    lognormal_mu_sigma_for_interval,
    month_label,
    paper_grid_year,
    parameter_median,
    parameters,
    projection_bands,
    quantile_bootstrap_se,
    runout_distribution,
    runout_probability_grid,
    scenario_table,
    stock_samples,
    synthetic_need,
)
# names 0.4 code reached through this module, kept importable here for one release
from analysis.exhaustion.model import (  # noqa: F401
    EXCLUDED_BASES,
    MAX_DRAWS,
    MONTHS,
    PAPER_GRID,
    PROJECTIONS,
    REFERENCE_YEAR,
    R_STAR,
    SCENARIOS,
    bootstrap_slopes,
    decimal_year,
    lognormal_params,
)

__all__ = ['Comparison', 'GrowthFit', 'IntervalBudget', 'RunoutDistribution', 'compare_model_tables', 'crossing_years', 'effective_data', 'fit_growth', 'geometric_midpoint', 'in_growth_fit', 'interval_budget', 'lognormal_mu_sigma_for_interval', 'month_label', 'paper_grid_year', 'parameter_median', 'parameters', 'projection_bands', 'quantile_bootstrap_se', 'runout_distribution', 'runout_probability_grid', 'scenario_table', 'stock_samples', 'synthetic_need']
