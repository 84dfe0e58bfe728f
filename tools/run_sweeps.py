"""Run the heavy sweeps and write results/NAME.csv with results/NAME.provenance.json (`make sweeps`).

Usage:
  python tools/run_sweeps.py [NAME ...] [--replicates R | --replicates A:B] [--chunk I/N]
      [--generations G] [--generators a,b] [--tables a,b] [--epochs E] [--set KEY=VALUE] [--n-jobs J]
      [--scheduler tcp://host:8786] [--progress-every SECONDS]
  python tools/run_sweeps.py merge NAME [CHUNK_DIR ...]
  python tools/run_sweeps.py refingerprint NAME [...]

Without a name, every registered sweep runs at its full settings. ``--scheduler`` sends the
replicates to a running Dask cluster through joblib's Dask backend (``pip install '.[scale]'``);
without it they run on this machine. Either way the results are identical replicate by replicate
(each replicate's random streams are fixed by its index). A progress line (replicates done,
elapsed, estimated time left) goes to stderr while a sweep runs.

A long sweep runs in chunks: ``--replicates 0:10`` (replicates 0 to 9) or ``--chunk 2/3`` (the
second third of the sweep's replicates) writes results/chunks/NAME/rSTART-STOP/ with its own
provenance; ``merge NAME`` joins every chunk there (or the directories named) into results/NAME.csv,
whose provenance records each chunk, and refuses chunks of other code, settings, seed or libraries.

``refingerprint NAME`` gives a stored file the code fingerprint of this checkout, but only after the
sweep's reduced-rerun tests (REPRODUCE_TESTS) have passed against it: never by hand.

Register a sweep in SWEEPS below: a module with NAME, SEED, CODE_FILES, LIBRARIES and
run(**settings) -> DataFrame (with ``replicates`` and ``first_replicate`` or ``replicate_start`` to
run in chunks); TASKS gives its number of joblib tasks for the progress line.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import inspect
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analysis.sweeps.registry import SWEEPS  # noqa: E402

#: per sweep: the tests whose reduced rerun checks its stored file (``refingerprint`` runs them first)
REPRODUCE_TESTS = {
    "bias_generators": ["tests/bias/test_bias_sweep.py::test_generator_sweep_is_current_and_reproduces"],
    "bias_fairness": ["tests/bias/test_bias_sweep.py::test_fairness_sweep_is_current_and_reproduces"],
    "privacy_utility": ["tests/privacy/test_privacy_sweep.py::test_reduced_rerun_reproduces_the_file"],
    "privacy_deep": ["tests/privacy/test_privacy_deep_sweep.py::test_reduced_rerun_reproduces_the_file"],
    "bias_deep": ["tests/bias/test_bias_deep_sweep.py::test_reduced_rerun_reproduces_the_stored_file"],
    "collapse_lm": ["tests/collapse/test_collapse_lm.py::test_reduced_rerun_reproduces_the_stored_sweep"],
    "collapse_lm_deep": ["tests/collapse/test_lm_transformer.py::"
                         "test_reduced_rerun_reproduces_the_stored_transformer_sweep"],
}

#: per sweep: the number of joblib tasks (one replicate of one grid cell) of a run with keyword
#: arguments ``kw``, for the progress line's total and time left. A sweep module may instead
#: define ``count_tasks(**kw)``; a sweep with neither shows replicates done and elapsed only.
TASKS = {
    "bias_generators": lambda m, kw: len(kw["generators"]) * len(kw["tables"]) * kw["replicates"],
    "bias_deep": lambda m, kw: len(kw["generators"]) * len(kw["tables"]) * kw["replicates"],
    "bias_fairness": lambda m, kw: sum(len(m.TABLE_CONFIGS[t]) for t in kw["tables"]) * kw["replicates"],
    "privacy_utility": lambda m, kw: len(kw["tables"]) * len(kw["generators"]) * kw["replicates"],
    "privacy_deep": lambda m, kw: len(kw["tables"]) * len(kw["generators"]) * kw["replicates"],
    "collapse_lm": lambda m, kw: len(kw["regimes"]) * kw["replicates"],
    # generation 0 of each replicate is a task of its own, shared by the regimes' tasks
    "collapse_lm_deep": lambda m, kw: (1 + len(kw["regimes"])) * kw["replicates"],
}

#: per sweep: a reduced run (command-line arguments, seconds on two cores) and what it needs (module
#: names, or "module:function" that raises or returns False when an input is missing, e.g. a corpus);
#: tests/sweeps/test_sweep_infra.py runs each on a Dask cluster and in two chunks (give a replicate-major
#: sweep 4 replicates, so that each chunk shows its row order)
REDUCED = {
    "bias_generators": (["--generators", "copula", "--tables", "hearts", "--generations", "1", "--replicates", "2"], ("copulas",)),
    "bias_fairness": (["--tables", "hearts", "--generations", "2", "--replicates", "2"], ()),
    "privacy_utility": (["--generators", "copula", "--tables", "hearts", "--replicates", "2"], ("copulas",)),
    "privacy_deep": (["--generators", "tvae", "--tables", "hearts", "--epochs", "2", "--replicates", "2"], ("torch", "ctgan")),
    "bias_deep": (["--generators", "tvae", "--tables", "hearts", "--generations", "1", "--replicates", "2",
                   "--epochs", "2"], ("torch", "ctgan")),
    "collapse_lm": (["--generations", "1", "--replicates", "4", "--set", "budget_tokens=5000", "--set",
                     'regimes=["replace", "accumulate"]'], ("analysis.collapse.corpus:corpus_path",)),
    "collapse_lm_deep": (["--generations", "1", "--replicates", "4", "--set", "budget_tokens=2000", "--set",
                          'regimes=["replace", "accumulate"]'], ("torch", "analysis.collapse.corpus:corpus_path")),
}

CHUNKS_DIR = ROOT / "results" / "chunks"


def unavailable(name: str) -> str | None:
    """Why sweep ``name`` cannot run here (its module, a library or an input missing), or None."""
    import importlib.util

    if importlib.util.find_spec(SWEEPS[name]) is None:
        return f"{name}: its module {SWEEPS[name]} is not in this checkout"
    needs = REDUCED.get(name, ((), ()))[1]
    missing = [m for m in needs if ":" not in m and importlib.util.find_spec(m) is None]
    if missing:
        return f"{name} needs {', '.join(missing)} (torch: the optional extra 'deep')"
    for need in (m for m in needs if ":" in m):
        module, func = need.split(":")
        try:
            available = getattr(importlib.import_module(module), func)()
        except Exception as exc:  # noqa: BLE001 - an input the sweep reads is missing (e.g. a corpus)
            return f"{name}: {type(exc).__name__}: {exc}"
        if available is False:
            return f"{name}: {need} says an input is missing"
    return None


def _available(names):
    """The registered sweeps whose module exists in this checkout."""
    import importlib.util

    return [n for n in names if importlib.util.find_spec(SWEEPS[n]) is not None]


# --------------------------------------------------------------------------------------------
# progress: counted where joblib reports a finished batch (this process, whatever the backend)
# --------------------------------------------------------------------------------------------


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class Progress:
    """Replicates done of a sweep, with elapsed time and the time left at the rate so far, to ``stream``."""

    def __init__(self, label: str, total: int | None, *, every_s: float = 10.0, stream=None):
        self.label, self.total, self.every_s = label, total, every_s
        self.stream = stream if stream is not None else sys.stderr
        self.done, self.start = 0, time.perf_counter()
        self._last = -float("inf")
        self._lock = threading.Lock()
        self.lines: list[str] = []

    def line(self) -> str:
        elapsed = time.perf_counter() - self.start
        if self.total:
            left = ("done" if self.done >= self.total
                    else f"about {_duration(elapsed / self.done * (self.total - self.done))} left" if self.done
                    else "time left not yet known")
            return (f"[{self.label}] {self.done}/{self.total} replicates done ({100 * self.done / self.total:.0f}%), "
                    f"{_duration(elapsed)} elapsed, {left}")
        return f"[{self.label}] {self.done} replicates done, {_duration(elapsed)} elapsed (total not known)"

    def advance(self, n: int) -> None:
        with self._lock:
            self.done += n
            now = time.perf_counter()
            if now - self._last >= self.every_s or (self.total and self.done >= self.total):
                self._last = now
                self.emit()

    def emit(self) -> None:
        text = self.line()
        self.lines.append(text)
        print(text, file=self.stream, flush=True)


@contextlib.contextmanager
def reporting(progress: Progress):
    """Count every task joblib completes while the block runs (local backends and Dask alike).

    joblib calls ``Parallel.print_progress`` in this process after each completed batch, with the
    running count in ``n_completed_tasks``, for sequential runs, local workers and the Dask
    backend; the wrapper adds the increase to ``progress``. Only the sweep's own calls count (those
    made from this thread): a task's inner joblib calls (scikit-learn's) may run in this process
    too, on threads of an in-process Dask worker.
    """
    from joblib import parallel

    original, original_call = parallel.Parallel.print_progress, parallel.Parallel.__call__
    owner = threading.get_ident()

    def call(self, iterable):
        self._sweep_progress_outer = threading.get_ident() == owner
        return original_call(self, iterable)

    def print_progress(self):
        original(self)
        if not getattr(self, "_sweep_progress_outer", False):
            return
        seen = getattr(self, "_sweep_progress_seen", 0)
        now = self.n_completed_tasks
        if now < seen:  # the instance was reused for another call
            seen = 0
        if now > seen:
            self._sweep_progress_seen = now
            progress.advance(now - seen)

    parallel.Parallel.print_progress, parallel.Parallel.__call__ = print_progress, call
    progress.start = time.perf_counter()  # the clock starts with the tasks, after connecting to a cluster
    progress.emit()
    try:
        yield progress
    finally:
        parallel.Parallel.print_progress, parallel.Parallel.__call__ = original, original_call


# --------------------------------------------------------------------------------------------
# where the replicates run: this machine, or a Dask cluster through joblib's Dask backend
# --------------------------------------------------------------------------------------------


@contextlib.contextmanager
def backend(scheduler: str | None, roots: tuple[str, ...] = (), libraries: tuple[str, ...] = ()):
    """Run the block's joblib calls on the Dask cluster at ``scheduler`` (an address), or locally if None.

    Before any task is sent, every worker computes the code fingerprint of ``roots`` from its own
    checkout and reports its versions of ``libraries``: a worker with other code or other library
    versions would compute other numbers than the provenance says, so a mismatch stops the run.
    """
    if scheduler is None:
        yield None
        return
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - dask is in the test group and the 'scale' extra
        raise SystemExit("--scheduler needs dask.distributed: pip install '.[scale]'") from exc
    from joblib import parallel_config

    from analysis.sweeps import store as sweeps

    with Client(scheduler) as client:
        workers = client.scheduler_info().get("workers", {})
        if not workers:
            raise SystemExit(f"--scheduler {scheduler}: the cluster has no workers; start some with "
                             f"`dask worker {scheduler}`")
        if roots:
            here = sweeps.code_fingerprint(roots)
            try:
                theirs = client.run(sweeps.code_fingerprint, list(roots))
            except Exception as exc:  # noqa: BLE001 - a worker that cannot import the package
                raise SystemExit(f"--scheduler {scheduler}: a worker cannot compute the code fingerprint "
                                 f"({type(exc).__name__}: {exc}); start workers from a checkout of this "
                                 "commit with its environment") from exc
            other = {w: fp[:12] for w, fp in theirs.items() if fp != here}
            if other:
                raise SystemExit(f"--scheduler {scheduler}: workers with other code than this checkout "
                                 f"({here[:12]}): {other}")
        if libraries:
            here = sweeps.library_versions(list(libraries))
            theirs = client.run(sweeps.library_versions, list(libraries))
            other = {w: {k: v for k, v in versions.items() if here.get(k) != v}
                     for w, versions in theirs.items() if versions != here}
            if other:
                raise SystemExit(f"--scheduler {scheduler}: workers with other library versions than "
                                 f"this environment ({here}): {other}")
        with parallel_config(backend="dask"):
            yield client


# --------------------------------------------------------------------------------------------
# run
# --------------------------------------------------------------------------------------------


def _replicate_keys(module) -> tuple[str, str | None]:
    params = inspect.signature(module.run).parameters
    start = next((k for k in ("first_replicate", "replicate_start") if k in params), None)
    return "replicates", start


def _defaults(module) -> dict:
    return {k: p.default for k, p in inspect.signature(module.run).parameters.items()
            if p.default is not inspect.Parameter.empty and k not in ("seed", "n_jobs")}


def _parse_range(text: str) -> tuple[int, int] | int:
    if ":" in text:
        a, b = text.split(":", 1)
        if not (a.isdigit() and b.isdigit()) or int(b) <= int(a):
            raise argparse.ArgumentTypeError(f"--replicates: expected START:STOP with 0 <= START < STOP, got {text!r}")
        return int(a), int(b)
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"--replicates: expected a count >= 1 or START:STOP, got {text!r}")
    return int(text)


def _parse_chunk(text: str) -> tuple[int, int]:
    i, _, n = text.partition("/")
    if not (i.isdigit() and n.isdigit()) or not 1 <= int(i) <= int(n):
        raise argparse.ArgumentTypeError(f"--chunk: expected I/N with 1 <= I <= N, got {text!r}")
    return int(i), int(n)


def chunk_range(total: int, index: int, parts: int) -> tuple[int, int]:
    """Replicates [start, stop) of chunk ``index`` (1-based) of ``parts`` near-equal contiguous chunks of ``total``."""
    if parts > total:
        raise ValueError(f"--chunk: {parts} chunks of {total} replicates would leave some empty")
    base, extra = divmod(total, parts)
    start = (index - 1) * base + min(index - 1, extra)
    return start, start + base + (index <= extra)


def _settings(module, args) -> dict:
    settings = {}
    if isinstance(args.replicates, int):
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
    for item in args.set or ():
        key, _, text = item.partition("=")
        params = inspect.signature(module.run).parameters
        if not key.isidentifier() or key not in params or key in ("seed", "n_jobs"):
            raise SystemExit(f"--set {item!r}: {module.__name__}.run takes no setting {key!r}; "
                             f"it takes {', '.join(k for k in params if k not in ('seed', 'n_jobs'))}")
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            value = text
        settings[key] = tuple(value) if isinstance(value, list) else value
    if args.tables:
        names = args.tables.split(",")
        default = _defaults(module).get("tables", ())
        if default and not isinstance(default[0], str):  # a sweep that takes table specs (bias_generators)
            settings["tables"] = tuple(t for t in module.TABLES if t.name in names)
        else:
            settings["tables"] = tuple(names)
    return settings


def _recorded(settings: dict) -> dict:
    return {k: ([s if isinstance(s, str) else tuple(s) for s in v] if k == "generators" else v)
            for k, v in settings.items()}


def run_one(name: str, args, argv: list[str]):
    """Run one sweep as ``args`` say; write its results (or its chunk) with provenance. Returns the Provenance."""
    from analysis.sweeps import store as sweeps

    module = importlib.import_module(SWEEPS[name])
    settings = _settings(module, args)
    count_key, start_key = _replicate_keys(module)
    defaults = _defaults(module)
    chunk = None
    if isinstance(args.replicates, tuple) or args.chunk:
        if start_key is None:
            raise SystemExit(f"{name}: its run() takes no first replicate, so it cannot run in chunks")
        if isinstance(args.replicates, tuple):
            start, stop = args.replicates
            if args.chunk:
                raise SystemExit("--chunk and --replicates START:STOP name the same thing: give one")
        else:
            total = settings.get(count_key, defaults[count_key])
            start, stop = chunk_range(total, *args.chunk)
        settings[count_key], settings[start_key] = stop - start, start
        chunk = {"start": start, "stop": stop, "keys": [count_key, start_key]}
    kwargs = {**defaults, **settings}
    count = getattr(module, "count_tasks", None)
    total = count(**kwargs) if count else (TASKS[name](module, kwargs) if name in TASKS else None)
    roots = (f"{module.__name__}:run",)
    progress = Progress(name, total, every_s=args.progress_every)
    t0 = time.perf_counter()
    with backend(args.scheduler, roots, tuple(module.LIBRARIES)), reporting(progress):
        frame = module.run(seed=module.SEED, n_jobs=_n_jobs(args.n_jobs, args.scheduler), **settings)
    if chunk:
        out_dir = Path(args.chunks_dir) / name / f"r{chunk['start']:05d}-{chunk['stop']:05d}"
    else:
        out_dir = Path(args.results_dir)
    prov = sweeps.write_results(name, frame, code_files=module.CODE_FILES, settings=_recorded(kwargs),
                                seed=module.SEED, libraries=module.LIBRARIES, results_dir=out_dir,
                                command="python tools/run_sweeps.py " + " ".join(argv), code_roots=roots,
                                chunk=chunk)
    where = f"chunk {chunk['start']}..{chunk['stop'] - 1} in {out_dir}" if chunk else str(out_dir)
    print(f"{name}: {len(frame)} rows in {time.perf_counter() - t0:.0f} s, code {prov.code_hash[:12]}, {where}")
    return prov


def _n_jobs(n_jobs: int | None, scheduler: str | None) -> int | None:
    """The ``n_jobs`` a sweep's ``run`` gets: as asked, else every core here, else the cluster's workers.

    A sweep's ``run(n_jobs=None)`` defers to the caller's joblib context, which outside one is a
    single process: without this default `make sweeps` ran every sweep on one core. On a cluster
    ``None`` lets joblib's Dask backend use all of its workers.
    """
    if n_jobs is not None:
        return n_jobs
    return None if scheduler else -1


def run_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", default=_available(SWEEPS))
    parser.add_argument("--replicates", type=_parse_range, help="a count, or START:STOP (a chunk)")
    parser.add_argument("--chunk", type=_parse_chunk, help="I/N: the I-th of N near-equal chunks of the replicates")
    parser.add_argument("--generations", type=int)
    parser.add_argument("--generators", help="comma-separated generator keys (default: all)")
    parser.add_argument("--tables", help="comma-separated table keys (sweeps that take tables)")
    parser.add_argument("--epochs", type=int, help="training epochs of the deep generators (sweeps that take epochs)")
    parser.add_argument("--set", action="append", metavar="KEY=VALUE",
                        help="any other keyword of the sweep's run() (VALUE read as JSON, else as text)")
    parser.add_argument("--n-jobs", type=int, default=None,
                        help="joblib workers on this machine (default: one per core); on a cluster, its workers")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786")
    parser.add_argument("--progress-every", type=float, default=10.0, help="seconds between progress lines")
    parser.add_argument("--results-dir", default=str(ROOT / "results"), help=argparse.SUPPRESS)
    parser.add_argument("--chunks-dir", default=str(CHUNKS_DIR), help="where chunks are written")
    args = parser.parse_args(argv)
    for name in args.names:
        if name not in SWEEPS:
            parser.error(f"unknown sweep {name!r}; known: {', '.join(SWEEPS)}")
    for name in args.names:
        run_one(name, args, argv)
    return 0


# --------------------------------------------------------------------------------------------
# merge and refingerprint
# --------------------------------------------------------------------------------------------


def merge_main(argv: list[str]) -> int:
    from analysis.sweeps import store as sweeps

    parser = argparse.ArgumentParser(prog="run_sweeps.py merge", description="Merge chunks into results/NAME.csv.")
    parser.add_argument("name")
    parser.add_argument("dirs", nargs="*", help="chunk directories (default: every one under --chunks-dir/NAME)")
    parser.add_argument("--chunks-dir", default=str(CHUNKS_DIR))
    parser.add_argument("--results-dir", default=str(ROOT / "results"))
    args = parser.parse_args(argv)
    if args.name not in SWEEPS:
        parser.error(f"unknown sweep {args.name!r}; known: {', '.join(SWEEPS)}")
    dirs = args.dirs or sorted(p for p in (Path(args.chunks_dir) / args.name).glob("r*") if p.is_dir())
    if not dirs:
        parser.error(f"no chunks of {args.name} under {Path(args.chunks_dir) / args.name}")
    try:
        module = importlib.import_module(SWEEPS[args.name])
        prov = sweeps.merge_results(args.name, dirs, results_dir=args.results_dir,
                                    command="python tools/run_sweeps.py merge " + " ".join(argv),
                                    row_order=getattr(module, "ROW_ORDER", None))
    except sweeps.ChunkMismatchError as exc:
        print(f"merge refused: {exc}", file=sys.stderr)
        return 2
    print(f"{args.name}: {len(prov.chunks)} chunks merged, replicates "
          f"{prov.settings[prov.chunks[0]['chunk']['keys'][1]]}.."
          f"{prov.settings[prov.chunks[0]['chunk']['keys'][1]] + prov.settings['replicates'] - 1}, "
          f"into {Path(args.results_dir) / (args.name + '.csv')}")
    return 0


def _run_checks(name: str, tests: list[str]) -> tuple[bool, str]:
    """Run the sweep's reduced-rerun tests with its stored file allowed to load; (all passed, summary)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.xml"
        env = {**os.environ, "SWEEPS_REFINGERPRINT": name}
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-o", "addopts=",
                               "-p", "no:cacheprovider", f"--junitxml={report}", *tests],
                              cwd=ROOT, env=env, capture_output=True, text=True)
        if not report.is_file():
            return False, proc.stdout[-2000:] + proc.stderr[-2000:]
        cases = ET.parse(report).getroot().iter("testcase")
        outcomes = {}
        for case in cases:
            kids = [c.tag for c in case]
            outcome = ("failed" if {"failure", "error"} & set(kids) else "skipped" if "skipped" in kids
                       else "passed")
            outcomes[f"{case.get('classname')}::{case.get('name')}"] = outcome
    ok = proc.returncode == 0 and len(outcomes) >= len(tests) and all(o == "passed" for o in outcomes.values())
    summary = ", ".join(f"{k.rsplit('.', 1)[-1]}: {v}" for k, v in outcomes.items()) or "no test ran"
    if not ok:  # the failing assertion and pytest's summary
        summary += "\n" + proc.stdout[-1500:]
    return ok, summary


def refingerprint_main(argv: list[str]) -> int:
    """Give stored results this checkout's code fingerprint, once their reduced rerun reproduces them."""
    import datetime as dt
    from dataclasses import asdict, replace

    from analysis.sweeps import store as sweeps

    parser = argparse.ArgumentParser(prog="run_sweeps.py refingerprint", description=refingerprint_main.__doc__)
    parser.add_argument("names", nargs="+")
    args = parser.parse_args(argv)
    status = 0
    for name in args.names:
        if name not in SWEEPS:
            parser.error(f"unknown sweep {name!r}; known: {', '.join(SWEEPS)}")
        _, prov = sweeps.load_results(name, require_current=False)
        module = importlib.import_module(SWEEPS[name])
        roots = (f"{module.__name__}:run",)
        now = sweeps.code_fingerprint(roots)
        if prov.code_method == sweeps.FINGERPRINT_METHOD and prov.code_hash == now:
            print(f"{name}: already carries this checkout's fingerprint {now[:12]}")
            continue
        tests = REPRODUCE_TESTS.get(name)
        if not tests:
            print(f"{name}: no reduced-rerun test is registered in REPRODUCE_TESTS; left as it is", file=sys.stderr)
            status = 1
            continue
        ok, summary = _run_checks(name, tests)
        if not ok:
            print(f"{name}: the reduced rerun did not pass ({summary}); provenance left as it is", file=sys.stderr)
            status = 1
            continue
        new = replace(prov, code_method=sweeps.FINGERPRINT_METHOD, code_roots=roots, code_hash=now,
                      refingerprinted={
                          "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                          "previous": {"code_method": prov.code_method, "code_hash": prov.code_hash},
                          "checks": tests, "outcome": summary,
                          "libraries": sweeps.library_versions(list(prov.libraries)),
                          **({"earlier": prov.refingerprinted} if prov.refingerprinted else {}),
                      })
        meta = sweeps.RESULTS_DIR / f"{name}.provenance.json"
        meta.write_text(json.dumps(asdict(new), indent=2) + "\n")
        print(f"{name}: reduced rerun passed ({summary}); fingerprint {now[:12]} recorded")
    return status


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "merge":
        return merge_main(argv[1:])
    if argv and argv[0] == "refingerprint":
        return refingerprint_main(argv[1:])
    return run_main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
