"""analysis.core.stats: the one Wilson interval and the one t interval, checked against scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from analysis.bias import summary as bias_summary
from analysis.core.stats import ConfidenceInterval, t_interval, wilson_interval, wilson_score
from analysis.privacy import attacks


@pytest.mark.parametrize("k, n", [(0, 1), (1, 1), (0, 10), (3, 10), (10, 10), (17, 250), (999, 1000)])
@pytest.mark.parametrize("level", [0.8, 0.9, 0.95, 0.99])
def test_wilson_interval_equals_scipys(k, n, level):
    ref = stats.binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
    iv = wilson_interval(k, n, level=level)
    assert iv.estimate == k / n and iv.level == level and iv.method == "wilson"
    assert iv.low == pytest.approx(ref.low, abs=1e-12) and iv.high == pytest.approx(ref.high, abs=1e-12)
    centre, half = wilson_score(k, n, level=level)
    assert centre - half == pytest.approx(ref.low, abs=1e-12) and centre + half == pytest.approx(ref.high, abs=1e-12)


@pytest.mark.parametrize("level", [0.8, 0.95])
def test_t_interval_equals_scipys(level):
    x = np.random.default_rng(3).normal(2.0, 1.5, size=12)
    lo, hi = stats.t.interval(level, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    iv = t_interval(np.append(x, np.nan), level=level)  # NaN ignored
    assert iv.estimate == pytest.approx(x.mean()) and iv.method == "student-t"
    assert iv.low == pytest.approx(lo, rel=1e-12) and iv.high == pytest.approx(hi, rel=1e-12)


def test_every_chapter_uses_the_one_implementation():
    # chapter 4's names are the shared functions; chapter 6's Wilson rate is the shared score
    assert bias_summary.wilson_interval is wilson_interval and bias_summary.mean_interval is t_interval
    assert bias_summary.Interval is ConfidenceInterval
    assert attacks.wilson_rate(7, 40, confidence=0.9) == wilson_score(7, 40, level=0.9)


def test_bad_counts_are_refused_by_name():
    with pytest.raises(ValueError, match="^successes, trials:"):
        wilson_interval(11, 10)
    with pytest.raises(ValueError, match="^values:"):
        t_interval([1.0, np.nan])
