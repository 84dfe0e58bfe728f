"""A small GPT-style transformer in the collapse loop (``make sweeps SWEEP=collapse_lm_deep``; needs the extra ``deep``).

The same four regimes and metrics as :mod:`analysis.collapse.lm`, with a decoder-only transformer
(pre-layer-norm blocks, causal self-attention, learned positions, tied input and output
embeddings; 1.32 million parameters at the defaults, see :func:`parameter_count`) trained from scratch on CPU in every
generation. torch is imported inside the functions, so importing this module needs no torch.

The tokenizer is fixed once from the real training text: the ``whole_words`` most frequent words
of the training text are single tokens (their ids are the word ids of
:func:`analysis.collapse.lm.load_lm_data`), and every other word is spelled letter by letter and
closed by an end-of-word token. It is lossless on the corpus vocabulary. Each generation trains on
the token sequences its predecessor sampled, exactly as sampled: a spelling that is not a word of
the vocabulary stays in the next training text as its letters. (Decoding samples to words and
encoding them again would turn every such spelling into ``<unk>``, a filter of our own that is not
part of any regime and that, in a first version, drove held-out perplexity under *replace* up a
thousandfold in two generations.) Samples are decoded to words only to measure their distinct
n-grams and vocabulary coverage, as for the n-gram model, where a spelling that is no word counts
as ``<unk>``; perplexity and the rare-token mass are per token of this tokenizer, so they are not
comparable with the n-gram model's per-word values.

Every generation trains for the same number of token presentations (``epochs`` times the tokens of
generation 0's real data),
drawing batches from its training set, so the regimes cost the same compute; *accumulate*'s
growing set is seen fewer times per sentence.
"""

from __future__ import annotations

import string
import threading
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.collapse import lm as collapse_lm
from analysis.collapse.lm import REGIMES, distinct_ngrams, load_lm_data, vocabulary_coverage
from analysis.core.validation import ArrayLike, InstanceOf, Integral, Interval, Options, Real, Seed, selection_of, validate_params

__all__ = ["NAME", "SEED", "CODE_FILES", "LIBRARIES", "Tokenizer", "make_tokenizer", "encode", "decode",
           "TransformerConfig", "parameter_count", "transformer_path", "run"]

NAME = "collapse_lm_deep"
SEED = 20261207
CODE_FILES = collapse_lm.CODE_FILES + ("analysis/collapse/transformer.py",)
LIBRARIES = collapse_lm.LIBRARIES + ("torch",)
BOS, EOS, UNK = 0, 1, 2
_TORCH_RNG = threading.Lock()
_EVAL_SENTENCES, _REAL_FRACTION = 2000, 0.1  # held-out sentences scored; top-up's real share (transformer_path)
_LETTERS = string.ascii_lowercase + "'"


class Tokenizer(NamedTuple):
    """Word ids below ``whole_words + 3`` are tokens; other words are spelled (letters, then ``end_of_word``)."""

    whole_words: int
    letter_ids: dict
    end_of_word: int
    size: int
    spell: tuple
    word_index: dict


class TransformerConfig(NamedTuple):
    """Size and training of the transformer (defaults: 1.32 million parameters with the default tokenizer)."""

    d_model: int = 128
    layers: int = 4
    heads: int = 4
    max_tokens: int = 96
    lr: float = 3e-3
    batch: int = 16
    epochs: float = 2.0


@validate_params({"vocab": [InstanceOf(tuple, "the corpus vocabulary")],
                  "whole_words": [Interval(Integral, 1, 200_000, closed="both")]})
def make_tokenizer(vocab: tuple[str, ...], whole_words: int = 4000) -> Tokenizer:
    """The fixed tokenizer: the ``whole_words`` most frequent training words whole, the rest spelled.

    Parameters
    ----------
    vocab : tuple of str
        The corpus vocabulary, most frequent first after the specials.
    whole_words : int
        Words kept as single tokens.

    Returns
    -------
    Tokenizer
    """
    if whole_words + 3 > len(vocab):
        raise ValueError(f"whole_words: at most {len(vocab) - 3} for this vocabulary, got {whole_words}")
    base = whole_words + 3
    letter_ids = {ch: base + i for i, ch in enumerate(_LETTERS)}
    end = base + len(_LETTERS)
    spell = tuple((i,) if i < base else tuple(letter_ids[c] for c in vocab[i]) + (end,) for i in range(len(vocab)))
    return Tokenizer(whole_words, letter_ids, end, end + 1, spell, {w: i for i, w in enumerate(vocab)})


@validate_params({"tok": [InstanceOf(Tokenizer)], "sentence": [ArrayLike(integer=True, lo=0)]})
def encode(tok: Tokenizer, sentence: np.ndarray) -> list[int]:
    """Token ids of one sentence of word ids, with the start and end tokens.

    Parameters
    ----------
    tok : Tokenizer
        The tokenizer.
    sentence : int array
        Word ids.

    Returns
    -------
    list of int
    """
    out = [BOS]
    for w in sentence:
        out.extend(tok.spell[int(w)])
    out.append(EOS)
    return out


@validate_params({"tok": [InstanceOf(Tokenizer)], "tokens": [ArrayLike(integer=True, lo=0)],
                  "vocab": [InstanceOf(tuple, "the corpus vocabulary")]})
def decode(tok: Tokenizer, tokens: np.ndarray | list[int], vocab: tuple[str, ...]) -> np.ndarray:
    """Word ids of a token sequence (start and end tokens dropped; an unknown spelling becomes ``<unk>``).

    Parameters
    ----------
    tok : Tokenizer
        The tokenizer.
    tokens : int array
        Token ids.
    vocab : tuple of str
        The corpus vocabulary.

    Returns
    -------
    ndarray
        Word ids.
    """
    letters = {v: k for k, v in tok.letter_ids.items()}
    words, spelled = [], []
    for t in tokens:
        t = int(t)
        if t in (BOS, EOS):
            continue
        if t in letters:
            spelled.append(letters[t])
        elif t == tok.end_of_word:
            words.append(tok.word_index.get("".join(spelled), UNK) if spelled else UNK)
            spelled = []
        else:
            if spelled:  # a spelling left open: not a word of the vocabulary
                words.append(UNK)
                spelled = []
            words.append(t)
    if spelled:
        words.append(UNK)
    return np.asarray(words, dtype=np.int32)


@validate_params({"config": [InstanceOf(TransformerConfig)],
                  "vocab_size": [Interval(Integral, 1, 10_000_000, closed="both")]})
def parameter_count(config: TransformerConfig = TransformerConfig(), vocab_size: int = 4031) -> int:
    """Trainable parameters of the transformer, in closed form (tested equal to torch's count).

    With model width :math:`d`, :math:`L` blocks, context :math:`T` and :math:`V` tokens:
    :math:`Vd + Td + L(12d^2 + 13d) + 2d` (token and position embeddings, the output layer tied to
    the token embedding; per block two layer norms :math:`4d`, the query-key-value projection
    :math:`3d^2 + 3d`, the output projection :math:`d^2 + d` and the feed-forward layers
    :math:`8d^2 + 5d`; a final layer norm).

    Parameters
    ----------
    config : TransformerConfig
        Model size.
    vocab_size : int
        Tokens of the tokenizer (4,031 for the default tokenizer of 4,000 whole words).

    Returns
    -------
    int
    """
    d = config.d_model
    return vocab_size * d + config.max_tokens * d + config.layers * (12 * d * d + 13 * d) + 2 * d


def _model(cfg: TransformerConfig, vocab_size: int):
    import torch
    from torch import nn
    from torch.nn import functional as F

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.ln2 = nn.LayerNorm(cfg.d_model), nn.LayerNorm(cfg.d_model)
            self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model)
            self.proj = nn.Linear(cfg.d_model, cfg.d_model)
            self.ff = nn.Sequential(nn.Linear(cfg.d_model, 4 * cfg.d_model), nn.GELU(),
                                    nn.Linear(4 * cfg.d_model, cfg.d_model))

        def forward(self, x, cache=None):
            b, t, d = x.shape
            q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
            shape = (b, t, cfg.heads, d // cfg.heads)
            q, k, v = (z.view(shape).transpose(1, 2) for z in (q, k, v))
            if cache is not None:  # incremental decoding: attend to every earlier position
                if "k" in cache:
                    k, v = torch.cat([cache["k"], k], 2), torch.cat([cache["v"], v], 2)
                cache["k"], cache["v"] = k, v
                y = F.scaled_dot_product_attention(q, k, v)
            else:
                y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            x = x + self.proj(y.transpose(1, 2).reshape(b, t, d))
            return x + self.ff(self.ln2(x))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok = nn.Embedding(vocab_size, cfg.d_model)
            self.pos = nn.Embedding(cfg.max_tokens, cfg.d_model)
            self.blocks = nn.ModuleList(Block() for _ in range(cfg.layers))
            self.ln = nn.LayerNorm(cfg.d_model)

        def forward(self, idx, start=0, caches=None):
            x = self.tok(idx) + self.pos(torch.arange(start, start + idx.shape[1]))
            for i, blk in enumerate(self.blocks):
                x = blk(x, None if caches is None else caches[i])
            return self.ln(x) @ self.tok.weight.T  # output layer tied to the input embedding

    return GPT()


def _batch(seqs, torch):
    n = max(len(s) for s in seqs)
    x = torch.zeros((len(seqs), n - 1), dtype=torch.long)
    y = torch.full((len(seqs), n - 1), -100, dtype=torch.long)
    for i, s in enumerate(seqs):
        t = torch.as_tensor(s, dtype=torch.long)
        x[i, :len(s) - 1], y[i, :len(s) - 1] = t[:-1], t[1:]
    return x, y


def _train(seqs, cfg, vocab_size, n_tokens, rng):
    import torch
    from torch.nn import functional as F

    with _TORCH_RNG:  # threads of one Dask worker must not reseed torch between another's seed and init
        torch.manual_seed(int(rng.integers(2**31)))
        model = _model(cfg, vocab_size)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    lengths = np.array([len(s) - 1 for s in seqs])
    steps = max(1, int(np.ceil(n_tokens / (cfg.batch * lengths.mean()))))
    model.train()
    for step in range(steps):
        lr = cfg.lr * min(1.0, (step + 1) / 20) * 0.5 * (1 + np.cos(np.pi * step / steps))  # warm-up, cosine decay
        for group in opt.param_groups:
            group["lr"] = lr
        x, y = _batch([seqs[i] for i in rng.integers(len(seqs), size=cfg.batch)], torch)
        loss = F.cross_entropy(model(x).reshape(-1, vocab_size), y.reshape(-1), ignore_index=-100)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    return model


def _evaluate(model, seqs, rare, vocab_size, torch, batch=256):
    """Per-sentence perplexity and the mean rare-token mass over every predicted position.

    A sentence's perplexity is exponentiated in float64: the float32 mean log-probability of a
    badly overfit model can be -90 or below, whose exponential overflows float32 (about 3.4e38)
    to ``inf``, and a quantile between two ``inf`` values is ``nan``.
    """
    from torch.nn import functional as F

    if not seqs:
        return np.zeros(0), float("nan"), float("nan")
    per_sentence, rare_mass, total_lp, total_n = [], [], 0.0, 0
    rare_t = torch.as_tensor(rare)
    with torch.no_grad():
        for i in range(0, len(seqs), batch):
            x, y = _batch(seqs[i:i + batch], torch)
            logp = F.log_softmax(model(x), dim=-1)
            mask = y >= 0
            lp = logp.gather(2, y.clamp(min=0)[..., None])[..., 0] * mask
            n = mask.sum(1)
            per_sentence.append(np.exp(-(lp.sum(1) / n).numpy().astype(np.float64)))
            rare_mass.append((logp.exp()[..., rare_t].sum(-1))[mask].numpy())
            total_lp += float(lp.sum())
            total_n += int(n.sum())
    per = np.concatenate(per_sentence)
    return per, float(np.exp(-total_lp / total_n)), float(np.concatenate(rare_mass).mean())


def _sample(model, cfg, n_words, rng, tok, vocab, torch, batch=512):
    """Sentences sampled at temperature 1 until they hold ``n_words`` words (end tokens counted).

    Returns the token sequences as sampled (start and end tokens included), which the next
    generation trains on, and their words (for the word-level metrics). A sentence that reaches the
    context limit without an end token is closed by one. Finished sentences leave the batch (their
    cached keys and values with them), so a batch costs the length of its sentences, not the limit.
    """
    gen = torch.Generator().manual_seed(int(rng.integers(2**31)))
    limit = cfg.max_tokens - 2  # one place is left for the end token: a sentence cut at the limit still fits
    token_seqs, word_seqs, total = [], [], 0
    with torch.no_grad():
        while total < n_words:
            caches = [{} for _ in range(cfg.layers)]
            idx = torch.zeros((batch, 1), dtype=torch.long)
            rows = torch.arange(batch)
            out = torch.full((batch, limit), EOS, dtype=torch.long)
            length = torch.full((batch,), limit, dtype=torch.long)
            for t in range(limit):
                probs = torch.softmax(model(idx, start=t, caches=caches)[:, -1], dim=-1)
                idx = torch.multinomial(probs, 1, generator=gen)
                out[rows, t] = idx[:, 0]
                ended = idx[:, 0] == EOS
                if bool(ended.any()):
                    length[rows[ended]] = t
                    keep = ~ended
                    if not bool(keep.any()):
                        break
                    rows, idx = rows[keep], idx[keep]
                    for cache in caches:
                        cache["k"], cache["v"] = cache["k"][keep], cache["v"][keep]
            out, length = out.numpy(), length.numpy()
            for row, n in zip(out, length):
                body = row[:n]
                words = decode(tok, body, vocab)
                token_seqs.append([BOS, *body.tolist(), EOS])
                word_seqs.append(words)
                total += len(words) + 1
                if total >= n_words:
                    break
    return token_seqs, word_seqs


def _token_lengths(tok, sentences):
    """Tokens of each sentence of word ids once encoded (start and end tokens included), without encoding it."""
    if not sentences:
        return np.zeros(0, dtype=np.int64)
    spelled = np.fromiter(map(len, tok.spell), dtype=np.int64, count=len(tok.spell))
    words = np.concatenate([np.asarray(s, np.int64) for s in sentences])
    ends = np.cumsum(np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences)))
    total = np.r_[0, np.cumsum(spelled[words])]
    sums = total[ends] - total[np.r_[0, ends[:-1]]]
    return sums + 2


def _n_words(pair):
    """Words in a (tokens, words) pair: what a budget counts."""
    return len(pair[1])


@validate_params({"regime": [Options(str, set(REGIMES))], "replicate": [Interval(Integral, 0, 10_000, closed="both")],
                  "generations": [Interval(Integral, 0, 100, closed="both")],
                  "budget_tokens": [Interval(Integral, 100, 10_000_000, closed="both")], "seed": [Seed()],
                  "config": [InstanceOf(TransformerConfig)],
                  "eval_sentences": [Interval(Integral, 10, 100_000, closed="both")],
                  "real_fraction": [Interval(Real, 0, 1, closed="neither")],
                  "n_samples": [Interval(Integral, 0, 100, closed="both")]})
def transformer_path(regime: str, replicate: int, *, generations: int = 5, budget_tokens: int = 40_000,
                     seed: int = SEED, config: TransformerConfig = TransformerConfig(),
                     eval_sentences: int = _EVAL_SENTENCES, real_fraction: float = _REAL_FRACTION,
                     n_samples: int = 3) -> pd.DataFrame:
    """One replicate of one regime with the transformer; the rows of :func:`analysis.collapse.lm.ngram_path`.

    ``budget_tokens`` counts words (end of sentence included), as for the n-gram model. The
    verifier is the n-gram sweep's likelihood filter (central 90% band of real sentences under a
    generation-0 model), here the generation-0 transformer. Perplexity is measured on the first
    ``eval_sentences`` held-out sentences that fit the context.

    Parameters
    ----------
    regime : str
        One of ``REGIMES``.
    replicate : int
        Index of the replicate.
    generations : int
        Generations after generation 0.
    budget_tokens : int
        Words per generation.
    seed : int
        Root seed.
    config : TransformerConfig
        Model size and training.
    eval_sentences : int
        Held-out sentences scored.
    real_fraction : float
        Real share of top-up's budget.
    n_samples : int
        Sampled sentences kept per generation.

    Returns
    -------
    DataFrame
        One row per generation, the columns of :func:`analysis.collapse.lm.ngram_path`.

    References
    ----------
    shumailov2024ai, gerstgrasser2024model, feng2024beyond
    """
    import torch

    torch.set_num_threads(1)
    setting = _setting(replicate, budget_tokens=budget_tokens, seed=seed, config=config, eval_sentences=eval_sentences)
    start = _generation0(setting, replicate, budget_tokens=budget_tokens, seed=seed, config=config,
                         n_samples=n_samples)
    return _path(regime, replicate, setting, start, generations=generations, budget_tokens=budget_tokens, seed=seed,
                 config=config, real_fraction=real_fraction, n_samples=n_samples)


class _Setting(NamedTuple):
    """What every generation of a replicate reads: the corpus, tokenizer, held-out text, rare set and real draw."""

    vocab: tuple
    tok: Tokenizer
    heldout: list
    rare: np.ndarray
    real0: list
    calib: list
    n_train: int


class _Start(NamedTuple):
    """Generation 0 of a replicate, the same in every regime: its model, sample, row and random stream."""

    model: object
    sample: list
    row: dict
    rng: np.random.Generator


def _setting(replicate, *, budget_tokens, seed, config, eval_sentences) -> _Setting:
    data = load_lm_data()
    tok = make_tokenizer(data.vocab)
    heldout_words = [s for s, n in zip(data.heldout, _token_lengths(tok, data.heldout)) if n <= config.max_tokens]
    heldout = [encode(tok, s) for s in heldout_words[:eval_sentences]]
    counts = np.bincount(np.concatenate([np.asarray(encode(tok, s)) for s in data.train[:50_000]]),
                         minlength=tok.size)
    rare = collapse_lm.rare_words(counts)
    rare[tok.end_of_word] = rare[list(tok.letter_ids.values())] = False
    base = np.random.default_rng([seed, replicate])
    train_pool = [s for s, n in zip(data.train, _token_lengths(tok, data.train)) if n <= config.max_tokens]
    perm = base.permutation(len(train_pool))
    real0 = collapse_lm._take(train_pool, perm, budget_tokens)
    calib = [encode(tok, train_pool[i]) for i in perm[len(real0):len(real0) + 1000]]
    real0 = [(encode(tok, s), s) for s in real0]
    # token presentations per generation: the same in every regime and generation
    n_train = int(config.epochs * sum(len(t) - 1 for t, _ in real0))
    return _Setting(data.vocab, tok, heldout, rare, real0, calib, n_train)


def _row(model, setting, sample, train, replicate, g, n_samples, torch) -> dict:
    words = [w for _, w in sample]
    per, ppl, rare_mass = _evaluate(model, setting.heldout, setting.rare, setting.tok.size, torch)
    # "regime" is filled in by the path: generation 0's row is every regime's
    return {"model": "transformer", "regime": None, "replicate": replicate, "generation": g,
            "ppl_mean": ppl, "ppl_p95": float(np.quantile(per, 0.95)), "ppl_p99": float(np.quantile(per, 0.99)),
            "rare_mass": rare_mass, "distinct_2": distinct_ngrams(words, 2),
            "distinct_3": distinct_ngrams(words, 3), "coverage": vocabulary_coverage(words, len(setting.vocab)),
            "train_tokens": int(sum(len(w) + 1 for _, w in train)), "accept_rate": np.nan,
            **{f"sample_{i + 1}": " ".join(setting.vocab[t] for t in words[i]) for i in range(n_samples)}}


def _generation0(setting, replicate, *, budget_tokens, seed, config, n_samples) -> _Start:
    import torch

    model0 = _train([t for t, _ in setting.real0], config, setting.tok.size, setting.n_train,
                    np.random.default_rng([seed, replicate, 99, 0, 1]))
    rng = np.random.default_rng([seed, replicate, 99, 0])
    sample = list(zip(*_sample(model0, config, budget_tokens, rng, setting.tok, setting.vocab, torch)))
    return _Start(model0, sample, _row(model0, setting, sample, setting.real0, replicate, 0, n_samples, torch), rng)


def _path(regime, replicate, setting, start, *, generations, budget_tokens, seed, config, real_fraction,
          n_samples) -> pd.DataFrame:
    """Generations 0..``generations`` of one regime, from its replicate's generation 0 (``start``)."""
    import torch

    tok, model0, r_idx = setting.tok, start.model, REGIMES.index(regime)
    if regime == "verify":
        band = np.quantile(-np.log(_evaluate(model0, setting.calib, setting.rare, tok.size, torch)[0]), [0.05, 0.95])
    rows, model, pool, train = [], model0, list(setting.real0), setting.real0
    for g in range(generations + 1):
        if g == 0:
            sample, row, rng = start.sample, dict(start.row), start.rng
        else:
            rng = np.random.default_rng([seed, replicate, r_idx, g])
            sample = list(zip(*_sample(model, config, budget_tokens, rng, tok, setting.vocab, torch)))
            row = _row(model, setting, sample, train, replicate, g, n_samples, torch)
        row["regime"] = regime
        if g == generations:
            rows.append(row)
            break
        # the next generation trains on the token sequences as sampled: a spelling that is not a word
        # stays in its training text as letters (it is shown as <unk> only in the word metrics)
        train, pool, row["accept_rate"] = collapse_lm._next_training_set(
            regime, sample, pool, setting.real0, rng, budget_tokens=budget_tokens, real_fraction=real_fraction,
            size=_n_words,
            verified=lambda: collapse_lm._verified_sample(
                lambda: list(zip(*_sample(model, config, budget_tokens // 2, rng, tok, setting.vocab, torch))),
                lambda cand: -np.log(_evaluate(model0, [t for t, _ in cand], setting.rare, tok.size, torch)[0]),
                band, budget_tokens, size=_n_words))
        rows.append(row)
        model = _train([t for t, _ in train], config, tok.size, setting.n_train,
                       np.random.default_rng([seed, replicate, r_idx, g + 1, 1]))
    return pd.DataFrame(rows)


def _start_task(replicate, **kw):
    """Phase 1 of :func:`run`: generation 0 of a replicate, its model as arrays (to travel to any worker)."""
    import torch

    torch.set_num_threads(1)
    setting = _setting(replicate, **{k: kw[k] for k in ("budget_tokens", "seed", "config", "eval_sentences")})
    start = _generation0(setting, replicate, budget_tokens=kw["budget_tokens"], seed=kw["seed"], config=kw["config"],
                         n_samples=kw["n_samples"])
    return start._replace(model=_weights(start.model), rng=start.rng.bit_generator.state)


def _weights(model) -> dict:
    """A model's parameters as numpy arrays (pickled to any worker without torch's own serialisation)."""
    return {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}


def _restore(weights: dict, config, vocab_size: int):
    """The model whose parameters are ``weights`` (:func:`_weights`), ready to sample and score."""
    import torch

    with _TORCH_RNG:  # its random initialisation, overwritten at once, draws from torch's global stream
        model = _model(config, vocab_size)
    model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in weights.items()})
    return model.eval()


def _path_task(regime, replicate, start, *, generations, real_fraction, **kw):
    """Phase 2 of :func:`run`: one regime from its replicate's generation 0 (a fresh copy of its model and stream)."""
    import torch

    torch.set_num_threads(1)
    setting = _setting(replicate, **{k: kw[k] for k in ("budget_tokens", "seed", "config", "eval_sentences")})
    model = _restore(start.model, kw["config"], setting.tok.size)
    rng = np.random.default_rng()
    rng.bit_generator.state = start.rng
    start = start._replace(model=model, rng=rng, sample=list(start.sample), row=dict(start.row))
    return _path(regime, replicate, setting, start, generations=generations, budget_tokens=kw["budget_tokens"],
                 seed=kw["seed"], config=kw["config"], real_fraction=real_fraction, n_samples=kw["n_samples"])


@validate_params({"generations": [Interval(Integral, 0, 100, closed="both")],
                  "replicates": [Interval(Integral, 1, 1000, closed="both")], "seed": [Seed()],
                  "regimes": [InstanceOf((list, tuple), "a sequence of regime names")],
                  "budget_tokens": [Interval(Integral, 100, 10_000_000, closed="both")],
                  "first_replicate": [Interval(Integral, 0, 10_000, closed="both")],
                  "n_jobs": [Interval(Integral, -1, 64, closed="both"), None]},
                 relations=[selection_of("regimes", REGIMES)])
def run(*, generations: int = 5, replicates: int = 3, seed: int = SEED, regimes: tuple[str, ...] = REGIMES,
        budget_tokens: int = 40_000, first_replicate: int = 0, n_jobs: int | None = None) -> pd.DataFrame:
    """The transformer sweep: every (regime, replicate) path through joblib, one row per generation.

    Parameters
    ----------
    generations, replicates : int
        Generations after generation 0, and replicates per regime.
    seed : int
        Root seed.
    regimes : sequence of str
        Regimes to run.
    budget_tokens : int
        Words per generation.
    first_replicate : int
        Index of the first replicate.
    n_jobs : int or None
        joblib workers.

    Returns
    -------
    DataFrame

    References
    ----------
    shumailov2024ai, gerstgrasser2024model
    """
    from joblib import Parallel, delayed

    # generation 0 depends on the replicate only: trained once per replicate (phase 1), then every
    # regime carries on from it (phase 2); the rows equal those of independent transformer_path calls
    reps = range(first_replicate, first_replicate + replicates)
    kw = {i: dict(budget_tokens=budget_tokens, seed=seed, config=TransformerConfig(), eval_sentences=_EVAL_SENTENCES,
                  n_samples=3 if i == 0 else 0) for i in reps}
    starts = dict(zip(reps, Parallel(n_jobs=n_jobs)(delayed(_start_task)(i, **kw[i]) for i in reps)))
    out = Parallel(n_jobs=n_jobs)(
        delayed(_path_task)(r, i, starts[i], generations=generations, real_fraction=_REAL_FRACTION, **kw[i])
        for i in reps for r in regimes)
    return pd.concat(out, ignore_index=True)
