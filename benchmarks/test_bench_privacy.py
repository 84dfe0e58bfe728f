"""Speed of one generator fit + sample + attack at the chapter's size (run with `make bench`)."""

import warnings

import numpy as np
from sklego.datasets import load_hearts

from analysis import generators, privacy


def _halves():
    hearts = load_hearts(as_frame=True)
    order = np.random.default_rng(0).permutation(len(hearts))
    half = len(hearts) // 2
    return hearts.iloc[order[:half]].reset_index(drop=True), hearts.iloc[order[half:2 * half]].reset_index(drop=True)


def test_bench_copula_fit_sample_attack(benchmark):
    train, holdout = _halves()

    def one():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            synth = generators.make_generator("copula").fit(train, seed=0).sample(len(train), seed=1)
        mia = privacy.membership_inference(train, synth, holdout)
        so = privacy.singling_out_risk(train, synth, holdout, n_attacks=300, seed=0)
        return mia, so

    mia, so = benchmark.pedantic(one, rounds=3, iterations=1)
    assert 0.0 <= mia.auc <= 1.0 and 0.0 <= so.value <= 1.0


def test_bench_anonymeter_three_risks(benchmark):
    train, holdout = _halves()
    synth = generators.make_generator("resample").fit(train, seed=0).sample(len(train), seed=1)

    def risks():
        return (privacy.singling_out_risk(train, synth, holdout, n_attacks=300, seed=0),
                privacy.linkability_risk(train, synth, holdout, n_attacks=300, seed=0),
                privacy.inference_risk(train, synth, holdout, secret="target", n_attacks=300, seed=0))

    out = benchmark.pedantic(risks, rounds=3, iterations=1)
    assert len(out) == 3
