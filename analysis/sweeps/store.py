"""Results files of the heavy sweeps (`make sweeps`), with the provenance a reader needs to trust them.

A sweep too slow for a chapter's time budget (a deep generator refitted hundreds of times) runs
through ``make sweeps`` and writes ``results/NAME.csv`` (one row per replicate and measurement) and
``results/NAME.provenance.json``: a fingerprint of the code that computed it, the settings, the seed,
the library versions, the command and the time. A chapter reads the file with :func:`load_results`,
which refuses a file whose code fingerprint no longer matches the checkout (the numbers would be
stale), and a test reruns a reduced sweep and checks it reproduces the file's numbers within Monte
Carlo error (:func:`check_reproduces`).

The fingerprint (:func:`code_fingerprint`) covers the computation, not its formatting: the syntax
trees of the definitions the sweep's entry point reaches, followed name by name through the
``analysis`` modules, with docstrings, comments, type annotations and ``validate_params``
declarations left out. A reworded docstring, a moved comment or a definition moved to another
module leaves it unchanged; a changed constant or statement changes it. Files written before this
fingerprint (0.3) carry a hash of their code files' raw bytes (:func:`code_hash`) and are checked
that way until ``tools/run_sweeps.py refingerprint NAME`` has rerun their reduced check.

A long sweep can run in chunks of replicates (``tools/run_sweeps.py NAME --chunk 2/5``), each with
its own provenance; :func:`merge_results` joins them into one results file whose provenance
records every chunk, and refuses a chunk computed by other code or with other settings.
"""

from __future__ import annotations

import ast
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

from analysis._compat import current_module
from analysis.core.validation import Boolean, Frame, InstanceOf, Interval, Integral, Options, Real, validate_params

__all__ = ["Provenance", "StaleResultsError", "ChunkMismatchError", "code_hash", "code_fingerprint",
           "library_versions", "write_results", "load_results", "merge_results", "check_reproduces",
           "FINGERPRINT_METHOD", "AST_V1", "LEGACY_METHOD"]

_NAMES = [InstanceOf((list, tuple), "a list or tuple of names")]
_DIR = [InstanceOf((str, Path), "a directory path"), None]

ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = ROOT / "results"
#: how ``Provenance.code_hash`` was computed: the syntax-tree fingerprint, or (files of 0.3) raw bytes
FINGERPRINT_METHOD = "ast-v2"
#: the syntax-tree fingerprint of 0.4, which also hashed the module path of imports written inside a
#: function (``from analysis.generators import make_generator``); files it wrote are still checked by it
AST_V1 = "ast-v1"
LEGACY_METHOD = "sha256-bytes"
#: modules the fingerprint does not follow: validation only accepts or refuses arguments, it never
#: changes a number, and its rewrite must not make every stored sweep stale
_NOT_FOLLOWED = ("analysis.core.validation",)


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
    #: FINGERPRINT_METHOD, or LEGACY_METHOD for files written before it (their JSON has no such key)
    code_method: str = LEGACY_METHOD
    #: The entry points, each written module, colon, function, whose reachable code the fingerprint covers.
    code_roots: tuple[str, ...] = ()
    #: Set when this file is one chunk, as a dict of "start" (first replicate), "stop" (one past the last) and "keys".
    chunk: dict[str, Any] | None = None
    #: For a merged file, the provenance of every chunk it was merged from, in replicate order.
    chunks: tuple[dict[str, Any], ...] = ()
    #: For re-fingerprinted files, when, from which hash, and the reduced-rerun check that passed first.
    refingerprinted: dict[str, Any] | None = None


class StaleResultsError(RuntimeError):
    """A results file was computed by code that differs from the checkout."""


class ChunkMismatchError(ValueError):
    """Chunks of a sweep that cannot be merged: other code, settings, seed, libraries or replicates."""


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


# --------------------------------------------------------------------------------------------
# the code fingerprint: syntax trees of the definitions a sweep reaches
# --------------------------------------------------------------------------------------------


class _Normalise(ast.NodeTransformer):
    """Drop what does not change a computation: docstrings, annotations, validate_params declarations.

    With ``paths=False`` (ast-v2), an import of a package module written inside a function keeps only
    the local names it binds: where the imported definition lives is not part of the computation, and
    the definition itself is followed and hashed on its own.
    """

    def __init__(self, paths: bool = False):
        self.paths = paths

    def visit_ImportFrom(self, node):
        base = node.module or ""
        if self.paths or not (node.level or base == "analysis" or base.startswith("analysis.")):
            return node
        return ast.ImportFrom(module="analysis", names=[ast.alias(name=a.asname or a.name) for a in node.names],
                              level=0)

    def visit_Import(self, node):
        if self.paths:
            return node
        names = [ast.alias(name=a.asname or a.name) if a.name == "analysis" or a.name.startswith("analysis.")
                 else a for a in node.names]
        return ast.Import(names=names)

    def _body(self, body):
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            body = body[1:] or [ast.Pass()]
        return body

    def visit_FunctionDef(self, node):
        node.body = self._body(node.body)
        node.returns = None
        node.decorator_list = [d for d in node.decorator_list if not _is_validate_params(d)]
        return self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        node.body = self._body(node.body)
        return self.generic_visit(node)

    def visit_arg(self, node):
        node.annotation = None
        return node

    def visit_AnnAssign(self, node):
        node.annotation = ast.Constant(None)  # keep the target and value; a dataclass field stays a field
        return self.generic_visit(node)


def _serial(node) -> str:
    """A syntax tree as text, the same on every Python version the package supports.

    :func:`ast.dump` is not: Python 3.12 added fields (``type_params``) that it prints, empty, for
    every function and class, and 3.13 changed which empty fields it shows. Fields that are None or
    empty are left out, the others named, so a field added empty by a newer Python changes nothing.
    """
    if isinstance(node, ast.AST):
        fields = []
        for name in node._fields:
            value = getattr(node, name, None)
            if value is None or (isinstance(value, list) and not value):
                continue
            fields.append(f"{name}={_serial(value)}")
        return f"{type(node).__name__}({', '.join(fields)})"
    if isinstance(node, list):
        return "[" + ", ".join(_serial(item) for item in node) + "]"
    return repr(node)


def _is_validate_params(node) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    return (isinstance(target, ast.Name) and target.id == "validate_params") or (
        isinstance(target, ast.Attribute) and target.attr == "validate_params")


class _Module:
    """One parsed module of the package: its top-level definitions, its imports and its other statements."""

    def __init__(self, name: str, path: Path):
        self.name = name
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        self.defs: dict[str, list[ast.AST]] = {}
        self.aliases: dict[str, tuple] = {}
        self.external: list[str] = []  # imports of other libraries (numpy as np vs jax.numpy as np matters)
        self.other: list[ast.AST] = []
        body = tree.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # the module docstring
        for node in body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                self.external += _add_aliases(self.aliases, node, name)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.defs.setdefault(node.name, []).append(node)
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
                for n in names or ["<assign>"]:
                    self.defs.setdefault(n, []).append(node)
            else:  # module-level code (an if, a registration call): part of every use of the module
                self.other.append(node)


def _add_aliases(aliases: dict, node, module: str) -> list[str]:
    """Record what each imported name stands for; return the dumps of imports from other libraries."""
    external = []
    if isinstance(node, ast.Import):
        for a in node.names:
            if a.name == "analysis" or a.name.startswith("analysis."):
                if a.asname:
                    aliases[a.asname] = ("module", a.name)
            else:
                external.append(_serial(ast.Import(names=[a])))
        return external
    base = node.module or ""
    if node.level:  # relative import inside the package
        parts = module.split(".")[:-node.level]
        base = ".".join(parts + ([node.module] if node.module else []))
    if base == "analysis" or base.startswith("analysis."):
        for a in node.names:
            aliases[a.asname or a.name] = ("name", base, a.name)
    else:
        external.append(_serial(ast.ImportFrom(module=base, names=node.names, level=0)))
    return external


def _module_path(name: str) -> Path | None:
    rel = Path(*name.split("."))
    for path in (ROOT / rel.with_suffix(".py"), ROOT / rel / "__init__.py"):
        if path.is_file():
            return path
    return None


@validate_params({"roots": [InstanceOf((list, tuple), "a list or tuple of 'module:function' entry points")],
                  "method": [Options(str, {FINGERPRINT_METHOD, AST_V1})]})
def code_fingerprint(roots: Iterable[str], method: str = FINGERPRINT_METHOD) -> str:
    """SHA-256 of the computation reachable from ``roots`` ("analysis.module:function" entry points).

    Starting from each root, every name a definition uses is followed to the top-level definition
    (function, class or assignment) of an ``analysis`` module it stands for, through imports,
    module aliases (``gen_mod.make_generator``) and re-exports. The hash covers the normalised
    syntax tree (node types, fields and values, without line numbers) of every definition reached, each
    reached module's other top-level statements and its imports from other libraries. Comments
    vanish when parsing; docstrings, type annotations and ``validate_params`` declarations are
    dropped; module and file names do not enter the hash, so a definition moved to another module
    keeps it. Dispatch through strings (``getattr(module, name)``) is not followed.

    Parameters
    ----------
    roots : sequence of str
        Entry points ``"analysis.module:name"`` (usually the sweep module's ``run``); a module path
        of 0.4 (``analysis.bias_sweep``) stands for the module its code moved to.
    method : {"ast-v2", "ast-v1"}
        ``"ast-v1"`` also hashes the module paths of imports written inside functions (0.4's files).

    Returns
    -------
    str
        Hexadecimal SHA-256.
    """
    _, parts = _reach(list(roots), paths=method == AST_V1)
    h = hashlib.sha256(method.encode())
    for part in sorted(parts):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()


def _reach(roots: list[str], paths: bool = False) -> tuple[set[tuple[str, str]], set[str]]:
    """The (module, name) definitions reachable from ``roots``, and the normalised dumps to hash."""
    if not roots:
        raise ValueError("roots: expected at least one 'analysis.module:function' entry point")
    cache: dict[str, _Module | None] = {}

    def module(name: str) -> _Module | None:
        if name not in cache:
            path = _module_path(name) if not name.startswith(_NOT_FOLLOWED) else None
            cache[name] = _Module(name, path) if path is not None else None
        return cache[name]

    def resolve(mod_name: str, attr: str, depth: int = 0) -> tuple[str, str] | None:
        """The (module, name) that defines ``mod_name.attr``, following re-exports."""
        m = module(mod_name)
        if m is None or depth > 20:
            return None
        if attr in m.defs:
            return (mod_name, attr)
        alias = m.aliases.get(attr)
        if alias and alias[0] == "name":
            return resolve(alias[1], alias[2], depth + 1)
        return None

    def alias_module(aliases: dict, name: str) -> str | None:
        alias = aliases.get(name)
        if alias is None:
            return None
        if alias[0] == "module":
            return alias[1]
        sub = f"{alias[1]}.{alias[2]}"  # `from analysis import privacy` names a module
        return sub if _module_path(sub) is not None else None

    for root in roots:
        if not isinstance(root, str) or root.count(":") != 1:
            raise ValueError(f"roots: expected 'analysis.module:function', got {root!r}")
        mod_name, attr = root.split(":")
        mod_name = current_module(mod_name)  # a 0.4 path stored in a provenance file
        if module(mod_name) is None or resolve(mod_name, attr) is None:
            raise ValueError(f"roots: {root!r} is not a top-level definition of a module of the package")
    todo = [resolve(current_module(r.split(":")[0]), r.split(":")[1]) for r in roots]
    seen: set[tuple[str, str]] = set()
    parts: set[str] = set()
    while todo:
        key = todo.pop()
        if key is None or key in seen:
            continue
        seen.add(key)
        m = module(key[0])
        nodes = m.defs[key[1]]
        for node in nodes:
            parts.add(_serial(_Normalise(paths).visit(_copy(node))))
        parts.update(m.external)
        extra = [_serial(_Normalise(paths).visit(_copy(n))) for n in m.other]
        parts.update(extra)
        aliases = dict(m.aliases)
        for node in [*nodes, *m.other]:
            for sub in ast.walk(node):  # imports inside a function body
                if isinstance(sub, (ast.Import, ast.ImportFrom)):
                    parts.update(_add_aliases(aliases, sub, m.name))
        for node in [*nodes, *m.other]:
            for sub in ast.walk(node):
                if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name):
                    target = alias_module(aliases, sub.value.id)
                    if target is not None:
                        todo.append(resolve(target, sub.attr))
                if isinstance(sub, ast.Name):
                    alias = aliases.get(sub.id)
                    if alias is not None and alias[0] == "name":
                        todo.append(resolve(alias[1], alias[2]))
                    elif sub.id in m.defs:
                        todo.append((m.name, sub.id))
    return seen, parts


def _copy(node):
    import copy

    return copy.deepcopy(node)


def _current_hash(prov: "Provenance") -> str:
    """The checkout's hash by the method the provenance was written with."""
    if prov.code_method in (FINGERPRINT_METHOD, AST_V1):
        return code_fingerprint(prov.code_roots, method=prov.code_method)
    if prov.code_method == LEGACY_METHOD:
        return code_hash(prov.code_files)
    raise ValueError(f"{prov.name}: unknown code_method {prov.code_method!r} in its provenance")


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
                  "libraries": _NAMES, "command": [InstanceOf(str)], "results_dir": _DIR,
                  "code_roots": [None, InstanceOf((list, tuple), "a list or tuple of 'module:function' entry points")],
                  "chunk": [None, InstanceOf(dict)]})
def write_results(name: str, frame: pd.DataFrame, *, code_files: Iterable[str | Path], settings: dict,
                  seed: int, libraries: Iterable[str],
                  command: str, results_dir: str | Path | None = None,
                  code_roots: Iterable[str] | None = None, chunk: dict | None = None) -> Provenance:
    """Write ``frame`` and its provenance; returns the :class:`Provenance` written.

    With ``code_roots`` (the sweep's entry points) the provenance carries the computation's
    fingerprint (:func:`code_fingerprint`); without, the 0.3 hash of ``code_files``' bytes.
    ``chunk`` marks the file as one chunk of replicates (see :func:`merge_results`).
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name: expected an identifier-like results name, got {name!r}")
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        raise ValueError("frame: expected a non-empty DataFrame")
    if chunk is not None and not ({"start", "stop", "keys"} <= set(chunk)):
        raise ValueError("chunk: expected a dict with start, stop and keys (the settings naming count and start)")
    out_dir = Path(results_dir or RESULTS_DIR)
    out_dir.mkdir(parents=True, exist_ok=True)
    roots = tuple(code_roots) if code_roots is not None else ()
    prov = Provenance(
        name=name, code_hash=code_fingerprint(roots) if roots else code_hash(code_files),
        code_files=tuple(str(f) for f in code_files),
        settings=json.loads(json.dumps(settings, default=str)), seed=int(seed),
        libraries=library_versions(libraries), command=command,
        created=_dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        python=platform.python_version(),
        code_method=FINGERPRINT_METHOD if roots else LEGACY_METHOD, code_roots=roots,
        chunk=json.loads(json.dumps(chunk)) if chunk is not None else None,
    )
    _write(out_dir, frame, prov)
    return prov


def _write(out_dir: Path, frame: pd.DataFrame, prov: Provenance) -> None:
    frame.to_csv(out_dir / f"{prov.name}.csv", index=False)
    (out_dir / f"{prov.name}.provenance.json").write_text(json.dumps(asdict(prov), indent=2) + "\n")


def _read_provenance(path: Path) -> Provenance:
    raw = json.loads(path.read_text())
    raw["code_files"] = tuple(raw["code_files"])
    raw["code_roots"] = tuple(raw.get("code_roots", ()))
    raw["chunks"] = tuple(raw.get("chunks", ()))
    known = set(Provenance.__dataclass_fields__)
    unknown = set(raw) - known
    if unknown:
        raise ValueError(f"name: {path} has provenance fields this checkout does not know: {sorted(unknown)}")
    return Provenance(**raw)


@validate_params({"name": [InstanceOf(str)], "results_dir": _DIR, "require_current": [Boolean()]})
def load_results(name: str, *, results_dir: str | Path | None = None,
                 require_current: bool = True) -> tuple[pd.DataFrame, Provenance]:
    """Read a results file and its provenance; refuse it if its code fingerprint differs from the checkout's."""
    out_dir = Path(results_dir or RESULTS_DIR)
    csv, meta = out_dir / f"{name}.csv", out_dir / f"{name}.provenance.json"
    if not csv.is_file() or not meta.is_file():
        raise FileNotFoundError(f"name: no results {name!r} in {out_dir}; run `make sweeps SWEEP={name}`")
    prov = _read_provenance(meta)
    if require_current:
        now = _current_hash(prov)
        if now != prov.code_hash:
            raise StaleResultsError(
                f"{name}: computed by code {prov.code_hash[:12]}, the checkout is {now[:12]} "
                f"({prov.code_method}); rerun `make sweeps SWEEP={name}`"
            )
    return pd.read_csv(csv), prov


def _row_order(frames: list[pd.DataFrame]) -> str:
    """How a sweep orders its rows, read from its chunks: ``"replicate"`` or ``"cell"`` (see :func:`merge_results`).

    A replicate-major sweep writes each chunk's replicate column non-decreasing; a cell-major one
    starts again at each cell. Chunks of one replicate each cannot tell the two apart: "cell".
    """
    informative = [f for f in frames if f["replicate"].nunique() > 1]
    if informative and all(f["replicate"].is_monotonic_increasing for f in informative):
        return "replicate"
    return "cell"


def _canonical_order(frames: list[pd.DataFrame], order: str) -> pd.DataFrame:
    """The chunks' rows (chunks in replicate order) in the order a one-piece run writes them.

    ``"replicate"``: replicate by replicate, each replicate's rows as the chunk wrote them, so the
    chunks are simply concatenated. ``"cell"``: grid cell by grid cell (a cell = the values of the
    columns before ``replicate``: table, generator or configuration), each cell's replicates in
    order, each replicate's rows (generations, metrics) in order: a stable sort on (cell, replicate).
    """
    frame = pd.concat(frames, ignore_index=True)
    if order == "replicate":
        return frame
    block_cols = list(frame.columns[:list(frame.columns).index("replicate")])
    if block_cols:
        keys = frame[block_cols].astype(str).agg("\x1f".join, axis=1)
        block = pd.factorize(keys)[0]
    else:
        block = np.zeros(len(frame), dtype=int)
    ordered = pd.DataFrame({"b": block, "r": frame["replicate"].to_numpy()}).sort_values(["b", "r"], kind="stable")
    return frame.iloc[ordered.index.to_numpy()].reset_index(drop=True)


def _shown(path: Path) -> str:
    """A path relative to the repository when it is inside it (provenance must not name a home directory)."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _describe_difference(a: dict, b: dict) -> str:
    keys = sorted(set(a) | set(b))
    return "; ".join(f"{k}: {a.get(k, '(absent)')!r} vs {b.get(k, '(absent)')!r}" for k in keys if a.get(k) != b.get(k))


@validate_params({"name": [InstanceOf(str)], "chunk_dirs": _NAMES, "results_dir": _DIR,
                  "command": [InstanceOf(str)], "require_current": [Boolean()],
                  "row_order": [None, Options(str, {"cell", "replicate"})]})
def merge_results(name: str, chunk_dirs: Iterable[str | Path], *, results_dir: str | Path | None = None,
                  command: str = "", require_current: bool = True, row_order: str | None = None) -> Provenance:
    """Merge chunks of a sweep (each a directory with ``NAME.csv`` and its provenance) into one results file.

    The chunks must be chunks of the same sweep by the same code (the same fingerprint, and the
    checkout's when ``require_current``), with the same seed, settings (all but the replicate
    range) and library versions, and their replicate ranges must tile one range without gap or
    overlap; otherwise :class:`ChunkMismatchError` names the difference. The merged rows are in
    the order a one-piece run writes them; its provenance is the chunks' common one with the whole
    replicate range, and records every chunk's provenance in ``chunks``.

    Parameters
    ----------
    name : str
        The sweep's results name.
    chunk_dirs : sequence of paths
        Directories each holding one chunk.
    results_dir : path, optional
        Where to write the merged ``NAME.csv`` (default ``results/``).
    command : str
        The merge command, recorded in the provenance.
    require_current : bool
        Refuse chunks whose code differs from the checkout's.
    row_order : {"cell", "replicate"}, optional
        How the sweep orders its rows: grid cell by grid cell, each cell's replicates in order
        (the chapter 4 and 6 sweeps), or replicate by replicate. Default: read from the chunks
        (a chunk of two or more replicates shows it), else "cell". A sweep module may declare it
        as ``ROW_ORDER``.

    Returns
    -------
    Provenance
        The merged file's provenance.
    """
    dirs = [Path(d) for d in chunk_dirs]
    if not dirs:
        raise ValueError("chunk_dirs: expected at least one chunk directory")
    loaded = []
    for d in dirs:
        meta = d / f"{name}.provenance.json"
        if not meta.is_file() or not (d / f"{name}.csv").is_file():
            raise FileNotFoundError(f"chunk_dirs: {d} holds no chunk of {name!r} ({name}.csv and its provenance)")
        prov = _read_provenance(meta)
        if prov.chunk is None:
            raise ChunkMismatchError(f"{d}: not a chunk (its provenance has no replicate range)")
        if prov.name != name:
            raise ChunkMismatchError(f"{d}: a chunk of {prov.name!r}, not of {name!r}")
        if prov.code_method != FINGERPRINT_METHOD:
            raise ChunkMismatchError(f"{d}: code recorded by {prov.code_method}, not by {FINGERPRINT_METHOD}")
        loaded.append((d, prov))
    loaded.sort(key=lambda t: t[1].chunk["start"])
    first_dir, first = loaded[0]
    count_key, start_key = first.chunk["keys"]

    def comparable(p: Provenance) -> dict:
        return {k: v for k, v in p.settings.items() if k not in (count_key, start_key)}

    for d, prov in loaded[1:]:
        if prov.code_hash != first.code_hash or tuple(prov.code_roots) != tuple(first.code_roots):
            raise ChunkMismatchError(f"{d}: computed by other code than {first_dir} "
                                     f"(fingerprint {prov.code_hash[:12]} vs {first.code_hash[:12]})")
        if prov.seed != first.seed:
            raise ChunkMismatchError(f"{d}: seed {prov.seed} vs {first.seed} in {first_dir}")
        if comparable(prov) != comparable(first):
            raise ChunkMismatchError(f"{d}: other settings than {first_dir}: "
                                     f"{_describe_difference(comparable(prov), comparable(first))}")
        if list(prov.chunk["keys"]) != [count_key, start_key]:
            raise ChunkMismatchError(f"{d}: replicate range named by {prov.chunk['keys']}, not {[count_key, start_key]}")
        if prov.libraries != first.libraries:
            raise ChunkMismatchError(f"{d}: other library versions than {first_dir}: "
                                     f"{_describe_difference(prov.libraries, first.libraries)}")
    if require_current:
        now = code_fingerprint(first.code_roots)
        if now != first.code_hash:
            raise ChunkMismatchError(f"{first_dir}: computed by code {first.code_hash[:12]}, "
                                     f"the checkout is {now[:12]}; rerun the chunks")
    for (d0, p0), (d1, p1) in zip(loaded, loaded[1:]):
        if p1.chunk["start"] != p0.chunk["stop"]:
            kind = "overlap" if p1.chunk["start"] < p0.chunk["stop"] else "gap"
            raise ChunkMismatchError(f"{d1}: replicates {p1.chunk['start']}..{p1.chunk['stop'] - 1} after "
                                     f"{p0.chunk['start']}..{p0.chunk['stop'] - 1} of {d0} ({kind})")
    frames = []
    for d, prov in loaded:
        frame = pd.read_csv(d / f"{name}.csv")
        if "replicate" not in frame.columns:
            raise ChunkMismatchError(f"{d}: the results have no 'replicate' column to merge on")
        reps = set(frame["replicate"].unique())
        if reps != set(range(prov.chunk["start"], prov.chunk["stop"])):
            raise ChunkMismatchError(f"{d}: its rows hold replicates {sorted(reps)[:5]}..., not "
                                     f"{prov.chunk['start']}..{prov.chunk['stop'] - 1} as its provenance says")
        frames.append(frame)
    merged = _canonical_order(frames, row_order or _row_order(frames))
    start, stop = loaded[0][1].chunk["start"], loaded[-1][1].chunk["stop"]
    settings = dict(first.settings)
    settings[count_key], settings[start_key] = stop - start, start
    out = Provenance(
        name=name, code_hash=first.code_hash, code_files=first.code_files, settings=settings, seed=first.seed,
        libraries=first.libraries, command=command or f"merge of {len(loaded)} chunks",
        created=_dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        python=platform.python_version(), code_method=first.code_method, code_roots=tuple(first.code_roots),
        chunks=tuple({"dir": _shown(d), **asdict(p)} for d, p in loaded),
    )
    out_dir = Path(results_dir or RESULTS_DIR)
    out_dir.mkdir(parents=True, exist_ok=True)
    _write(out_dir, merged, out)
    return out


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
