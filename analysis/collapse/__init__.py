"""Chapter 3, model collapse: the closed-form and simulated models (:mod:`analysis.collapse.models`), and the language-model experiment (:mod:`~analysis.collapse.lm`, :mod:`~analysis.collapse.kneser_ney`, :mod:`~analysis.collapse.corpus`, :mod:`~analysis.collapse.transformer`, :mod:`~analysis.collapse.lm_report`).

``analysis.collapse`` re-exports the public names of :mod:`analysis.collapse.models`.
"""

from analysis.collapse.models import (  # noqa: F401  (0.4's public names, at their 0.4 path)
    CategoricalPaths,
    GaussianPaths,
    MixedRegressionError,
    accumulate_var_limit,
    accumulate_var_theory,
    categorical_recursion,
    expected_w2_first_generation,
    fan_quantiles,
    first_order_threshold,
    gaussian_recursion,
    gaussian_theory,
    gini_simpson_theory,
    halving_generations,
    linear_regression_recursion,
    max_synthetic_fraction,
    mean_error_threshold,
    mixed_regression_crossover,
    mixed_regression_curve,
    mixed_regression_floor,
    mixed_regression_simulation,
    mixed_regression_theory,
    mixing_theory,
    real_fraction_grid,
    regression_theory,
    regression_unit,
    smallest_sufficient_fraction,
    wasserstein2_sq,
)
# names 0.4 code reached through this module, kept importable here for one release
from analysis.collapse.models import (  # noqa: F401
    ESTIMATORS,
    METHODS,
    WORKFLOWS,
)

__all__ = ['CategoricalPaths', 'GaussianPaths', 'MixedRegressionError', 'accumulate_var_limit', 'accumulate_var_theory', 'categorical_recursion', 'expected_w2_first_generation', 'fan_quantiles', 'first_order_threshold', 'gaussian_recursion', 'gaussian_theory', 'gini_simpson_theory', 'halving_generations', 'linear_regression_recursion', 'max_synthetic_fraction', 'mean_error_threshold', 'mixed_regression_crossover', 'mixed_regression_curve', 'mixed_regression_floor', 'mixed_regression_simulation', 'mixed_regression_theory', 'mixing_theory', 'real_fraction_grid', 'regression_theory', 'regression_unit', 'smallest_sufficient_fraction', 'wasserstein2_sq']
