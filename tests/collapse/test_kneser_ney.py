"""The vectorised modified Kneser-Ney model equals a slow implementation written straight from Chen & Goodman's equations.

The reference below is a dictionary-and-loop transcription of the equations in
``analysis.collapse.kneser_ney`` (raw counts at the top order, continuation counts below, three discounts
per order from the count-of-counts, interpolation down to the uniform distribution). It shares no
code with the module. NLTK's ``KneserNeyInterpolated`` is not used as the reference: it applies
one fixed discount to every count, not the modified discounts D1, D2, D3+, so it computes a
different model.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from analysis.collapse import kneser_ney as kn

SLICE = Path(__file__).resolve().parents[1] / "fixtures" / "gcide_slice.txt"


def _slice():
    lines = SLICE.read_text().splitlines()
    cut = lines.index("#heldout")
    train, heldout = [line.split() for line in lines[:cut]], [line.split() for line in lines[cut + 1:]]
    words = sorted({t for s in train for t in s})
    vocab = ["<s>", "</s>", "<unk>"] + words
    index = {w: i for i, w in enumerate(vocab)}
    enc = lambda sents: [np.array([index.get(t, 2) for t in s], dtype=np.int32) for s in sents]  # noqa: E731
    return enc(train), enc(heldout), len(vocab)


TRAIN, HELDOUT, V = _slice()


class ReferenceKN:
    """Interpolated modified Kneser-Ney, one probability at a time, from the equations."""

    def __init__(self, sentences, order, vocab_size):
        self.order, self.v = order, vocab_size
        top = Counter()
        for s in sentences:
            toks = [0] * (order - 1) + [int(t) for t in s] + [1]
            for i in range(order - 1, len(toks)):
                top[tuple(toks[i - order + 1:i + 1])] += 1
        self.counts = {order: top}
        for k in range(order - 1, 0, -1):
            cont = Counter()
            for gram in self.counts[k + 1]:
                cont[gram[1:]] += 1  # one more distinct word seen before this k-gram
            self.counts[k] = cont
        self.disc, self.total, self.nj = {}, {}, {}
        for k, c in self.counts.items():
            n1, n2, n3, n4 = (sum(1 for x in c.values() if x == j) for j in (1, 2, 3, 4))
            assert min(n1, n2, n3, n4) > 0, "the test text must not need the fallback discounts"
            y = n1 / (n1 + 2 * n2)
            self.disc[k] = (0.0, 1 - 2 * y * n2 / n1, 2 - 3 * y * n3 / n2, 3 - 4 * y * n4 / n3)
            assert all(0 < d <= j for j, d in enumerate(self.disc[k]) if j), "nor the out-of-range fallback"
            tot, nj = defaultdict(int), defaultdict(lambda: [0, 0, 0])
            for gram, x in c.items():
                tot[gram[:-1]] += x
                nj[gram[:-1]][min(x, 3) - 1] += 1
            self.total[k], self.nj[k] = dict(tot), dict(nj)

    def prob(self, word, context):
        p = 1.0 / (self.v - 1)
        for k in range(1, self.order + 1):
            h = tuple(context[len(context) - (k - 1):]) if k > 1 else ()
            t = self.total[k].get(h, 0)
            if t == 0:
                continue  # unseen context: all its mass goes to the lower order
            d = self.disc[k]
            a = self.counts[k].get(h + (word,), 0)
            n1, n2, n3 = self.nj[k][h]
            gamma = (d[1] * n1 + d[2] * n2 + d[3] * n3) / t
            p = max(a - d[min(a, 3)], 0.0) / t + gamma * p
        return p


@pytest.mark.parametrize("order", [2, 3])
def test_probabilities_equal_the_reference_to_1e9(order):
    model = kn.fit_kneser_ney(TRAIN, order=order, vocab_size=V)
    ref = ReferenceKN(TRAIN, order, V)
    for k in range(1, order + 1):
        np.testing.assert_allclose(model.levels[k - 1].discounts, ref.disc[k], rtol=0, atol=1e-12)
    # held-out positions (unseen contexts and words included) and some training positions
    ctx, words = kn.padded_ngrams(HELDOUT[:120] + TRAIN[:40], order=order, vocab_size=V)
    got = np.exp(kn.token_log_probs(model, ctx, words))
    want = np.array([ref.prob(int(w), [int(c) for c in row]) for row, w in zip(ctx, words)])
    assert len(want) > 2000
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)


def test_each_conditional_distribution_sums_to_one_and_set_mass_is_its_sum():
    model = kn.fit_kneser_ney(TRAIN, order=3, vocab_size=V)
    rng = np.random.default_rng(1)
    ctx, _ = kn.padded_ngrams(HELDOUT[:30], order=3, vocab_size=V)
    ctx = np.vstack([ctx[rng.choice(len(ctx), 20, replace=False)], [[0, 0]], [[V - 1, V - 2]]])
    words = np.arange(1, V)
    dense = np.exp(np.stack([kn.token_log_probs(model, np.repeat(c[None], len(words), 0), words) for c in ctx]))
    np.testing.assert_allclose(dense.sum(axis=1), 1.0, atol=1e-12)
    members = np.zeros(V, dtype=bool)
    members[rng.choice(np.arange(1, V), V // 10, replace=False)] = True
    np.testing.assert_allclose(kn.set_mass(model, ctx, members), dense[:, members[1:]].sum(axis=1), atol=1e-12)


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_positions_indexed_once_score_as_token_log_probs_and_set_mass_do(order):
    # the sweep indexes its held-out text once and scores it under each generation's model: the
    # same numbers, bit for bit, as the one-call functions (which index on every call)
    rng = np.random.default_rng(order)
    model = kn.fit_kneser_ney(TRAIN, order=order, vocab_size=V)
    other = kn.fit_kneser_ney(TRAIN[: len(TRAIN) // 3], order=order, vocab_size=V)
    ctx, words = kn.padded_ngrams(HELDOUT, order=order, vocab_size=V)
    # unseen contexts and words too
    ctx = np.vstack([ctx, rng.integers(0, V, size=(50, order - 1))])
    words = np.r_[words, rng.integers(1, V, size=50)]
    members = np.zeros(V, dtype=bool)
    members[rng.choice(np.arange(1, V), V // 10, replace=False)] = True
    positions = kn.index_positions(ctx, words, vocab_size=V)
    for m in (model, other):  # one index serves any model of its order and vocabulary
        got = kn.score_positions(m, positions, members)
        np.testing.assert_array_equal(got.log_probs, kn.token_log_probs(m, ctx, words))
        np.testing.assert_array_equal(got.set_mass, kn.set_mass(m, ctx, members))
    with pytest.raises(ValueError, match="positions"):
        kn.score_positions(kn.fit_kneser_ney(TRAIN, order=order + 1, vocab_size=V), positions, members)
    with pytest.raises(ValueError, match="members"):
        kn.score_positions(model, positions, members[1:])
    with pytest.raises(ValueError, match="words"):
        kn.index_positions(ctx, words[1:], vocab_size=V)
    with pytest.raises(ValueError, match="contexts"):
        kn.index_positions(ctx + V, words, vocab_size=V) if order > 1 else kn.index_positions(
            np.zeros((len(words), 1), np.int64) + V, words, vocab_size=V)


def test_training_text_is_more_likely_than_heldout_text():
    model = kn.fit_kneser_ney(TRAIN, order=3, vocab_size=V)
    _, train_ppl = kn.sentence_perplexities(model, TRAIN)
    per_sentence, heldout_ppl = kn.sentence_perplexities(model, HELDOUT)
    assert train_ppl < heldout_ppl
    assert per_sentence.shape == (len(HELDOUT),) and np.all(per_sentence >= 1)
    # the pooled perplexity is the exponentiated mean negative log-likelihood over all tokens
    n = sum(len(s) + 1 for s in HELDOUT)
    assert heldout_ppl == pytest.approx(np.exp(np.sum(np.log(per_sentence) * [len(s) + 1 for s in HELDOUT]) / n))


@pytest.mark.parametrize("context", [(0, 0), (V - 1, V - 2)])  # a seen context, and one never seen
def test_sampling_draws_from_the_conditional_distribution_at_temperature_1(context):
    model = kn.fit_kneser_ney(TRAIN, order=3, vocab_size=V)
    draws = kn._draw(model, np.tile(np.array(context), (60_000, 1)), np.random.default_rng(7))
    p = np.exp(kn.token_log_probs(model, np.tile(np.array(context), (V - 1, 1)), np.arange(1, V)))
    # chi-square goodness of fit on the 30 likeliest words plus the rest pooled
    top = np.argsort(p)[::-1][:30]
    observed = np.bincount(draws - 1, minlength=V - 1)
    obs = np.r_[observed[top], observed.sum() - observed[top].sum()]
    exp = np.r_[p[top], 1 - p[top].sum()] * len(draws)
    assert stats.chisquare(obs, exp).pvalue > 1e-4


def test_sample_sentences_meets_the_token_budget_and_is_seeded():
    model = kn.fit_kneser_ney(TRAIN, order=3, vocab_size=V)
    a = kn.sample_sentences(model, n_tokens=5000, seed=3, batch=256)
    b = kn.sample_sentences(model, n_tokens=5000, seed=3, batch=256)
    n = sum(len(s) + 1 for s in a)
    assert 5000 <= n < 5000 + 61 and all(np.array_equal(x, y) for x, y in zip(a, b))
    assert all(s.size == 0 or (s.min() >= 1 and s.max() < V and not np.any(s == 1)) for s in a)
    # sampled sentences are about as long as the training sentences (the end token is learnt)
    mean_train = np.mean([len(s) for s in TRAIN])
    assert 0.7 * mean_train < np.mean([len(s) for s in a]) < 1.3 * mean_train


def test_discounts_fall_back_to_the_absolute_discount_when_out_of_range():
    # count-of-counts n1..n4 = 4, 2, 1, 5: D3+ = 3 - 4 Y n4/n3 is negative, so it becomes Y = n1/(n1 + 2 n2)
    counts = np.array([1] * 4 + [2] * 2 + [3] + [4] * 5)
    d = kn.kn_discounts(counts)
    y = 4 / (4 + 2 * 2)
    np.testing.assert_allclose(d, [0, 1 - 2 * y * 2 / 4, 2 - 3 * y * 1 / 2, y], atol=1e-15)
    # only counts of 3 and more: n1 = n2 = 0 leaves Y undefined, every discount is 0.5
    np.testing.assert_allclose(kn.kn_discounts(np.array([3, 5, 7])), [0, 0.5, 0.5, 0.5])


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_padded_ngrams_equal_the_sentence_by_sentence_padding(order):
    rng = np.random.default_rng(order)
    sentences = [rng.integers(1, 40, size=int(rng.integers(0, 7))).astype(np.int32) for _ in range(50)]
    ctx, words = kn.padded_ngrams(sentences, order=order, vocab_size=40)
    rows = []
    for s in sentences:  # start tokens (0) before each sentence, its tokens, then the end token
        padded = [0] * (order - 1) + [int(t) for t in s] + [kn.END]
        rows += [padded[i:i + order] for i in range(len(padded) - order + 1)]
    expected = np.array(rows, dtype=np.int64).reshape(-1, order)
    np.testing.assert_array_equal(np.column_stack([ctx, words]), expected)
    # the same result from lists of Python ints (the checks' slow path)
    ctx2, words2 = kn.padded_ngrams([list(map(int, s)) for s in sentences], order=order, vocab_size=40)
    np.testing.assert_array_equal(ctx2, ctx)
    np.testing.assert_array_equal(words2, words)


def test_unigram_order_and_bad_inputs():
    model = kn.fit_kneser_ney(TRAIN, order=1, vocab_size=V)
    p = np.exp(kn.token_log_probs(model, np.zeros((V - 1, 0), dtype=np.int64), np.arange(1, V)))
    assert p.sum() == pytest.approx(1.0, abs=1e-12)
    with pytest.raises(ValueError, match="sentences"):
        kn.fit_kneser_ney([np.array([0, 5])], order=2, vocab_size=V)
    with pytest.raises(ValueError, match="vocab_size"):
        kn.fit_kneser_ney(TRAIN, order=6, vocab_size=2_000_000)
    with pytest.raises(ValueError, match="contexts"):
        kn.token_log_probs(model, np.zeros((3, 2), dtype=np.int64), np.array([1, 2, 3]))
    with pytest.raises(ValueError, match="counts"):
        kn.kn_discounts(np.array([0, 1]))
