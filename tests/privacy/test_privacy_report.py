"""Chapter 6's summaries: anonymeter risks averaged over replicates without the bias of clipping."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.privacy import attacks as privacy
from analysis.privacy import report as privacy_report
from analysis.sweeps import store as sweeps


def _frame(attack: np.ndarray, control: np.ndarray, risk: str = "singling_out") -> pd.DataFrame:
    rows = []
    for rep, (a, c) in enumerate(zip(attack, control)):
        base = {"table": "t", "generator": "g", "replicate": rep}
        rows += [{**base, "metric": f"{risk}_attack_rate", "value": float(a)},
                 {**base, "metric": f"{risk}_control_rate", "value": float(c)}]
    return pd.DataFrame(rows)


def test_unclipped_risk_is_the_residual_risk_before_clipping():
    rng = np.random.default_rng(1)
    attack, control = rng.uniform(0, 1, 50), rng.uniform(0, 0.95, 50)
    out = privacy_report.with_unclipped_risks(_frame(attack, control))
    u = out[out["metric"] == "singling_out_risk_unclipped"].sort_values("replicate")["value"].to_numpy()
    np.testing.assert_allclose(u, (attack - control) / (1 - control), rtol=1e-12)
    # clipped, it is the per-release risk that privacy.residual_risk reports
    clipped = [privacy.residual_risk((a, 0.0), (c, 0.0), 100).value for a, c in zip(attack, control)]
    np.testing.assert_allclose(np.clip(u, 0, 1), clipped, rtol=1e-12, atol=1e-15)


def test_clipping_biases_a_mean_over_replicates_and_the_unclipped_mean_does_not():
    """An attack that does no better on members than on controls: the clipped mean is positive, the unclipped is not."""
    rng = np.random.default_rng(7)
    n, attacks = 400, 300
    p = 0.3  # the same success probability on training and control rows: no leak
    attack = rng.binomial(attacks, p, n) / attacks
    control = rng.binomial(attacks, p, n) / attacks
    out = privacy_report.with_unclipped_risks(_frame(attack, control))
    u = out[out["metric"] == "singling_out_risk_unclipped"]["value"].to_numpy()
    se = u.std(ddof=1) / np.sqrt(n)
    assert abs(u.mean()) < 4 * se  # centred on zero within Monte Carlo error
    clipped = np.clip(u, 0, 1)
    assert clipped.mean() > u.mean() + 8 * se  # about half the replicates are lifted to zero


def test_stored_results_are_rebuilt_exactly():
    frame, _ = sweeps.load_results("privacy_utility")
    out = privacy_report.with_unclipped_risks(frame)
    wide = out.pivot_table(index=["table", "generator", "replicate"], columns="metric", values="value")
    for risk in privacy_report.RISKS:
        np.testing.assert_allclose(wide[f"{risk}_risk_unclipped"].clip(0, 1), wide[f"{risk}_risk"], rtol=0, atol=1e-12)


def test_bad_input_is_named():
    ok = _frame(np.array([0.5]), np.array([0.2]))
    with pytest.raises(ValueError, match="control_rate"):
        privacy_report.with_unclipped_risks(_frame(np.array([0.5]), np.array([1.0])))
    with pytest.raises(ValueError, match="results"):
        privacy_report.with_unclipped_risks(ok.drop(columns="replicate"))
    missing = ok[~((ok["metric"] == "singling_out_control_rate"))]
    with pytest.raises(ValueError, match="same replicates"):
        privacy_report.with_unclipped_risks(missing)


def test_paired_difference_is_per_replicate():
    frame, _ = sweeps.load_results("privacy_utility")
    out = privacy_report.with_difference(frame, metric="mia_auc_outliers", baseline="mia_auc", name="excess")
    wide = out.pivot_table(index=["table", "generator", "replicate"], columns="metric", values="value")
    np.testing.assert_allclose(wide["excess"], wide["mia_auc_outliers"] - wide["mia_auc"], rtol=0, atol=1e-15)
    assert len(out) == len(frame) + len(wide)


def test_paired_difference_bad_input_is_named():
    ok = _frame(np.array([0.5, 0.4]), np.array([0.2, 0.1]))
    with pytest.raises(ValueError, match="metric"):
        privacy_report.with_difference(ok, metric="nope", baseline="singling_out_attack_rate", name="d")
    with pytest.raises(ValueError, match="name"):
        privacy_report.with_difference(ok, metric="singling_out_attack_rate", baseline="singling_out_control_rate",
                                       name="singling_out_attack_rate")
    partial = ok[~((ok["metric"] == "singling_out_control_rate") & (ok["replicate"] == 1))]
    with pytest.raises(ValueError, match="baseline"):
        privacy_report.with_difference(partial, metric="singling_out_attack_rate", baseline="singling_out_control_rate",
                                       name="d")
