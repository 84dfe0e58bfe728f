"""The split corpus kept in .cache between processes is the corpus computed from the text, exactly."""

from __future__ import annotations

import numpy as np

from test_collapse_lm import needs_corpus

from analysis.collapse import corpus as lm_corpus

pytestmark = needs_corpus


def _assert_same(a: lm_corpus.Corpus, b: lm_corpus.Corpus) -> None:
    assert a.train == b.train and a.heldout == b.heldout
    np.testing.assert_array_equal(a.train_doc, b.train_doc)
    np.testing.assert_array_equal(a.heldout_doc, b.heldout_doc)
    assert a.train_doc.dtype == b.train_doc.dtype == np.int64
    assert (a.n_entries, a.sha256) == (b.n_entries, b.sha256)


def test_the_cached_corpus_equals_the_computed_one(tmp_path, monkeypatch):
    place = str(lm_corpus.corpus_path())
    load = lm_corpus._load_corpus.__wrapped__  # past the in-process lru_cache
    computed = lm_corpus._split_corpus(place, 0.1)
    calls = []
    monkeypatch.setattr(lm_corpus, "_split_corpus", lambda *a: calls.append(a) or computed)
    first = load(place, 0.1, str(tmp_path))
    assert len(calls) == 1 and first is computed  # nothing cached yet: computed, then written
    files = list(tmp_path.glob("*.npz"))
    assert len(files) == 1 and not list(tmp_path.glob("*.tmp.npz"))
    again = load(place, 0.1, str(tmp_path))
    assert len(calls) == 1  # read from the file, not computed
    _assert_same(again, computed)
    # other settings of the split are another file
    small = lm_corpus.Corpus([["a", "."]], [["b", "."]], np.array([0]), np.array([1]), 2, "x")
    monkeypatch.setattr(lm_corpus, "_split_corpus", lambda *a: calls.append(a) or small)
    load(place, 0.2, str(tmp_path))
    assert len(calls) == 2 and len(list(tmp_path.glob("*.npz"))) == 2


def test_a_damaged_cache_file_is_computed_again(tmp_path, monkeypatch):
    place = str(lm_corpus.corpus_path())
    load = lm_corpus._load_corpus.__wrapped__
    small = lm_corpus.Corpus([["a", "b", "."]], [["c", "."]], np.array([0]), np.array([1]), 2, "x")
    monkeypatch.setattr(lm_corpus, "_split_corpus", lambda *a: small)
    load(place, 0.1, str(tmp_path))
    (path,) = tmp_path.glob("*.npz")
    _assert_same(load(place, 0.1, str(tmp_path)), small)
    path.write_bytes(b"not an npz file")
    other = small._replace(n_entries=3)
    monkeypatch.setattr(lm_corpus, "_split_corpus", lambda *a: other)
    _assert_same(load(place, 0.1, str(tmp_path)), other)


def test_no_cache_directory_computes_the_corpus(monkeypatch):
    small = lm_corpus.Corpus([["a", "."]], [], np.array([0]), np.array([], dtype=np.int64), 1, "x")
    monkeypatch.setattr(lm_corpus, "_split_corpus", lambda *a: small)
    assert lm_corpus._load_corpus.__wrapped__(str(lm_corpus.corpus_path()), 0.1, None) is small
