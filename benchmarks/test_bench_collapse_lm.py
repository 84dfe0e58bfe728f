"""Time per generation of the language-model collapse loop, both models at the sweep's defaults (run with `make bench`).

One generation is: fit the model to the budget of training text, sample the budget from it
(temperature 1) and score it on the held-out text (perplexities, rare-word mass, distinct n-grams,
coverage). The n-gram generation is timed at ``collapse_lm.run``'s defaults; the transformer's at
``lm_transformer.run``'s (skipped without the optional extra 'deep'). Both need the GCIDE corpus
(``make corpus``; ``make bench`` runs it).
"""

from __future__ import annotations

import importlib.util
import inspect

import pytest

from analysis.collapse import corpus as lm_corpus
from analysis.collapse import lm as collapse_lm

try:
    lm_corpus.corpus_path()
    HAVE_CORPUS = True
except lm_corpus.CorpusMissingError:
    HAVE_CORPUS = False

pytestmark = pytest.mark.skipif(not HAVE_CORPUS, reason="GCIDE is not installed: run `make corpus`")


def _default(func, name):
    return inspect.signature(func).parameters[name].default


def test_bench_ngram_generation(benchmark):
    budget = _default(collapse_lm.run, "budget_tokens")
    collapse_lm.load_lm_data()  # the corpus cache is read once, outside the timing
    # generation 0 alone: one fit, one sample of the budget, one evaluation
    rows = benchmark.pedantic(lambda: collapse_lm.ngram_path("replace", 0, generations=0, budget_tokens=budget),
                              rounds=3, iterations=1)
    assert len(rows) == 1
    benchmark.extra_info["budget_tokens"] = budget


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="needs the optional extra 'deep' (torch)")
def test_bench_transformer_generation(benchmark):
    from analysis.collapse import transformer as lm_transformer

    budget = _default(lm_transformer.run, "budget_tokens")
    collapse_lm.load_lm_data()
    rows = benchmark.pedantic(lambda: lm_transformer.transformer_path("replace", 0, generations=0,
                                                                      budget_tokens=budget),
                              rounds=1, iterations=1)
    assert len(rows) == 1
    benchmark.extra_info["budget_tokens"] = budget
