"""The report's version and release date: check that every place states them, then tag the release.

Usage:
    python tools/release.py check   # list disagreements and pages with stale evidence and no searched record (exit 1 if any)
    python tools/release.py sync    # rewrite CITATION.cff, pyproject.toml, footer, cite boxes, README
    python tools/release.py tag     # check, require a clean work tree, then `git tag -a v<version>`

One source of truth: ``analysis.__version__`` and ``analysis.__release_date__``. ``CITATION.cff``,
``pyproject.toml``, ``uv.lock``, the site footer (``_config.yml``), the cite boxes
(``book/how_to_cite.md``, ``book/summary.md``), the README and the latest entry of
``book/changelog.md`` (``## X.Y.Z (YYYY-MM-DD)``) repeat them; :func:`check` lists every place that
disagrees and :func:`sync` rewrites them from the source. ``make release`` runs ``tag``; the tag is
never moved: if ``v<version>`` exists, bump the version.

Release tooling, not science: until 0.5 this module was ``analysis.release`` (that path still
works, with a DeprecationWarning, until 0.6). Tests load it by path (``analysis._compat.load_tool``).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from any directory: the checkout's own package
    sys.path.insert(0, str(ROOT))

import analysis  # noqa: E402
from analysis.core.validation import InstanceOf, NoneType, validate_params  # noqa: E402

_SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
# "Version 0.2.0, 26 November 2026" in prose, cite boxes and the footer
_PROSE = re.compile(r"[Vv]ersion (\d+\.\d+\.\d+), (\d{1,2} [A-Z][a-z]+ \d{4})")
# "## 0.2.0 (2026-11-26)" headings of the changelog, newest first
_CHANGELOG = re.compile(r"^## (\d+\.\d+\.\d+) \((\d{4}-\d{2}-\d{2})\)", re.M)


@dataclasses.dataclass(frozen=True)
class Release:
    """A release: semantic version and ISO date."""

    version: str
    date: _dt.date

    @property
    def tag(self) -> str:
        return f"v{self.version}"

    @property
    def long_date(self) -> str:
        """The date as printed in prose, e.g. '26 November 2026'."""
        return f"{self.date.day} {self.date:%B %Y}"


@dataclasses.dataclass(frozen=True)
class Mention:
    """Where a version is stated, and what it says (``None`` when the file states none)."""

    file: str
    version: str | None
    date: _dt.date | None


@validate_params({})
def current() -> Release:
    """The release this checkout describes (``analysis.__version__``, ``analysis.__release_date__``)."""
    version, date = analysis.__version__, analysis.__release_date__
    if not _SEMVER.match(version):
        raise ValueError(f"analysis.__version__: {version!r} is not a semantic version X.Y.Z")
    return Release(version, _dt.date.fromisoformat(date))


#: the project's own entry in uv.lock: its name line, then its version
_LOCK = re.compile(r'^(name = "synthetic-data-report-analysis"\nversion = ")([^"]+)"', re.M)


def _long(text: str) -> _dt.date:
    return _dt.datetime.strptime(text, "%d %B %Y").date()


@validate_params({"root": [InstanceOf(Path), str, NoneType]})
def mentions(root: Path | str | None = None) -> list[Mention]:
    """Every place that states the version, with what it states."""
    root = Path(root) if root is not None else ROOT
    out: list[Mention] = []
    cff = (root / "CITATION.cff").read_text(encoding="utf-8")
    v = re.search(r'^version:\s*"?([^"\n]+)"?', cff, re.M)
    d = re.search(r'^date-released:\s*"?(\d{4}-\d{2}-\d{2})"?', cff, re.M)
    out.append(Mention("CITATION.cff", v and v[1], d and _dt.date.fromisoformat(d[1])))
    py = (root / "pyproject.toml").read_text(encoding="utf-8")
    v = re.search(r'^version\s*=\s*"([^"]+)"', py, re.M)
    out.append(Mention("pyproject.toml", v and v[1], None))
    lock = root / "uv.lock"
    if lock.exists():  # the lock records the project's own version: `uv sync --locked` refuses a stale one
        v = _LOCK.search(lock.read_text(encoding="utf-8"))
        out.append(Mention("uv.lock", v and v[2], None))
    for name in ("_config.yml", "book/how_to_cite.md", "book/summary.md", "README.md"):
        text = (root / name).read_text(encoding="utf-8")
        found = _PROSE.findall(text)
        if not found:
            out.append(Mention(name, None, None))
        for ver, day in found:
            out.append(Mention(name, ver, _long(day)))
    log = root / "book" / "changelog.md"
    heads = _CHANGELOG.findall(log.read_text(encoding="utf-8")) if log.exists() else []
    out.append(Mention("book/changelog.md", heads[0][0] if heads else None,
                       _dt.date.fromisoformat(heads[0][1]) if heads else None))
    return out


@validate_params({"root": [InstanceOf(Path), str, NoneType]})
def check(root: Path | str | None = None) -> list[str]:
    """Problems: each place whose version or date differs from :func:`current` (empty list if none)."""
    rel = current()
    problems = []
    for m in mentions(root):
        if m.version != rel.version:
            problems.append(f"{m.file}: version {m.version!r}, expected {rel.version!r}")
        if m.date is not None and m.date != rel.date:
            problems.append(f"{m.file}: date {m.date.isoformat()}, expected {rel.date.isoformat()}")
        if m.file in ("CITATION.cff", "book/changelog.md") and m.date is None:
            problems.append(f"{m.file}: no release date")
    return problems


@validate_params({"root": [InstanceOf(Path), str, NoneType]})
def sync(root: Path | str | None = None) -> list[str]:
    """Rewrite CITATION.cff, pyproject.toml, uv.lock's project entry and the prose mentions; returns the files changed.

    The changelog is not rewritten: its entry for a new version is written by hand.
    """
    root = Path(root) if root is not None else ROOT
    rel = current()
    changed = []
    edits = {
        "CITATION.cff": [(r'^version:.*$', f'version: "{rel.version}"'),
                         (r'^date-released:.*$', f'date-released: "{rel.date.isoformat()}"')],
        "pyproject.toml": [(r'^version\s*=\s*"[^"]+"', f'version = "{rel.version}"')],
    }
    if (root / "uv.lock").exists():
        edits["uv.lock"] = [(_LOCK.pattern, lambda m: f'{m[1]}{rel.version}"')]
    for name in ("_config.yml", "book/how_to_cite.md", "book/summary.md", "README.md"):
        edits[name] = [(_PROSE.pattern, lambda m: f"{m[0][0]}ersion {rel.version}, {rel.long_date}")]
    for name, subs in edits.items():
        path = root / name
        text = path.read_text(encoding="utf-8")
        new = text
        for pattern, repl in subs:
            new = re.sub(pattern, repl, new, flags=re.M)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(name)
    return changed


@validate_params({"root": [InstanceOf(Path), str, NoneType], "on": [InstanceOf(_dt.date), NoneType]})
def check_evidence(root: Path | str | None = None, *, on: _dt.date | None = None) -> list[str]:
    """Problems: each page whose evidence is stale on the release date without a searched record.

    A page is stale when its newest source was published more than six months before ``on``
    (default: the release date of :func:`current`); it then needs, for each of its areas, a record in
    ``analysis/data/evidence_searches.csv`` made after the evidence went stale and on or before
    ``on`` (see :mod:`analysis.publish.freshness`).

    Parameters
    ----------
    root : pathlib.Path or str, optional
        Repository root (default: this one).
    on : datetime.date, optional
        The day to judge on (default: the release date).

    Returns
    -------
    list of str
        One message per page and area without a record; empty when the release may go out.
    """
    from analysis.publish import freshness

    return freshness.stale_pages(root=root, on=on if on is not None else current().date)


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in ("check", "sync", "tag"):
        print(__doc__)
        return 2
    rel = current()
    if argv[0] == "sync":
        print("rewrote:", ", ".join(sync()) or "nothing")
    problems = check()
    # a release whose pages rest on stale evidence must say what was searched (analysis.publish.freshness)
    problems += [f"stale evidence: {p}" for p in check_evidence()]
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
