"""Every public function of ``analysis`` declares its parameters' constraints, and honours them.

The list of public functions is read from the package itself (each module's ``__all__``, or its
public top-level functions), so a new function without declared constraints fails here. For each
declared parameter, Hypothesis generates values that violate the declaration (wrong types, values
out of range, NaN, non-ISO dates, bad seeds); the call must raise a ``TypeError`` or ``ValueError``
whose message starts with the parameter's name, and must do so quickly (no hang, no huge allocation
before the check).
"""

from __future__ import annotations

import importlib
import inspect
import math
import pathlib

import numpy as np
import pandas as pd
import pytest
from conftest import time_limit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis._modules import module_names
from analysis.core import validation as v

# Modules whose public API is not a model function: validation defines the vocabulary itself.
EXEMPT_MODULES = {"analysis.core.validation"}
# Functions exempt by design, with the reason (kept short and explicit).
EXEMPT_FUNCTIONS: dict[str, str] = {}


def _modules():
    """Every module of every subpackage (walked, not listed by hand), but the deprecated 0.4 paths."""
    for name in module_names():
        if name not in EXEMPT_MODULES:
            yield importlib.import_module(name)


def public_functions() -> list[tuple[str, object]]:
    """(qualified name, function) for every public function defined in an analysis module."""
    out = []
    for mod in _modules():
        names = getattr(mod, "__all__", None)
        if names is None:
            names = [n for n in vars(mod) if not n.startswith("_")]
        for name in names:
            obj = getattr(mod, name)
            if not inspect.isfunction(obj):
                continue
            if getattr(obj, "__module__", None) != mod.__name__ and not hasattr(obj, "__wrapped__"):
                continue  # re-exported from elsewhere; checked where it is defined
            inner = inspect.unwrap(obj)
            if inner.__module__ != mod.__name__:
                continue
            out.append((f"{mod.__name__}.{name}", obj))
    return sorted(out, key=lambda t: t[0])


FUNCTIONS = public_functions()


def test_public_functions_are_found():
    # 0.4 declared 215 public functions (issue 26); walking every subpackage must find them all
    assert len(FUNCTIONS) >= 215, len(FUNCTIONS)


@pytest.mark.parametrize("qualname", [n for n, _ in FUNCTIONS])
def test_every_public_function_declares_its_constraints(qualname):
    if qualname in EXEMPT_FUNCTIONS:
        pytest.skip(EXEMPT_FUNCTIONS[qualname])
    func = dict(FUNCTIONS)[qualname]
    assert v.constraints_of(func) is not None, (
        f"{qualname} has no declared parameter constraints: decorate it with "
        f"analysis.core.validation.validate_params"
    )


# ------------------------------------------------------------------------------------------------
# generated bad inputs


def _bad_values(constraints) -> st.SearchStrategy:
    """Values that satisfy none of ``constraints``."""
    candidates = st.one_of(
        st.text(max_size=6),
        st.booleans(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(min_value=-(10**13), max_value=10**13),
        st.just(None),
        st.just("05/01/2024"),
        st.just("24-01-05"),
        st.just(float("nan")),
        st.just([1.0, float("nan")]),
        st.just({"a": 1}),
        st.just(object()),
    )

    def valid(value) -> bool:
        for c in constraints:
            try:
                if c.type_ok(value) and c.check(value) is None:
                    return True
            except Exception:  # a constraint that cannot even inspect the value rejects it
                continue
        return False

    return candidates.filter(lambda x: not valid(x))


CASES = [
    (qualname, param)
    for qualname, func in FUNCTIONS
    for param in (v.constraints_of(func) or {})
]


@pytest.mark.parametrize(("qualname", "param"), CASES)
def test_generated_bad_input_gets_a_named_error_quickly(qualname, param):
    func = dict(FUNCTIONS)[qualname]
    constraints = v.constraints_of(func)
    sig = inspect.signature(func)

    @settings(max_examples=12, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
    @given(_bad_values(constraints[param]))
    def check(bad):
        # the checks run in parameter order, so the other parameters may be anything: the
        # parameter under test is checked no later than the first bad one before it; give the
        # earlier ones valid-looking placeholders only when they have a default
        kwargs = {}
        for name, p in sig.parameters.items():
            if p.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
                continue  # *args / **kwargs cannot be passed by name
            if name == param:
                kwargs[name] = bad
                break
            if p.default is inspect.Parameter.empty:
                kwargs[name] = _valid_example(constraints.get(name, []))
        try:
            with time_limit(5):
                func(**kwargs)
        except (TypeError, ValueError) as exc:
            assert str(exc).startswith(f"{param}:"), f"{qualname}({param}={bad!r}) -> {exc}"
        else:
            raise AssertionError(f"{qualname} accepted {param}={bad!r}")

    check()


def _built_examples():
    """Valid instances of classes that cannot be built without arguments (fitted models, arrays, corpora)."""
    from analysis.collapse import kneser_ney
    from analysis.collapse import corpus as lm_corpus
    from analysis.collapse import transformer as lm_transformer

    sents = [np.array([3, 4, 5, 3], dtype=np.int32), np.array([4, 5], dtype=np.int32)]
    vocab = lm_corpus.SPECIALS + ("a", "b", "c", "d")
    corpus = lm_corpus.Corpus([["a", "b"]], [["c", "d"]], np.array([0]), np.array([1]), 2, "")
    ctx, words = kneser_ney.padded_ngrams(sents, order=2, vocab_size=7)
    return {kneser_ney.KneserNeyModel: kneser_ney.fit_kneser_ney(sents, order=2, vocab_size=7),
            kneser_ney.Positions: kneser_ney.index_positions(ctx, words, vocab_size=7),
            np.ndarray: np.arange(10), lm_corpus.Corpus: corpus,
            lm_transformer.Tokenizer: lm_transformer.make_tokenizer(vocab, whole_words=2)}


def _valid_example(constraints):
    """A value satisfying the first constraint that can produce one (used for earlier parameters)."""
    built = _built_examples()
    for c in constraints:
        if isinstance(c, v.InstanceOf):
            for cls in (c.cls if isinstance(c.cls, tuple) else (c.cls,)):
                if cls in built:
                    return built[cls]
        if hasattr(c, "example"):  # a constraint may carry its own valid example
            return c.example
        if isinstance(c, v.Interval):
            lo = c.left if c.left is not None else (c.right - 1 if c.right is not None else 0)
            hi = c.right if c.right is not None else lo + 2
            mid = (lo + hi) / 2
            val = int(math.floor(mid)) if c.kind is v.Integral else float(mid)
            if c.type_ok(val) and c.check(val) is None:
                return val
        if isinstance(c, v.Options):
            return c.options[0]
        if isinstance(c, v.Boolean):
            return False
        if isinstance(c, v.ISODate):
            return "2020-01-01"
        if isinstance(c, v.Seed):
            return 0
        if isinstance(c, v.ArrayLike):
            lo = 0.0 if c.lo is None else c.lo
            hi = lo + 1.0 if c.hi is None else c.hi
            arr = np.linspace(lo, hi, max(3, c.min_size))
            arr = arr.reshape(-1, 1) if c.ndim == 2 else arr
            return np.round(arr) if c.integer else arr
        if isinstance(c, v.Frame):
            cols = c.required or ("x",)
            return pd.DataFrame({col: [1.0, 2.0, 3.0] for col in cols})
        if isinstance(c, v.InstanceOf):
            classes = c.cls if isinstance(c.cls, tuple) else (c.cls,)
            for cls in classes:
                if cls is str:
                    return "x"
                if cls is np.random.Generator:
                    return np.random.default_rng(0)
                if isinstance(cls, type) and issubclass(dict, cls):
                    return {}
                if cls in (list, tuple, set, frozenset):
                    return cls()
                if isinstance(cls, type) and issubclass(pathlib.Path, cls):
                    return pathlib.Path(".")
            for cls in classes:  # any other class that builds with no arguments (e.g. a matplotlib Figure)
                if isinstance(cls, type):
                    try:
                        val = cls()
                    except Exception:  # noqa: BLE001 - not constructible without arguments
                        continue
                    if c.type_ok(val) and c.check(val) is None:
                        return val
        if isinstance(c, v.CallableConstraint):
            return lambda **kwargs: 0.0
    return None
