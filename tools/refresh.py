"""make refresh: fetch the declared upstream snapshots, re-derive the curated tables, report what moved.

Usage:
    python tools/refresh.py                      # refresh from the snapshots declared in analysis/data/snapshots.yml
    python tools/refresh.py --update DATASET ... # re-declare those datasets' snapshots (new sha256, today's date)
    python tools/refresh.py --cache DIR          # download cache (default: the user cache, outside the repository)

Nothing in the repository changes unless every snapshot is fetched, matches its hash and its
declared columns, and every dependent page re-executes; then the new tables, the re-executed
notebooks and results/refresh_report.md (rows added/changed/removed, numbers that moved, a draft
changelog entry) are swapped in. See analysis/data/refresh.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.data import refresh  # noqa: E402


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", nargs="*", default=[], metavar="DATASET")
    parser.add_argument("--cache", default=None)
    args = parser.parse_args(argv)
    try:
        report = refresh.refresh(update=args.update, cache_dir=args.cache)
    except refresh.RefreshError as exc:
        print(f"refresh stopped, nothing changed: {exc}", file=sys.stderr)
        return 1
    print(report.markdown())
    print("written: results/refresh_report.md")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
