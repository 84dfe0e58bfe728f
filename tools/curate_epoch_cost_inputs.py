"""Curate analysis/data/epoch_cost_inputs.csv from a local mirror of epoch-research/training-cost-trends.

One-off curation from a local git mirror, run by hand (the build never downloads anything; ``make refresh``
runs the same curation on the declared snapshots fetched by URL). For every model in Epoch's
``model_costs.csv`` with a published amortised hardware-plus-energy cost, it copies the inputs that
Cottier et al.'s method needs from the data snapshot committed in the same commit: the model's row of
the Epoch database snapshot (publication date, organisation, training hardware, quantity, time,
chip-hours, compute, utilisation, base model), the chip's row of Epoch's chip dataset (release
date, TDP, peak FLOP/s in the paper's order of preference) and the purchase price the paper's rule
selects from Epoch's hardware price dataset (the earliest price of that GPU family, preferring a
DGX/server price; for TPUs the paper's equivalent price per chip), plus the producer price index
values used for the inflation adjustment. Nothing is computed here beyond these lookups; the
method itself is re-implemented in ``analysis.cost``.

Usage: python tools/curate_epoch_cost_inputs.py /path/to/git/dir [commit]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.data.refresh import curate_epoch_cost_inputs  # noqa: E402

COMMIT = "e13599f8f21960b504fd6a45f14c7945b8129ccd"  # 2025-07-04: adds model_costs.csv
FRONTIER_COMMIT = "312c7ed5322351f74c308700329a62ef01f33221"  # parent holds data/frontier_systems.txt
# Names in frontier_systems.txt (Feb-2024 database) that the 2025 snapshot spells differently; each pair
# checked to have the same publication date (and, for MoE, the same compute and parameters).
FRONTIER_ALIASES = {"Gemini Ultra": "Gemini 1.0 Ultra", "Falcon 180B": "Falcon-180B",
                    "GPT-3.5 (text-davinci-003)": "GPT-3.5", "MoE": "MoE-Multi"}
FILES = {"model_costs": "model_costs.csv", "models": "data/All ML Systems - full view.csv",
         "chips": "data/Chip dataset-Grid view.csv", "prices": "data/Hardware prices.csv",
         "ppi": "data/PCU518210518210.csv"}


def show(git_dir: str, commit: str, path: str) -> bytes:
    return subprocess.run(["git", f"--git-dir={git_dir}", "show", f"{commit}:{path}"], check=True,
                          capture_output=True).stdout


def main(git_dir: str, commit: str = COMMIT) -> None:
    # the lookups are the package's (analysis.data.refresh.curate_epoch_cost_inputs), which make refresh
    # runs on the same files fetched by URL; here they are read from a local mirror
    listed = show(git_dir, FRONTIER_COMMIT + "^", "data/frontier_systems.txt").decode().split("\n")
    frontier = {FRONTIER_ALIASES.get(name, name) for name in listed if name}
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for name, path in FILES.items():
            files[name] = Path(tmp) / name
            files[name].write_bytes(show(git_dir, commit, path))
        df = curate_epoch_cost_inputs(files, None, frontier)
    dest = ROOT / "analysis" / "data" / "epoch_cost_inputs.csv"
    df.to_csv(dest, index=False, float_format="%.10g", lineterminator="\n")
    print(f"wrote {len(df)} rows to {dest}")


if __name__ == "__main__":
    main(*sys.argv[1:])
