"""analysis.core.stats: the one Wilson interval, the one t interval and the one replicate summary, checked against scipy."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.bias import summary as bias_summary
from analysis.core.stats import ConfidenceInterval, summarise_replicates, t_interval, wilson_interval, wilson_score
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


def _replicates():
    rng = np.random.default_rng(11)
    frame = pd.DataFrame({"arm": rng.choice(["a", "b", "c"], 60), "step": rng.integers(0, 3, 60),
                          "value": rng.normal(5.0, 2.0, 60)})
    frame.loc[frame.index[::7], "value"] = np.nan  # missing values are ignored, as in t_interval
    return pd.concat([frame, pd.DataFrame({"arm": ["d"], "step": [0], "value": [1.0]})], ignore_index=True)


@pytest.mark.parametrize("level", [0.8, 0.95])
@pytest.mark.parametrize("sort", [True, False])
def test_replicate_summary_equals_t_interval_group_by_group(level, sort):
    frame = _replicates()
    out = summarise_replicates(frame, by=["arm", "step"], value="value", level=level, sort=sort)
    assert list(out.columns) == ["arm", "step", "mean", "sd", "n", "low", "high"]
    groups = list(frame.groupby(["arm", "step"], sort=sort))
    assert [tuple(r) for r in out[["arm", "step"]].itertuples(index=False)] == [k for k, _ in groups]
    for row, (_, grp) in zip(out.itertuples(index=False), groups):
        values = grp["value"].to_numpy()
        assert row.n == np.sum(~np.isnan(values))
        if row.n < 2:  # one value: no interval
            assert math.isnan(row.low) and math.isnan(row.high) and row.mean == np.nanmean(values)
            continue
        iv = t_interval(values, level=level)
        assert row.mean == pytest.approx(iv.estimate, rel=1e-14)
        assert row.sd == pytest.approx(np.nanstd(values, ddof=1), rel=1e-14)
        assert row.low == pytest.approx(iv.low, rel=1e-14) and row.high == pytest.approx(iv.high, rel=1e-14)


def test_every_replicate_summary_is_the_shared_one():
    from analysis.collapse import lm_report
    from analysis.privacy import report as privacy_report

    frame = _replicates()
    shared = summarise_replicates(frame, by=["arm", "step"], level=0.9)
    chapter4 = bias_summary.summarise(frame.rename(columns={"value": "x"}), by=["arm", "step"], level=0.9)
    np.testing.assert_array_equal(chapter4[["mean", "sd", "n", "ci_low", "ci_high"]].to_numpy(float),
                                  shared[["mean", "sd", "n", "low", "high"]].to_numpy(float))
    long = frame.rename(columns={"arm": "table", "step": "generator"}).assign(metric="m")
    chapter6 = privacy_report.summarise(long, confidence=0.9)
    expected = summarise_replicates(long, by=["table", "generator", "metric"], level=0.9, sort=False)
    pd.testing.assert_frame_equal(chapter6, expected, check_exact=True)
    paths = np.array([[1.0, 2.0, np.nan], [2.0, 4.0, 1.0], [4.0, 3.0, np.nan]])
    band = bias_summary.path_band(paths, level=0.9)
    for g in range(2):
        iv = t_interval(paths[:, g], level=0.9)
        assert (band["mean"][g], band["ci_low"][g], band["ci_high"][g]) == pytest.approx(tuple(iv[:3]), rel=1e-14)
    assert band["ci_low"].isna().tolist() == [False, False, True] and band["n"].tolist() == [3, 3, 1]
    lm = pd.DataFrame([{"model": "ngram", "regime": r, "generation": g, "replicate": k,
                        **{m: float(k * (g + 1) + i) ** 0.5 for i, m in enumerate(lm_report.METRICS)}}
                       for r in ("replace", "accumulate") for g in (0, 1) for k in range(4)])
    wide = lm_report.summarise(lm, level=0.9)
    assert list(wide.columns[:4]) == ["model", "regime", "generation", "replicates"]
    row = wide[(wide["regime"] == "accumulate") & (wide["generation"] == 1)].iloc[0]
    iv = t_interval(lm[(lm["regime"] == "accumulate") & (lm["generation"] == 1)]["coverage"], level=0.9)
    assert (row["coverage"], row["coverage_lo"], row["coverage_hi"]) == pytest.approx(tuple(iv[:3]), rel=1e-14)
    assert wide["replicates"].tolist() == [4, 4, 4, 4]


def test_replicate_summary_refuses_columns_it_lacks():
    frame = _replicates()
    with pytest.raises(ValueError, match="^frame, by, value:"):
        summarise_replicates(frame, by=["nope"], value="value")
    with pytest.raises(ValueError, match="^frame, by, value:"):
        summarise_replicates(frame, by=[], value="value")
    with pytest.raises(ValueError, match="^frame, by, value:"):
        summarise_replicates(frame, by=["value"], value="value")
