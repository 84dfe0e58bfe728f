"""How old is the evidence on each page? Publication dates of sources, and the searches for newer ones.

A page of the report states two dates: **newest evidence**, the publication date of the newest
source the page uses, and **checked**, the date its sources were last searched. Both are computed
here, never typed:

* every BibTeX entry carries its publication date (a ``date`` field, ``YYYY``, ``YYYY-MM`` or
  ``YYYY-MM-DD``, or ``year`` with an optional ``month``); a row of a curated dataset is as new as
  the newest entry its ``source`` column cites, and it must have been published on or before the
  date it was checked (the row's ``last_verified`` or the dataset's ``origin.date_accessed``);
* a page uses the datasets it names and the entries it cites (``{cite}`` roles);
* where a page's newest evidence is more than :data:`STALE_MONTHS` months older than the date
  it was checked, the page must show a *searched record* for each of its areas
  (``analysis/data/evidence_searches.csv``): when, where, what was looked for and what was found.
  A record counts only if the search was made after the evidence had gone stale.

A date known only to the year is taken as 1 January of that year when dates are compared: the
page then never claims fresher evidence than it has.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import functools
import re
from pathlib import Path

import pandas as pd

from analysis.core.validation import InstanceOf, validate_params

__all__ = [
    "STALE_MONTHS", "PAGES", "PublicationDate", "PageDates", "bib_publication_dates",
    "row_publication_dates", "check_frame_dates", "page_sources", "page_dates",
    "stale_pages",
]

ROOT = Path(__file__).resolve().parents[2]
#: an area whose newest evidence is older than this (months before it was checked) is stale
STALE_MONTHS = 6
#: the pages that state evidence dates, and the areas each covers (an area is a row group of
#: evidence_searches.csv). Paths are relative to the repository root.
PAGES: dict[str, tuple[str, ...]] = {
    "notebooks/01_data_exhaustion.md": ("data_stock", "web_text"),
    "notebooks/02_cost.md": ("compute_cost",),
    "notebooks/03_model_collapse.md": ("collapse", "web_text"),
    "notebooks/04_bias_amplification.md": ("bias",),
    "notebooks/05_regulation.md": ("rules",),
    "notebooks/06_privacy_utility.md": ("privacy",),
    "notebooks/07_energy_carbon.md": ("energy",),
    "book/claims.md": ("claims",),
}
#: datasets each page reads through package functions (its code need not name them); the page's
#: own quoted dataset names are added to these
PAGE_DATASETS: dict[str, tuple[str, ...]] = {
    "notebooks/01_data_exhaustion.md": ("llm_training_tokens", "exhaustion_parameters", "data_restrictions",
                                        "statements", "villalobos2024_results"),
    "notebooks/02_cost.md": ("training_costs", "epoch_cost_inputs", "training_runs", "gpu_specs", "gpu_prices",
                             "token_prices", "human_annotation_costs"),
    "notebooks/03_model_collapse.md": ("collapse_published_constants",),
    "notebooks/04_bias_amplification.md": ("bias_tables",),
    "notebooks/05_regulation.md": ("regulation", "regulation_events", "synthetic_data_usage"),
    "notebooks/06_privacy_utility.md": ("privacy_tables",),
    "notebooks/07_energy_carbon.md": ("training_energy", "inference_energy", "grid_intensity", "datacentre_pue"),
    "book/claims.md": ("claims", "synthetic_data_usage"),
}
AREA_LABELS = {
    "data_stock": "stock of human text and growth of training sets",
    "web_text": "share of machine-generated text on the web",
    "compute_cost": "training compute and cost of frontier models",
    "collapse": "research on model collapse and synthetic-data filtering",
    "bias": "bias amplification through synthetic data",
    "rules": "rules on training and synthetic data",
    "privacy": "privacy and utility of synthetic tables",
    "energy": "energy and carbon of training and inference",
    "claims": "claims of the source article",
}
_WORDS = dict(enumerate("zero one two three four five six seven eight nine ten eleven twelve".split()))
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
_QUOTED = re.compile(r"""["']([a-z][a-z0-9_]*)["']""")
_PATH = InstanceOf((str, Path), "a path (str or pathlib.Path)")


@dataclasses.dataclass(frozen=True, order=True)
class PublicationDate:
    """When a source was published, to the precision it is known.

    ``first_day`` is the earliest day the date allows (1 January for a year, the 1st for a month),
    which is the day used when dates are compared.
    """

    first_day: _dt.date
    precision: str  # "year", "month" or "day"
    key: str = ""

    @property
    def label(self) -> str:
        """The date as a reader sees it ('March 2026', or '2026' when only the year is known)."""
        if self.precision == "undated":
            return "undated"
        if self.precision == "year":
            return f"{self.first_day.year}"
        return f"{self.first_day:%B %Y}"


@dataclasses.dataclass(frozen=True)
class PageDates:
    """The evidence dates of one page."""

    page: str
    newest: PublicationDate
    checked: _dt.date
    months_old: float
    stale: bool
    searches: pd.DataFrame  # the searched records that count for the page's areas
    missing_areas: tuple[str, ...]  # stale areas with no record made after they went stale

    @property
    def checked_label(self) -> str:
        return f"{self.checked.day} {self.checked:%B %Y}"

    def note(self) -> str:
        """One or more sentences for the page: what was searched where the evidence is stale."""
        if not self.stale:
            return (f"Its newest source is less than {_WORDS.get(STALE_MONTHS, STALE_MONTHS)} months older "
                    f"than the day its sources were last checked.")
        parts = [f"The newest source this page uses was published in {self.newest.label}, more than "
                 f"{_WORDS.get(STALE_MONTHS, STALE_MONTHS)} months before its sources were last checked."]
        for row in self.searches.itertuples():
            parts.append(f"Searched on {pd.Timestamp(row.date_searched):%-d %B %Y} in {row.searched_where} "
                         f"for {row.looked_for}: {row.found}")
        if self.missing_areas:
            parts.append("No search for newer evidence is recorded for: "
                         + ", ".join(AREA_LABELS.get(a, a) for a in self.missing_areas) + ".")
        return " ".join(parts)


def _parse_date(text: str, *, where: str) -> PublicationDate:
    text = text.strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    if not m:
        raise ValueError(f"{where}: date {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    y, mo, d = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    try:
        day = _dt.date(y, mo, d)
    except ValueError:
        raise ValueError(f"{where}: date {text!r} is not a calendar date") from None
    return PublicationDate(day, "day" if m[3] else "month" if m[2] else "year")


@functools.lru_cache(maxsize=8)
def _bib_dates_cached(path: str, mtime: float) -> dict[str, PublicationDate]:
    return _read_bib_dates(Path(path))


@validate_params({"bib_path": [_PATH, None]})
def bib_publication_dates(bib_path: str | Path | None = None) -> dict[str, PublicationDate]:
    """The publication date of every entry of a BibTeX file.

    Read from the entry's ``published`` field (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, or
    ``undated`` for a page that states no date: it then dates nothing), else ``date``, else
    ``year`` with the optional ``month`` (``jan`` ... ``dec`` or 1-12). An entry with none of them,
    or published after its ``urldate`` (the day it was read), is an error.

    Parameters
    ----------
    bib_path : str or pathlib.Path, optional
        BibTeX file (default ``book/references.bib``).

    Returns
    -------
    dict of str to PublicationDate
        Entry key -> publication date.
    """
    path = Path(bib_path) if bib_path is not None else ROOT / "book" / "references.bib"
    if not path.exists():
        raise ValueError(f"bib_path: no BibTeX file at {path}")
    return dict(_bib_dates_cached(str(path), path.stat().st_mtime))


def _read_bib_dates(path: Path) -> dict[str, PublicationDate]:
    from pybtex.database import parse_file

    out: dict[str, PublicationDate] = {}
    for key, entry in parse_file(str(path), bib_format="bibtex").entries.items():
        f = {k.lower(): v for k, v in entry.fields.items()}
        where = f"{path.name}: entry {key!r}"
        stated = f.get("published", f.get("date", "")).strip()
        if stated.lower() == "undated":
            # an undated web page: its access year is no publication date, so it dates nothing
            out[key] = PublicationDate(_dt.date.min, "undated", key)
            continue
        if stated:
            pub = _parse_date(stated, where=where)
        elif "year" in f:
            year = f["year"].strip()
            month = f.get("month", "").strip().lower()[:3]
            if month and not month.isdigit() and month not in _MONTHS:
                raise ValueError(f"{where}: month {f['month']!r} is not a month")
            mo = int(month) if month.isdigit() else _MONTHS.get(month)
            pub = _parse_date(f"{year}-{mo:02d}" if mo else year, where=where)
        else:
            raise ValueError(f"{where}: no publication date (give 'published', 'date' or 'year')")
        if "urldate" in f:
            seen = _parse_date(f["urldate"], where=where).first_day
            if pub.first_day > seen:
                raise ValueError(f"{where}: published {pub.label} after it was read ({seen})")
        out[key] = dataclasses.replace(pub, key=key)
    return out


def _checked_dates(frame: pd.DataFrame, schema: dict) -> pd.Series:
    """The day each row was last checked: its own ``last_verified``, else the dataset's access date."""
    origin = schema.get("origin") or {}
    accessed = pd.Timestamp(str(origin["date_accessed"])) if origin.get("date_accessed") else pd.NaT
    if "last_verified" in frame.columns:
        own = pd.to_datetime(frame["last_verified"], errors="coerce")
        return own.fillna(accessed)
    return pd.Series(accessed, index=frame.index)


def _frame_dates(frame: pd.DataFrame, schema: dict, dates: dict[str, PublicationDate]) -> pd.DataFrame:
    newest = [max(dates[k] for k in str(s).split(";")) for s in frame["source"]]
    return pd.DataFrame({
        "source": frame["source"].to_numpy(),
        "published": pd.to_datetime([None if d.precision == "undated" else d.first_day for d in newest]),
        "published_label": [d.label for d in newest],
        "published_key": [d.key for d in newest],
        "checked": _checked_dates(frame, schema).to_numpy(),
    }, index=frame.index)


@validate_params({"name": [str], "frame": [pd.DataFrame], "schema": [dict], "bib_path": [_PATH, None]})
def check_frame_dates(name: str, frame: pd.DataFrame, schema: dict, *,
                      bib_path: str | Path | None = None) -> None:
    """Raise ``ValueError`` if a row cites a source published after the row was checked.

    Called by :func:`analysis.data.loader.load` on every dataset it reads: a row's publication date (its
    newest cited source) must not be later than its access date (``last_verified``, else the
    dataset's ``origin.date_accessed``).

    Parameters
    ----------
    name : str
        Dataset name, for the message.
    frame : pandas.DataFrame
        The validated rows (with a ``source`` column).
    schema : dict
        The dataset's schema.
    bib_path : str or pathlib.Path, optional
        BibTeX file (default ``book/references.bib``).

    Returns
    -------
    None
    """
    if not len(frame):
        return
    if "source" not in frame.columns:
        raise ValueError("frame: needs a 'source' column of BibTeX keys")
    rows = _frame_dates(frame, schema, bib_publication_dates(bib_path))
    bad = rows[rows["published"] > rows["checked"]]
    if len(bad):
        r = bad.iloc[0]
        raise ValueError(
            f"{name}.csv, row {bad.index[0] + 1}: source {r['published_key']!r} is dated "
            f"{r['published_label']}, after the row was checked on {r['checked']:%Y-%m-%d} "
            f"({len(bad)} such row(s)): a publication date must precede the access date")


@validate_params({"name": [InstanceOf(str, "a dataset name (str)")], "data_dir": [_PATH, None],
                  "bib_path": [_PATH, None]})
def row_publication_dates(name: str, *, data_dir: str | Path | None = None,
                          bib_path: str | Path | None = None) -> pd.DataFrame:
    """Publication and check dates of every row of a curated dataset.

    A row is as new as the newest source it cites.

    Parameters
    ----------
    name : str
        Dataset name (``analysis/data/NAME.csv``).
    data_dir : str or pathlib.Path, optional
        Folder of the curated datasets (default ``analysis/data``).
    bib_path : str or pathlib.Path, optional
        BibTeX file (default ``book/references.bib``).

    Returns
    -------
    pandas.DataFrame
        One row per data row: ``source``, ``published`` (first day; NaT when every cited source is
        undated), ``published_label``, ``published_key`` (the cited entry that dates it) and
        ``checked``.
    """
    from analysis.data import loader as data

    frame = data.load(name, data_dir=data_dir, bib_path=bib_path)
    schema = data.load_schema(name, data_dir=data_dir)
    return _frame_dates(frame, schema, bib_publication_dates(bib_path))


@validate_params({"page": [_PATH], "data_dir": [_PATH, None]})
def page_sources(page: str | Path, *, data_dir: str | Path | None = None) -> tuple[list[str], list[str]]:
    """The datasets a page names and the BibTeX keys it cites.

    Parameters
    ----------
    page : str or pathlib.Path
        A chapter's MyST source (``notebooks/NN_topic.md``) or a book page.
    data_dir : str or pathlib.Path, optional
        Folder of the curated datasets (default ``analysis/data``).

    Returns
    -------
    tuple of (list of str, list of str)
        Dataset names (quoted names of curated datasets in the page's code) and cited keys, sorted.
    """
    from analysis.data import loader as data

    text = Path(page).read_text(encoding="utf-8")
    names = set(data.available(data_dir=data_dir))
    used = sorted({n for n in _QUOTED.findall(text) if n in names and n != "evidence_searches"})
    keys = sorted({k.strip() for group in _CITE.findall(text) for k in group.split(",") if k.strip()})
    return used, keys


def _root(root: str | Path | None) -> Path:
    path = Path(root) if root is not None else ROOT
    if not (path / "analysis" / "data").is_dir() or not (path / "book" / "references.bib").is_file():
        raise ValueError(f"root: {path} holds no analysis/data folder and book/references.bib")
    return path


def _months_between(a: _dt.date, b: _dt.date) -> float:
    return (b.year - a.year) * 12 + (b.month - a.month) + (b.day - a.day) / 31


@validate_params({"page": [_PATH], "root": [_PATH, None],
                  "on": [InstanceOf(_dt.date, "a datetime.date"), None]})
def page_dates(page: str | Path, *, root: str | Path | None = None,
               on: _dt.date | None = None) -> PageDates:
    """Newest evidence, checked date and stale status of one page.

    The page is stale when its newest source was published more than :data:`STALE_MONTHS`
    months before ``on`` (default: the page's checked date). A searched record counts for an area
    when it was made after the area went stale (``date_searched`` later than the newest source plus
    :data:`STALE_MONTHS` months) and on or before ``on``.

    Parameters
    ----------
    page : str or pathlib.Path
        Path of the page relative to ``root`` (a key of :data:`PAGES`), or absolute.
    root : str or pathlib.Path, optional
        Repository root holding ``analysis/data`` and ``book/references.bib`` (default: this one).
    on : datetime.date, optional
        The day to judge staleness on (default: the page's checked date).

    Returns
    -------
    PageDates
        Newest evidence, checked date, age in months, stale flag, the counting searched records and
        the stale areas that have none.
    """
    from analysis.data import loader as data

    root = _root(root)
    data_dir, bib = root / "analysis" / "data", root / "book" / "references.bib"
    rel = Path(page).relative_to(root).as_posix() if Path(page).is_absolute() else Path(page).as_posix()
    if rel not in PAGES:
        raise ValueError(f"page: {rel!r} is not one of the pages that state evidence dates ({', '.join(PAGES)})")
    if not (root / rel).exists():
        raise ValueError(f"page: no file {rel} under {root}")
    areas = PAGES[rel]
    named, keys = page_sources(root / rel, data_dir=data_dir)
    datasets = sorted(set(named) | set(PAGE_DATASETS.get(rel, ())))
    dates = bib_publication_dates(bib)
    unknown = [k for k in keys if k not in dates]
    if unknown:
        raise ValueError(f"page: {rel} cites keys not in {bib.name}: {unknown}")
    candidates = [dates[k] for k in keys]
    checked: list[_dt.date] = []
    for name in datasets:
        rows = row_publication_dates(name, data_dir=data_dir, bib_path=bib)
        candidates.extend(dates[k] for k in rows["published_key"])
        last = rows["checked"].max()
        if pd.notna(last):  # a dataset without an origin block states no access date
            checked.append(last.date())
    if not candidates:
        raise ValueError(f"page: {rel} uses no dated source")
    newest = max(candidates)
    searches = data.load("evidence_searches", data_dir=data_dir, bib_path=bib)
    searches = searches[searches["area"].isin(areas)].copy()
    searched_on = pd.to_datetime(searches["date_searched"]).dt.date
    if len(searches):
        checked.append(max(searched_on))
    checked_on = max(checked) if checked else newest.first_day
    judge = on if on is not None else checked_on
    age = _months_between(newest.first_day, judge)
    stale = age > STALE_MONTHS
    went_stale = (pd.Timestamp(newest.first_day) + pd.DateOffset(months=STALE_MONTHS)).date()
    counting = searches[(searched_on > went_stale) & (searched_on <= judge)] if stale else searches.iloc[0:0]
    missing = tuple(a for a in areas if stale and a not in set(counting["area"]))
    return PageDates(rel, newest, checked_on, age, stale, counting.reset_index(drop=True), missing)


@validate_params({"root": [_PATH, None], "on": [InstanceOf(_dt.date, "a datetime.date"), None]})
def stale_pages(*, root: str | Path | None = None, on: _dt.date | None = None) -> list[str]:
    """Problems: each page whose evidence is stale on ``on`` and one of whose areas has no searched record.

    Parameters
    ----------
    root : str or pathlib.Path, optional
        Repository root (default: this one). Pages missing from it are skipped.
    on : datetime.date, optional
        The day to judge on (default: each page's checked date).

    Returns
    -------
    list of str
        One message per page and area without a record; empty when every stale area has one.
    """
    root = _root(root)
    problems = []
    for page in PAGES:
        if not (root / page).exists():
            continue
        d = page_dates(page, root=root, on=on)
        for area in d.missing_areas:
            problems.append(
                f"{page}: newest evidence {d.newest.label} ({d.newest.key}) is {d.months_old:.0f} months "
                f"old and area '{area}' has no searched record made after it went stale")
    return problems


#: a reader's name for each page that states evidence dates
PAGE_TITLES = {
    "notebooks/01_data_exhaustion.md": "Chapter 1, exhaustion of real data",
    "notebooks/02_cost.md": "Chapter 2, cost",
    "notebooks/03_model_collapse.md": "Chapter 3, model collapse",
    "notebooks/04_bias_amplification.md": "Chapter 4, bias amplification",
    "notebooks/05_regulation.md": "Chapter 5, regulation",
    "notebooks/06_privacy_utility.md": "Chapter 6, privacy and utility",
    "notebooks/07_energy_carbon.md": "Chapter 7, energy and carbon",
    "book/claims.md": "the claims ledger",
}


@dataclasses.dataclass(frozen=True)
class ReportDates:
    """The evidence dates of the whole report."""

    newest: PublicationDate
    checked: _dt.date
    pages: tuple[PageDates, ...]

    @property
    def checked_label(self) -> str:
        return f"{self.checked.day} {self.checked:%B %Y}"

    def stale_sentence(self) -> str:
        """Which pages rest on evidence older than six months, in words."""
        stale = [PAGE_TITLES[p.page] for p in self.pages if p.stale]
        if not stale:
            return (f"Every page's newest source is less than {_WORDS.get(STALE_MONTHS, STALE_MONTHS)} months "
                    f"older than its last check.")
        names = stale[0] if len(stale) == 1 else "; ".join(stale[:-1]) + "; and " + stale[-1]
        return (f"On {len(stale)} of {len(self.pages)} pages the newest source is more than "
                f"{_WORDS.get(STALE_MONTHS, STALE_MONTHS)} months older than the last check ({names}); each "
                f"of them says what was searched for newer evidence and what was found.")


@validate_params({"root": [_PATH, None]})
def report_dates(*, root: str | Path | None = None) -> ReportDates:
    """Newest evidence and last check over every page of :data:`PAGES`.

    Parameters
    ----------
    root : str or pathlib.Path, optional
        Repository root (default: this one).

    Returns
    -------
    ReportDates
        The newest source used anywhere, the latest check, and each page's dates.
    """
    root = _root(root)
    pages = tuple(page_dates(p, root=root) for p in PAGES if (root / p).exists())
    if not pages:
        raise ValueError(f"root: no page that states evidence dates under {root}")
    return ReportDates(max(p.newest for p in pages), max(p.checked for p in pages), pages)


@validate_params({"root": [_PATH, None]})
def report_table(*, root: str | Path | None = None) -> pd.DataFrame:
    """One row per page: newest evidence, last check, age in months and what was searched.

    Parameters
    ----------
    root : str or pathlib.Path, optional
        Repository root (default: this one).

    Returns
    -------
    pandas.DataFrame
        Columns with reader's labels, one row per page of :data:`PAGES`.
    """
    rows = []
    for p in report_dates(root=root).pages:
        rows.append({
            "page": PAGE_TITLES[p.page][:1].upper() + PAGE_TITLES[p.page][1:],
            "newest evidence": p.newest.label,
            "newest source": p.newest.key,
            "sources last checked": p.checked.isoformat(),
            "months from newest source to check": round(p.months_old, 1),
            "older than six months": "yes" if p.stale else "no",
            "searches recorded": len(p.searches),
        })
    return pd.DataFrame(rows)
