"""Run the heavy sweeps and write results/NAME.csv with results/NAME.provenance.json (`make sweeps`).

Usage: python tools/run_sweeps.py [NAME ...] [--replicates R] [--generations G] [--generators a,b] [--epochs E]
[--n-jobs J]
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

SWEEPS = {"bias_generators": "analysis.bias_sweep", "bias_fairness": "analysis.bias_fairness_sweep",
          "privacy_utility": "analysis.privacy_sweep", "privacy_deep": "analysis.privacy_deep_sweep"}
SWEEPS |= {"collapse_lm": "analysis.collapse_lm", "collapse_lm_deep": "analysis.lm_transformer"}


def _available(names):
    """The registered sweeps whose module exists in this checkout."""
    import importlib.util

    return [n for n in names if importlib.util.find_spec(SWEEPS[n]) is not None]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", default=_available(SWEEPS))
    parser.add_argument("--replicates", type=int)
    parser.add_argument("--generations", type=int)
    parser.add_argument("--generators", help="comma-separated generator keys (default: all)")
    parser.add_argument("--tables", help="comma-separated table keys (sweeps that take tables)")
    parser.add_argument("--epochs", type=int, help="training epochs of the deep generators (sweeps that take epochs)")
    parser.add_argument("--n-jobs", type=int, default=None)
    args = parser.parse_args(argv)
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
            if hasattr(module, "ALL_SPECS"):  # a sweep that takes generator keys (privacy_deep)
                settings["generators"] = tuple(keys)
            else:
                settings["generators"] = tuple(s for s in module.GENERATOR_SPECS if s.key in keys)
        if args.epochs:
            settings["epochs"] = args.epochs
        if args.tables:
            settings["tables"] = tuple(args.tables.split(","))
        t0 = time.perf_counter()
        frame = module.run(seed=module.SEED, n_jobs=args.n_jobs, **settings)
        defaults = {k: p.default for k, p in inspect.signature(module.run).parameters.items()
                    if p.default is not inspect.Parameter.empty and k not in ("seed", "n_jobs")}
        recorded = {k: ([s if isinstance(s, str) else tuple(s) for s in v] if k == "generators" else v)
                    for k, v in {**defaults, **settings}.items()}
        prov = sweeps.write_results(name, frame, code_files=module.CODE_FILES, settings=recorded,
                                    seed=module.SEED, libraries=module.LIBRARIES,
                                    command="python tools/run_sweeps.py " + " ".join(argv or sys.argv[1:]))
        print(f"{name}: {len(frame)} rows in {time.perf_counter() - t0:.0f} s, code {prov.code_hash[:12]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
