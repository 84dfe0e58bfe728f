"""Evidence dates: publication dates of sources and rows, the pages' newest evidence, the searched records."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis._compat import load_tool
from analysis.data import loader as data
from analysis.publish import freshness

release = load_tool("release")  # release tooling lives in tools/, not in the package

ROOT = Path(__file__).resolve().parents[2]


def test_every_cited_bib_entry_has_a_publication_date():
    dates = freshness.bib_publication_dates()
    for name in data.available():
        for s in data.load(name)["source"]:
            for key in str(s).split(";"):
                assert key in dates, f"{name}: {key} has no publication date"


@pytest.mark.parametrize("name", data.available())
def test_every_row_was_published_before_it_was_checked(name):
    rows = freshness.row_publication_dates(name)
    dated = rows.dropna(subset=["published", "checked"])
    assert (dated["published"] <= dated["checked"]).all(), dated[dated["published"] > dated["checked"]]


def _toy(tmp_path: Path, *, source_date: str, accessed: str) -> Path:
    data_dir = tmp_path / "analysis" / "data"
    data_dir.mkdir(parents=True)
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "references.bib").write_text(
        "@misc{a2026x,\n  title = {A},\n  year = {2026},\n  published = {" + source_date + "}\n}\n", encoding="utf-8")
    (data_dir / "toy.schema.yml").write_text(
        "title: Toy\ndescription: toy\nprimary_key: id\norigin:\n  producer: p\n  title: t\n  url: none\n"
        f"  date_accessed: {accessed}\n  version: v\n  licence: l\ncolumns:\n  id: {{type: string}}\n"
        "  source: {type: source}\n  evidence: {type: evidence}\n", encoding="utf-8")
    (data_dir / "toy.csv").write_text("id,source,evidence\nr1,a2026x,seen_primary\n", encoding="utf-8")
    return tmp_path


def test_loading_refuses_a_row_published_after_it_was_accessed(tmp_path):
    root = _toy(tmp_path, source_date="2026-12-01", accessed="2026-11-26")
    with pytest.raises(ValueError, match=r"toy\.csv, row 1: source 'a2026x' is dated .*precede the access date"):
        data.load("toy", data_dir=root / "analysis" / "data", bib_path=root / "book" / "references.bib")
    ok = _toy(tmp_path / "ok", source_date="2026-11-01", accessed="2026-11-26")
    frame = data.load("toy", data_dir=ok / "analysis" / "data", bib_path=ok / "book" / "references.bib")
    assert list(frame["id"]) == ["r1"]


def test_bib_dates_parse_every_form_and_refuse_a_missing_or_late_one(tmp_path):
    bib = tmp_path / "r.bib"
    bib.write_text(
        "@misc{y, title={Y}, year={2025}}\n@misc{m, title={M}, year={2025}, month=jul}\n"
        "@misc{d, title={D}, year={2025}, published={2025-11-24}}\n@misc{u, title={U}, year={2026}, published={undated}}\n",
        encoding="utf-8")
    got = freshness.bib_publication_dates(bib)
    assert (got["y"].label, got["m"].label, got["d"].label, got["u"].label) == ("2025", "July 2025", "November 2025", "undated")
    assert got["y"] < got["m"] < got["d"] and got["u"] < got["y"]  # an undated page dates nothing
    bib.write_text("@misc{n, title={N}}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no publication date"):
        freshness.bib_publication_dates(bib)
    bib.write_text("@misc{late, title={L}, year={2026}, published={2026-12}, urldate={2026-11-26}}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="after it was read"):
        freshness.bib_publication_dates(bib)


@pytest.mark.parametrize("page", list(freshness.PAGES))
def test_a_stale_page_has_a_searched_record_for_each_of_its_areas(page):
    d = freshness.page_dates(page)
    if d.months_old > freshness.STALE_MONTHS:
        assert d.stale and not d.missing_areas, f"{page}: newest evidence {d.newest.label}, no search recorded for {d.missing_areas}"
        assert set(d.searches["area"]) == set(freshness.PAGES[page])
        assert "Searched on" in d.note()
    else:
        assert not d.stale and "less than" in d.note()


def test_chapters_1_2_3_5_7_show_2026_evidence_or_a_search():
    for page in ("notebooks/01_data_exhaustion.md", "notebooks/02_cost.md", "notebooks/03_model_collapse.md",
                 "notebooks/05_regulation.md", "notebooks/07_energy_carbon.md"):
        d = freshness.page_dates(page)
        assert d.newest.first_day.year >= 2026 or (d.stale and len(d.searches) > 0), page


def _page_copy(tmp_path: Path, *, drop_area: str | None = None) -> Path:
    """A repository with this one's data, bibliography and pages, minus the searches of one area."""
    shutil.copytree(ROOT / "analysis" / "data", tmp_path / "analysis" / "data")
    (tmp_path / "book").mkdir()
    shutil.copy(ROOT / "book" / "references.bib", tmp_path / "book" / "references.bib")
    for page in freshness.PAGES:
        (tmp_path / page).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / page, tmp_path / page)
    if drop_area:
        path = tmp_path / "analysis" / "data" / "evidence_searches.csv"
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        table[table["area"] != drop_area].to_csv(path, index=False)
    return tmp_path


def test_the_check_fails_for_a_stale_chapter_without_its_search(tmp_path):
    assert freshness.stale_pages(root=_page_copy(tmp_path / "full")) == []
    problems = freshness.stale_pages(root=_page_copy(tmp_path / "cut", drop_area="compute_cost"))
    assert len(problems) == 1 and problems[0].startswith("notebooks/02_cost.md") and "'compute_cost'" in problems[0]
    # chapter 3 cites evidence of June 2026, less than six months before the check: it needs no record
    assert freshness.stale_pages(root=_page_copy(tmp_path / "current", drop_area="collapse")) == []


def test_a_search_made_before_the_evidence_went_stale_does_not_count(tmp_path):
    root = _page_copy(tmp_path)
    path = root / "analysis" / "data" / "evidence_searches.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[table["area"] == "compute_cost", "date_searched"] = "2026-05-01"  # within six months of April 2026
    table.to_csv(path, index=False)
    d = freshness.page_dates("notebooks/02_cost.md", root=root)
    assert d.stale and "compute_cost" in d.missing_areas


def test_staleness_is_judged_on_the_given_day(tmp_path):
    d = freshness.page_dates("notebooks/05_regulation.md", on=dt.date(2026, 12, 6))
    assert not d.stale
    later = freshness.page_dates("notebooks/05_regulation.md", on=dt.date(2027, 6, 1))
    assert later.stale and later.missing_areas == ("rules",)  # the record of December 2026 was made before it went stale


def test_release_check_refuses_a_stale_area_without_a_record(tmp_path):
    root = _page_copy(tmp_path, drop_area="compute_cost")
    problems = release.check_evidence(root, on=dt.date(2026, 12, 6))
    assert any("notebooks/02_cost.md" in p and "compute_cost" in p for p in problems)
    assert release.check_evidence(_page_copy(tmp_path / "full"), on=dt.date(2026, 12, 6)) == []


def test_page_sources_reads_datasets_and_citations():
    datasets, keys = freshness.page_sources(ROOT / "notebooks" / "01_data_exhaustion.md")
    assert "llm_training_tokens" in datasets and "villalobos2024will" in keys and "evidence_searches" not in datasets
    with pytest.raises(ValueError, match="page"):
        freshness.page_dates("notebooks/99_nothing.md")


PREFIX = {page: ("claims" if page == "book/claims.md" else "ch" + Path(page).name[:2]) for page in freshness.PAGES}


@pytest.mark.parametrize("page", list(freshness.PAGES))
def test_executed_pages_glue_the_dates_the_package_computes(page):
    # a changed row, citation or searched record must be followed by re-executing the page
    from analysis.data.refresh import glued_values

    prefix = PREFIX[page]
    glued = glued_values((ROOT / page).with_suffix(".ipynb"))
    d = freshness.page_dates(page)
    assert glued[f"{prefix}_newest_evidence"] == d.newest.label, page
    assert glued[f"{prefix}_checked"] == d.checked_label, page
    assert glued[f"{prefix}_evidence_as_of"] == d.checked.isoformat(), page
    assert glued[f"{prefix}_evidence_note"] == d.note(), page
    src = (ROOT / page).read_text(encoding="utf-8")
    assert f"{{glue:text}}`{prefix}_newest_evidence`" in src and f"{{glue:text}}`{prefix}_evidence_note`" in src
