"""Record where every glued value comes from: the datasets read and the ``analysis`` functions called.

The report's promise is that a reader gets from a number to its code, data and source in one
click. This module does the run-time half: while a notebook executes, ``analysis.data.loader.load``
calls :func:`note_dataset`, and :func:`record` (called by ``analysis.publish.glue.glue_value`` and
``analysis.publish.plotting.glue_figure``) returns what the current cell and the cells that produced its
inputs touched. The build half (``tools/reader_site.py``) reads these records from the executed
notebooks and links every glued number on the site to its entry.

How inputs are traced: after each cell, the names it assigned inherit the cell's own datasets and
functions plus those of every name the cell read (a cell-level data flow over the notebook's
top-level variables, found with :mod:`ast`). Calls are found statically in the cell's source and
kept when they resolve, in the kernel's namespace, to a function of the ``analysis`` package.
This is deliberately coarse: it may name a dataset a cell touched but a value did not use, never
the reverse for data read through ``analysis.data.loader.load`` in the glueing cell or its ancestors.
"""

from __future__ import annotations

import ast
import functools
import types
from dataclasses import dataclass, field

from analysis.core.validation import _Constraint, validate_params


class _Name(_Constraint):
    example = "regulation"

    def type_ok(self, value) -> bool:
        return isinstance(value, str)

    def check(self, value) -> str | None:
        return None if value.strip() else "a dataset name cannot be empty"

    def describe(self) -> str:
        return "a dataset name"

__all__ = ["ProvenanceRecord", "note_dataset", "record", "reset"]


@dataclass(frozen=True)
class ProvenanceRecord:
    """What a glued value was computed from.

    Attributes
    ----------
    datasets : tuple of str
        Curated datasets (``analysis/data/NAME.csv``) read by the cell or by the cells feeding it.
    functions : tuple of str
        Fully qualified ``analysis`` functions called by those cells (e.g. ``analysis.exhaustion.project``).
    rows : dict of str to tuple of str
        For a value that is one or more rows: dataset name -> primary keys of those rows.
    code : str
        The source of the glueing cell, as written in the notebook.
    """

    datasets: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    rows: dict[str, tuple[str, ...]] = field(default_factory=dict)
    code: str = ""

    def as_json(self) -> dict:
        return {
            "datasets": list(self.datasets),
            "functions": list(self.functions),
            "rows": {k: list(v) for k, v in self.rows.items()},
            "code": self.code,
        }


class _Tracker:
    """Per-kernel state: datasets read in the running cell and the provenance of each variable."""

    def __init__(self) -> None:
        self.cell_datasets: set[str] = set()
        self.raw_cell: str | None = None
        self.variables: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        self.hooked = False

    def reset_cell(self, info=None) -> None:
        self.cell_datasets = set()
        self.raw_cell = getattr(info, "raw_cell", None)


_TRACKER = _Tracker()


@validate_params({})
def reset() -> None:
    """Forget everything recorded (for tests and for a fresh kernel).

    Returns
    -------
    None
    """
    _TRACKER.__init__()


@validate_params({"name": [_Name()]})
def note_dataset(name: str) -> None:
    """Record that dataset ``name`` was read in the running cell (called by ``analysis.data.loader.load``).

    Parameters
    ----------
    name : str
        Name of the curated dataset read.

    Returns
    -------
    None
    """
    _ensure_hooks()
    _TRACKER.cell_datasets.add(str(name))


def _ipython():
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with every kernel
        return None
    return get_ipython()


def _ensure_hooks() -> None:
    """Register the cell hooks once per kernel (no-op outside IPython)."""
    if _TRACKER.hooked:
        return
    ip = _ipython()
    if ip is None:
        return
    ip.events.register("pre_run_cell", _TRACKER.reset_cell)
    ip.events.register("post_run_cell", _post_run_cell)
    _TRACKER.hooked = True


def _current_source() -> str:
    ip = _ipython()
    if ip is None:
        return ""
    history = ip.user_ns.get("_ih") or [""]
    return history[-1] or ""


def _parse(source: str) -> ast.Module | None:
    ip = _ipython()
    if ip is not None:
        # IPython magics and shell escapes are not Python: let IPython turn them into calls first
        try:
            source = ip.transform_cell(source)
        except Exception:  # noqa: BLE001 - a cell IPython cannot transform has no traceable calls
            return None
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    # a cell magic (%%time) wraps the cell's code in a string: trace that code instead
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "run_cell_magic" and len(node.args) == 3
            and isinstance(node.args[2], ast.Constant) and isinstance(node.args[2].value, str)
        ):
            try:
                return ast.parse(ip.transform_cell(node.args[2].value) if ip is not None else node.args[2].value)
            except SyntaxError:
                return None
    return tree


def _resolve(node: ast.expr, namespace: dict) -> object | None:
    """The object a ``Name`` or dotted ``Attribute`` chain refers to in ``namespace``, if any."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in namespace:
        return None
    obj = namespace[node.id]
    for attr in reversed(parts):
        if not isinstance(obj, types.ModuleType):
            return None  # a method on a value: not resolvable statically, and not ours to guess
        obj = getattr(obj, attr, None)
    return obj


# Publishing helpers say how a value is shown, not how it was computed.
_NOT_COMPUTATION = ("analysis.publish.glue", "analysis.publish.plotting", "analysis.publish.provenance", "analysis.publish.tables")


def _qualified(obj: object) -> str | None:
    if isinstance(obj, functools.partial):  # c = functools.partial(report.cell, S): calling c calls report.cell
        obj = obj.func
    module = getattr(obj, "__module__", None) or ""
    name = getattr(obj, "__qualname__", None)
    if not (name and callable(obj)) or module in _NOT_COMPUTATION:
        return None
    if module == "analysis" or module.startswith("analysis."):
        return f"{module}.{name}"
    return None


def _analyse(tree: ast.Module | None, namespace: dict) -> tuple[set[str], set[str], set[str]]:
    """(analysis functions called, names read, names assigned) in a cell."""
    functions, reads, writes = set(), set(), set()
    if tree is None:
        return functions, reads, writes
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            q = _qualified(_resolve(node.func, namespace))
            if q:
                functions.add(q)
        elif isinstance(node, ast.Name):
            (writes if isinstance(node.ctx, ast.Store) else reads).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            writes.add(node.name)
    # only top-level assignments and augmented assignments define the notebook's variables
    top_writes = set()
    for stmt in tree.body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                top_writes.add(node.id)
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node in tree.body:
                top_writes.add(node.name)
    return functions, reads, top_writes & writes


def _cell_provenance(source: str) -> tuple[set[str], set[str], set[str]]:
    ip = _ipython()
    namespace = ip.user_ns if ip is not None else {}
    functions, reads, writes = _analyse(_parse(source), namespace)
    datasets = set(_TRACKER.cell_datasets)
    for name in reads:
        if name in _TRACKER.variables:
            ds, fn = _TRACKER.variables[name]
            datasets |= ds
            functions |= fn
    return datasets, functions, writes


def _post_run_cell(result=None) -> None:
    source = getattr(getattr(result, "info", None), "raw_cell", None) or _current_source()
    datasets, functions, writes = _cell_provenance(source)
    entry = (frozenset(datasets), frozenset(functions))
    for name in writes:
        _TRACKER.variables[name] = entry


@validate_params({"rows": [dict, None]})
def record(*, rows: dict | None = None) -> ProvenanceRecord:
    """The provenance of a value glued now, from the running cell and the cells that fed it.

    Parameters
    ----------
    rows : dict of str to sequence of str, optional
        Dataset name -> primary keys, when the glued value is one or more rows of a dataset.

    Returns
    -------
    ProvenanceRecord
    """
    _ensure_hooks()
    picked: dict[str, set[str]] = {}
    if rows is not None:
        if not isinstance(rows, dict):
            raise TypeError(f"rows: expected a dict of dataset name -> row keys, got {type(rows).__name__}")
        for dataset, keys in rows.items():
            if not isinstance(dataset, str) or not dataset:
                raise ValueError("rows: keys must be non-empty dataset names")
            picked[dataset] = {str(k) for k in ([keys] if isinstance(keys, str) else keys)}
    source = _TRACKER.raw_cell if _TRACKER.raw_cell is not None else _current_source()
    datasets, functions, _ = _cell_provenance(source)
    datasets |= set(picked)
    return ProvenanceRecord(
        datasets=tuple(sorted(datasets)),
        functions=tuple(sorted(functions)),
        rows={k: tuple(sorted(v)) for k, v in sorted(picked.items())},
        code=source,
    )
