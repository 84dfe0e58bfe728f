"""Model collapse measured on language models trained on real text: four ways to feed each generation.

Generation 0 is trained on ``budget_tokens`` tokens of real training sentences (a random draw per
replicate). Each later generation is trained on text sampled at temperature 1 from the previous
generation's model, in one of four regimes, every generation drawing the same number of new tokens:

- ``replace``: only the newest ``budget_tokens`` sampled tokens (Shumailov et al. 2024);
- ``accumulate``: the real data and every sample so far (Gerstgrasser et al. 2024), so the
  training set grows by ``budget_tokens`` a generation;
- ``top_up``: ``budget_tokens`` tokens of which a fraction ``real_fraction`` are real sentences
  redrawn from generation 0's data each generation (Shumailov et al.'s second setting kept 10%);
- ``verify``: ``budget_tokens`` sampled tokens that a verifier accepted. The verifier is a
  likelihood filter fixed at generation 0: a sentence is kept if its per-token log-likelihood
  under the generation-0 model lies within the central ``verify_band`` of the same quantity on
  real sentences that model never saw. It rejects both degenerate text (too likely) and
  garbled text (too unlikely). Feng et al. (2024) instead curate synthetic data with feedback on
  tasks that have a right answer (pruning wrong predictions, or keeping the best of several);
  free text has no right answer, so this verifier can only check that a sentence looks like
  real text to the first model.

Measured per generation (on the model of that generation): perplexity on the held-out real text
(pooled, and the 95th and 99th percentiles of per-sentence perplexity, the tail that Shumailov et
al.'s Fig. 1 shows growing), the mean probability the model gives the rarest tenth of the real
vocabulary in held-out contexts, and on a sample of ``budget_tokens`` tokens from the model the
share of distinct bigrams and trigrams and the share of the real vocabulary that appears at all.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.collapse import kneser_ney as kn
from analysis.collapse import corpus as lm_corpus
from analysis.core.validation import InstanceOf, Integral, Interval, Options, Real, Seed, selection_of, validate_params

__all__ = ["NAME", "SEED", "CODE_FILES", "LIBRARIES", "REGIMES", "LMData", "load_lm_data", "distinct_ngrams",
           "vocabulary_coverage", "rare_words", "ngram_path", "run"]

NAME = "collapse_lm"
SEED = 20261206
CODE_FILES = ("analysis/collapse/lm.py", "analysis/collapse/kneser_ney.py", "analysis/collapse/corpus.py")
LIBRARIES = ("numpy", "pandas", "scipy", "joblib")
REGIMES = ("replace", "accumulate", "top_up", "verify")
METRICS = ("ppl_mean", "ppl_p95", "ppl_p99", "rare_mass", "distinct_2", "distinct_3", "coverage")
_CACHE = lm_corpus.ROOT / ".cache" / "collapse_lm"
_N_JOBS = [Interval(Integral, -1, 64, closed="both"), None]


class LMData(NamedTuple):
    """The encoded corpus and what the metrics need: the held-out sentences, the rare set, the calibration pool."""

    vocab: tuple[str, ...]
    train: list[np.ndarray]
    heldout: list[np.ndarray]
    rare: np.ndarray
    sha256: str


@validate_params({"vocab_size": [Interval(Integral, 100, 200_000, closed="both")],
                  "directory": [InstanceOf((str, Path), "a directory path"), None]})
def load_lm_data(vocab_size: int = 20_000, directory: str | Path | None = None) -> LMData:
    """The GCIDE corpus encoded over its ``vocab_size`` most frequent training tokens (cached on disk).

    The cache (``.cache/collapse_lm``) is keyed by the corpus file's SHA-256 and the vocabulary
    size; a parse of the full text takes about ten seconds, a cache read well under one.

    Parameters
    ----------
    vocab_size : int
        Vocabulary size, special tokens included.
    directory : str, Path or None
        Directory of the dictd files (default: :func:`analysis.collapse.corpus.corpus_path`).

    Returns
    -------
    LMData
    """
    place = str(lm_corpus.corpus_path(directory))
    return _load_lm_data(int(vocab_size), place)


@functools.lru_cache(maxsize=2)
def _load_lm_data(vocab_size: int, place: str) -> LMData:
    cache = _CACHE / f"gcide-{lm_corpus.SHA256[:16]}-v{vocab_size}.npz"
    if cache.is_file():
        z = np.load(cache, allow_pickle=False)
        split = lambda flat, lens: np.split(flat, np.cumsum(lens)[:-1])  # noqa: E731
        return LMData(tuple(z["vocab"].tolist()), split(z["train"], z["train_len"]),
                      split(z["heldout"], z["heldout_len"]), z["rare"], str(z["sha256"]))
    corpus = lm_corpus.load_corpus(place)
    enc = lm_corpus.encode_corpus(corpus, vocab_size=vocab_size)
    data = LMData(enc.vocab, enc.train, enc.heldout, rare_words(enc.train_counts), corpus.sha256)
    _CACHE.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp.npz")
    np.savez(tmp, vocab=np.array(data.vocab), train=np.concatenate(data.train),
             train_len=[len(s) for s in data.train], heldout=np.concatenate(data.heldout),
             heldout_len=[len(s) for s in data.heldout], rare=data.rare, sha256=data.sha256)
    tmp.replace(cache)
    return data


@validate_params({"train_counts": [InstanceOf(np.ndarray, "an integer array of word counts")],
                  "fraction": [Interval(Real, 0, 1, closed="neither")]})
def rare_words(train_counts: np.ndarray, fraction: float = 0.1) -> np.ndarray:
    """Boolean mask of the rarest ``fraction`` of the real vocabulary (special tokens excluded).

    Words are ranked by their count in the real training text (ties by id, i.e. alphabetically as
    :func:`analysis.collapse.corpus.encode_corpus` orders them); the last ``fraction`` of the ranks are rare.

    Parameters
    ----------
    train_counts : int array
        Count of each vocabulary id in the real training text (specials first).
    fraction : float
        Share of the real vocabulary called rare.

    Returns
    -------
    ndarray
        Boolean mask over the vocabulary.
    """
    n_special = len(lm_corpus.SPECIALS)
    if train_counts.ndim != 1 or len(train_counts) <= n_special:
        raise ValueError("train_counts: expected a 1-D count array longer than the special tokens")
    words = np.arange(n_special, len(train_counts))
    order = words[np.lexsort((words, -train_counts[n_special:]))]
    mask = np.zeros(len(train_counts), dtype=bool)
    mask[order[len(order) - int(round(fraction * len(order))):]] = True
    return mask


@validate_params({"sentences": [InstanceOf((list, tuple), "a list of integer arrays")],
                  "n": [Interval(Integral, 1, 6, closed="both")]})
def distinct_ngrams(sentences: list[np.ndarray], n: int) -> float:
    """Distinct-n: the number of distinct n-grams within sentences divided by the number of n-grams.

    Parameters
    ----------
    sentences : list of int arrays
        Token ids.
    n : int
        The n-gram length.

    Returns
    -------
    float
        In (0, 1]; NaN if no sentence has n tokens.
    """
    # every window of n tokens that lies within one sentence, gathered from the concatenated tokens at
    # once (a window per sentence in Python was most of a sweep's time); equal to the per-sentence
    # sliding windows (tests/collapse/test_collapse_lm.py)
    lengths = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))
    windows = np.maximum(lengths - n + 1, 0)
    if not windows.sum():
        return float("nan")
    flat = np.concatenate([np.asarray(s, np.int64) for s in sentences])
    total = int(windows.sum())
    starts = np.repeat(np.cumsum(lengths) - lengths, windows) + np.arange(total) - np.repeat(np.cumsum(windows) - windows, windows)
    g = flat[starts[:, None] + np.arange(n)]
    key = np.zeros(len(g), dtype=np.int64)
    for j in range(n):
        key = key * (int(g.max()) + 1) + g[:, j]
    return len(np.unique(key)) / len(key)


@validate_params({"sentences": [InstanceOf((list, tuple), "a list of integer arrays")],
                  "vocab_size": [Interval(Integral, 4, 10**7, closed="both")]})
def vocabulary_coverage(sentences: list[np.ndarray], vocab_size: int) -> float:
    """Share of the real vocabulary's words (ids from 3 on: specials excluded) that occur in ``sentences``.

    Parameters
    ----------
    sentences : list of int arrays
        Token ids.
    vocab_size : int
        Size of the vocabulary.

    Returns
    -------
    float
        In [0, 1].
    """
    n_special = len(lm_corpus.SPECIALS)
    seen = np.zeros(vocab_size, dtype=bool)
    if sentences:
        seen[np.concatenate([np.asarray(s, np.int64) for s in sentences])] = True
    return float(seen[n_special:].mean())


def _take(sentences, order, budget, size=len):
    """The sentences, in the given order, until their words (end token counted) reach ``budget``.

    ``size(sentence)`` counts a sentence's words: ``len`` for word-id arrays, the length of the
    word part for the transformer's (tokens, words) pairs. Lengths are measured only as far as the
    budget reaches, in blocks that double (generation 0 draws a budget of a few hundred thousand
    words from an order over every training sentence); ``tests/collapse/test_collapse_lm.py``
    checks the result equals the cut of the full cumulative sum.
    """
    order = np.asarray(order, np.int64)
    done, start, block = 0, 0, 1024
    while start < len(order):
        part = order[start:start + block]
        reach = done + np.cumsum(np.fromiter((size(sentences[i]) for i in part), dtype=np.int64, count=len(part)) + 1)
        k = int(np.searchsorted(reach, budget))  # the first sentence whose running total reaches the budget
        if k < len(part):
            return [sentences[i] for i in order[:start + k + 1]]
        done, start, block = int(reach[-1]), start + len(part), 2 * block
    return [sentences[i] for i in order]


def _next_training_set(regime, sample, pool, real0, rng, *, budget_tokens, real_fraction, verified, size=len):
    """The next generation's training set under ``regime``, the pool *accumulate* keeps, and verify's acceptance.

    One statement of the four regimes for both language models (module docstring): *replace*
    trains on the newest sample; *accumulate* on the real data and every sample so far; *top_up*
    on real sentences redrawn from generation 0's data for ``real_fraction`` of the budget, the rest
    from the sample; *verify* on the sentences ``verified()`` returns with their acceptance rate
    (``_verified_sample``). The acceptance is NaN for the other regimes.
    """
    if regime == "replace":
        return sample, pool, np.nan
    if regime == "accumulate":
        pool = pool + sample
        return pool, pool, np.nan
    if regime == "top_up":
        real = _take(real0, rng.permutation(len(real0)), int(round(real_fraction * budget_tokens)), size)
        n_real = sum(size(s) + 1 for s in real)
        return _take(sample, np.arange(len(sample)), budget_tokens - n_real, size) + real, pool, np.nan
    train, rate = verified()
    return train, pool, rate


def _verified_sample(draw, loglik, band, budget_tokens, *, size=len, max_rounds=40):
    """Sentences a likelihood filter accepted, up to ``budget_tokens`` words, and the share accepted.

    Candidates come from ``draw()`` (half a budget a round) until the accepted ones reach the
    budget; a candidate is kept if ``loglik`` (its mean log-likelihood under generation 0's model)
    lies within ``band``. Raises ``RuntimeError`` after ``max_rounds`` rounds (an acceptance below
    about 5%), which no stored run came near (lowest acceptance 75%).
    """
    kept, n_kept, tried, rounds = [], 0, 0, 0
    while n_kept < budget_tokens:
        rounds += 1
        if rounds > max_rounds:
            raise RuntimeError(f"verify: the verifier accepted less than the budget in {max_rounds} rounds of candidates")
        cand = draw()
        ll = loglik(cand)
        ok = (ll >= band[0]) & (ll <= band[1])
        tried += len(cand)
        kept += [c for c, k in zip(cand, ok) if k]
        n_kept = sum(size(s) + 1 for s in kept)
    return _take(kept, np.arange(len(kept)), budget_tokens, size), len(kept) / tried


def _mean_loglik(model, sentences):
    ctx, words = kn.padded_ngrams(sentences, order=model.order, vocab_size=model.vocab_size)
    lp = kn.token_log_probs(model, ctx, words)
    lengths = np.fromiter((len(s) + 1 for s in sentences), dtype=np.int64, count=len(sentences))
    return np.add.reduceat(lp, np.r_[0, np.cumsum(lengths)[:-1]]) / lengths


def _metrics(model, data, eval_positions, eval_lengths, sample):
    # the held-out text is indexed once per path (kn.index_positions): scoring it is most of a generation's time
    lp, rare = kn.score_positions(model, eval_positions, data.rare)
    per_sentence = np.exp(-np.add.reduceat(lp, np.r_[0, np.cumsum(eval_lengths)[:-1]]) / eval_lengths)
    return {"ppl_mean": float(np.exp(-lp.mean())), "ppl_p95": float(np.quantile(per_sentence, 0.95)),
            "ppl_p99": float(np.quantile(per_sentence, 0.99)),
            "rare_mass": float(rare.mean()),
            "distinct_2": distinct_ngrams(sample, 2), "distinct_3": distinct_ngrams(sample, 3),
            "coverage": vocabulary_coverage(sample, len(data.vocab))}


@validate_params({"regime": [Options(str, set(REGIMES))], "replicate": [Interval(Integral, 0, 10_000, closed="both")],
                  "generations": [Interval(Integral, 0, 100, closed="both")],
                  "budget_tokens": [Interval(Integral, 1000, 10_000_000, closed="both")],
                  "order": [Interval(Integral, 1, 4, closed="both")], "seed": [Seed()],
                  "vocab_size": [Interval(Integral, 100, 200_000, closed="both")],
                  "real_fraction": [Interval(Real, 0, 1, closed="neither")],
                  "verify_band": [InstanceOf(tuple, "a (lower, upper) pair of quantiles")],
                  "n_samples": [Interval(Integral, 0, 100, closed="both")]})
def ngram_path(regime: str, replicate: int, *, generations: int = 10, budget_tokens: int = 200_000, order: int = 3,
               seed: int = SEED, vocab_size: int = 20_000, real_fraction: float = 0.1,
               verify_band: tuple[float, float] = (0.05, 0.95), n_samples: int = 3) -> pd.DataFrame:
    """One replicate of one regime: the metrics of generations 0..``generations`` and a few sampled sentences.

    Generation 0's training draw, and so its model and metrics, depend on ``seed`` and
    ``replicate`` only, so the four regimes of a replicate share it. The random streams of
    generation ``g`` are fixed by (seed, replicate, regime, g).

    Parameters
    ----------
    regime : str
        One of ``REGIMES``.
    replicate : int
        Index of the replicate (fixes its random streams).
    generations : int
        Generations after generation 0.
    budget_tokens : int
        Tokens sampled (and trained on, except by accumulate) per generation.
    order : int
        The n of the n-gram model.
    seed : int
        Root seed.
    vocab_size : int
        Vocabulary size.
    real_fraction : float
        Real share of top-up's budget.
    verify_band : (float, float)
        Quantiles of real sentences' log-likelihood between which the verifier accepts.
    n_samples : int
        Sampled sentences kept per generation.

    Returns
    -------
    DataFrame
        One row per generation with ``METRICS``, ``train_tokens``, ``accept_rate`` (verify only)
        and ``n_samples`` sampled sentences of that generation's model in columns ``sample_1``...
        (words joined by spaces).

    References
    ----------
    shumailov2024ai, gerstgrasser2024model, feng2024beyond, chen1999empirical
    """
    lo, hi = verify_band if len(verify_band) == 2 else (None, None)
    if not (isinstance(lo, float) and isinstance(hi, float) and 0 <= lo < hi <= 1):
        raise ValueError(f"verify_band: expected two quantiles 0 <= lower < upper <= 1, got {verify_band!r}")
    data = load_lm_data(vocab_size)
    v = len(data.vocab)
    r_idx = REGIMES.index(regime)
    base = np.random.default_rng([seed, replicate])
    perm = base.permutation(len(data.train))
    real0 = _take(data.train, perm, budget_tokens)
    # real sentences generation 0 never saw, for the verifier's calibration
    calib = [data.train[i] for i in perm[len(real0):len(real0) + 5000]]
    eval_ctx, eval_words = kn.padded_ngrams(data.heldout, order=order, vocab_size=v)
    eval_positions = kn.index_positions(eval_ctx, eval_words, vocab_size=v)
    eval_lengths = np.fromiter((len(s) + 1 for s in data.heldout), dtype=np.int64, count=len(data.heldout))
    model0 = kn.fit_kneser_ney(real0, order=order, vocab_size=v)
    if regime == "verify":
        band = np.quantile(_mean_loglik(model0, calib), [lo, hi])
    rows = []
    model, pool, train = model0, list(real0), real0
    for g in range(generations + 1):
        rng = np.random.default_rng([seed, replicate, r_idx if g else 99, g])
        sample = kn.sample_sentences(model, n_tokens=budget_tokens, seed=rng)
        row = {"regime": regime, "replicate": replicate, "generation": g,
               **_metrics(model, data, eval_positions, eval_lengths, sample),
               "train_tokens": int(sum(len(s) + 1 for s in train)), "accept_rate": np.nan,
               **{f"sample_{i + 1}": " ".join(data.vocab[t] for t in sample[i]) for i in range(n_samples)}}
        if g == generations:
            rows.append(row)
            break
        train, pool, row["accept_rate"] = _next_training_set(
            regime, sample, pool, real0, rng, budget_tokens=budget_tokens, real_fraction=real_fraction,
            verified=lambda: _verified_sample(lambda: kn.sample_sentences(model, n_tokens=budget_tokens // 2, seed=rng),
                                             lambda cand: _mean_loglik(model0, cand), band, budget_tokens))
        rows.append(row)
        model = kn.fit_kneser_ney(train, order=order, vocab_size=v)
    return pd.DataFrame(rows)


@validate_params({"generations": [Interval(Integral, 0, 100, closed="both")],
                  "replicates": [Interval(Integral, 1, 1000, closed="both")], "seed": [Seed()],
                  "regimes": [InstanceOf((list, tuple), "a sequence of regime names")],
                  "budget_tokens": [Interval(Integral, 1000, 10_000_000, closed="both")],
                  "order": [Interval(Integral, 1, 4, closed="both")],
                  "first_replicate": [Interval(Integral, 0, 10_000, closed="both")], "n_jobs": _N_JOBS},
                 relations=[selection_of("regimes", REGIMES)])
def run(*, generations: int = 10, replicates: int = 5, seed: int = SEED, regimes: tuple[str, ...] = REGIMES,
        budget_tokens: int = 200_000, order: int = 3, first_replicate: int = 0,
        n_jobs: int | None = None) -> pd.DataFrame:
    """The n-gram sweep: every (regime, replicate) path through joblib; one row per generation.

    Replicate 0 also keeps three sampled sentences per generation (columns ``sample_1..3``).
    ``n_jobs=None`` defers to the caller's joblib context (e.g. a Dask backend).

    Parameters
    ----------
    generations, replicates : int
        Generations after generation 0, and replicates per regime.
    seed : int
        Root seed.
    regimes : sequence of str
        Regimes to run (a subset of ``REGIMES``).
    budget_tokens : int
        Tokens per generation.
    order : int
        The n of the n-gram model.
    first_replicate : int
        Index of the first replicate (a reduced rerun of replicates k..k+replicates-1).
    n_jobs : int or None
        joblib workers.

    Returns
    -------
    DataFrame
        The rows of :func:`ngram_path`, with a ``model`` column.

    References
    ----------
    shumailov2024ai, gerstgrasser2024model
    """
    from joblib import Parallel, delayed

    jobs = [(r, i) for i in range(first_replicate, first_replicate + replicates) for r in regimes]
    out = Parallel(n_jobs=n_jobs)(
        delayed(ngram_path)(r, i, generations=generations, budget_tokens=budget_tokens, order=order, seed=seed,
                            n_samples=3 if i == 0 else 0) for r, i in jobs)
    frame = pd.concat(out, ignore_index=True)
    frame.insert(0, "model", "ngram")
    return frame
