"""Bias amplification in a synthetic-data feedback loop: the public names of the chapter, in one place.

The models live in small modules, each named for what it models:

* :mod:`analysis.bias.table` - input checks, integer encoding, (group, label) cells, the split;
* :mod:`analysis.bias.generator` - the transparent tempered generator (and the KDE variance growth it avoids);
* :mod:`analysis.bias.loop` - the loop with a classifier, row by row, and its replicates (joblib);
* :mod:`analysis.bias.metrics` - fairness metrics from confusion counts (fairlearn as reference);
* :mod:`analysis.bias.chain` - the cell-count Markov chain and its expected-value recursion;
* :mod:`analysis.bias.real` - real generators in the loop and their effective temperature;
* :mod:`analysis.bias.theory` - neutral drift and the Taori-Hashimoto bound;
* :mod:`analysis.bias.summary` - means and counts with 95% confidence intervals.
"""

from analysis.bias.chain import (  # noqa: F401
    CellPaths,
    closed_form_cell_shares,
    expected_cell_shares,
    log_odds_factor,
    simulate_cells,
    vanished,
)
from analysis.bias.generator import (  # noqa: F401
    CellModel,
    KernelVarianceGrowth,
    TemperedGenerator,
    fit_generator,
    kde_variance_growth,
    sample_encoded,
    sample_table,
    tempered_probabilities,
)
from analysis.bias.loop import (  # noqa: F401
    STRATEGIES,
    feedback_loop,
    run_replicates,
    simulate_shares,
    split_table,
)
from analysis.bias.metrics import GROUP_METRICS, FairnessMetrics, fairness_metrics  # noqa: F401
from analysis.bias.summary import CI_LEVEL, Interval, mean_interval, path_band, share_interval, summarise, wilson_interval  # noqa: F401
from analysis.bias.table import (  # noqa: F401
    CELL_NAMES,
    TEST_SIZE,
    EncodedTable,
    TableMeta,
    decode_table,
    encode_table,
    split_sizes,
)
from analysis.bias.theory import drift_sd, feedback_bound, feedback_bound_limit  # noqa: F401

__all__ = [
    "CellPaths",
    "closed_form_cell_shares",
    "expected_cell_shares",
    "log_odds_factor",
    "simulate_cells",
    "vanished",
    "CellModel",
    "KernelVarianceGrowth",
    "TemperedGenerator",
    "fit_generator",
    "kde_variance_growth",
    "sample_encoded",
    "sample_table",
    "tempered_probabilities",
    "STRATEGIES",
    "feedback_loop",
    "run_replicates",
    "simulate_shares",
    "split_table",
    "CELL_NAMES",
    "TEST_SIZE",
    "EncodedTable",
    "TableMeta",
    "decode_table",
    "encode_table",
    "split_sizes",
    "GROUP_METRICS",
    "FairnessMetrics",
    "fairness_metrics",
    "CI_LEVEL",
    "Interval",
    "mean_interval",
    "share_interval",
    "path_band",
    "summarise",
    "wilson_interval",
    "drift_sd",
    "feedback_bound",
    "feedback_bound_limit",
]
