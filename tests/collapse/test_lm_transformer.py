"""The transformer of the language-model collapse experiment (optional extra 'deep'): tokenizer, size, cache, a reduced loop."""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path

import numpy as np
import pytest

from analysis.collapse import corpus as lm_corpus
from analysis.collapse import transformer as lt

needs_torch = pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                                 reason="the transformer needs the optional extra 'deep' (torch, CPU build)")
needs_corpus = pytest.mark.skipif(importlib.util.find_spec("torch") is not None and not (
    (Path(lm_corpus.ROOT) / ".cache" / "dict-gcide").exists() or Path("/usr/share/dictd/gcide.dict.dz").exists()),
    reason="GCIDE (Debian's dict-gcide) is not installed here: run `make corpus`")
SLICE = Path(__file__).resolve().parents[1] / "fixtures" / "gcide_slice.txt"


def _slice_vocab():
    lines = [line.split() for line in SLICE.read_text().splitlines() if line != "#heldout"]
    from collections import Counter

    counts = Counter(t for s in lines for t in s)
    vocab = lm_corpus.SPECIALS + tuple(w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    index = {w: i for i, w in enumerate(vocab)}
    return vocab, [np.array([index[t] for t in s], dtype=np.int32) for s in lines]


def test_tokenizer_round_trips_every_sentence_and_spells_rare_words():
    vocab, sents = _slice_vocab()
    tok = lt.make_tokenizer(vocab, whole_words=200)
    for s in sents[:500]:
        ids = lt.encode(tok, s)
        assert ids[0] == lt.BOS and ids[-1] == lt.EOS and max(ids) < tok.size
        np.testing.assert_array_equal(lt.decode(tok, ids, vocab), s)
    rare_word = len(vocab) - 1
    assert len(tok.spell[rare_word]) == len(vocab[rare_word]) + 1 and tok.spell[3] == (3,)
    with pytest.raises(ValueError, match="whole_words"):
        lt.make_tokenizer(vocab, whole_words=len(vocab))


@needs_torch
def test_default_transformer_has_over_a_million_parameters():
    model = lt._model(lt.TransformerConfig(), lt.make_tokenizer(_slice_vocab()[0], whole_words=4000).size
                      if len(_slice_vocab()[0]) > 4003 else 4031)
    assert sum(p.numel() for p in model.parameters()) >= 1_000_000


@needs_torch
@pytest.mark.parametrize("cfg", [lt.TransformerConfig(), lt.TransformerConfig(d_model=32, layers=2, heads=4, max_tokens=16)])
def test_parameter_count_is_torchs_count(cfg):
    for vocab_size in (50, 4031):
        model = lt._model(cfg, vocab_size)
        assert lt.parameter_count(cfg, vocab_size) == sum(p.numel() for p in model.parameters())


def test_default_tokenizer_size_is_the_parameter_counts_default():
    # 4,000 whole words, the three special tokens, 27 letters (a-z and the apostrophe), the end of a word
    assert 4000 + 3 + 27 + 1 == inspect.signature(lt.parameter_count).parameters["vocab_size"].default
    assert lt.parameter_count() > 1_000_000


@needs_torch
def test_cached_decoding_gives_the_full_forward_pass_logits():
    import torch

    torch.manual_seed(0)
    cfg = lt.TransformerConfig(d_model=32, layers=2, heads=4, max_tokens=16)
    model = lt._model(cfg, 50).eval()
    x = torch.randint(0, 50, (3, 10))
    with torch.no_grad():
        full = model(x)
        caches = [{} for _ in range(cfg.layers)]
        steps = [model(x[:, t:t + 1], start=t, caches=caches)[:, -1] for t in range(10)]
    torch.testing.assert_close(torch.stack(steps, 1), full, atol=1e-5, rtol=1e-5)


@needs_torch
@needs_corpus
@pytest.mark.parametrize("regime", ["top_up", "accumulate"])
def test_reduced_transformer_loop_runs_in_seconds(regime):
    cfg = lt.TransformerConfig(d_model=32, layers=1, heads=2, max_tokens=96, batch=16, epochs=0.3)
    rows = lt.transformer_path(regime, 0, generations=1, budget_tokens=1500, config=cfg, eval_sentences=50)
    assert list(rows["generation"]) == [0, 1] and (rows["model"] == "transformer").all()
    assert np.isfinite(rows[["ppl_mean", "ppl_p95", "rare_mass", "distinct_2", "coverage"]].to_numpy()).all()
    assert (rows["ppl_p99"] >= rows["ppl_p95"]).all() and (rows["ppl_mean"] > 1).all()
    if regime == "accumulate":
        assert rows["train_tokens"].iloc[1] > rows["train_tokens"].iloc[0]
    else:
        assert 1500 <= rows["train_tokens"].iloc[1] <= 1600


@needs_torch
@needs_corpus
def test_generation_0_shared_by_the_regimes_gives_the_rows_of_independent_paths():
    # run() trains generation 0 once per replicate and sends its model (as arrays) and random stream
    # to each regime's task; every regime, run one after another from the same start, must give
    # the rows transformer_path computes on its own, to the last bit
    import pandas as pd

    cfg = lt.TransformerConfig(d_model=32, layers=1, heads=2, max_tokens=96, batch=16, epochs=0.3)
    kw = dict(budget_tokens=1500, seed=lt.SEED, config=cfg, eval_sentences=50, n_samples=2)
    start = lt._start_task(1, **kw)
    assert all(isinstance(v, np.ndarray) for v in start.model.values()) and isinstance(start.rng, dict)
    # verify also scores with the restored generation-0 model: test_a_restored_model_* shows it is the
    # same model; this tiny one's samples are too poor for verify's filter to fill a budget
    for regime in ("replace", "accumulate", "top_up"):
        shared = lt._path_task(regime, 1, start, generations=1, real_fraction=0.1, **kw)
        alone = lt.transformer_path(regime, 1, generations=1, **kw)
        pd.testing.assert_frame_equal(shared, alone)


@needs_torch
def test_a_sentence_perplexity_beyond_float32s_range_stays_finite():
    # a model that puts log-probability about -120 on every target: exp(120) = 1.3e52 overflows
    # float32 (3.4e38), and a 95th percentile between two such sentences used to come out NaN
    import torch

    vocab_size = 8

    def model(x):
        logits = torch.zeros((*x.shape, vocab_size))
        logits[..., 0] = 120.0  # every target below is another token
        return logits

    seqs = [np.array([lt.BOS, 3, 4, 5, lt.EOS]), np.array([lt.BOS, 6, 7, lt.EOS])]
    rare = np.zeros(vocab_size, dtype=bool)
    per, ppl, _ = lt._evaluate(model, seqs, rare, vocab_size, torch)
    assert per.dtype == np.float64 and np.isfinite(per).all() and np.isfinite(np.quantile(per, 0.95))
    np.testing.assert_allclose(per, np.exp(120.0 + np.log1p(7 * np.exp(-120.0))), rtol=1e-5)
    np.testing.assert_allclose(ppl, per[0], rtol=1e-5)


@needs_torch
def test_a_restored_model_scores_and_samples_as_the_trained_one():
    import torch

    vocab, sents = _slice_vocab()
    tok = lt.make_tokenizer(vocab, whole_words=200)
    cfg = lt.TransformerConfig(d_model=32, layers=1, heads=2, max_tokens=96, batch=16, epochs=0.3)
    seqs = [lt.encode(tok, s) for s in sents[:300] if len(lt.encode(tok, s)) <= cfg.max_tokens]
    model = lt._train(seqs, cfg, tok.size, 3000, np.random.default_rng(0))
    again = lt._restore(lt._weights(model), cfg, tok.size)
    rare = np.zeros(tok.size, dtype=bool)
    rare[5:40] = True
    for a, b in zip(lt._evaluate(model, seqs[:64], rare, tok.size, torch), lt._evaluate(again, seqs[:64], rare, tok.size, torch)):
        np.testing.assert_array_equal(a, b)
    tokens, words = lt._sample(model, cfg, 300, np.random.default_rng(3), tok, vocab, torch)
    tokens2, words2 = lt._sample(again, cfg, 300, np.random.default_rng(3), tok, vocab, torch)
    assert tokens == tokens2 and len(words) == len(words2)
    assert all(np.array_equal(a, b) for a, b in zip(words, words2))


def test_token_lengths_equal_the_encoded_lengths():
    vocab, sents = _slice_vocab()
    tok = lt.make_tokenizer(vocab, whole_words=200)
    sents = sents[:400] + [np.zeros(0, dtype=np.int32)]
    np.testing.assert_array_equal(lt._token_lengths(tok, sents), [len(lt.encode(tok, s)) for s in sents])
    assert lt._token_lengths(tok, []).shape == (0,)


def test_take_stops_at_the_word_budget_in_the_given_order():
    from analysis.collapse import lm as collapse_lm

    pairs = [([0, 5, 1], np.array([5])), ([0, 6, 7, 1], np.array([6, 7])), ([0, 8, 1], np.array([8]))]
    # words with their end token: 2, 3, 2; the budget is reached by the sentence that crosses it
    assert collapse_lm._take(pairs, np.array([2, 1, 0]), 4, lt._n_words) == [pairs[2], pairs[1]]
    assert collapse_lm._take(pairs, np.array([0, 1, 2]), 2, lt._n_words) == [pairs[0]]
    assert collapse_lm._take([], np.array([], dtype=int), 10, lt._n_words) == []
    # counted on word arrays, the default, the same sentences
    words = [w for _, w in pairs]
    assert collapse_lm._take(words, np.array([2, 1, 0]), 4) == [words[2], words[1]]


@needs_torch
def test_sampled_sentences_fit_the_context_and_decode_to_their_words():
    import torch

    vocab, _ = _slice_vocab()
    tok = lt.make_tokenizer(vocab, whole_words=200)
    cfg = lt.TransformerConfig(d_model=16, layers=1, heads=2, max_tokens=12)
    torch.manual_seed(0)
    model = lt._model(cfg, tok.size).eval()
    tokens, words = lt._sample(model, cfg, 300, np.random.default_rng(0), tok, vocab, torch, batch=16)
    assert sum(len(w) + 1 for w in words) >= 300 and len(tokens) == len(words)
    for t, w in zip(tokens, words):
        assert t[0] == lt.BOS and t[-1] == lt.EOS and len(t) <= cfg.max_tokens and lt.EOS not in t[1:-1]
        np.testing.assert_array_equal(lt.decode(tok, t, vocab), w)
    # an untrained model rarely ends a sentence: most are cut at the limit and closed by an end token
    assert any(len(t) == cfg.max_tokens for t in tokens)
    again = lt._sample(model, cfg, 300, np.random.default_rng(0), tok, vocab, torch, batch=16)
    assert again[0] == tokens


def _stored_deep():
    from analysis.sweeps import store as sweeps  # the module the refingerprint check patches

    try:
        return sweeps.load_results(lt.NAME)
    except FileNotFoundError:
        pytest.skip("results/collapse_lm_deep.csv is not there: run `make sweeps SWEEP=collapse_lm_deep`")


def test_stored_transformer_sweep_has_every_regime_generation_and_replicate():
    stored, prov = _stored_deep()
    assert prov.settings["generations"] >= 5 and prov.settings["replicates"] >= 3
    assert set(stored["regime"]) == set(lt.REGIMES) and (stored["model"] == "transformer").all()
    counts = stored.groupby(["regime", "generation"]).size()
    assert len(counts) == 4 * (prov.settings["generations"] + 1) and (counts == prov.settings["replicates"]).all()
    # generation 0 is the same model in every regime: its seeds do not depend on the regime
    gen0 = stored[stored["generation"] == 0].groupby("replicate")[["ppl_mean", "distinct_2"]].nunique()
    assert (gen0 == 1).all().all()
    budget = prov.settings["budget_tokens"]
    other = stored[stored["regime"] != "accumulate"]
    assert other["train_tokens"].between(budget, budget + 95).all()
    acc = stored[stored["regime"] == "accumulate"].groupby("generation")["train_tokens"].mean()
    assert np.all(np.abs(acc.to_numpy() - budget * (acc.index.to_numpy() + 1)) <= 95 * (acc.index.to_numpy() + 1))
    verify = stored[(stored["regime"] == "verify") & (stored["generation"] < prov.settings["generations"])]
    assert verify["accept_rate"].between(0, 1).all()


@needs_torch
@needs_corpus
@pytest.mark.parametrize("regime", ["top_up", "verify"])
def test_reduced_rerun_reproduces_the_stored_transformer_sweep(regime):
    """Generations 0 and 1 of replicate 0 at the stored settings (about two minutes on one core) give the stored rows.

    Top-up and verify go through every shared step of the regimes (the real top-up draw, the
    verifier's rounds). torch trains in float32 on one thread; on the same kind of CPU the rerun is
    the stored run to the last digits shown, and the tolerance allows only float32 rounding.
    """
    stored, prov = _stored_deep()
    rerun = lt.transformer_path(regime, 0, generations=1, budget_tokens=prov.settings["budget_tokens"],
                                seed=prov.seed, n_samples=0)
    rows = stored[(stored["replicate"] == 0) & (stored["generation"] <= 1) & (stored["regime"] == regime)]
    assert len(rows) == 2
    for col in ("ppl_mean", "ppl_p95", "ppl_p99", "rare_mass", "distinct_2", "distinct_3", "coverage"):
        np.testing.assert_allclose(rerun[col].to_numpy(), rows[col].to_numpy(), rtol=1e-4, err_msg=col)
    # the acceptance of generation 0's samples (the rerun's last generation is not filtered: NaN)
    np.testing.assert_allclose(rerun["accept_rate"].iloc[0], rows["accept_rate"].iloc[0], rtol=1e-4)
    np.testing.assert_array_equal(rerun["train_tokens"].to_numpy(), rows["train_tokens"].to_numpy())
