"""The language-model collapse experiment: metrics, the stored sweep (current, reproduced), and the chapter's statements.

Tests that need the GCIDE corpus (``make corpus``, which ``make test`` runs) are skipped with a
reason where it is not installed; the statements the chapter makes are checked from the stored
results alone, so they run everywhere.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from analysis.collapse import lm as collapse_lm
from analysis.collapse import lm_report as collapse_lm_report
from analysis.collapse import corpus as lm_corpus
from analysis.sweeps import store as sweeps


def _corpus_installed() -> bool:
    try:
        lm_corpus.corpus_path()
        return True
    except lm_corpus.CorpusMissingError:
        return False


needs_corpus = pytest.mark.skipif(not _corpus_installed(),
                                  reason="GCIDE (Debian's dict-gcide) is not installed here: run `make corpus`")


def test_distinct_ngrams_and_coverage_on_known_text():
    s = [np.array([3, 4, 3, 4, 3]), np.array([5, 6])]
    # bigrams (3,4) (4,3) (3,4) (4,3) (5,6): 3 distinct of 5; trigrams (3,4,3) (4,3,4) (3,4,3): 2 of 3
    assert collapse_lm.distinct_ngrams(s, 2) == pytest.approx(3 / 5)
    assert collapse_lm.distinct_ngrams(s, 3) == pytest.approx(2 / 3)
    # ids 3..9 are the seven real words; 3, 4, 5, 6 occur
    assert collapse_lm.vocabulary_coverage(s, 10) == pytest.approx(4 / 7)


def _slow_distinct_ngrams(sentences, n):
    """The per-sentence definition: a sliding window over each sentence, then the share of distinct rows."""
    grams = [np.lib.stride_tricks.sliding_window_view(np.asarray(s, np.int64), n) for s in sentences if len(s) >= n]
    if not grams:
        return float("nan")
    rows = np.concatenate(grams)
    return len(np.unique(rows, axis=0)) / len(rows)


@pytest.mark.parametrize("seed", range(5))
def test_distinct_ngrams_equals_the_sentence_by_sentence_windows(seed):
    rng = np.random.default_rng(seed)
    # short sentences (below n, empty) among longer ones, and a small vocabulary so that n-grams repeat
    sentences = [rng.integers(3, 3 + int(rng.integers(2, 12)), size=int(rng.integers(0, 9))).astype(np.int32)
                 for _ in range(int(rng.integers(1, 60)))]
    for n in (1, 2, 3, 4):
        fast, slow = collapse_lm.distinct_ngrams(sentences, n), _slow_distinct_ngrams(sentences, n)
        assert (np.isnan(fast) and np.isnan(slow)) or fast == slow
    assert np.isnan(collapse_lm.distinct_ngrams([np.array([5, 6], np.int32)], 3))


def test_rare_words_are_the_least_frequent_tenth():
    counts = np.array([0, 0, 0] + list(range(100, 0, -1)))  # word 3 most frequent, word 102 least
    rare = collapse_lm.rare_words(counts)
    assert rare.sum() == 10 and rare[-10:].all() and not rare[:-10].any()


@needs_corpus
def test_corpus_has_two_million_words_split_by_entry():
    corpus = lm_corpus.load_corpus()
    words = sum(t[0].isalpha() for s in corpus.train + corpus.heldout for t in s)
    assert words >= 2_000_000 and words == collapse_lm_report.CORPUS_WORDS
    assert not set(corpus.train_doc.tolist()) & set(corpus.heldout_doc.tolist())
    assert 0.05 < len(corpus.heldout) / (len(corpus.train) + len(corpus.heldout)) < 0.15


def test_default_environment_does_not_import_torch():
    code = ("import sys, analysis.collapse.transformer, analysis.collapse.lm, analysis.collapse.kneser_ney; "
            "sys.exit(1 if 'torch' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def _stored():
    try:
        return sweeps.load_results(collapse_lm.NAME)
    except FileNotFoundError:
        pytest.skip("results/collapse_lm.csv is not there: run `make sweeps SWEEP=collapse_lm`")


def test_stored_sweep_has_every_regime_generation_and_replicate():
    stored, prov = _stored()
    assert prov.settings["generations"] >= 10 and prov.settings["replicates"] >= 5
    counts = stored.groupby(["regime", "generation"]).size()
    assert set(stored["regime"]) == set(collapse_lm.REGIMES)
    assert len(counts) == 4 * (prov.settings["generations"] + 1) and (counts == prov.settings["replicates"]).all()
    # every generation trains on the same budget, except accumulate whose pool grows by it
    budget = prov.settings["budget_tokens"]
    other = stored[stored["regime"] != "accumulate"]
    assert other["train_tokens"].between(budget, budget + 61).all()
    acc = stored[stored["regime"] == "accumulate"].groupby("generation")["train_tokens"].mean()
    assert np.all(np.abs(acc.to_numpy() - budget * (acc.index.to_numpy() + 1)) <= 61 * (acc.index.to_numpy() + 1))


@needs_corpus
def test_reduced_rerun_reproduces_the_stored_sweep():
    stored, prov = _stored()
    # the first two replicates of every regime, two generations (two replicates give a standard error)
    rerun = collapse_lm.run(generations=1, replicates=2, seed=prov.seed, n_jobs=1,
                            budget_tokens=prov.settings["budget_tokens"], order=prov.settings["order"])
    sub = stored[stored["generation"] <= 1]
    check = sweeps.check_reproduces(sub, rerun, by=["regime", "generation"], columns=list(collapse_lm.METRICS))
    assert check["ok"].all(), check[~check["ok"]]
    # same seeds, same code: the rerun paths are the stored ones
    merged = rerun.merge(sub, on=["model", "regime", "replicate", "generation"], suffixes=("", "_stored"))
    assert len(merged) == len(rerun)
    for col in collapse_lm.METRICS:
        np.testing.assert_allclose(merged[col], merged[f"{col}_stored"], rtol=1e-9)


def test_paired_change_matches_a_hand_computation():
    rows = [{"model": "ngram", "regime": r, "replicate": i, "generation": g, **{m: 0.0 for m in collapse_lm.METRICS}}
            for r in ("replace", "accumulate") for i in range(4) for g in (0, 1)]
    frame = pd.DataFrame(rows)
    frame.loc[(frame.regime == "replace") & (frame.generation == 1), "ppl_mean"] = [1.0, 2.0, 3.0, 4.0]
    d, lo, hi = collapse_lm_report.paired_change(frame, metric="ppl_mean", regime="replace", generation=1)
    half = 3.182446305284263 * np.std([1, 2, 3, 4], ddof=1) / 2  # t(0.975, 3) x SE
    assert (d, lo, hi) == pytest.approx((2.5, 2.5 - half, 2.5 + half))
    d, _, _ = collapse_lm_report.paired_change(frame, metric="ppl_mean", regime="accumulate", generation=1,
                                               baseline_regime="replace")
    assert d == pytest.approx(-2.5)


def test_every_statement_chapter_3_makes_about_the_stored_results_holds():
    """Each verbal claim of chapter 3's language-model section, from results/collapse_lm.csv (no corpus needed)."""
    stored, prov = _stored()
    last, half = int(prov.settings["generations"]), int(prov.settings["generations"]) // 2
    chg = collapse_lm_report.change_table(stored).set_index(["regime", "metric"])

    def pair(metric, regime, generation=last, **kw):
        return collapse_lm_report.paired_change(stored, metric=metric, regime=regime, generation=generation, **kw)

    # replace: mean perplexity and its 99th percentile both rise (CIs exclude zero)
    assert chg.loc[("replace", "ppl_mean"), "lo"] > 0 and chg.loc[("replace", "ppl_p99"), "lo"] > 0
    # accumulate: rises, but less than replace; still rising in the second half, more slowly than in the first
    assert chg.loc[("accumulate", "ppl_mean"), "lo"] > 0 and chg.loc[("accumulate", "ppl_mean"), "vs_hi"] < 0
    late, early = pair("ppl_mean", "accumulate", baseline_generation=half), pair("ppl_mean", "accumulate", generation=half)
    assert late[1] > 0 and late[2] < early[1]
    # accumulate's samples stay nearly as varied: distinct trigrams move by less than a percentage point
    assert abs(chg.loc[("accumulate", "distinct_3"), ["lo", "hi"]]).max() < 0.01
    # top-up: worse than generation 0, better than replace, worse than accumulate
    assert chg.loc[("top_up", "ppl_mean"), "lo"] > 0 and chg.loc[("top_up", "ppl_mean"), "vs_hi"] < 0
    assert pair("ppl_mean", "top_up", baseline_regime="accumulate")[1] > 0
    # verify: mean perplexity indistinguishable from replace's; worse tail; least variety and vocabulary
    assert chg.loc[("verify", "ppl_mean"), "vs_lo"] < 0 < chg.loc[("verify", "ppl_mean"), "vs_hi"]
    assert chg.loc[("verify", "ppl_p99"), "vs_lo"] > 0
    assert chg.loc[("verify", "distinct_3"), "vs_hi"] < 0 and chg.loc[("verify", "coverage"), "vs_hi"] < 0
    ends = chg.xs("distinct_3", level="metric")["end"]
    assert ends.idxmin() == "verify"
    # the verifier accepts more candidates as the samples become repetitive
    accept = stored[stored["regime"] == "verify"].groupby("generation")["accept_rate"].mean().dropna()
    assert accept.iloc[-1] > accept.iloc[1]
    # the rarest tenth of words gains probability under every regime, least under accumulate;
    # replace's samples lose distinct trigrams
    rare = chg.xs("rare_mass", level="metric")
    assert (rare["lo"] > 0).all() and rare["change"].idxmin() == "accumulate"
    assert chg.loc[("replace", "distinct_3"), "hi"] < 0
    # the figure's order at the last generation: accumulate < top-up < replace, verify
    end = chg.xs("ppl_mean", level="metric")["end"]
    assert end["accumulate"] < end["top_up"] < min(end["replace"], end["verify"])
    p99 = chg.xs("ppl_p99", level="metric")["end"]
    assert p99["verify"] > p99["replace"] > max(p99["top_up"], p99["accumulate"])


@pytest.mark.parametrize("regimes", [(), ("replace", "nope"), ["x"]])
def test_a_run_refuses_an_empty_or_unknown_regime_by_name(regimes):
    # declared once (a relation of validate_params), not checked again in the body
    with pytest.raises(ValueError, match=r"^regimes: must be a non-empty selection of replace, accumulate"):
        collapse_lm.run(regimes=regimes)


@pytest.mark.parametrize("seed", range(40))
def test_take_equals_the_cut_of_the_full_cumulative_sum(seed):
    # _take measures lengths only in blocks up to the budget; the slow way measures every sentence
    rng = np.random.default_rng(seed)
    n = int(rng.choice([0, 1, 5, 1023, 1024, 1025, 3000, 5000]))
    sentences = [np.ones(int(k), np.int64) for k in rng.integers(0, 30, size=n)]
    order = rng.permutation(n)
    budget = int(rng.integers(1, 20 * n + 10))
    lengths = np.array([len(sentences[i]) + 1 for i in order], dtype=np.int64)
    k = int(np.searchsorted(np.cumsum(lengths), budget)) + 1
    slow = [sentences[i] for i in order[:k]]
    fast = collapse_lm._take(sentences, order, budget)
    assert len(fast) == len(slow) and all(a is b for a, b in zip(fast, slow))


def test_the_four_regimes_choose_the_next_training_set_as_documented():
    real0 = [np.array([1, 2]), np.array([3]), np.array([4, 5, 6])]
    sample = [np.array([7]), np.array([8, 9]), np.array([10])]
    pool = list(real0)
    kw = dict(budget_tokens=6, real_fraction=0.5, verified=lambda: ([sample[0]], 0.25))
    rng = np.random.default_rng(0)
    train, new_pool, rate = collapse_lm._next_training_set("replace", sample, pool, real0, rng, **kw)
    assert train is sample and new_pool is pool and np.isnan(rate)
    train, new_pool, rate = collapse_lm._next_training_set("accumulate", sample, pool, real0, rng, **kw)
    assert train == real0 + sample and new_pool == train and pool == real0  # the caller's pool is not changed
    train, _, _ = collapse_lm._next_training_set("top_up", sample, pool, real0, np.random.default_rng(0), **kw)
    # real words (end tokens counted) reach half the budget, samples the rest; the real ones come last
    perm = np.random.default_rng(0).permutation(3)
    real = collapse_lm._take(real0, perm, 3)
    assert [s.tolist() for s in train] == [s.tolist() for s in collapse_lm._take(sample, np.arange(3), 6 - sum(
        len(s) + 1 for s in real)) + real]
    assert collapse_lm._next_training_set("verify", sample, pool, real0, rng, **kw)[::2] == ([sample[0]], 0.25)


def test_the_verifier_keeps_sentences_in_its_band_and_stops_when_it_accepts_too_little():
    draws = iter([[np.array([1]), np.array([2, 3])], [np.array([4]), np.array([5])]])
    kept, rate = collapse_lm._verified_sample(lambda: next(draws), lambda c: np.array([len(s) for s in c], float),
                                              (1.0, 1.0), 4)
    # only one-word sentences pass (log-likelihood stand-in = length in [1, 1]); 3 of 4 candidates accepted
    assert [s.tolist() for s in kept] == [[1], [4]] and rate == 0.75
    with pytest.raises(RuntimeError, match="accepted less than the budget in 3 rounds"):
        collapse_lm._verified_sample(lambda: [np.array([1, 2])], lambda c: np.zeros(len(c)), (1.0, 2.0), 4,
                                     max_rounds=3)
