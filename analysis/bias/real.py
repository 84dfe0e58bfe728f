"""Real generators in the feedback loop, and the effective temperature that places each on the transparent model.

Any generator with the :class:`analysis.generators.tabular.TabularGenerator` interface (``fit(table, seed=)``,
``sample(rows, seed=)``) can be put in the loop: generation t+1 is a table of the same size sampled
from the generator fitted to generation t, generation 0 is the real table. What the chapter
measures is what the loop does to the four (group, label) cells (:func:`generator_cell_paths`).

The *effective temperature* of a generator is the temperature of the transparent model whose
one-generation cell shift best matches the generator's (:func:`effective_temperature`): in
expectation the transparent model maps the cell shares :math:`p_0` to :math:`\\tau_T(p_0)`, so T is
fitted by maximising the multinomial likelihood of the generator's pooled generation-1 cell counts,

.. math::

    \\hat T = \\arg\\max_T \\sum_c \\bar N_c \\log \\tau_T(p_0)_c,

with a percentile-bootstrap interval over replicates (which keeps whatever extra variation the
generator has between fits). T > 1 means the generator flattens the cells towards equal shares
(which raises a minority's share), T < 1 that it sharpens them, as the transparent model with
T < 1 does.

References
----------
wyllie2024fairness
efron1993introduction
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.bias.chain import CellPaths
from analysis.bias.generator import fit_generator, sample_encoded, tempered_rows
from analysis.bias.loop import _N_JOBS, _TEMPERATURE, check_n_jobs
from analysis.bias.table import (
    _COLUMN,
    _VALUE,
    _example,
    check_table,
    check_temperature,
    decode_table,
    encode_table,
    finish_numeric,
    positive_value,
    table_cell_counts,
)
from analysis.core.validation import (
    MAX_REPLICATES,
    REPLICATES,
    ArrayLike,
    Frame,
    InstanceOf,
    Integral,
    Interval,
    Real,
    Seed,
    check_int,
    validate_params,
)

__all__ = ["GeneratorSpec", "TemperedTableGenerator", "EffectiveTemperature", "T_GRID", "generator_cell_paths",
           "effective_temperature", "transparent_shift"]


class GeneratorSpec(NamedTuple):
    """A generator by name (see :func:`analysis.generators.tabular.make_generator`), its epsilon and options.

    Chapter 6's sweep keeps its own :class:`analysis.privacy.sweep.GeneratorSpec` ``(key, name,
    epsilon)``: another field order, a key given rather than derived, no options, and fixed by the
    fingerprint of that chapter's stored results.
    """

    name: str
    epsilon: float | None = None
    options: tuple[tuple[str, object], ...] = ()

    def make(self, *, label: str | None = None, domain: pd.DataFrame | None = None):
        """A fresh, unfitted generator; MST gets a star tree centred on ``label`` and ``domain`` as its schema.

        The star tree is fixed before seeing the data (it spends no privacy budget on selection).
        ``domain`` (the loop's real table) fixes MST's levels and bin bounds for every generation,
        as the privacy sweep does with the full table: the schema is public, a level that one
        generation lost can still be drawn in the next, and ``mbi`` compiles its model once per
        table instead of once per generation (a domain re-read from each synthetic table changes
        as levels vanish, and every change costs a JAX compilation of about ten seconds).
        """
        if self.name == "tempered":
            return TemperedTableGenerator(**dict(self.options))
        from analysis.generators.tabular import make_generator

        options = dict(self.options)
        if self.name == "mst" and label is not None:
            options.setdefault("star_center", label)
        if self.name == "mst" and domain is not None:
            options.setdefault("public_domain", domain)
        return make_generator(self.name, epsilon=self.epsilon, **options)

    @property
    def key(self) -> str:
        """A short identifier, e.g. ``mst_eps1`` or ``copula``."""
        return self.name if self.epsilon is None else f"{self.name}_eps{self.epsilon:g}"


@dataclass
class TemperedTableGenerator:
    """The chapter's transparent tempered generator behind the common fit/sample interface."""

    group: str
    label: str
    temperature: float = 1.0
    positive_label: object = None
    name: str = "tempered"
    _fitted: tuple | None = field(default=None, repr=False)

    def fit(self, table: pd.DataFrame, *, seed: int | None = None) -> "TemperedTableGenerator":
        enc = encode_table(table, group=self.group, label=self.label, positive_label=self.positive_label)
        self._fitted = (fit_generator(enc.codes, enc.numeric, temperature=check_temperature(self.temperature)),
                        enc.meta)
        return self

    def sample(self, rows: int, *, seed: int | None = None) -> pd.DataFrame:
        rows = check_int("rows", rows, minimum=1)
        if self._fitted is None:
            raise RuntimeError("tempered: call fit(table) before sample(rows)")
        gen, meta = self._fitted
        codes, numeric = sample_encoded(gen, rows=rows, rng=np.random.default_rng(seed))
        return decode_table(codes, finish_numeric(numeric, meta), meta)


def _one_path(table, spec: GeneratorSpec, *, generations, group, label, minority, positive, seed) -> np.ndarray:
    rng = np.random.default_rng(seed)
    seeds = rng.integers(0, 2**31 - 1, size=(generations, 2))
    out = np.empty((generations + 1, 4), dtype=np.int64)
    current = table
    out[0] = table_cell_counts(table, group=group, label=label, minority=minority, positive=positive)
    for t in range(1, generations + 1):
        generator = spec.make(label=label, domain=table).fit(current, seed=int(seeds[t - 1, 0]))
        current = generator.sample(len(table), seed=int(seeds[t - 1, 1]))
        out[t] = table_cell_counts(current, group=group, label=label, minority=minority, positive=positive)
    return out


@validate_params({"table": [Frame()], "spec": [_example(InstanceOf(GeneratorSpec), GeneratorSpec("copula"))],
                  "generations": [Interval(Integral, 1, 1000, closed="both")],
                  "replicates": [REPLICATES],
                  # a seed, a SeedSequence or entropy as a list of integers (the sweep's seed streams)
                  "seed": [None, Seed(), InstanceOf(np.random.SeedSequence),
                           InstanceOf((list, tuple), "a list of non-negative integers (SeedSequence entropy)")],
                  "group": _COLUMN, "label": _COLUMN, "positive_label": [None, *_VALUE], "n_jobs": _N_JOBS,
                  "first_replicate": [Interval(Integral, 0, MAX_REPLICATES, closed="both")]})
def generator_cell_paths(table: pd.DataFrame, spec: GeneratorSpec, *, generations: int, replicates: int,
                         seed: int | np.random.SeedSequence | list[int] | tuple[int, ...] | None,
                         group: str, label: str, positive_label: str | int | bool | None = None,
                         n_jobs: int | None = None, first_replicate: int = 0) -> CellPaths:
    """Cell counts of the loop's tables when ``spec``'s generator is refitted to its own output each generation.

    Parameters
    ----------
    table : DataFrame
        Generation 0 (the real table); every later table has the same number of rows.
    spec : GeneratorSpec
        The generator (a fresh one is fitted every generation).
    generations, replicates : int
        Generations after generation 0 (at least 1); replicates.
    seed : int, SeedSequence or list of int
        Replicate r uses the r-th child of ``numpy.random.SeedSequence(seed)`` (fit and sample seeds
        of each generation drawn from it), so results do not depend on ``n_jobs`` or the backend.
    group, label : str
        The group and outcome columns whose cells are counted (minority = the smaller group).
    positive_label : str, int or bool, optional
        The favourable label value (default: 1, True or "Yes").
    n_jobs : int, -1 or None
        Replicates run through joblib; None defers to the caller's ``joblib.parallel_config``.
    first_replicate : int
        Index of the first replicate to run (a reduced rerun of replicates k..k+replicates-1).

    Returns
    -------
    CellPaths
        Counts of shape (replicates, generations + 1, 4).

    References
    ----------
    wyllie2024fairness
    """
    from joblib import Parallel, delayed

    if not isinstance(spec, GeneratorSpec):
        raise TypeError(f"spec: expected a GeneratorSpec, got {type(spec).__name__}")
    generations = int(generations)
    replicates = int(replicates)
    first_replicate = int(first_replicate)
    n_jobs = check_n_jobs(n_jobs)
    if seed is None:
        raise ValueError("seed: a fixed seed is required so that replicates are reproducible")
    check_table(table, group=group, label=label, categorical=None)
    enc = encode_table(table, group=group, label=label, positive_label=positive_label)
    minority, positive = enc.meta.minority, positive_value(table[label], positive_label)
    children = np.random.SeedSequence(seed).spawn(first_replicate + replicates)[first_replicate:]
    paths = Parallel(n_jobs=n_jobs)(
        delayed(_one_path)(table, spec, generations=generations, group=group, label=label, minority=minority,
                           positive=positive, seed=child)
        for child in children
    )
    return CellPaths(counts=np.stack(paths))


# --------------------------------------------------------------------------------------------
# effective temperature
# --------------------------------------------------------------------------------------------


class EffectiveTemperature(NamedTuple):
    """The transparent model's temperature best matching a generator's one-generation cell shift, with its interval."""

    estimate: float
    low: float
    high: float
    replicates: int
    at_bound: bool


#: the temperatures searched, log-spaced (T outside this range is reported at the bound)
T_GRID = np.exp(np.linspace(np.log(0.05), np.log(20.0), 3001))


def _loglik(pooled: np.ndarray, p0: np.ndarray) -> np.ndarray:
    # log tau_T(p0) for every T of the grid, cells with p0 = 0 dropped (tau gives them 0 at every T)
    keep = p0 > 0
    logp = np.log(p0[keep])
    logw = logp[:, None] / T_GRID[None, :]
    log_tau = logw - np.logaddexp.reduce(logw, axis=0, keepdims=True)
    return pooled[..., keep] @ log_tau


_P0 = [_example(ArrayLike(lo=0, min_size=1), np.array([2400.0, 1000.0, 900.0, 300.0]))]
_NEXT = _example(ArrayLike(ndim=2, lo=0, min_size=8), np.array([[2350, 1020, 930, 300], [2420, 980, 880, 320]]))


@validate_params({"initial_counts": _P0, "next_counts": [_NEXT],
                  "level": [Interval(Real, 0, 1, closed="neither")],
                  "resamples": [Interval(Integral, 100, 100_000, closed="both", cap_reason="100,000 resamples")],
                  "seed": [Seed()]})
def effective_temperature(initial_counts: np.ndarray | list | tuple, next_counts: np.ndarray | list, *,
                          level: float = 0.95, resamples: int = 2000,
                          seed: int | np.random.Generator | None = None) -> EffectiveTemperature:
    """Fit the effective temperature of a generator from its generation-1 cell counts.

    Parameters
    ----------
    initial_counts : array_like of 4
        Cell counts of the table the generator was fitted to.
    next_counts : array_like of shape (replicates, 4)
        Cell counts of the tables it sampled, one row per replicate (at least 2).
    level : float
        Confidence level of the percentile-bootstrap interval (over replicates).
    resamples : int
        Bootstrap resamples.
    seed : int or Generator, optional
        Seed of the bootstrap.

    Returns
    -------
    EffectiveTemperature
        Maximum-likelihood T on a log grid from 0.05 to 20 (``at_bound`` if the optimum is an
        end of the grid) and its interval.

    References
    ----------
    efron1993introduction
    """
    p0 = np.asarray(initial_counts, dtype=float)
    if p0.shape != (4,) or not np.isfinite(p0).all() or (p0 < 0).any() or p0.sum() <= 0:
        raise ValueError("initial_counts: expected 4 non-negative counts with a positive total")
    p0 = p0 / p0.sum()
    nxt = np.asarray(next_counts, dtype=float)
    if nxt.ndim != 2 or nxt.shape[1] != 4 or len(nxt) < 2 or (nxt < 0).any() or not np.isfinite(nxt).all():
        raise ValueError("next_counts: expected non-negative counts of shape (replicates >= 2, 4)")
    level = float(level)
    resamples = int(resamples)
    shares = nxt / nxt.sum(axis=1, keepdims=True)
    estimate_i = int(np.argmax(_loglik(shares.mean(axis=0), p0)))
    rng = np.random.default_rng(seed)
    boot = np.empty(resamples)
    for start in range(0, resamples, 500):
        idx = rng.integers(0, len(shares), size=(min(500, resamples - start), len(shares)))
        pooled = shares[idx].mean(axis=1)
        boot[start: start + len(idx)] = T_GRID[np.argmax(_loglik(pooled, p0), axis=1)]
    low, high = np.quantile(boot, [(1 - level) / 2, (1 + level) / 2])
    return EffectiveTemperature(estimate=float(T_GRID[estimate_i]), low=float(low), high=float(high),
                                replicates=len(shares), at_bound=estimate_i in (0, len(T_GRID) - 1))


@validate_params({"initial_counts": _P0, "temperature": _TEMPERATURE})
def transparent_shift(initial_counts: np.ndarray | list | tuple, *, temperature: float) -> np.ndarray:
    """Expected generation-1 cell shares of the transparent model at ``temperature``: tau_T(p0).

    Parameters
    ----------
    initial_counts : array_like of 4
        Cell counts of the table the generator is fitted to.
    temperature : float
        T > 0.

    Returns
    -------
    ndarray, shape (4,)
        :math:`\\tau_T(p_0)`.

    References
    ----------
    wyllie2024fairness
    """
    temperature = check_temperature(temperature)
    p0 = np.asarray(initial_counts, dtype=float)
    if p0.shape != (4,) or (p0 < 0).any() or p0.sum() <= 0:
        raise ValueError("initial_counts: expected 4 non-negative counts with a positive total")
    return tempered_rows(p0[None, :], temperature)[0]
