"""Curate analysis/data/epoch_cost_inputs.csv from a local mirror of epoch-research/training-cost-trends.

One-off curation, run by hand (the build never downloads anything). For every model in Epoch's
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

import io
import subprocess
import sys
from pathlib import Path

import pandas as pd

COMMIT = "e13599f8f21960b504fd6a45f14c7945b8129ccd"  # 2025-07-04: adds model_costs.csv
FRONTIER_COMMIT = "312c7ed5322351f74c308700329a62ef01f33221"  # parent holds data/frontier_systems.txt
GPU_FAMILIES = ["A100", "V100", "H100", "P100", "K80", "K40", "Titan X", "GTX 580", "GTX TITAN", "Titan Black"]
# Epoch's equivalent purchase price per TPU chip (Cottier et al., Appendix; the repository's parameter table).
TPU_PRICE = {"Google TPU v1": 5463, "Google TPU v2": 5054, "Google TPU v3": 5276, "Google TPU v4": 5167}
# Names in frontier_systems.txt (Feb-2024 database) that the 2025 snapshot spells differently; each pair
# checked to have the same publication date (and, for MoE, the same compute and parameters).
FRONTIER_ALIASES = {"Gemini Ultra": "Gemini 1.0 Ultra", "Falcon 180B": "Falcon-180B",
                    "GPT-3.5 (text-davinci-003)": "GPT-3.5", "MoE": "MoE-Multi"}
PEAK_COLUMNS = ["Tensor-FP16/BF16 performance (FLOP/s)", "TF32 (TensorFloat-32) performance (FLOP/s)",
                "FP16 (half precision) performance (FLOP/s)", "FP32 (single precision) performance (FLOP/s)"]


def show(git_dir: str, commit: str, path: str) -> bytes:
    return subprocess.run(["git", f"--git-dir={git_dir}", "show", f"{commit}:{path}"], check=True,
                          capture_output=True).stdout


def peak(chip: pd.Series, name: str) -> float:
    if "TPU v1" in name:
        return chip["INT8 performance (OP/s)"]
    for col in PEAK_COLUMNS:
        if col.startswith("FP16") and "TPU" not in name:
            continue
        if pd.notna(chip[col]):
            return chip[col]
    return float("nan")


def main(git_dir: str, commit: str = COMMIT) -> None:
    read = lambda p: pd.read_csv(io.BytesIO(show(git_dir, commit, p)), low_memory=False)  # noqa: E731
    costs = read("model_costs.csv").dropna(subset=["Hardware_Capex_Energy_Cost"])
    models = read("data/All ML Systems - full view.csv")
    chips = read("data/Chip dataset-Grid view.csv").drop_duplicates("Hardware name").set_index("Hardware name")
    prices = read("data/Hardware prices.csv").dropna(subset=["Price date", "Price (hardware purchase)"])
    prices["Price date"] = pd.to_datetime(prices["Price date"])
    prices = prices.sort_values("Price date", kind="stable")  # ties keep the file order
    ppi = read("data/PCU518210518210.csv").set_index("observation_date")["PCU518210518210"]
    listed = show(git_dir, FRONTIER_COMMIT + "^", "data/frontier_systems.txt").decode().split("\n")
    frontier = {FRONTIER_ALIASES.get(name, name) for name in listed if name}
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
        single = isinstance(hw, str) and "," not in hw and hw in chips.index
        if single:
            chip = chips.loc[hw]
            out.update(chip_release_date=str(chip["Release date"])[:10], chip_tdp_w=chip["TDP (W)"],
                       chip_peak_flop_per_s=peak(chip, hw))
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
    df = pd.DataFrame(rows)
    df["source"] = "epoch2025trainingcosttrends"
    df["evidence"] = "seen_primary"
    dest = Path(__file__).resolve().parents[1] / "analysis" / "data" / "epoch_cost_inputs.csv"
    df.to_csv(dest, index=False, float_format="%.10g")
    print(f"wrote {len(df)} rows to {dest}")


if __name__ == "__main__":
    main(*sys.argv[1:])
