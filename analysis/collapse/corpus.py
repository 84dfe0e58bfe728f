"""A real English corpus for the language-model collapse experiment: the GNU Collaborative International Dictionary of English.

The text is GCIDE 0.48 as Debian ships it in the package ``dict-gcide`` (version 0.48.5+nmu2, GPL-2+):
about 5.4 million words of definitions and quotations, written by people (Webster's Revised Unabridged
Dictionary of 1913, its later editors, and glosses from WordNet 1.5). ``make corpus`` unpacks the
package from Debian's archive into ``.cache/dict-gcide`` (no root needed); a machine where the
package is installed system-wide uses ``/usr/share/dictd``. Nothing is downloaded at run time.

A *document* is one dictionary entry (the text the dictd index points at for a headword); entries
are split into training and held-out text by a fixed permutation, so no entry is in both. Each
entry is cleaned of markup (pronunciations between backslashes, bracketed etymologies and source
tags, ``--Author.`` attributions, cross-reference braces), lower-cased and cut into sentences; a
sentence is a sequence of word and punctuation tokens ending at ``.``, ``!`` or ``?``.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import os
import re
from pathlib import Path
from typing import NamedTuple

import numpy as np

from analysis.core.validation import InstanceOf, Integral, Interval, Real, validate_params

__all__ = ["CorpusMissingError", "Corpus", "EncodedCorpus", "corpus_path", "read_entries", "clean_entry",
           "tokenize_sentences", "load_corpus", "encode_corpus", "SPECIALS"]

ROOT = Path(__file__).resolve().parents[2]
DEBIAN_PACKAGE = "dict-gcide"
DEBIAN_VERSION = "0.48.5+nmu2"
#: SHA-256 of gcide.dict.dz in that package version (results are reproducible only from this text)
SHA256 = "3e6b2cdcbc1b3664c2f1466e3c8e44012e815c4c67fa83fa61f39777cd6e8517"
_CANDIDATES = (ROOT / ".cache" / "dict-gcide" / "usr" / "share" / "dictd", Path("/usr/share/dictd"))
#: the special tokens, ids 0 to 2 in this order, are the sentence start (context padding only, never
#: predicted), the sentence end and the out-of-vocabulary word
SPECIALS = ("<s>", "</s>", "<unk>")
SPLIT_SEED = 20261206
HELDOUT_FRACTION = 0.1
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


class CorpusMissingError(FileNotFoundError):
    """The Debian package's text is not on this machine (run ``make corpus``)."""


class Corpus(NamedTuple):
    """Sentences (lists of tokens) of the training and the held-out entries."""

    train: list[list[str]]
    heldout: list[list[str]]
    train_doc: np.ndarray
    heldout_doc: np.ndarray
    n_entries: int
    sha256: str


class EncodedCorpus(NamedTuple):
    """Token ids over a fixed vocabulary: ``vocab[i]`` is the word of id ``i`` (the first three are ``SPECIALS``).

    ``train`` and ``heldout`` are lists of int32 arrays, one per sentence, without boundary tokens.
    ``train_counts[i]`` is the count of word ``i`` in all the training text (0 for the specials).
    """

    vocab: tuple[str, ...]
    train: list[np.ndarray]
    heldout: list[np.ndarray]
    train_doc: np.ndarray
    train_counts: np.ndarray


def _dictd_int(code: str) -> int:
    value = 0
    for ch in code:
        value = value * 64 + _B64.index(ch)
    return value


@validate_params({"directory": [InstanceOf((str, Path), "a directory path"), None]})
def corpus_path(directory: str | Path | None = None) -> Path:
    """The directory holding ``gcide.dict.dz`` and ``gcide.index``.

    Looks in ``directory`` if given, else ``$GCIDE_DIR``, ``.cache/dict-gcide/usr/share/dictd`` (what
    ``make corpus`` unpacks) and ``/usr/share/dictd``; raises :class:`CorpusMissingError` naming
    ``make corpus`` if none has the files.

    Parameters
    ----------
    directory : str, Path or None
        Where to look first.

    Returns
    -------
    Path
        The directory.
    """
    places = [Path(directory)] if directory is not None else (
        ([Path(os.environ["GCIDE_DIR"])] if os.environ.get("GCIDE_DIR") else []) + list(_CANDIDATES))
    for place in places:
        if (place / "gcide.dict.dz").is_file() and (place / "gcide.index").is_file():
            return place
    raise CorpusMissingError(f"directory: GCIDE ({DEBIAN_PACKAGE} {DEBIAN_VERSION}) not found in "
                             f"{', '.join(map(str, places))}; run `make corpus`")


@validate_params({"directory": [InstanceOf((str, Path), "a directory path"), None]})
def read_entries(directory: str | Path | None = None) -> tuple[list[str], str]:
    """Every dictionary entry's raw text, in file order, and the SHA-256 of the compressed file.

    One entry per distinct (offset, length) of the dictd index; the database's own header entries
    (``00-database-*``) are left out. Raises ``ValueError`` if the file is not the pinned version.

    Parameters
    ----------
    directory : str, Path or None
        Directory of the dictd files (default: :func:`corpus_path`).

    Returns
    -------
    (list of str, str)
        The entries and the file's SHA-256.
    """
    place = corpus_path(directory)
    raw = (place / "gcide.dict.dz").read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SHA256:
        raise ValueError(f"directory: {place / 'gcide.dict.dz'} is not {DEBIAN_PACKAGE} {DEBIAN_VERSION} "
                         f"(sha256 {digest[:12]}, expected {SHA256[:12]})")
    text = gzip.decompress(raw)
    spans = set()
    for line in (place / "gcide.index").read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or parts[0].startswith("00-database") or parts[0].startswith("00database"):
            continue
        spans.add((_dictd_int(parts[1]), _dictd_int(parts[2])))
    entries = [text[o:o + n].decode("utf-8", errors="replace") for o, n in sorted(spans)]
    # the header entries (database name, URL, licence notice) are listed under several index names
    return [e for e in entries if not e.lstrip().startswith(("00-database", "00database"))], digest


_PRON = re.compile(r"\\[^\\\n]*\\")
_BRACKET = re.compile(r"\[[^\[\]]*\]")
_ATTRIB = re.compile(r"--\s*[A-Z][^\n]*")
_NUMBERED = re.compile(r"(?m)^\s*(\d+\.|\([a-z]\))")
_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|[.,;:!?]")


@validate_params({"entry": [InstanceOf(str)]})
def clean_entry(entry: str) -> str:
    """An entry's prose without its headword line's markup, etymologies, source tags and attributions.

    Parameters
    ----------
    entry : str
        One raw dictionary entry.

    Returns
    -------
    str
        The cleaned text.
    """
    text = entry.split("\n", 1)[1] if "\n" in entry else ""
    # the headword line carries the pronunciation and grammar labels; its definition starts on the next line
    for _ in range(3):  # brackets nest (etymologies hold cross-references in brackets)
        text = _BRACKET.sub(" ", text)
    text = _PRON.sub(" ", text)
    text = _ATTRIB.sub(" ", text)
    text = _NUMBERED.sub(" ", text)
    return text.replace("{", "").replace("}", "").replace("Syn. --", " ")


@validate_params({"text": [InstanceOf(str)], "min_words": [Interval(Integral, 1, 100, closed="both")],
                  "max_tokens": [Interval(Integral, 2, 10_000, closed="both")]})
def tokenize_sentences(text: str, *, min_words: int = 3, max_tokens: int = 60) -> list[list[str]]:
    """Lower-cased word and punctuation tokens, cut into sentences after ``.``, ``!`` or ``?``.

    A sentence keeps its final punctuation; sentences with fewer than ``min_words`` word tokens
    (abbreviation fragments such as "v. t.") or more than ``max_tokens`` tokens are dropped.

    Parameters
    ----------
    text : str
        Cleaned text.
    min_words : int
        Fewest word tokens a kept sentence has.
    max_tokens : int
        Most tokens a kept sentence has.

    Returns
    -------
    list of list of str
        The sentences.
    """
    out, cur = [], []
    for tok in _TOKEN.findall(text.lower()):
        cur.append(tok)
        if tok in ".!?":
            words = sum(t[0].isalpha() for t in cur)
            if words >= min_words and len(cur) <= max_tokens:
                out.append(cur)
            cur = []
    return out


@validate_params({"directory": [InstanceOf((str, Path), "a directory path"), None],
                  "heldout_fraction": [Interval(Real, 0, 1, closed="neither")]})
def load_corpus(directory: str | Path | None = None, *, heldout_fraction: float = HELDOUT_FRACTION) -> Corpus:
    """The cleaned GCIDE sentences, split by entry into training and held-out text.

    The split is a permutation of the entries with a fixed seed (``SPLIT_SEED``): the held-out
    text is ``heldout_fraction`` of the entries, never a sentence of a training entry.

    Parameters
    ----------
    directory : str, Path or None
        Directory of the dictd files (default: :func:`corpus_path`).
    heldout_fraction : float
        Share of the entries held out.

    Returns
    -------
    Corpus

    References
    ----------
    gcide2022
    """
    return _load_corpus(str(corpus_path(directory)), float(heldout_fraction))


#: where the split corpus is kept between processes (each sweep worker and test subprocess would
#: otherwise clean and cut the 5.4 million words again, about five seconds each)
CACHE_DIR = ROOT / ".cache" / "corpus-split"


@functools.lru_cache(maxsize=2)
def _load_corpus(directory: str, heldout_fraction: float, cache_dir: str | None = str(CACHE_DIR)) -> Corpus:
    """The split corpus: from ``cache_dir`` when a file there was made from this text by this code, else computed.

    The cache file's name holds the SHA-256 of the compressed text, of this module's source and
    the split's settings, so a change to any of them computes the corpus again; the file stores
    the sentences as ids into its own word list (no pickle). tests/collapse/test_corpus_cache.py
    shows the cached corpus equals the computed one.
    """
    place = Path(directory)
    key = hashlib.sha256(b"\0".join([
        hashlib.sha256((place / "gcide.dict.dz").read_bytes()).hexdigest().encode(),
        Path(__file__).read_bytes(), repr((heldout_fraction, SPLIT_SEED)).encode(),
    ])).hexdigest()[:24]
    path = Path(cache_dir) / f"{key}.npz" if cache_dir else None
    if path is not None and path.is_file():
        try:
            return _unpack(np.load(path, allow_pickle=False))
        except (OSError, ValueError, KeyError):  # a damaged file: compute the corpus again
            pass
    corpus = _split_corpus(directory, heldout_fraction)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
            np.savez(tmp, **_pack(corpus))
            os.replace(tmp, path)  # atomic: a reader sees the whole file or none
        except OSError:  # a read-only checkout: no cache, same corpus
            pass
    return corpus


def _split_corpus(directory: str, heldout_fraction: float) -> Corpus:
    entries, digest = read_entries(directory)
    order = np.random.default_rng(SPLIT_SEED).permutation(len(entries))
    heldout_ids = set(order[: int(round(heldout_fraction * len(entries)))].tolist())
    train, heldout, train_doc, heldout_doc = [], [], [], []
    for i, entry in enumerate(entries):
        sents = tokenize_sentences(clean_entry(entry))
        if i in heldout_ids:
            heldout += sents
            heldout_doc += [i] * len(sents)
        else:
            train += sents
            train_doc += [i] * len(sents)
    return Corpus(train, heldout, np.asarray(train_doc, np.int64), np.asarray(heldout_doc, np.int64),
                  len(entries), digest)


def _pack(corpus: Corpus) -> dict[str, np.ndarray]:
    """The corpus as arrays: a word list, and each part's sentences as ids into it with their lengths."""
    words = sorted({t for part in (corpus.train, corpus.heldout) for s in part for t in s})
    index = {w: i for i, w in enumerate(words)}
    out = {"words": np.asarray(words, dtype=str), "train_doc": corpus.train_doc, "heldout_doc": corpus.heldout_doc,
           "n_entries": np.int64(corpus.n_entries), "sha256": np.asarray(corpus.sha256)}
    for name in ("train", "heldout"):
        sents = getattr(corpus, name)
        out[f"{name}_ids"] = np.fromiter((index[t] for s in sents for t in s), dtype=np.int32)
        out[f"{name}_lengths"] = np.fromiter(map(len, sents), dtype=np.int64, count=len(sents))
    return out


def _unpack(arrays) -> Corpus:
    words = np.asarray(arrays["words"].tolist(), dtype=object)  # Python str, as the computed corpus holds
    parts = {}
    for name in ("train", "heldout"):
        flat = words[arrays[f"{name}_ids"]].tolist()
        ends = np.cumsum(arrays[f"{name}_lengths"]).tolist()
        parts[name] = [flat[a:b] for a, b in zip([0, *ends[:-1]], ends)]
    return Corpus(parts["train"], parts["heldout"], arrays["train_doc"], arrays["heldout_doc"],
                  int(arrays["n_entries"]), str(arrays["sha256"]))


@validate_params({"corpus": [InstanceOf(Corpus)], "vocab_size": [Interval(Integral, 4, 10**6, closed="both")]})
def encode_corpus(corpus: Corpus, *, vocab_size: int = 20_000) -> EncodedCorpus:
    """Map tokens to ids over the ``vocab_size - 3`` most frequent training tokens plus ``SPECIALS``.

    Ties in frequency are broken alphabetically, so the vocabulary is the same on every machine;
    every other token becomes ``<unk>``. The vocabulary is fixed once from the real training text
    and every generation's model predicts over it.

    Parameters
    ----------
    corpus : Corpus
        The loaded corpus.
    vocab_size : int
        Vocabulary size, the three special tokens included.

    Returns
    -------
    EncodedCorpus
    """
    from collections import Counter

    counts = Counter(t for s in corpus.train for t in s)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: vocab_size - len(SPECIALS)]
    vocab = SPECIALS + tuple(w for w, _ in ranked)
    index = {w: i for i, w in enumerate(vocab)}
    unk = SPECIALS.index("<unk>")

    def enc(sents):
        return [np.fromiter((index.get(t, unk) for t in s), dtype=np.int32, count=len(s)) for s in sents]

    train = enc(corpus.train)
    train_counts = np.bincount(np.concatenate(train), minlength=len(vocab)).astype(np.int64)
    train_counts[: len(SPECIALS)] = 0
    return EncodedCorpus(vocab, train, enc(corpus.heldout), corpus.train_doc, train_counts)
