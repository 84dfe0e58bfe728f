"""The version: one source of truth, stated identically in CITATION.cff, the changelog, the footer and the cite boxes."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml

import analysis
from analysis._compat import load_tool

release = load_tool("release")  # release tooling lives in tools/, not in the package

ROOT = Path(__file__).resolve().parent.parent


def test_version_agrees_everywhere():
    assert release.check() == []


def test_citation_changelog_and_footer_carry_this_release():
    rel = release.current()
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(cff["version"]) == rel.version == analysis.__version__
    assert str(cff["date-released"]) == rel.date.isoformat() == analysis.__release_date__
    first = re.search(r"^## (\S+) \((\d{4}-\d{2}-\d{2})\)", (ROOT / "book" / "changelog.md").read_text(encoding="utf-8"), re.M)
    assert first and first[1] == rel.version and first[2] == rel.date.isoformat()
    footer = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["html"]["extra_footer"]
    assert f"Version {rel.version}, {rel.long_date}" in footer


def test_changelog_is_in_the_toc_and_linked_from_the_landing_page():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    assert "book/changelog" in toc
    summary = (ROOT / "book" / "summary.md").read_text(encoding="utf-8")
    assert "{doc}`" in summary and "changelog" in summary


def test_changelog_has_errata_for_earlier_versions():
    text = (ROOT / "book" / "changelog.md").read_text(encoding="utf-8")
    assert "## Errata" in text
    rows = [ln for ln in text.splitlines() if ln.startswith("| 0.")]
    assert rows, "the errata table lists no wrong number of an earlier version"
    versions = [m for m in re.findall(r"^## (\d+\.\d+\.\d+) \(", text, re.M)]
    assert versions == sorted(versions, key=lambda v: tuple(map(int, v.split("."))), reverse=True)


def _copy_release_files(tmp_path, *extra):
    """The files that state the version, copied into ``tmp_path`` (plus ``extra`` top-level files)."""
    for name in ("CITATION.cff", "pyproject.toml", "_config.yml", "README.md", *extra):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "book").mkdir()
    for name in ("how_to_cite.md", "summary.md", "changelog.md"):
        shutil.copy(ROOT / "book" / name, tmp_path / "book" / name)


def test_check_catches_a_disagreeing_file(tmp_path):
    _copy_release_files(tmp_path)
    assert release.check(tmp_path) == []
    cff = tmp_path / "CITATION.cff"
    cff.write_text(cff.read_text(encoding="utf-8").replace(analysis.__version__, "9.9.9"), encoding="utf-8")
    problems = release.check(tmp_path)
    assert any(p.startswith("CITATION.cff: version") for p in problems)
    # sync repairs it from the source of truth
    assert "CITATION.cff" in release.sync(tmp_path)
    assert release.check(tmp_path) == []


def test_release_has_a_valid_semver_and_date():
    rel = release.current()
    assert re.fullmatch(r"\d+\.\d+\.\d+", rel.version)
    assert isinstance(rel.date, dt.date) and rel.tag == f"v{rel.version}"
    with pytest.raises(TypeError, match="root"):
        release.check(42)


def test_check_and_sync_cover_the_lock_files_project_version(tmp_path):
    _copy_release_files(tmp_path, "uv.lock")
    assert release.check(tmp_path) == []
    lock = tmp_path / "uv.lock"
    text = lock.read_text(encoding="utf-8")
    stale = text.replace(f'name = "synthetic-data-report-analysis"\nversion = "{analysis.__version__}"',
                         'name = "synthetic-data-report-analysis"\nversion = "0.0.1"')
    assert stale != text
    lock.write_text(stale, encoding="utf-8")
    assert any(p.startswith("uv.lock: version") for p in release.check(tmp_path))
    assert release.sync(tmp_path) == ["uv.lock"] and lock.read_text(encoding="utf-8") == text
