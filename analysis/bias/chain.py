"""The transparent model's (group, label) cells as a Markov chain on four counts, and its expected-value recursion.

Which cell a synthetic row falls in depends only on the fitted cell counts: the other columns are
drawn *within* the cell. So the cell counts of the loop's training tables are a Markov chain of
their own,

.. math::

    N_{t+1} = \\mathrm{Multinomial}\\big(n_s,\\ \\tau_T(N_t)\\big) + H_t, \\qquad
    \\tau_T(N)_c = \\frac{N_c^{1/T}}{\\sum_{c'} N_{c'}^{1/T}},

with :math:`n_s = n - n_r` synthetic rows and :math:`H_t` the cells of :math:`n_r` fresh real rows
drawn without replacement (multivariate hypergeometric); with stratified generation each group's
synthetic rows are fixed and only the label within a group is drawn. :func:`simulate_cells` draws
this chain for all replicates at once (numpy's multinomial broadcasts over a stack of probability
vectors), equal in distribution to drawing every row (:func:`analysis.bias.loop.simulate_shares`,
tested) and over a thousand times faster.

Its expected-value recursion (:func:`expected_cell_shares`) replaces the random counts by their
shares, :math:`p_{t+1} = (1 - f)\\,\\tau_T(p_t) + f\\,p_{\\mathrm{real}}`. Without real data it has
the closed form

.. math::

    p_{c,t} = \\frac{p_{c,0}^{\\,T^{-t}}}{\\sum_{c'} p_{c',0}^{\\,T^{-t}}}, \\qquad
    \\log\\frac{p_{a,t}}{p_{b,t}} = T^{-t} \\log\\frac{p_{a,0}}{p_{b,0}},

so the log-odds between any two cells grow geometrically, by the factor 1/T per generation: the
temperature alone fixes how fast the minority's cells are driven out. The recursion is exact for one
generation and the large-table limit after more (the chain's sampling noise enters the nonlinear
map, a correction of order t/n), which the tests check on a table large enough for that term to be
below the Monte Carlo error.

References
----------
wyllie2024fairness
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from analysis.bias.generator import tempered_rows
from analysis.bias.loop import _FRACTION, _GENERATIONS, _SEED, _STRATEGY, _TEMPERATURE, STRATEGIES, check_loop, stratified_group_rows
from analysis.bias.table import _example
from analysis.core.validation import ArrayLike, InstanceOf, Integral, Interval, Relation, validate_params

#: four cell counts (e.g. of the arrests table's training split)
_COUNTS = [_example(ArrayLike(lo=0, hi=10**9, integer=True, size=4), np.array([2400, 1000, 900, 300]))]


def _total_rows(name: str) -> Relation:
    """The four cell counts ``name`` add up to a table of 1 to 10**9 rows."""
    return Relation((name,), lambda **kw: 1 <= float(np.sum(kw[name])) <= 10**9,
                    "the four cell counts must add up to between 1 and 10**9 rows")


# T**-t overflows a float beyond t x |ln T| = 709: the declared limit leaves a margin
_FACTOR_FITS = Relation(("temperature", "generations"),
                        lambda temperature, generations: generations * abs(math.log(temperature)) <= 690,
                        "the log-odds factor T**-generations must stay below 1e300 (generations x |ln T| <= 690)")


class CellPaths(NamedTuple):
    """Cell counts of the training tables: ``counts[r, t, c]`` for replicate r, generation t, cell c."""

    counts: np.ndarray

    @property
    def minority_share(self) -> np.ndarray:
        """Minority share per replicate and generation, shape (replicates, generations + 1)."""
        c = self.counts
        return (c[..., 2] + c[..., 3]) / c.sum(axis=-1)

    @property
    def shares(self) -> np.ndarray:
        """Cell shares per replicate and generation, shape (replicates, generations + 1, 4)."""
        return self.counts / self.counts.sum(axis=-1, keepdims=True)


def _counts(counts) -> np.ndarray:
    # declared (_COUNTS, _total_rows): four non-negative integer counts; only converted here
    return np.asarray(counts).astype(np.int64)


@validate_params({"initial_counts": _COUNTS, "generations": _GENERATIONS,
                  "replicates": [Interval(Integral, 1, 1_000_000, closed="both", cap_reason="10**6 replicates")],
                  "temperature": _TEMPERATURE, "real_fraction": _FRACTION, "strategy": _STRATEGY, "seed": _SEED},
                 relations=[_total_rows("initial_counts")])
def simulate_cells(initial_counts: np.ndarray | list | tuple, *, generations: int, replicates: int,
                   temperature: float = 1.0, real_fraction: float = 0.0, strategy: str = "naive",
                   seed: int | np.random.Generator | np.random.SeedSequence | None = None) -> CellPaths:
    """Draw the cell-count chain of the transparent loop for many replicates at once.

    Parameters
    ----------
    initial_counts : array_like of 4 int
        Cell counts of the real (generation-0) table, in the order of
        :data:`analysis.bias.table.CELL_NAMES`; also the pool fresh real rows are drawn from.
    generations, replicates : int
        Generations after generation 0; replicates drawn at once (at most 5e7 pairs).
    temperature, real_fraction : float
        T > 0 of the generator; share of fresh real rows in every later table, in [0, 1].
    strategy : {"naive", "stratified", "reweighted"}
        "reweighted" changes only the classifier, so its cells follow the naive chain.
    seed : int, Generator or SeedSequence, optional
        Seed of the draws.

    Returns
    -------
    CellPaths
        Counts of shape (replicates, generations + 1, 4).

    References
    ----------
    wyllie2024fairness
    """
    real = _counts(initial_counts)
    generations, real_fraction, temperature = check_loop(generations, real_fraction, temperature, strategy)
    replicates = int(replicates)
    if replicates * (generations + 1) > 50_000_000:
        raise ValueError("replicates, generations: at most 5e7 (replicate, generation) pairs on this machine")
    rng = np.random.default_rng(seed)
    n = int(real.sum())
    n_real = int(round(real_fraction * n))
    n_syn = n - n_real
    group_rows = stratified_group_rows(np.array([real[:2].sum(), real[2:].sum()]), n_syn)
    out = np.empty((replicates, generations + 1, 4), dtype=np.int64)
    cur = np.broadcast_to(real, (replicates, 4)).copy()
    out[:, 0] = cur
    for t in range(1, generations + 1):
        nxt = np.zeros_like(cur)
        if n_syn > 0:
            if strategy == "stratified":
                for g in (0, 1):
                    within = cur[:, 2 * g: 2 * g + 2]
                    if group_rows[g] == 0:
                        continue
                    if (within.sum(axis=1) == 0).any():
                        raise ValueError(f"strategy: group code {g} was lost, cannot stratify")
                    p = tempered_rows(within, temperature)
                    nxt[:, 2 * g: 2 * g + 2] = rng.multinomial(group_rows[g], p)
            else:
                nxt += rng.multinomial(n_syn, tempered_rows(cur, temperature))
        if n_real > 0:
            nxt += rng.multivariate_hypergeometric(real, n_real, size=replicates)
        cur = nxt
        out[:, t] = cur
    return CellPaths(counts=out)


@validate_params({"initial_counts": _COUNTS, "generations": _GENERATIONS, "temperature": _TEMPERATURE,
                  "real_fraction": _FRACTION, "strategy": _STRATEGY}, relations=[_total_rows("initial_counts")])
def expected_cell_shares(initial_counts: np.ndarray | list | tuple, *, generations: int, temperature: float = 1.0,
                         real_fraction: float = 0.0, strategy: str = "naive") -> np.ndarray:
    """Expected-value recursion of the tempered cell shares, generations 0..generations (shape (t + 1, 4)).

    Parameters
    ----------
    initial_counts : array_like of 4 int
        Cell counts of the real table (order of :data:`analysis.bias.table.CELL_NAMES`).
    generations : int
        Generations after generation 0.
    temperature : float
        T > 0 of the generator.
    real_fraction : float
        Share of fresh real rows in every later table, in [0, 1].
    strategy : {"naive", "stratified", "reweighted"}
        "stratified" keeps each group's real share of the synthetic rows.

    Returns
    -------
    ndarray, shape (generations + 1, 4)
        Expected cell shares per generation.

    Notes
    -----
    Naive (and reweighted): :math:`p_{t+1} = (1 - f)\\,\\tau_T(p_t) + f\\,p_0`, with f the real
    fraction as realised in whole rows. Stratified: each group g keeps its real share
    :math:`q_g` of the synthetic rows, :math:`p_{t+1}[g,\\cdot] = (1-f)\\,q_g\\,\\tau_T(p_t[g,\\cdot]) + f\\,p_0[g,\\cdot]`.
    With f = 0 (naive) this equals :func:`closed_form_cell_shares`.

    References
    ----------
    wyllie2024fairness
    """
    real = _counts(initial_counts)
    generations, real_fraction, temperature = check_loop(generations, real_fraction, temperature, strategy)
    n = int(real.sum())
    n_real = int(round(real_fraction * n))
    n_syn = n - n_real
    # synthetic rows per group as the simulation realises them (whole rows), as shares of the table
    group_share = stratified_group_rows(np.array([real[:2].sum(), real[2:].sum()]), n_syn) / n
    p0 = real / n
    out = np.empty((generations + 1, 4))
    out[0] = p = p0
    for t in range(1, generations + 1):
        if strategy == "stratified":
            syn = np.concatenate([group_share[g] * tempered_rows(p[None, 2 * g: 2 * g + 2], temperature)[0]
                                  for g in (0, 1)])
        else:
            syn = n_syn / n * tempered_rows(p[None, :], temperature)[0]
        p = syn + n_real / n * p0
        out[t] = p
    return out


@validate_params({"initial_shares": [ArrayLike(lo=0, min_size=1)], "generations": _GENERATIONS,
                  "temperature": _TEMPERATURE},
                 relations=[_FACTOR_FITS, Relation(("initial_shares",), lambda initial_shares: np.sum(initial_shares) > 0,
                                                   "the shares must have a positive total")])
def closed_form_cell_shares(initial_shares: np.ndarray | list | tuple, *, generations: int,
                            temperature: float) -> np.ndarray:
    """:math:`p_{c,t} = p_{c,0}^{T^{-t}} / \\sum_{c'} p_{c',0}^{T^{-t}}` for t = 0..generations (no real data).

    Parameters
    ----------
    initial_shares : array_like
        Non-negative cell shares (or counts) with a positive total.
    generations : int
        Generations after generation 0.
    temperature : float
        T > 0 of the generator.

    Returns
    -------
    ndarray, shape (generations + 1, cells)
        The cell shares per generation.

    References
    ----------
    wyllie2024fairness
    """
    p0 = np.asarray(initial_shares, dtype=float)
    exponents = temperature ** -np.arange(generations + 1, dtype=float)
    # p ** e renormalised is the tempered map at temperature 1 / e
    return np.stack([tempered_rows(p0[None, :], 1.0 / e)[0] for e in exponents])


@validate_params({"temperature": _TEMPERATURE, "generations": _GENERATIONS}, relations=[_FACTOR_FITS])
def log_odds_factor(*, temperature: float, generations: int) -> float:
    """Factor :math:`T^{-t}` by which the log-odds between two cells are multiplied after t generations.

    Parameters
    ----------
    temperature : float
        T > 0 of the generator.
    generations : int
        Generations t.

    Returns
    -------
    float
        :math:`T^{-t}`.
    """
    return float(temperature ** -generations)


@validate_params({"paths": [_example(InstanceOf(CellPaths), CellPaths(counts=np.array([[[5, 5, 1, 1], [6, 6, 0, 0]]])))],
                  "generation": [Interval(Integral, 0, None, closed="left")]},
                 relations=[Relation(("generation", "paths"), lambda generation, paths: generation < paths.counts.shape[1],
                                     "generation must not exceed the last generation of paths")])
def vanished(paths: CellPaths, *, generation: int) -> np.ndarray:
    """Whether the minority had no rows at ``generation`` (one boolean per replicate).

    Parameters
    ----------
    paths : CellPaths
        Cell counts of a loop (:func:`simulate_cells` or :func:`analysis.bias.real.generator_cell_paths`).
    generation : int
        Generation, at most the last one of ``paths``.

    Returns
    -------
    ndarray of bool, shape (replicates,)
        True where the minority had no rows.
    """
    generation = int(generation)
    c = paths.counts[:, generation]
    return (c[:, 2] + c[:, 3]) == 0


__all__ = ["CellPaths", "STRATEGIES", "closed_form_cell_shares", "expected_cell_shares", "log_odds_factor",
           "simulate_cells", "vanished"]
