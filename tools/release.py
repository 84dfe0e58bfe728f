"""Check that every place states the same version and date, then tag the release.

Usage:
    python tools/release.py check   # list disagreements and pages with stale evidence and no searched record (exit 1 if any)
    python tools/release.py sync    # rewrite CITATION.cff, pyproject.toml, footer, cite boxes, README
    python tools/release.py tag     # check, require a clean work tree, then `git tag -a v<version>`

The version and date come from ``analysis.__version__`` and ``analysis.__release_date__``; the
changelog's newest entry (``## X.Y.Z (YYYY-MM-DD)`` in book/changelog.md) must match them.
``make release`` runs ``tag``. The tag is never moved: if ``v<version>`` exists, bump the version.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis import release  # noqa: E402


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in ("check", "sync", "tag"):
        print(__doc__)
        return 2
    rel = release.current()
    if argv[0] == "sync":
        print("rewrote:", ", ".join(release.sync()) or "nothing")
    problems = release.check()
    # a release whose pages rest on stale evidence must say what was searched (analysis.publish.freshness)
    problems += [f"stale evidence: {p}" for p in release.check_evidence()]
    for p in problems:
        print("MISMATCH", p, file=sys.stderr)
    if problems:
        return 1
    print(f"version {rel.version} of {rel.date.isoformat()} is stated consistently")
    if argv[0] != "tag":
        return 0
    if _git("status", "--porcelain").stdout.strip():
        print("the work tree has uncommitted changes; commit them before tagging", file=sys.stderr)
        return 1
    if _git("rev-parse", "-q", "--verify", f"refs/tags/{rel.tag}").returncode == 0:
        print(f"tag {rel.tag} already exists; bump analysis.__version__ for a new release", file=sys.stderr)
        return 1
    done = _git("tag", "-a", rel.tag, "-m", f"Release {rel.version} ({rel.long_date})")
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        return 1
    print(f"tagged {rel.tag}; push it with: git push origin {rel.tag}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
