"""The transformer of the language-model collapse experiment (optional extra 'deep'): tokenizer, size, cache, a reduced loop."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from analysis.collapse import corpus as lm_corpus
from analysis.collapse import transformer as lt

needs_torch = pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                                 reason="the transformer needs the optional extra 'deep' (torch, CPU build)")
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
@pytest.mark.skipif(importlib.util.find_spec("torch") is not None and not (
    (Path(lm_corpus.ROOT) / ".cache" / "dict-gcide").exists() or Path("/usr/share/dictd/gcide.dict.dz").exists()),
    reason="GCIDE (Debian's dict-gcide) is not installed here: run `make corpus`")
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
