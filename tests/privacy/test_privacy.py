"""Privacy attacks, utility measures and generator adapters (chapter 6): known answers and acceptance."""

from __future__ import annotations

import math
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from sklego.datasets import load_hearts

from analysis.generators import tabular as G
from analysis.privacy import attacks as privacy
from analysis.privacy import utility


def simulated_table(n: int, seed: int) -> pd.DataFrame:
    """Independent draws from a known distribution: two continuous columns, one categorical, a binary label."""
    rng = np.random.default_rng(seed)
    x1 = rng.normal(size=n)
    x2 = 0.5 * x1 + rng.normal(size=n)
    grp = np.where(rng.random(n) < 0.3, "b", "a")
    y = (x1 + (grp == "b") + rng.normal(size=n) > 0.5).astype(np.int64)
    return pd.DataFrame({"x1": x1, "x2": x2, "grp": grp, "y": y})


@pytest.fixture(scope="module")
def hearts_split():
    hearts = load_hearts(as_frame=True)
    order = np.random.default_rng(0).permutation(len(hearts))
    half = len(hearts) // 2
    return hearts.iloc[order[:half]].reset_index(drop=True), hearts.iloc[order[half:2 * half]].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# statistics of anonymeter (known answers)
# ---------------------------------------------------------------------------------------------


def test_wilson_rate_known_answer():
    # 5 of 10 at 95%: rate (5 + z^2/2)/(10 + z^2) = 0.5; error z/(10 + z^2) sqrt(2.5 + z^2/4)
    z = 1.959963984540054
    rate, err = privacy.wilson_rate(5, 10)
    assert rate == pytest.approx(0.5)
    assert err == pytest.approx(z / (10 + z * z) * math.sqrt(2.5 + z * z / 4))


def test_residual_risk_limits():
    assert privacy.residual_risk((0.3, 0.01), (0.3, 0.01), 100).value == 0.0
    r = privacy.residual_risk((1.0, 0.0), (0.2, 0.0), 100)
    assert r.value == pytest.approx(1.0)
    assert privacy.residual_risk((0.1, 0.01), (0.3, 0.01), 100).value == 0.0  # clipped at 0


def test_gower_nearest_equals_brute_force():
    rng = np.random.default_rng(1)
    a = simulated_table(40, 2)
    b = simulated_table(60, 3)
    idx, dist = privacy.gower_nearest(a, b, k=3)
    span = {c: max(a[c].max(), b[c].max()) - min(a[c].min(), b[c].min()) for c in ("x1", "x2", "y")}
    for i in rng.choice(len(a), 10, replace=False):
        d = np.array([
            sum(abs(a.at[i, c] - b.at[j, c]) / span[c] for c in span) + (a.at[i, "grp"] != b.at[j, "grp"])
            for j in range(len(b))
        ])
        assert np.allclose(np.sort(d)[:3], dist[i])
        assert set(idx[i]) == set(np.argsort(d, kind="stable")[:3])


def test_inference_known_answer():
    # the secret is a coin flip independent of everything else: releasing the real rows gives it
    # away (risk near 1); independent draws give the attacker nothing beyond the control (risk near 0)
    rng = np.random.default_rng(5)
    train, control, fresh = (simulated_table(400, s) for s in (10, 11, 12))
    for t in (train, control, fresh):
        t["secret"] = rng.integers(0, 2, len(t))
    leak = privacy.inference_risk(train, train, control, secret="secret", n_attacks=400, seed=1)
    assert leak.attack_rate > 0.95 and leak.low > 0.8
    safe = privacy.inference_risk(train, fresh, control, secret="secret", n_attacks=400, seed=1)
    assert safe.low == 0.0 and safe.value < 0.15


def test_singling_out_and_linkability_on_copied_rows():
    train, control = simulated_table(300, 20), simulated_table(300, 21)
    so = privacy.singling_out_risk(train, train, control, n_attacks=200, seed=0)
    assert so.attack_rate > 0.95 and so.value > 0.5
    # two continuous halves identify each copied row; coarse halves (grp, y) would tie
    li = privacy.linkability_risk(train, train, control, aux_cols=(["x1"], ["x2"]), n_attacks=200, seed=0)
    assert li.attack_rate > 0.95 and li.value > 0.9


# ---------------------------------------------------------------------------------------------
# acceptance: membership inference
# ---------------------------------------------------------------------------------------------


def test_membership_attack_on_real_release_is_far_above_chance(hearts_split):
    train, holdout = hearts_split
    released = G.make_generator("real").fit(train, seed=0).sample(len(train), seed=1)
    mia = privacy.membership_inference(train, released, holdout)
    assert mia.auc > 0.95
    assert mia.tpr_at_1pct_fpr > 0.9


def test_membership_attack_on_true_distribution_is_at_chance():
    # members, non-members and "synthetic" rows are independent draws of one distribution: the
    # AUC has mean 1/2 and (Hanley & McNeil, no ties) s.e. sqrt((n1 + n2 + 1) / (12 n1 n2))
    aucs = []
    for rep in range(8):
        train, holdout, synth = (simulated_table(400, 100 * rep + k) for k in range(3))
        aucs.append(privacy.membership_inference(train, synth, holdout).auc)
    se = math.sqrt((400 + 400 + 1) / (12 * 400 * 400)) / math.sqrt(len(aucs))
    assert abs(np.mean(aucs) - 0.5) < 4 * se


def test_membership_attack_puts_members_and_non_members_on_one_scale():
    # one extreme non-member widens the holdout's range; distances must not shrink for the rest of
    # the holdout because of it (scaled per comparison, they would, and the AUC would fall far below 0.5)
    aucs = []
    for rep in range(8):
        train, holdout, synth = (simulated_table(400, 100 * rep + k) for k in range(3))
        holdout.loc[0, "x1"] = 60.0
        aucs.append(privacy.membership_inference(train, synth, holdout).auc)
    se = math.sqrt((400 + 400 + 1) / (12 * 400 * 400)) / math.sqrt(len(aucs))
    assert abs(np.mean(aucs) - 0.5) < 4 * se


def test_dcr_copy_versus_fresh():
    train, holdout, fresh = (simulated_table(200, s) for s in (30, 31, 32))
    copy = privacy.distance_to_closest_record(train, train, holdout)
    assert copy.synthetic_exact == 1.0 and copy.share_closer_to_train == 1.0
    new = privacy.distance_to_closest_record(train, fresh, holdout)
    assert new.synthetic_exact == 0.0 and abs(new.share_closer_to_train - 0.5) < 0.15


# ---------------------------------------------------------------------------------------------
# acceptance: utility
# ---------------------------------------------------------------------------------------------


def test_tstr_on_real_baseline_equals_trtr(hearts_split):
    train, holdout = hearts_split
    released = G.make_generator("real").fit(train, seed=0).sample(len(train), seed=3)
    kw = dict(label="target", group="sex", minority=0)
    trtr = utility.classifier_accuracy(train, holdout, **kw)
    # the same rows in another order: same logistic fit up to solver tolerance
    tstr = utility.classifier_accuracy(released, holdout, **kw)
    assert tstr == trtr


def test_fidelity_of_a_table_to_itself_is_one():
    t = simulated_table(300, 40)
    f = utility.fidelity(t, t)
    assert f.marginal == pytest.approx(1.0) and f.pairwise == pytest.approx(1.0)


def test_mixed_training_table_counts():
    real, syn = simulated_table(100, 50), simulated_table(100, 51)
    syn["x1"] = syn["x1"] + 1000  # mark the synthetic rows
    mixed = utility.mixed_training_table(real, syn, rows=80, synthetic_share=0.25, seed=0)
    assert len(mixed) == 80 and int((mixed["x1"] > 500).sum()) == 20


# ---------------------------------------------------------------------------------------------
# generators
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["real", "resample", "copula"])
def test_generators_seeded_and_typed(name, hearts_split):
    train, _ = hearts_split
    g = G.make_generator(name).fit(train, seed=0)
    a, b = g.sample(50, seed=7), g.sample(50, seed=7)
    assert a.equals(b)
    assert list(a.columns) == list(train.columns)
    assert (a.dtypes == train.dtypes).all()
    assert isinstance(g, G.TabularGenerator)


def test_default_generators_do_not_import_torch():
    code = (
        "import sys, warnings; warnings.simplefilter('ignore');"
        "from sklego.datasets import load_hearts; from analysis import generators, privacy, utility;"
        "h = load_hearts(as_frame=True); generators.make_generator('copula').fit(h, seed=0).sample(10, seed=0);"
        "assert 'torch' not in sys.modules and 'ctgan' not in sys.modules and 'sdv' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_anonymeter_risks_real_exceed_dp_at_eps_0_1():
    # a small table so that mbi compiles its model quickly; the star tree is fixed, not selected
    full = simulated_table(600, 60).assign(x1=lambda d: d["x1"].round(1), x2=lambda d: d["x2"].round(1))
    train, control = full.iloc[:300].reset_index(drop=True), full.iloc[300:].reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dp = G.make_generator("mst", epsilon=0.1, star_center="y", public_domain=full).fit(train, seed=0)
        synth_dp = dp.sample(len(train), seed=1)
    risks = {}
    for key, synth in (("real", train), ("dp", synth_dp)):
        risks[key] = (
            privacy.singling_out_risk(train, synth, control, n_attacks=200, seed=0).value,
            privacy.linkability_risk(train, synth, control, n_attacks=200, seed=0).value,
            privacy.inference_risk(train, synth, control, secret="y", n_attacks=200, seed=0).value,
        )
    for real_risk, dp_risk in zip(risks["real"], risks["dp"]):
        assert real_risk > dp_risk


# ---------------------------------------------------------------------------------------------
# named errors
# ---------------------------------------------------------------------------------------------


def test_bad_input_named_errors(hearts_split):
    train, holdout = hearts_split
    with pytest.raises(ValueError, match="^name:"):
        G.make_generator("gan9000")
    with pytest.raises(ValueError, match="^epsilon:"):
        G.make_generator("mst", epsilon=0)
    with pytest.raises(ValueError, match="^epsilon:"):
        G.make_generator("mst", epsilon=-1.0)
    with pytest.raises(ValueError, match="^epsilon:"):
        G.make_generator("mst")
    with pytest.raises(ValueError, match="^epsilon:"):
        G.make_generator("copula", epsilon=1.0)
    with pytest.raises(ValueError, match="^table:"):
        G.make_generator("copula").fit(train.iloc[:0], seed=0)
    with pytest.raises(ValueError, match="^synthetic:"):
        privacy.membership_inference(train, train.drop(columns="age"), holdout)
    with pytest.raises(ValueError, match="^train:"):
        utility.classifier_accuracy(train.drop(columns="target"), holdout, label="target", group="sex", minority=0)
    with pytest.raises(ValueError, match="^secret:"):
        privacy.inference_risk(train, train, holdout, secret="nope")
    with pytest.raises(G.GeneratorNotFitted):
        G.make_generator("resample").sample(5)
