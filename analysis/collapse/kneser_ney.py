"""An n-gram language model with interpolated modified Kneser-Ney smoothing, on sparse counts, vectorised.

The model of Chen & Goodman (1999, section 3, "modified Kneser-Ney"): for an n-gram ``h w`` with
context ``h`` and ``h'`` the context without its first word,

.. math::

    p(w \\mid h) = \\frac{\\max\\{c(hw) - D(c(hw)),\\ 0\\}}{\\sum_v c(hv)} + \\gamma(h)\\, p(w \\mid h'),
    \\qquad
    \\gamma(h) = \\frac{D_1 N_1(h\\bullet) + D_2 N_2(h\\bullet) + D_{3+} N_{3+}(h\\bullet)}{\\sum_v c(hv)},

where :math:`D(c)` is :math:`D_1, D_2, D_{3+}` for :math:`c = 1, 2, \\ge 3` and :math:`N_j(h\\bullet)` counts
the words seen after ``h`` exactly ``j`` times (:math:`\\ge 3` for ``3+``). At the highest order
:math:`c` is the raw count; at every lower order it is the continuation count
:math:`N_{1+}(\\bullet h w)`, the number of distinct words seen before ``h w``. The discounts of each
order come from its count-of-counts :math:`n_1 \\dots n_4`: :math:`Y = n_1/(n_1 + 2 n_2)`,
:math:`D_1 = 1 - 2Y n_2/n_1`, :math:`D_2 = 2 - 3Y n_3/n_2`, :math:`D_{3+} = 3 - 4Y n_4/n_3`.
The recursion ends in the uniform distribution over the vocabulary, so every word has positive
probability in every context; a context never seen passes its whole mass to the lower order.

Sentences are padded with ``order - 1`` start tokens (id 0, never predicted) and end with the end
token (id 1). An n-gram is stored as one integer key :math:`\\sum_j w_j V^{n-1-j}`; each order keeps
its keys sorted, so the n-grams of one context are contiguous and a lookup is a binary search.
Sampling (temperature 1) uses the mixture form exactly: in context ``h`` the next word comes from
the discounted counts with probability :math:`1 - \\gamma(h)`, else from the lower order.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from analysis.core.validation import ArrayLike, InstanceOf, Integral, Interval, Seed, validate_params

__all__ = ["KneserNeyLevel", "KneserNeyModel", "Positions", "PositionScores", "padded_ngrams", "fit_kneser_ney",
           "kn_discounts", "index_positions", "token_log_probs", "score_positions", "sentence_perplexities",
           "set_mass", "sample_sentences", "START", "END"]

START, END = 0, 1
_MAX_KEY = 2**62


class KneserNeyLevel(NamedTuple):
    """The counts of one order: sorted keys, their counts, and per-context totals."""

    keys: np.ndarray
    counts: np.ndarray
    discounts: np.ndarray
    contexts: np.ndarray
    starts: np.ndarray
    totals: np.ndarray
    gammas: np.ndarray
    cum_weight: np.ndarray


class KneserNeyModel(NamedTuple):
    """A fitted model: ``levels[k - 1]`` holds the k-grams."""

    order: int
    vocab_size: int
    levels: tuple[KneserNeyLevel, ...]


_SENTS = [InstanceOf((list, tuple), "a list of integer arrays (token ids, one per sentence)")]
_ORDER = [Interval(Integral, 1, 6, closed="both", cap_reason="keys must fit in 64 bits")]
_VOCAB = [Interval(Integral, 3, 2_000_000, closed="both")]


def _check_sentences(sentences, vocab_size: int) -> None:
    if (all(type(s) is np.ndarray for s in sentences) and {s.ndim for s in sentences} <= {1}
            and all(np.issubdtype(d, np.integer) for d in {s.dtype for s in sentences})):
        # the usual input (1-D integer arrays): one bound check over all tokens at once
        flat = np.concatenate(sentences) if len(sentences) else np.zeros(0, np.int64)
        if not flat.size or (flat.min() >= 1 and flat.max() < vocab_size):
            return
    for s in sentences:
        a = np.asarray(s)
        if a.ndim != 1 or (a.size and (not np.issubdtype(a.dtype, np.integer) or a.min() < 1
                                       or a.max() >= vocab_size)):
            raise ValueError(f"sentences: each sentence must be a 1-D integer array of ids in [1, {vocab_size}), "
                             f"the start id 0 excluded")


@validate_params({"sentences": _SENTS, "order": _ORDER, "vocab_size": _VOCAB})
def padded_ngrams(sentences: list[np.ndarray], *, order: int, vocab_size: int) -> tuple[np.ndarray, np.ndarray]:
    """The (context, word) pairs of every predicted position: an (m, order - 1) context array and m words.

    Each sentence contributes its tokens and the end token, each predicted from the ``order - 1``
    tokens before it (start tokens before the sentence's beginning).

    Parameters
    ----------
    sentences : list of int arrays
        Token ids in ``[1, vocab_size)``, one array per sentence.
    order : int
        The n of the n-gram.
    vocab_size : int
        Size of the vocabulary.

    Returns
    -------
    (ndarray, ndarray)
        The contexts, shape (m, order - 1), and the m predicted words.
    """
    _check_sentences(sentences, vocab_size)
    n = order - 1
    lengths = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences)) + 1
    flat = np.zeros(int((lengths + n).sum()), dtype=np.int64)
    ends = np.cumsum(lengths + n)
    begins = ends - lengths  # first predicted position of each sentence
    if len(sentences):
        # each sentence's tokens then the end token, written into place at once (not sentence by sentence)
        tokens = np.concatenate([np.asarray(s, dtype=np.int64) for s in sentences])
        body = np.full(int(lengths.sum()), END, dtype=np.int64)
        body[np.arange(len(tokens)) + np.repeat(np.arange(len(sentences)), lengths - 1)] = tokens
        pos = np.repeat(begins, lengths) + _ranks(lengths)
        flat[pos] = body
    else:
        pos = np.zeros(0, dtype=np.int64)
    ctx = np.stack([flat[pos - n + j] for j in range(n)], axis=1) if n else np.zeros((len(pos), 0), np.int64)
    return ctx, flat[pos]


def _ranks(lengths: np.ndarray) -> np.ndarray:
    """0, 1, ..., len-1 for each block of the given lengths, concatenated."""
    total = int(lengths.sum())
    return np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)


def _encode(ctx: np.ndarray, words: np.ndarray | None, vocab_size: int) -> np.ndarray:
    key = np.zeros(len(ctx), dtype=np.int64)
    for j in range(ctx.shape[1]):
        key = key * vocab_size + ctx[:, j]
    return key if words is None else key * vocab_size + words


@validate_params({"counts": [ArrayLike(integer=True, lo=1)]})
def kn_discounts(counts: np.ndarray) -> np.ndarray:
    """Chen & Goodman's discounts ``[0, D1, D2, D3+]`` from one order's counts.

    With :math:`n_j` the number of n-grams counted exactly ``j`` times and :math:`Y = n_1/(n_1+2n_2)`:
    :math:`D_j = j - (j+1) Y n_{j+1}/n_j`. Where that estimate is undefined or outside
    :math:`(0, j]` (a count-of-counts that is zero, or that does not decrease, as in text sampled
    from a model many generations on), :math:`D_j` falls back to ``Y``, Ney's absolute-discount
    estimate (or 0.5 if ``Y`` too is undefined). So every discount is positive and at most its
    count: each seen context passes some mass to the lower order and no probability is zero or
    negative.

    Parameters
    ----------
    counts : array of positive ints
        The counts of one order's n-grams (raw or continuation counts).

    Returns
    -------
    ndarray
        ``[0, D1, D2, D3+]``, indexed by ``min(count, 3)``.

    References
    ----------
    chen1999empirical
    """
    c = np.asarray(counts)
    if c.ndim != 1 or (c.size and (c.min() < 1 or np.any(np.mod(c, 1) != 0))):
        raise ValueError("counts: expected a 1-D array of positive integer counts")
    c = c.astype(np.int64)
    n = np.array([np.count_nonzero(c == j) for j in range(1, 5)], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = n[0] / (n[0] + 2 * n[1])
        d = np.array([j - (j + 1) * y * n[j] / n[j - 1] for j in (1, 2, 3)])
    fallback = y if np.isfinite(y) and y > 0 else 0.5
    d = np.where(np.isfinite(d) & (d > 0) & (d <= [1.0, 2.0, 3.0]), d, fallback)
    return np.concatenate([[0.0], d])


def _level(keys: np.ndarray, counts: np.ndarray, vocab_size: int) -> KneserNeyLevel:
    disc = kn_discounts(counts)
    ctx = keys // vocab_size
    starts = np.flatnonzero(np.r_[True, ctx[1:] != ctx[:-1]]) if len(ctx) else np.zeros(0, np.int64)
    totals = np.add.reduceat(counts, starts).astype(float) if len(ctx) else np.zeros(0)
    weight = counts - disc[np.minimum(counts, 3)]
    lost = np.add.reduceat(disc[np.minimum(counts, 3)], starts) if len(ctx) else np.zeros(0)
    return KneserNeyLevel(keys=keys, counts=counts, discounts=disc, contexts=ctx[starts],
                          starts=np.r_[starts, len(keys)].astype(np.int64), totals=totals,
                          gammas=lost / np.where(totals > 0, totals, 1.0),
                          cum_weight=np.r_[0.0, np.cumsum(weight)])


@validate_params({"sentences": _SENTS, "order": _ORDER, "vocab_size": _VOCAB})
def fit_kneser_ney(sentences: list[np.ndarray], *, order: int = 3, vocab_size: int) -> KneserNeyModel:
    """Fit the interpolated modified Kneser-Ney model of the given order to tokenised sentences.

    Parameters
    ----------
    sentences : list of int arrays
        Token ids in ``[1, vocab_size)`` (0 is the start token, 1 the end token: a sentence need
        not contain 1, the model appends it).
    order : int
        The n of the n-gram, in [1, 6].
    vocab_size : int
        Size of the vocabulary, start and end tokens included; ``vocab_size ** order`` must fit in
        63 bits.

    Returns
    -------
    KneserNeyModel

    References
    ----------
    chen1999empirical
    """
    _check_key_width(vocab_size, order)
    ctx, words = padded_ngrams(sentences, order=order, vocab_size=vocab_size)
    if not len(words):
        raise ValueError("sentences: expected at least one sentence")
    keys, counts = np.unique(_encode(ctx, words, vocab_size), return_counts=True)
    levels = [_level(keys, counts.astype(np.int64), vocab_size)]
    for k in range(order - 1, 0, -1):
        # continuation counts: each (k+1)-gram type adds one to the k-gram that ends it
        keys, counts = np.unique(keys % vocab_size**k, return_counts=True)
        levels.append(_level(keys, counts.astype(np.int64), vocab_size))
    return KneserNeyModel(order, int(vocab_size), tuple(reversed(levels)))


class Positions(NamedTuple):
    """Predicted positions indexed once for lookups in any model of their order and vocabulary.

    Built by :func:`index_positions`. For each level k = 1..order (a model's ``levels[k - 1]``):
    the key of the position's last k - 1 context tokens and the key of its k-gram (context and
    word), each in sorted order, and ``by``, the argsort that sorts them. One argsort serves both
    keys: a k-gram key is its context key times ``vocab_size`` plus a word below ``vocab_size``.
    """

    order: int
    vocab_size: int
    size: int
    context_keys: tuple[np.ndarray, ...]
    gram_keys: tuple[np.ndarray, ...]
    by: tuple[np.ndarray, ...]


class PositionScores(NamedTuple):
    """What :func:`score_positions` returns, one value per position."""

    log_probs: np.ndarray
    set_mass: np.ndarray


def _index(ctx: np.ndarray, w: np.ndarray | None, v: int) -> Positions:
    order = ctx.shape[1] + 1
    context_keys, gram_keys, by = [], [], []
    for k in range(1, order + 1):
        hkey = _encode(ctx[:, ctx.shape[1] - (k - 1):], None, v)
        gram = None if w is None else hkey * v + w
        b = np.argsort(hkey if gram is None else gram)
        context_keys.append(hkey[b])
        if gram is not None:
            gram_keys.append(gram[b])
        by.append(b)
    return Positions(order, v, len(ctx), tuple(context_keys), tuple(gram_keys), tuple(by))


def _find(sorted_keys: np.ndarray, sorted_query: np.ndarray, by: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # the indices np.searchsorted(sorted_keys, query) would give, and whether each query is a key,
    # for a query given in sorted order (sorted_query = query[by]): each binary search then starts
    # where the previous one ended (about 4x faster on 10^5 queries); the results go back to the
    # query's own order
    n = len(sorted_keys)
    at = np.searchsorted(sorted_keys, sorted_query)
    hit = np.zeros(len(at), dtype=bool)
    inside = at < n
    hit[inside] = sorted_keys[at[inside]] == sorted_query[inside]
    i = np.empty(len(at), dtype=np.intp)
    i[by] = np.minimum(at, max(n - 1, 0))
    found = np.empty(len(at), dtype=bool)
    found[by] = hit
    return i, found


def _find_unsorted(sorted_keys: np.ndarray, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    by = np.argsort(query)
    return _find(sorted_keys, query[by], by)


def _check_key_width(vocab_size: int, order: int) -> None:
    if float(vocab_size) ** order >= _MAX_KEY:
        raise ValueError(f"vocab_size: vocab_size ** order must be below 2**62, got {vocab_size}**{order}")


def _check_ctx(vocab_size, contexts, words=None, *, width=None):
    # width: the context columns a model of order width + 1 reads (None: any)
    ctx = np.asarray(contexts)
    if ctx.ndim != 2 or (width is not None and ctx.shape[1] != width) or (
            ctx.size and not np.issubdtype(ctx.dtype, np.integer)):
        raise ValueError(f"contexts: expected an integer array of shape (m, {'k' if width is None else width})")
    if ctx.size and (ctx.min() < 0 or ctx.max() >= vocab_size):
        raise ValueError(f"contexts: ids must lie in [0, {vocab_size})")
    if words is not None:
        w = np.asarray(words)
        if w.shape != (len(ctx),) or (w.size and (not np.issubdtype(w.dtype, np.integer) or w.min() < 1
                                                  or w.max() >= vocab_size)):
            raise ValueError(f"words: expected {len(ctx)} integer ids in [1, {vocab_size})")
        return ctx.astype(np.int64), w.astype(np.int64)
    return ctx.astype(np.int64), None


def _check_members(model, members):
    m = np.asarray(members)
    if m.shape != (model.vocab_size,) or m.dtype != bool:
        raise ValueError(f"members: expected a boolean array of length {model.vocab_size}")
    return m


def _score(model: KneserNeyModel, pos: Positions, members: np.ndarray | None) -> PositionScores:
    # the recursion of token_log_probs and, on the same context lookups, that of set_mass
    v = model.vocab_size
    p = np.full(pos.size, 1.0 / (v - 1))  # uniform over every id but the start token
    s = np.full(pos.size, members[1:].sum() / (v - 1)) if members is not None else None
    for k, lev in enumerate(model.levels, start=1):
        ci, cfound = _find(lev.contexts, pos.context_keys[k - 1], pos.by[k - 1])
        if pos.gram_keys:
            gi, gfound = _find(lev.keys, pos.gram_keys[k - 1], pos.by[k - 1])
            a = np.where(gfound, lev.counts[gi] if len(lev.counts) else 0, 0)
            seen = np.maximum(a - lev.discounts[np.minimum(a, 3)], 0.0)
            tot = np.where(cfound, lev.totals[ci] if len(lev.totals) else 1.0, 1.0)
            p = np.where(cfound, seen / tot + (lev.gammas[ci] if len(lev.gammas) else 0.0) * p, p)
        if s is not None and len(lev.keys):
            weight = np.diff(lev.cum_weight) * members[lev.keys % v]
            in_set = np.add.reduceat(weight, lev.starts[:-1]) / lev.totals
            s = np.where(cfound, in_set[ci] + lev.gammas[ci] * s, s)
    return PositionScores(np.log(p) if pos.gram_keys else np.zeros(0), s if s is not None else np.zeros(0))


@validate_params({"contexts": [ArrayLike(ndim=2, integer=True, lo=0)], "words": [ArrayLike(integer=True, lo=1)],
                  "vocab_size": _VOCAB})
def index_positions(contexts: np.ndarray, words: np.ndarray, *, vocab_size: int) -> Positions:
    """Index predicted positions once, to score them under many models (:func:`score_positions`).

    The lookups of :func:`token_log_probs` sort each level's keys of the positions; a loop that
    scores the same held-out text under a model per generation sorts them once here instead.

    Parameters
    ----------
    contexts : int array, shape (m, order - 1)
        The ``order - 1`` preceding token ids of each position (0 for the start padding).
    words : int array, shape (m,)
        The predicted token ids, in ``[1, vocab_size)``.
    vocab_size : int
        Size of the vocabulary of the models that will score them; ``vocab_size ** order`` must
        fit in 63 bits.

    Returns
    -------
    Positions
    """
    ctx, w = _check_ctx(vocab_size, contexts, words)
    _check_key_width(vocab_size, ctx.shape[1] + 1)
    return _index(ctx, w, int(vocab_size))


@validate_params({"model": [InstanceOf(KneserNeyModel)], "contexts": [ArrayLike(ndim=2, integer=True, lo=0)],
                  "words": [ArrayLike(integer=True, lo=1)]})
def token_log_probs(model: KneserNeyModel, contexts: np.ndarray, words: np.ndarray) -> np.ndarray:
    """Natural log of :math:`p(w \\mid h)` for each row of ``contexts`` and word.

    Interpolated modified Kneser-Ney, from the lowest order up:
    :math:`p_k(w \\mid h) = \\max(c_k(hw) - D_k(c_k(hw)), 0) / c_k(h) + \\gamma_k(h)\\, p_{k-1}(w \\mid h')`
    where the context h was seen, else :math:`p_{k-1}`; :math:`p_0` is uniform.

    Parameters
    ----------
    model : KneserNeyModel
        A fitted model.
    contexts : int array, shape (m, order - 1)
        The ``order - 1`` preceding token ids of each position (0 for the start padding).
    words : int array, shape (m,)
        The predicted token ids, in ``[1, vocab_size)``.

    Returns
    -------
    ndarray
        m natural-log probabilities.

    References
    ----------
    chen1999empirical
    """
    ctx, w = _check_ctx(model.vocab_size, contexts, words, width=model.order - 1)
    return _score(model, _index(ctx, w, model.vocab_size), None).log_probs


@validate_params({"model": [InstanceOf(KneserNeyModel)], "positions": [InstanceOf(Positions)],
                  "members": [InstanceOf(np.ndarray, "a boolean array over the vocabulary")]})
def score_positions(model: KneserNeyModel, positions: Positions, members: np.ndarray) -> PositionScores:
    """:func:`token_log_probs` and :func:`set_mass` of indexed positions, on one set of lookups.

    Parameters
    ----------
    model : KneserNeyModel
        A fitted model of the positions' order and vocabulary size.
    positions : Positions
        From :func:`index_positions`.
    members : bool array, shape (vocab_size,)
        The set of words whose probability :func:`set_mass` sums.

    Returns
    -------
    PositionScores
        The natural-log probability of each position's word, and the set's probability in its context.
    """
    if (positions.order, positions.vocab_size) != (model.order, model.vocab_size):
        raise ValueError(f"positions: indexed for order {positions.order} and vocab_size {positions.vocab_size}; "
                         f"the model has order {model.order} and vocab_size {model.vocab_size}")
    return _score(model, positions, _check_members(model, members))


@validate_params({"model": [InstanceOf(KneserNeyModel)], "sentences": _SENTS})
def sentence_perplexities(model: KneserNeyModel, sentences: list[np.ndarray]) -> tuple[np.ndarray, float]:
    """Per-sentence perplexity :math:`\\exp(-\\frac{1}{n}\\sum \\log p)` (end token included) and the pooled one.

    The pooled perplexity is :math:`\\exp(-\\sum_{\\text{all tokens}} \\log p / N)`, the usual corpus perplexity.

    Parameters
    ----------
    model : KneserNeyModel
        A fitted model.
    sentences : list of int arrays
        The sentences to score.

    Returns
    -------
    (ndarray, float)
        Per-sentence perplexities and the pooled perplexity.
    """
    ctx, words = padded_ngrams(sentences, order=model.order, vocab_size=model.vocab_size)
    lp = token_log_probs(model, ctx, words)
    lengths = np.fromiter((len(s) + 1 for s in sentences), dtype=np.int64, count=len(sentences))
    sums = np.add.reduceat(lp, np.r_[0, np.cumsum(lengths)[:-1]])
    return np.exp(-sums / lengths), float(np.exp(-lp.sum() / len(lp)))


@validate_params({"model": [InstanceOf(KneserNeyModel)], "contexts": [ArrayLike(ndim=2, integer=True, lo=0)],
                  "members": [InstanceOf(np.ndarray, "a boolean array over the vocabulary")]})
def set_mass(model: KneserNeyModel, contexts: np.ndarray, members: np.ndarray) -> np.ndarray:
    """The probability :math:`\\sum_{w \\in S} p(w \\mid h)` the model gives a set of words in each context.

    ``members`` is a boolean array over the vocabulary (the start token is never predicted and
    does not count). The same recursion as :func:`token_log_probs`, summed over the set.

    Parameters
    ----------
    model : KneserNeyModel
        A fitted model.
    contexts : int array, shape (m, order - 1)
        The contexts.
    members : bool array, shape (vocab_size,)
        The set of words.

    Returns
    -------
    ndarray
        m probabilities in [0, 1].
    """
    ctx, _ = _check_ctx(model.vocab_size, contexts, width=model.order - 1)
    m = _check_members(model, members)
    return _score(model, _index(ctx, None, model.vocab_size), m).set_mass


@validate_params({"model": [InstanceOf(KneserNeyModel)],
                  "n_tokens": [Interval(Integral, 1, 50_000_000, closed="both")], "seed": [Seed()],
                  "max_length": [Interval(Integral, 1, 10_000, closed="both")],
                  "batch": [Interval(Integral, 1, 1_000_000, closed="both")]})
def sample_sentences(model: KneserNeyModel, *, n_tokens: int, seed: int | np.random.Generator | None = None,
                     max_length: int = 60, batch: int = 4096) -> list[np.ndarray]:
    """Sentences drawn from the model at temperature 1 until they hold ``n_tokens`` tokens (end tokens counted).

    Each sentence starts from the start context and stops at the end token (not stored) or after
    ``max_length`` tokens. Sentences are drawn ``batch`` at a time; the returned ones are the first
    whose running token count reaches ``n_tokens``.

    Parameters
    ----------
    model : KneserNeyModel
        A fitted model.
    n_tokens : int
        Tokens to draw (each sentence's end token counted).
    seed : int, Generator or None
        Random seed or generator.
    max_length : int
        Longest sentence, in tokens.
    batch : int
        Sentences drawn in parallel.

    Returns
    -------
    list of int32 arrays
        The sentences, without their end tokens.
    """
    rng = np.random.default_rng(seed)
    n = model.order - 1
    out: list[np.ndarray] = []
    total = 0
    while total < n_tokens:
        hist = np.zeros((batch, n + max_length), dtype=np.int64)
        length = np.full(batch, max_length)
        alive = np.ones(batch, dtype=bool)
        for t in range(max_length):
            rows = np.flatnonzero(alive)
            if not len(rows):
                break
            tok = _draw(model, hist[rows, t:t + n], rng)
            hist[rows, n + t] = tok
            ended = tok == END
            length[rows[ended]] = t
            alive[rows[ended]] = False
        for i in range(batch):
            s = hist[i, n:n + length[i]].astype(np.int32)
            out.append(s)
            total += len(s) + 1
            if total >= n_tokens:
                break
    return out


def _draw(model: KneserNeyModel, ctx: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One token per context row, exactly from :math:`p(\\cdot \\mid h)`, by descending the mixture."""
    v = model.vocab_size
    tok = np.full(len(ctx), -1, dtype=np.int64)
    undecided = np.arange(len(ctx))
    for k in range(model.order, 0, -1):
        lev = model.levels[k - 1]
        if not len(undecided) or not len(lev.keys):
            continue
        ci, cfound = _find_unsorted(lev.contexts, _encode(ctx[undecided, ctx.shape[1] - (k - 1):], None, v))
        lo, hi = lev.starts[ci], lev.starts[ci + 1]
        seen_mass = (lev.cum_weight[hi] - lev.cum_weight[lo]) / lev.totals[ci]
        u = rng.random(len(undecided))
        take = cfound & (u < seen_mass)
        rows = undecided[take]
        if len(rows):
            r = lev.cum_weight[lo[take]] + rng.random(len(rows)) * (lev.cum_weight[hi[take]] - lev.cum_weight[lo[take]])
            idx = np.clip(np.searchsorted(lev.cum_weight, r, side="right") - 1, lo[take], hi[take] - 1)
            tok[rows] = lev.keys[idx] % v
        undecided = undecided[~take]
    if len(undecided):
        tok[undecided] = rng.integers(1, v, size=len(undecided))
    return tok
