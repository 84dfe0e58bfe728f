"""Run the heavy sweeps and write results/NAME.csv with results/NAME.provenance.json (`make sweeps`).

Usage: python tools/run_sweeps.py [NAME ...] [--replicates R] [--generations G] [--generators a,b] [--n-jobs J]
(default: every registered sweep at its full settings). Register a sweep in SWEEPS below: a
module with NAME, SEED, CODE_FILES, LIBRARIES and run(**settings) -> DataFrame.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SWEEPS = {"bias_generators": "analysis.bias_sweep", "bias_fairness": "analysis.bias_fairness_sweep"}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", default=list(SWEEPS))
    parser.add_argument("--replicates", type=int)
    parser.add_argument("--generations", type=int)
    parser.add_argument("--generators", help="comma-separated generator keys (default: all)")
    parser.add_argument("--n-jobs", type=int, default=None)
    args = parser.parse_args(argv)
    import pandas as pd

    from analysis import sweeps

    for name in args.names:
        if name not in SWEEPS:
            parser.error(f"unknown sweep {name!r}; known: {', '.join(SWEEPS)}")
        module = importlib.import_module(SWEEPS[name])
        settings = {}
        if args.replicates:
            settings["replicates"] = args.replicates
        if args.generations:
            settings["generations"] = args.generations
        if args.generators:
            keys = args.generators.split(",")
            settings["generators"] = tuple(s for s in module.GENERATOR_SPECS if s.key in keys)
        t0 = time.perf_counter()
        # record every setting the run used: the defaults of run() overridden by the command line
        defaults = {k: p.default for k, p in inspect.signature(module.run).parameters.items()
                    if p.default is not inspect.Parameter.empty and k not in ("seed", "n_jobs")}
        full = {**defaults, **settings}
        # sweeps over generators are written after each generator, so a long run keeps what it finished
        # and sweeps with a BATCH size after each batch of replicates (the file then says how many)
        if "generators" in full:
            groups = [{"generators": (s,)} for s in full["generators"]]
        elif hasattr(module, "BATCH"):
            total = full["replicates"]
            groups = [{"first_replicate": k, "replicates": min(module.BATCH, total - k)}
                      for k in range(0, total, module.BATCH)]
        else:
            groups = [{}]
        frames = []
        for done, group in enumerate(groups, start=1):
            part = {**settings, **group}
            frames.append(module.run(seed=module.SEED, n_jobs=args.n_jobs, **part))
            frame = pd.concat(frames, ignore_index=True)
            recorded = {k: v for k, v in full.items() if k != "first_replicate"}
            if "generators" in group:
                recorded["generators"] = [tuple(s) for s in full["generators"][:done]]
            if "first_replicate" in group:
                recorded["replicates"] = group["first_replicate"] + group["replicates"]
            prov = sweeps.write_results(name, frame, code_files=module.CODE_FILES, settings=recorded,
                                        seed=module.SEED, libraries=module.LIBRARIES,
                                        command="python tools/run_sweeps.py " + " ".join(argv or sys.argv[1:]))
            print(f"{name}: {len(frame)} rows after {time.perf_counter() - t0:.0f} s, code {prov.code_hash[:12]}",
                  flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
