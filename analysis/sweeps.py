"""Results files of the heavy sweeps (`make sweeps`), with the provenance a reader needs to trust them.

A sweep too slow for a chapter's time budget (a deep generator refitted hundreds of times) runs
through ``make sweeps`` and writes ``results/NAME.csv`` (one row per replicate and measurement) and
``results/NAME.provenance.json``: a hash of the code that computed it, the settings, the seed, the
library versions, the command and the time. A chapter reads the file with :func:`load_results`,
which refuses a file whose code hash no longer matches the checkout (the numbers would be stale),
and a test reruns a reduced sweep and checks it reproduces the file's numbers within Monte Carlo
error (:func:`check_reproduces`).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import importlib.metadata
import json
import platform
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.validation import Boolean, Frame, InstanceOf, Interval, Integral, Real, validate_params

__all__ = ["Provenance", "StaleResultsError", "code_hash", "library_versions", "write_results", "load_results",
           "check_reproduces"]

_NAMES = [InstanceOf((list, tuple), "a list or tuple of names")]
_DIR = [InstanceOf((str, Path), "a directory path"), None]

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "results"


@dataclass(frozen=True)
class Provenance:
    """Where a results file came from."""

    name: str
    code_hash: str
    code_files: tuple[str, ...]
    settings: dict[str, Any]
    seed: int
    libraries: dict[str, str]
    command: str
    created: str
    python: str


class StaleResultsError(RuntimeError):
    """A results file was computed by code that differs from the checkout."""


@validate_params({"files": [InstanceOf((list, tuple), "a list or tuple of repository paths")]})
def code_hash(files: Iterable[str | Path]) -> str:
    """SHA-256 over the named files of the package (paths relative to the repository root), in order."""
    h = hashlib.sha256()
    for rel in files:
        path = ROOT / rel
        if not path.is_file():
            raise ValueError(f"files: {rel} is not a file of the repository")
        h.update(rel.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


@validate_params({"names": _NAMES})
def library_versions(names: Iterable[str]) -> dict[str, str]:
    """Installed version of each distribution (``"not installed"`` if absent)."""
    out = {}
    for name in names:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


@validate_params({"name": [InstanceOf(str)], "frame": [Frame()], "code_files": _NAMES,
                  "settings": [InstanceOf(dict)], "seed": [Interval(Integral, 0, None, closed="left")],
                  "libraries": _NAMES, "command": [InstanceOf(str)], "results_dir": _DIR})
def write_results(name: str, frame: pd.DataFrame, *, code_files: Iterable[str | Path], settings: dict,
                  seed: int, libraries: Iterable[str],
                  command: str, results_dir: str | Path | None = None) -> Provenance:
    """Write ``frame`` and its provenance; returns the :class:`Provenance` written."""
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name: expected an identifier-like results name, got {name!r}")
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        raise ValueError("frame: expected a non-empty DataFrame")
    out_dir = Path(results_dir or RESULTS_DIR)
    out_dir.mkdir(parents=True, exist_ok=True)
    prov = Provenance(
        name=name, code_hash=code_hash(code_files), code_files=tuple(code_files),
        settings=json.loads(json.dumps(settings, default=str)), seed=int(seed),
        libraries=library_versions(libraries), command=command,
        created=_dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        python=platform.python_version(),
    )
    frame.to_csv(out_dir / f"{name}.csv", index=False)
    (out_dir / f"{name}.provenance.json").write_text(json.dumps(asdict(prov), indent=2) + "\n")
    return prov


@validate_params({"name": [InstanceOf(str)], "results_dir": _DIR, "require_current": [Boolean()]})
def load_results(name: str, *, results_dir: str | Path | None = None,
                 require_current: bool = True) -> tuple[pd.DataFrame, Provenance]:
    """Read a results file and its provenance; refuse it if its code hash differs from the checkout's."""
    out_dir = Path(results_dir or RESULTS_DIR)
    csv, meta = out_dir / f"{name}.csv", out_dir / f"{name}.provenance.json"
    if not csv.is_file() or not meta.is_file():
        raise FileNotFoundError(f"name: no results {name!r} in {out_dir}; run `make sweeps SWEEP={name}`")
    raw = json.loads(meta.read_text())
    raw["code_files"] = tuple(raw["code_files"])
    prov = Provenance(**raw)
    if require_current:
        now = code_hash(prov.code_files)
        if now != prov.code_hash:
            raise StaleResultsError(
                f"{name}: computed by code {prov.code_hash[:12]}, the checkout is {now[:12]}; "
                f"rerun `make sweeps SWEEP={name}`"
            )
    return pd.read_csv(csv), prov


@validate_params({"stored": [Frame()], "rerun": [Frame()], "by": [InstanceOf(str), _NAMES[0]],
                  "columns": _NAMES, "family_error": [Interval(Real, 0, 1, closed="neither")]})
def check_reproduces(stored: pd.DataFrame, rerun: pd.DataFrame, *, by: str | list[str],
                     columns: list[str],
                     family_error: float = 1e-3) -> pd.DataFrame:
    """Compare the means of ``columns`` per ``by`` group of a stored sweep and a rerun, within Monte Carlo error.

    Returns one row per group and column with both means, the combined standard error
    :math:`\\sqrt{s_1^2/n_1 + s_2^2/n_2}`, the critical value and ``ok = |difference| <= critical x se``
    (or equal up to floating-point rounding, so groups with zero variance must be reproduced
    exactly). The critical value is Student's t with the smaller sample's degrees of freedom at a
    Bonferroni level, so that a correct rerun fails any of the checks with probability at most
    ``family_error`` (a rerun of a few replicates has a noisy standard error: a fixed 4 SE would
    fail often).
    """
    from scipy import stats

    by = [by] if isinstance(by, str) else list(by)
    pairs = []
    for key, new in rerun.groupby(by):
        key = key if isinstance(key, tuple) else (key,)
        mask = np.ones(len(stored), dtype=bool)
        for col, val in zip(by, key):
            mask &= (stored[col] == val).to_numpy()
        old = stored[mask]
        if old.empty:
            raise ValueError(f"rerun: group {dict(zip(by, key))} is not in the stored results")
        pairs.append((key, old, new))
    checks = max(1, len(pairs) * len(columns))
    rows = []
    for key, old, new in pairs:
        for col in columns:
            a, b = old[col].to_numpy(float), new[col].to_numpy(float)
            se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b)) if len(a) > 1 and len(b) > 1 else 0.0
            df = max(1, min(len(a), len(b)) - 1)
            critical = float(stats.t.ppf(1 - family_error / (2 * checks), df))
            diff = b.mean() - a.mean()
            rows.append({**dict(zip(by, key)), "column": col, "stored": a.mean(), "rerun": b.mean(), "se": se,
                         "critical": critical,
                         "ok": bool(abs(diff) <= max(critical * se, 1e-12 * max(1.0, abs(a.mean()))))})
    return pd.DataFrame(rows)
