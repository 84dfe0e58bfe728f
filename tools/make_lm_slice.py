"""Write tests/fixtures/gcide_slice.txt: a small slice of the cleaned GCIDE corpus for the unit tests.

The first 1,500 training sentences and the first 300 held-out sentences of
:func:`analysis.collapse.corpus.load_corpus` (one sentence per line, tokens separated by spaces, a line
``#heldout`` between the two parts). GCIDE is GPL-2+; the slice keeps that licence (see
tests/fixtures/README.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    from analysis.collapse.corpus import load_corpus

    corpus = load_corpus()
    lines = [" ".join(s) for s in corpus.train[:1500]] + ["#heldout"] + [" ".join(s) for s in corpus.heldout[:300]]
    (ROOT / "tests" / "fixtures" / "gcide_slice.txt").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
