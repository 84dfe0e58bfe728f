"""Refresh the curated tables from their publishers' files: snapshots, curation and the change report.

Each upstream file the report derives rows from is declared as a **snapshot** in
``analysis/data/snapshots.yml`` (as OWID's ETL does): producer, title, URL, licence, the day it was
accessed, the sha256 of the file and the columns the curation reads. A **curation step** turns a
dataset's snapshots into the CSV the chapters read; rows curated by hand (``curation: hand``) are
kept as they are. :func:`refresh` fetches every snapshot with ``pooch`` (which checks the hash)
into a cache outside the repository, re-derives the CSVs in a temporary copy, re-executes the
pages that read a changed table (through an ``execute`` callable), and only then swaps the new
files into the repository and returns the :class:`ChangeReport`: rows added, changed and removed per
dataset, every glued number that moved (old -> new, with its page and the landing-page finding
that shows it) and a draft changelog entry. A hash mismatch, an unreachable source or a changed
upstream schema raises :class:`RefreshError` naming the dataset and the difference before anything
in the repository is touched.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import yaml

from analysis.core.validation import InstanceOf, validate_params

__all__ = [
    "Snapshot", "Upstream", "RefreshError", "RowChanges", "MovedNumber", "ChangeReport", "load_manifest",
    "fetch", "check_columns", "diff_rows", "glued_values", "curate_epoch_cost_inputs",
    "curate_grid_intensity", "refresh", "CURATORS",
]

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = "analysis/data/snapshots.yml"
_PATH = InstanceOf((str, Path), "a path (str or pathlib.Path)")
class _SnapshotConstraint(InstanceOf):
    example = None  # set below, once Snapshot exists: a declared-but-never-fetched snapshot


_SNAPSHOT_KEYS = ("producer", "title", "url", "licence", "date_accessed", "sha256", "columns")


class RefreshError(RuntimeError):
    """A refresh stopped: the message names the dataset, the snapshot and the difference."""


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """One upstream file as it was fetched: where from, under which licence, when, and its hash."""

    name: str
    dataset: str
    producer: str
    title: str
    url: str
    licence: str
    date_accessed: str
    sha256: str | None
    columns: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Upstream:
    """A curated dataset derived from snapshots: its curation step and the columns that identify a row."""

    dataset: str
    curate: str
    key: tuple[str, ...]
    snapshots: tuple[Snapshot, ...]


@dataclasses.dataclass(frozen=True)
class RowChanges:
    """Rows added, removed and changed (``(key, column, old, new)``) in one dataset."""

    dataset: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[tuple[str, str, str, str], ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclasses.dataclass(frozen=True)
class MovedNumber:
    """A glued value whose text changed: where it is shown and what it was and is."""

    page: str
    key: str
    old: str
    new: str
    findings: tuple[str, ...]  # landing-page findings ("finding 4") that paste it
    shown_old: str = ""  # as the pages display it (their format specs), "" when no page pastes it
    shown_new: str = ""

    @property
    def visible(self) -> bool:
        """Whether a reader sees the change (at the precision the pages show), or the key is not pasted in text."""
        return self.shown_old != self.shown_new or not self.shown_old


@dataclasses.dataclass(frozen=True)
class ChangeReport:
    """What a refresh changed."""

    accessed: str
    rows: tuple[RowChanges, ...]
    moved: tuple[MovedNumber, ...]
    pages: tuple[str, ...]  # pages re-executed
    skipped: tuple[str, ...] = ()  # datasets with a snapshot never declared by hash

    def markdown(self) -> str:
        """The report as Markdown, ending with a draft changelog entry."""
        out = [f"# Refresh of {self.accessed}", ""]
        for r in self.rows:
            out.append(f"## {r.dataset}: {len(r.added)} added, {len(r.changed)} changed, {len(r.removed)} removed")
            out += [f"- added: {k}" for k in r.added] + [f"- removed: {k}" for k in r.removed]
            out += [f"- changed: {k}, {c}: {o} -> {n}" for k, c, o, n in r.changed]
            out.append("")
        out += [f"- skipped {s}: a snapshot has no declared sha256 (declare it: make refresh UPDATE={s})" for s in self.skipped]
        out.append("## Numbers on the site that moved")
        seen = [m for m in self.moved if m.visible]
        out += [f"- {m.page} `{m.key}`: {m.shown_old or m.old} -> {m.shown_new or m.new}"
                + (f" ({', '.join(m.findings)} of the landing page)" if m.findings else "") for m in seen] or ["- none"]
        hidden = [m for m in self.moved if not m.visible]
        if hidden:
            out += ["", "Changed below the precision the pages show:"]
            out += [f"- {m.page} `{m.key}`: {m.old} -> {m.new} (shown as {m.shown_new})" for m in hidden]
        out += ["", "## Draft changelog entry", "", self.changelog()]
        return "\n".join(out) + "\n"

    def changelog(self) -> str:
        """A draft entry for book/changelog.md (to be edited into prose by hand)."""
        parts = []
        for r in self.rows:
            if not r.empty:
                parts.append(f"- **{r.dataset}** refreshed from its snapshots of {self.accessed}: "
                             f"{len(r.added)} rows added, {len(r.changed)} changed, {len(r.removed)} removed.")
        for m in self.moved:
            if m.visible:
                parts.append(f"- {m.page}: {m.key} {m.shown_old or m.old} -> {m.shown_new or m.new}.")
        return "\n".join(parts) if parts else "- No curated row and no number changed."


# ---------------------------------------------------------------------------------------------
# manifest, fetch, checks


@validate_params({"path": [_PATH, None]})
def load_manifest(path: str | Path | None = None) -> dict[str, Upstream]:
    """Read the snapshot manifest (``analysis/data/snapshots.yml``).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The manifest (default: this repository's).

    Returns
    -------
    dict of str to Upstream
        Dataset name -> its curation step and snapshots; ``ValueError`` naming the entry if a
        snapshot lacks one of producer, title, url, licence, date_accessed, sha256, columns.
    """
    path = Path(path) if path is not None else ROOT / MANIFEST
    if not path.is_file():
        raise ValueError(f"path: no snapshot manifest at {path}")
    spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = {}
    for dataset, entry in (spec.get("datasets") or {}).items():
        snaps = []
        for name, s in (entry.get("snapshots") or {}).items():
            missing = [k for k in _SNAPSHOT_KEYS if k not in s]
            if missing:
                raise ValueError(f"{path.name}: snapshot {dataset}/{name} lacks {missing}")
            snaps.append(Snapshot(name, dataset, str(s["producer"]), str(s["title"]), str(s["url"]),
                                  str(s["licence"]), str(s["date_accessed"]),
                                  None if s["sha256"] in (None, "") else str(s["sha256"]), tuple(s["columns"])))
        if entry.get("curate") not in CURATORS:
            raise ValueError(f"{path.name}: dataset {dataset} names no known curation step ({', '.join(CURATORS)})")
        key = entry.get("key")
        out[dataset] = Upstream(dataset, entry["curate"], (key,) if isinstance(key, str) else tuple(key), tuple(snaps))
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


_SnapshotConstraint.example = Snapshot("example", "example", "p", "t", "http://127.0.0.1:9/none.csv", "l",
                                       "2026-12-06", None, ("a",))
_SNAPSHOT = [_SnapshotConstraint(Snapshot, "a Snapshot (see load_manifest)")]


@validate_params({"snapshot": _SNAPSHOT, "cache_dir": [_PATH], "update": [bool]})
def fetch(snapshot: Snapshot, cache_dir: str | Path, *, update: bool = False) -> tuple[Path, str]:
    """Download one snapshot into ``cache_dir`` with pooch, checking its sha256.

    Parameters
    ----------
    snapshot : Snapshot
        The declared snapshot.
    cache_dir : str or pathlib.Path
        Cache folder (outside the repository).
    update : bool
        Accept whatever the URL now serves and return its hash (to declare a new snapshot);
        otherwise the file must have the declared hash.

    Returns
    -------
    tuple of (pathlib.Path, str)
        The cached file and its sha256. :class:`RefreshError` if the source cannot be reached, no
        hash is declared, or the file's hash differs from the declared one.
    """
    import pooch
    import requests

    where = f"{snapshot.dataset}: snapshot '{snapshot.name}' ({snapshot.url})"
    if snapshot.sha256 is None and not update:
        raise RefreshError(f"{where}: no sha256 is declared; declare this snapshot first (tools/refresh.py --update {snapshot.dataset})")
    fname = f"{snapshot.dataset}__{snapshot.name}__{(snapshot.sha256 or 'new')[:12]}"
    if update:  # a fresh download, whatever the cache holds
        fname = f"{snapshot.dataset}__{snapshot.name}__update_{_dt.datetime.now(_dt.timezone.utc):%Y%m%dT%H%M%S%f}"
    known = None if update else f"sha256:{snapshot.sha256}"
    try:
        path = Path(pooch.retrieve(snapshot.url, known_hash=known, fname=fname, path=str(cache_dir), progressbar=False))
    except ValueError as exc:
        got = re.search(r"but got ([0-9a-f]{64})", str(exc))
        raise RefreshError(f"{where}: hash mismatch: declared sha256 {snapshot.sha256}, "
                           f"fetched {got[1] if got else 'a different file'}") from None
    except (requests.exceptions.RequestException, OSError) as exc:
        raise RefreshError(f"{where}: unreachable: {type(exc).__name__}: {exc}") from None
    return path, _sha256(path)


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, low_memory=False, dtype=str, keep_default_na=False)


@validate_params({"snapshot": _SNAPSHOT, "path": [_PATH]})
def check_columns(snapshot: Snapshot, path: str | Path) -> None:
    """Raise :class:`RefreshError` if the fetched file lacks a declared column or has new ones.

    Parameters
    ----------
    snapshot : Snapshot
        The declared snapshot (its ``columns``).
    path : str or pathlib.Path
        The fetched CSV.

    Returns
    -------
    None
    """
    if not Path(path).is_file():
        raise ValueError(f"path: no fetched file at {path}")
    header = list(pd.read_csv(path, nrows=0).columns)
    missing = [c for c in snapshot.columns if c not in header]
    added = [c for c in header if c not in snapshot.columns]
    if missing or added:
        raise RefreshError(f"{snapshot.dataset}: snapshot '{snapshot.name}': upstream schema changed: "
                           f"columns missing {missing}, columns added {added}")


# ---------------------------------------------------------------------------------------------
# curation steps: snapshots (and the current table) -> the table the chapters read

GPU_FAMILIES = ["A100", "V100", "H100", "P100", "K80", "K40", "Titan X", "GTX 580", "GTX TITAN", "Titan Black"]
# Epoch's equivalent purchase price per TPU chip (Cottier et al., Appendix; the repository's parameter table).
TPU_PRICE = {"Google TPU v1": 5463, "Google TPU v2": 5054, "Google TPU v3": 5276, "Google TPU v4": 5167}
PEAK_COLUMNS = ["Tensor-FP16/BF16 performance (FLOP/s)", "TF32 (TensorFloat-32) performance (FLOP/s)",
                "FP16 (half precision) performance (FLOP/s)", "FP32 (single precision) performance (FLOP/s)"]
EPOCH_COLUMNS = ["model", "published_cost_usd", "published_cloud_cost_usd", "publication_date", "organization",
                 "training_hardware", "hardware_quantity", "training_time_hours", "training_chip_hours",
                 "training_compute_flop", "hardware_utilization", "base_model", "in_frontier_systems_txt",
                 "ppi_publication_month", "ppi_2024_12", "chip_release_date", "chip_tdp_w",
                 "chip_peak_flop_per_s", "purchase_price_usd", "purchase_price_date", "purchase_price_basis",
                 "purchase_price_hardware", "source", "evidence"]


def _peak(chip: pd.Series, name: str) -> float:
    if "TPU v1" in name:
        return chip["INT8 performance (OP/s)"]
    for col in PEAK_COLUMNS:
        if col.startswith("FP16") and "TPU" not in name:
            continue
        if pd.notna(chip[col]):
            return chip[col]
    return float("nan")


@validate_params({"files": [dict], "current": [pd.DataFrame, None], "frontier": [set, None]})
def curate_epoch_cost_inputs(files: dict[str, Path], current: pd.DataFrame | None,
                             frontier: set[str] | None = None) -> pd.DataFrame:
    """Epoch AI's published amortised costs with the inputs Cottier et al.'s method needs.

    One row per model of ``model_costs`` with a ``Hardware_Capex_Energy_Cost``; the model's row of
    the database snapshot (``models``), its chip's row (``chips``), the purchase price the paper's
    rule picks (``prices``: the earliest price of the GPU family, preferring a DGX/server price) and
    the producer price index (``ppi``). Nothing is computed beyond these lookups. Whether a model is
    on Epoch's list of frontier systems (``data/frontier_systems.txt`` of February 2024, a fixed
    historical list) is taken from ``frontier`` or else from the current table; a model new to the
    snapshot is not on it.

    Parameters
    ----------
    files : dict of str to pathlib.Path
        Snapshot name -> fetched file: ``model_costs``, ``models``, ``chips``, ``prices``, ``ppi``.
    current : pandas.DataFrame or None
        The table as committed (for the frontier flags).
    frontier : set of str, optional
        Model names on the frontier list (overrides ``current``).

    Returns
    -------
    pandas.DataFrame
        The rows of ``epoch_cost_inputs.csv``.
    """
    costs = pd.read_csv(files["model_costs"], low_memory=False).dropna(subset=["Hardware_Capex_Energy_Cost"])
    models = pd.read_csv(files["models"], low_memory=False)
    chips = pd.read_csv(files["chips"], low_memory=False).drop_duplicates("Hardware name").set_index("Hardware name")
    prices = pd.read_csv(files["prices"], low_memory=False).dropna(subset=["Price date", "Price (hardware purchase)"])
    prices["Price date"] = pd.to_datetime(prices["Price date"])
    prices = prices.sort_values("Price date", kind="stable")  # ties keep the file order
    ppi = pd.read_csv(files["ppi"]).set_index("observation_date")["PCU518210518210"]
    if frontier is None:
        frontier = set() if current is None else set(
            current.loc[current["in_frontier_systems_txt"].astype(str).str.lower() == "true", "model"])
    rows = []
    for _, c in costs.iterrows():
        m = models[models["Model"] == c["Model"]]
        r = m.iloc[0] if len(m) else pd.Series(dtype=object)
        hw = r.get("Training hardware")
        out = {"model": c["Model"], "published_cost_usd": c["Hardware_Capex_Energy_Cost"],
               "published_cloud_cost_usd": c["Cloud_Cost"],
               "publication_date": str(r.get("Publication date", ""))[:10] or None,
               "organization": r.get("Organization"), "training_hardware": hw,
               "hardware_quantity": r.get("Hardware quantity"), "training_time_hours": r.get("Training time (hours)"),
               "training_chip_hours": r.get("Training chip-hours"),
               "training_compute_flop": r.get("Training compute (FLOP)"),
               "hardware_utilization": r.get("Hardware utilization"), "base_model": r.get("Base model"),
               "in_frontier_systems_txt": c["Model"] in frontier}
        if isinstance(hw, str) and "," not in hw and hw in chips.index:
            chip = chips.loc[hw]
            out.update(chip_release_date=str(chip["Release date"])[:10], chip_tdp_w=chip["TDP (W)"],
                       chip_peak_flop_per_s=_peak(chip, hw))
            if "TPU" in hw:
                out.update(purchase_price_usd=TPU_PRICE.get(hw), purchase_price_date=None,
                           purchase_price_basis="tpu_equivalent")
            else:
                fam = next((f for f in GPU_FAMILIES if f in hw), None)
                cand = prices[prices["Hardware model"].str.contains(fam)] if fam else prices.iloc[:0]
                dgx = cand[cand["Notes"].fillna("").str.contains("DGX")]
                pick = dgx.iloc[0] if len(dgx) else (cand.iloc[0] if len(cand) else None)
                if pick is not None:
                    single_unit = "single-unit" in str(pick["Notes"]).lower()
                    out.update(purchase_price_usd=pick["Price (hardware purchase)"],
                               purchase_price_date=pick["Price date"].date().isoformat(),
                               purchase_price_basis="single_unit" if single_unit else "server_per_chip",
                               purchase_price_hardware=pick["Hardware model"])
        pub = out["publication_date"]
        if pub:
            out["ppi_publication_month"] = ppi.get(pub[:7] + "-01")
        out["ppi_2024_12"] = ppi.get("2024-12-01")
        rows.append(out)
    df = pd.DataFrame(rows).reindex(columns=EPOCH_COLUMNS)
    df["source"] = "epoch2025trainingcosttrends"
    df["evidence"] = "seen_primary"
    return df


@validate_params({"files": [dict], "current": [pd.DataFrame, None]})
def curate_grid_intensity(files: dict[str, Path], current: pd.DataFrame | None) -> pd.DataFrame:
    """Ember's carbon intensity of the world's electricity, latest year, beside the hand-curated rows.

    Rows marked ``curation: hand`` stay as they are; the Ember rows (``ember_world_<year>``) are
    re-derived from the ``ember_yearly`` snapshot (long format: Area, Year, Variable, Unit, Value;
    the row of Area 'World', Variable 'CO2 intensity', in gCO2/kWh, converted to kg/kWh).

    Parameters
    ----------
    files : dict of str to pathlib.Path
        Snapshot name -> fetched file: ``ember_yearly``.
    current : pandas.DataFrame or None
        The table as committed.

    Returns
    -------
    pandas.DataFrame
        The rows of ``grid_intensity.csv``.
    """
    ember = pd.read_csv(files["ember_yearly"], low_memory=False)
    world = ember[(ember["Area"] == "World") & (ember["Variable"] == "CO2 intensity")]
    if world.empty:
        raise RefreshError("grid_intensity: snapshot 'ember_yearly' has no World 'CO2 intensity' row")
    units = set(world["Unit"])
    if units != {"gCO2/kWh"}:
        raise RefreshError(f"grid_intensity: snapshot 'ember_yearly': CO2 intensity in {sorted(units)}, expected gCO2/kWh")
    latest = world.loc[world["Year"].astype(int).idxmax()]
    year = int(latest["Year"])
    hand = current[current["curation"] == "hand"] if current is not None else pd.DataFrame(columns=["grid"])
    row = {"grid": f"ember_world_{year}", "region": "World", "year": year,
           "kg_per_kwh": round(float(latest["Value"]) / 1000, 4), "basis": "location",
           "source": "ember_yearly_data", "evidence": "seen_primary", "curation": "snapshot",
           "note": f"Ember, Yearly Electricity Data: World, CO2 intensity {latest['Value']} gCO2/kWh in {year}"}
    out = pd.concat([hand, pd.DataFrame([row])], ignore_index=True)
    return out.reindex(columns=list(current.columns)) if current is not None else out


CURATORS: dict[str, Callable[..., pd.DataFrame]] = {
    "epoch_cost_inputs": curate_epoch_cost_inputs,
    "grid_intensity": curate_grid_intensity,
}


# ---------------------------------------------------------------------------------------------
# differences


def _cell(v) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    text = str(v)
    try:  # compare numbers by value: 1e+25 and 1e25, 3.0 and 3 are the same number
        f = float(text)
        return "" if pd.isna(f) else format(f, ".10g")
    except ValueError:
        return text


@validate_params({"dataset": [str], "old": [pd.DataFrame], "new": [pd.DataFrame], "key": [tuple]})
def diff_rows(dataset: str, old: pd.DataFrame, new: pd.DataFrame, key: tuple) -> RowChanges:
    """Rows added, removed and changed between two versions of a table, by its key columns.

    Parameters
    ----------
    dataset : str
        Name, for the report.
    old, new : pandas.DataFrame
        The two versions.
    key : tuple of str
        Columns that identify a row.

    Returns
    -------
    RowChanges
        Keys added and removed, and ``(key, column, old, new)`` for each changed cell.
    """
    def index(df):
        return {" / ".join(_cell(r[k]) for k in key): r for _, r in df.iterrows()}

    a, b = index(old), index(new)
    changed = []
    for k in sorted(a.keys() & b.keys()):
        for col in [c for c in new.columns if c not in key]:
            o = _cell(a[k].get(col)) if col in old.columns else ""
            n = _cell(b[k].get(col))
            if o != n:
                changed.append((k, col, o, n))
    return RowChanges(dataset, tuple(sorted(b.keys() - a.keys())), tuple(sorted(a.keys() - b.keys())), tuple(changed))


@validate_params({"path": [_PATH]})
def glued_values(path: str | Path) -> dict[str, str]:
    """The text of every value an executed notebook glues (key -> text/plain, quotes removed).

    Parameters
    ----------
    path : str or pathlib.Path
        An executed ``.ipynb``.

    Returns
    -------
    dict of str to str
    """
    if not Path(path).is_file():
        raise ValueError(f"path: no executed notebook at {path}")
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    out = {}
    for cell in nb.get("cells", []):
        for o in cell.get("outputs", []):
            name = (o.get("metadata") or {}).get("scrapbook", {}).get("name")
            if name:
                data = o.get("data", {})
                text = data.get("application/papermill.record/text/plain", "")
                out[name] = _plain(text) if text else "(figure or table)"
    return out


def _shown(texts: list[str], page: str, key: str, value: str) -> str:
    """``value`` as the pages paste it: formatted with each format spec used for ``key`` (joined by ' / ')."""
    import ast

    specs = set()
    for text in texts:
        for m in re.finditer(r"\{glue(?::text)?\}`(?:[^`:]*?" + re.escape(Path(page).name) + r"::)?"
                             + re.escape(key) + r"(?::([^`]*))?`", text):
            specs.add(m[1] or "")
    if not specs or value == "(absent)":
        return ""
    try:
        parsed = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        parsed = value
    out = []
    for spec in sorted(specs):
        try:
            v = float(parsed) if spec and spec[-1] in "eEfFgGn%" else int(float(parsed)) if spec and spec[-1] in "dxXob" else parsed
            out.append(format(v, spec))
        except (TypeError, ValueError):
            out.append(str(parsed))
    return " / ".join(out)


def _plain(text: str) -> str:
    """A text/plain repr without its quotes (a string literal is read back, escapes and all)."""
    import ast

    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    return value if isinstance(value, str) else text


def _findings(summary: str, page: str, key: str) -> tuple[str, ...]:
    """Numbers of the landing page's findings that paste ``page``'s glued ``key``."""
    out = []
    for m in re.finditer(r"^(\d+)\. \*\*(.+?)(?=^\d+\. \*\*|^## |\Z)", summary, re.M | re.S):
        if f"{Path(page).name}::{key}" in m[0] or f"{Path(page).with_suffix('').name}.md::{key}" in m[0]:
            out.append(f"finding {m[1]}")
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# the refresh


def _default_execute(stage: Path, pages: list[str]) -> None:
    import subprocess
    import sys

    names = [Path(p).with_suffix("").name for p in pages]
    done = subprocess.run([sys.executable, str(stage / "tools" / "run_notebooks.py"), *names], cwd=stage)
    if done.returncode:
        raise RefreshError(f"re-executing {', '.join(names)} failed (exit {done.returncode}); nothing was changed")


def _dependents(root: Path, datasets: set[str]) -> list[str]:
    from analysis.publish import freshness

    pages = []
    for page in freshness.PAGES:
        if not (root / page).exists():
            continue
        named, _ = freshness.page_sources(root / page, data_dir=root / "analysis" / "data")
        if datasets & (set(named) | set(freshness.PAGE_DATASETS.get(page, ()))):
            pages.append(page)
    return pages


_STAGED = ("analysis", "notebooks", "book", "tools", "results", "_config.yml", "_toc.yml", "pyproject.toml")


@validate_params({"root": [_PATH, None], "cache_dir": [_PATH, None], "update": [list, tuple, None],
                  "execute": ["callable", None], "today": [str, None]})
def refresh(*, root: str | Path | None = None, cache_dir: str | Path | None = None,
            update: list[str] | tuple[str, ...] | None = None,
            execute: Callable[[Path, list[str]], None] | None = None, today: str | None = None) -> ChangeReport:
    """Fetch every snapshot, re-derive the curated tables, re-execute what depends on them, report.

    Everything is done in a temporary copy of the repository; the new tables, manifest, executed
    notebooks and ``results/refresh_report.md`` are swapped in only at the end, so a
    :class:`RefreshError` (hash mismatch, unreachable source, changed upstream schema, failed
    execution) leaves the repository as it was.

    Parameters
    ----------
    root : str or pathlib.Path, optional
        Repository root (default: this one).
    cache_dir : str or pathlib.Path, optional
        Download cache, outside the repository (default: pooch's user cache, ``synthetic-data-report``).
    update : list of str, optional
        Datasets whose snapshots are re-declared: fetched without a hash check, their new sha256 and
        access date written to the manifest.
    execute : callable, optional
        ``execute(stage_root, pages)`` re-executes the pages in the staged copy (default: the
        checkout's ``tools/run_notebooks.py`` in the copy).
    today : str, optional
        Access date to record (``YYYY-MM-DD``; default: today, UTC).

    Returns
    -------
    ChangeReport
        Rows added, changed and removed per dataset, numbers that moved, and the draft changelog.
    """
    import pooch

    root = Path(root) if root is not None else ROOT
    cache = Path(cache_dir) if cache_dir is not None else Path(pooch.os_cache("synthetic-data-report"))
    if cache.resolve().is_relative_to(root.resolve()):
        raise ValueError("cache_dir: the download cache must be outside the repository")
    today = today or _dt.datetime.now(_dt.timezone.utc).date().isoformat()
    update = set(update or ())
    manifest_path = root / MANIFEST
    upstreams = load_manifest(manifest_path)
    unknown = update - set(upstreams)
    if unknown:
        raise ValueError(f"update: {sorted(unknown)} are not datasets of {MANIFEST} ({', '.join(upstreams)})")
    manifest = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))

    # 1. fetch and check every snapshot (nothing written in the repository yet); a dataset whose
    # snapshot was never declared by hash is skipped unless it is being declared now
    skipped = tuple(d for d, up in upstreams.items() if d not in update and any(s.sha256 is None for s in up.snapshots))
    upstreams = {d: up for d, up in upstreams.items() if d not in skipped}
    fetched: dict[str, dict[str, Path]] = {}
    for up in upstreams.values():
        fetched[up.dataset] = {}
        for snap in up.snapshots:
            path, digest = fetch(snap, cache, update=up.dataset in update)
            check_columns(snap, path)
            fetched[up.dataset][snap.name] = path
            if up.dataset in update:
                entry = manifest["datasets"][up.dataset]["snapshots"][snap.name]
                entry["sha256"], entry["date_accessed"] = digest, today

    with tempfile.TemporaryDirectory(prefix="refresh-") as tmp:
        stage = Path(tmp) / "repo"
        stage.mkdir()
        for name in _STAGED:
            src = root / name
            if src.is_dir():
                shutil.copytree(src, stage / name, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
            elif src.exists():
                shutil.copy2(src, stage / name)
        # 2. curate into the staged copy
        rows, changed_files = [], []
        for up in upstreams.values():
            csv = stage / "analysis" / "data" / f"{up.dataset}.csv"
            current = _read_csv(csv) if csv.exists() else None
            new = CURATORS[up.curate](fetched[up.dataset], current)
            buf = io.StringIO()
            new.to_csv(buf, index=False, float_format="%.10g", lineterminator="\n")
            text = buf.getvalue()
            old_text = csv.read_text(encoding="utf-8") if csv.exists() else ""
            change = diff_rows(up.dataset, current if current is not None else new.iloc[0:0], _read_csv(io.StringIO(text)), up.key)
            rows.append(change)
            if not change.empty:
                csv.write_text(text, encoding="utf-8")
                changed_files.append(csv.relative_to(stage))
            elif text != old_text:
                pass  # same rows, different formatting: keep the committed file
        (stage / MANIFEST).write_text(yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True), encoding="utf-8")
        if update:
            changed_files.append(Path(MANIFEST))
        # the staged tables must load (schema, sources, dates) before anything is swapped in
        from analysis.data import loader as data

        for up in upstreams.values():
            data.load(up.dataset, data_dir=stage / "analysis" / "data", bib_path=stage / "book" / "references.bib")
        # 3. re-execute what reads a changed table, and compare its glued values
        changed_sets = {r.dataset for r in rows if not r.empty}
        pages = _dependents(stage, changed_sets) if changed_sets else []
        moved = []
        if pages:
            (execute or _default_execute)(stage, pages)
            summary = (root / "book" / "summary.md").read_text(encoding="utf-8") if (root / "book" / "summary.md").exists() else ""
            for page in pages:
                nb = Path(page).with_suffix(".ipynb")
                before = glued_values(root / nb) if (root / nb).exists() else {}
                after = glued_values(stage / nb)
                texts = [(stage / page).read_text(encoding="utf-8"), summary]
                for key in sorted(before.keys() | after.keys()):
                    if before.get(key) != after.get(key):
                        old, new = before.get(key, "(absent)"), after.get(key, "(absent)")
                        moved.append(MovedNumber(page, key, old, new, _findings(summary, page, key),
                                                 _shown(texts, page, key, old), _shown(texts, page, key, new)))
                changed_files.append(nb)
        report = ChangeReport(today, tuple(rows), tuple(moved), tuple(pages), skipped)
        out = stage / "results" / "refresh_report.md"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report.markdown(), encoding="utf-8")
        changed_files.append(Path("results/refresh_report.md"))
        # 4. swap in: each file replaced atomically, only now
        for rel in changed_files:
            dest = root / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            partial = dest.with_name(dest.name + ".refresh-partial")
            shutil.copy2(stage / rel, partial)
            os.replace(partial, dest)
    return report
