"""English (and other) word frequencies from the ``wordfreq`` package, as a tidy table.

``wordfreq`` ships its frequency lists inside the package, so nothing is downloaded. Its values are
binned: words whose Zipf frequency rounds to the same hundredth share one value (the package README,
"Frequency bins"), so neighbouring ranks can tie. Intended to be re-exported as
``analysis.data.word_frequencies``.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from analysis.core.validation import InstanceOf, Integral, Interval, validate_params

__all__ = ["word_frequencies"]

_MAX_TOP_N = 1_000_000


@validate_params({"lang": [InstanceOf(str, "a language code such as 'en'")],
                  "top_n": [Interval(Integral, 2, _MAX_TOP_N, closed="both", cap_reason="wordfreq's lists are shorter")]})
def word_frequencies(lang: str = "en", *, top_n: int) -> pd.DataFrame:
    """The ``top_n`` most frequent words of ``lang`` with wordfreq's frequency and their share of the top ``top_n``.

    Parameters
    ----------
    lang : str
        A language code wordfreq knows, e.g. ``'en'``.
    top_n : int
        Number of words, in [2, 1000000]; ``ValueError`` if wordfreq has fewer for ``lang``.

    Returns
    -------
    pandas.DataFrame
        ``top_n`` rows with columns ``rank`` (1 = most frequent), ``word``, ``frequency``
        (occurrences per word of running text, as wordfreq gives it) and ``probability``
        (``frequency`` renormalised to sum to 1 over the returned words: the distribution a
        unigram model restricted to this vocabulary would use).

    References
    ----------
    speer2022wordfreq
    """
    if not lang:
        raise ValueError(f"lang: expected a language code such as 'en', got {lang!r}")
    words, freqs = _load(lang, int(top_n))
    if len(words) < top_n:
        raise ValueError(f"top_n: wordfreq has only {len(words)} words for {lang!r}, asked for {top_n}")
    return pd.DataFrame(
        {
            "rank": np.arange(1, len(words) + 1),
            "word": list(words),
            "frequency": freqs.copy(),
            "probability": freqs / freqs.sum(),
        }
    )


@functools.lru_cache(maxsize=4)
def _load(lang: str, top_n: int) -> tuple[tuple[str, ...], np.ndarray]:
    import wordfreq

    if lang not in wordfreq.available_languages():
        raise ValueError(f"lang: wordfreq has no word list for {lang!r}")
    words = tuple(wordfreq.top_n_list(lang, top_n))
    freqs = np.array([wordfreq.word_frequency(w, lang) for w in words], dtype=float)
    freqs.setflags(write=False)  # cached: callers get a fresh DataFrame, never this buffer to mutate
    return words, freqs
