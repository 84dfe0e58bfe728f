"""The transparent tempered generator of the bias chapter, whose behaviour has closed forms.

* The (group, label) cell of each synthetic row is drawn multinomially from the fitted cell shares,
  tempered as ``p_c ** (1 / T)`` and renormalised (T < 1 favours the high-likelihood cells, as
  low-temperature decoding does).
* Within a cell, the other categorical columns are resampled with the cell's rows (their joint
  combinations tempered the same way), and the numeric columns are drawn from a shrunk smoothed
  bootstrap: a resampled row plus Gaussian noise of s.d. h x (the cell's s.d.), with Scott's factor
  h = n ** (-1 / (d + 4)), shrunk towards the cell mean by sqrt(1 + h**2) so that the cell's mean
  and variance are preserved exactly at T = 1 (the kernel variance is multiplied by T).

Why not scikit-learn's ``KernelDensity``? Its ``sample`` returns a resampled row plus kernel
noise, so every generation *adds* the kernel variance: in standardised units a factor (1 + h**2)
a generation (:func:`kde_variance_growth`), which compounds over a loop and would change the
classifier by itself. A ``GaussianMixture`` per cell would reshape skewed, integer-valued columns.

References
----------
wyllie2024fairness
"""

from __future__ import annotations

import decimal
import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.bias.table import (
    _CATEGORICAL,
    _CODES,
    _COLUMN,
    _EXAMPLE,
    _NUMERIC,
    _TEST_SIZE,
    _VALUE,
    EncodedTable,
    TEST_SIZE,
    _example,
    check_temperature,
    decode_table,
    encode_table,
    finish_numeric,
    split_table,
)
from analysis.core.validation import GENERATIONS, ArrayLike, Frame, InstanceOf, Integral, Interval, Real, Seed, sums_to, validate_params

__all__ = [
    "CellModel", "TemperedGenerator", "KernelVarianceGrowth", "tempered_probabilities", "fit_generator",
    "sample_encoded", "sample_table", "kde_variance_growth",
]

_TEMPERATURE = [Interval(Real, 0, None, closed="neither")]
#: synthetic rows per call: capped so one call stays within memory on one machine
_ROWS = [Interval(Integral, 1, 10**7, closed="both", cap_reason="10 million rows per call")]


@dataclass(frozen=True)
class CellModel:
    """The fitted model of one (group, label) cell: its rows, their tempered weights and the kernel."""

    rows: np.ndarray
    weights: np.ndarray | None
    mean: np.ndarray
    sd: np.ndarray
    h: float


@dataclass(frozen=True)
class TemperedGenerator:
    """A fitted tempered generator: cell counts, one :class:`CellModel` per cell (None if empty), the data."""

    counts: np.ndarray
    cells: tuple[CellModel | None, ...]
    temperature: float
    codes: np.ndarray
    numeric: np.ndarray

    @property
    def cell_probabilities(self) -> np.ndarray:
        """The tempered cell probabilities the next table's cells are drawn from."""
        return tempered_probabilities(self.counts, temperature=self.temperature)


@validate_params({"counts": [ArrayLike(lo=0, min_size=1)], "temperature": _TEMPERATURE})
def tempered_probabilities(counts: np.ndarray | list | tuple, *, temperature: float) -> np.ndarray:
    """Cell probabilities p_c ** (1/T), renormalised (T = 1: the empirical shares); empty cells stay 0.

    Parameters
    ----------
    counts : array_like
        Non-negative counts (or shares) of the cells, with a positive total.
    temperature : float
        T > 0.

    Returns
    -------
    ndarray
        :math:`p_c^{1/T} / \\sum_{c'} p_{c'}^{1/T}` with :math:`p_c = n_c / \\sum n`.

    References
    ----------
    wyllie2024fairness
    """
    temperature = check_temperature(temperature)
    counts = np.asarray(counts, dtype=float)
    if counts.ndim != 1 or not np.isfinite(counts).all() or (counts < 0).any() or counts.sum() <= 0:
        raise ValueError("counts: expected a 1-D array of non-negative finite counts with a positive total")
    return tempered_rows(counts[None, :], temperature)[0]


def _row_total(x: np.ndarray) -> np.ndarray:
    # column by column, left to right: a reduction may be reordered by the SIMD code numpy picks
    # for the CPU, and the cell draws must not depend on the machine (see tempered_rows)
    total = x[..., 0].copy()
    for j in range(1, x.shape[-1]):
        total = total + x[..., j]
    return total[..., None]


_DECIMAL = decimal.Context(prec=28)
#: largest row total for which the weights of every count 0..total are tabulated once
_TABLE_MAX = 200_000


@functools.lru_cache(maxsize=1 << 16)
def _tempered_ratio(count: float, largest: float, exponent: decimal.Decimal) -> float:
    # (count / largest) ** exponent in decimal arithmetic (libmpdec: the same result on every
    # machine), rounded once to the nearest float
    ratio = _DECIMAL.divide(decimal.Decimal(count), decimal.Decimal(largest))
    return float(_DECIMAL.power(ratio, exponent))


@functools.lru_cache(maxsize=64)
def _share_power_table(total: int, exponent: decimal.Decimal) -> np.ndarray:
    # (c / total) ** exponent for every count c = 0..total, each as _tempered_ratio computes it
    table = np.array([_tempered_ratio(float(c), float(total), exponent) for c in range(total + 1)])
    table[0] = 0.0
    table.setflags(write=False)
    return table


def tempered_rows(counts: np.ndarray, temperature: float) -> np.ndarray:
    """Row-wise tempered probabilities of a 2-D array of counts (no checks; rows with zero total give NaN).

    The same bits on every machine. These probabilities feed multinomial draws, and numpy's
    binomial sampler turns a last-bit change of a probability into a different draw (and, through
    the shared stream, different draws for every later replicate): computed with numpy's ``log``
    and ``exp``, whose SIMD code differs between CPUs (AVX2, AVX-512), a 1,000-replicate chain
    gave another mean on another machine. So only correctly rounded operations are used: at
    T = 1 the shares n_c / n (one IEEE division); otherwise each weight (n_c / n) ** (1/T) is
    computed in decimal arithmetic and rounded once (tabulated for every count of a row total
    when the counts are whole numbers, else relative to the row's largest count), and the weights
    are normalised with left-to-right sums.
    """
    counts = np.asarray(counts, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        total = _row_total(counts)
        if temperature == 1.0:
            return counts / total
        exponent = _DECIMAL.divide(decimal.Decimal(1), decimal.Decimal(float(temperature)))
        w = np.full(counts.shape, np.nan)
        whole = (np.isfinite(total) & (total > 0) & (total <= _TABLE_MAX)
                 & (counts == np.floor(counts)).all(axis=-1, keepdims=True))[..., 0]
        totals, n_rows = np.unique(total[..., 0][whole], return_counts=True)
        for t, n in zip(totals, n_rows):
            rows = whole & (total[..., 0] == t)
            # a table costs t + 1 powers once; rows of a rare total go the way of the rest
            if n * counts.shape[-1] * 4 < t:
                whole &= ~rows
                continue
            w[rows] = _share_power_table(int(t), exponent)[counts[rows].astype(np.int64)]
        # the rest, and rows whose every weight underflowed: relative to the row's largest count
        rest = ~whole | ~(w.max(axis=-1) > 0)
        if rest.any():
            c = counts[rest]
            largest = np.broadcast_to(c.max(axis=-1, keepdims=True), c.shape)
            pairs, inverse = np.unique(np.stack([c.ravel(), largest.ravel()], axis=1), axis=0, return_inverse=True)
            values = np.array([
                np.nan if not m > 0 or not np.isfinite(m) else 0.0 if v == 0 else 1.0 if v == m
                else _tempered_ratio(float(v), float(m), exponent)
                for v, m in pairs
            ])
            w[rest] = values[inverse.ravel()].reshape(c.shape)
        return w / _row_total(w)


def _combo_key(codes: np.ndarray) -> np.ndarray:
    # one integer per combination of categorical codes (mixed radix): np.unique on 1-D keys is
    # much faster than on rows
    key = np.zeros(len(codes), dtype=np.int64)
    for j in range(codes.shape[1]):
        key = key * (int(codes[:, j].max()) + 1) + codes[:, j]
    return key


@validate_params({"codes": _CODES, "numeric": _NUMERIC, "temperature": _TEMPERATURE})
def fit_generator(codes: np.ndarray, numeric: np.ndarray, *, temperature: float = 1.0) -> TemperedGenerator:
    """Fit the group- and label-conditional generator to encoded rows (cell counts, row weights, kernel).

    A row whose combination of the other categorical columns occurs m times in its cell gets weight
    m ** (1/T - 1), so each combination is drawn with probability proportional to m ** (1/T).

    Parameters
    ----------
    codes : ndarray of int, shape (rows, 2 + categoricals)
        Encoded rows (:func:`analysis.bias.table.encode_table`).
    numeric : ndarray of float, shape (rows, numeric columns)
        Their numeric values.
    temperature : float
        T > 0 (1 = faithful in expectation).

    Returns
    -------
    TemperedGenerator
        Cell counts and one :class:`CellModel` per cell (Scott's kernel factor h = n ** (-1 / (d + 4))).

    References
    ----------
    wyllie2024fairness
    """
    temperature = check_temperature(temperature)
    cell = codes[:, 0] * 2 + codes[:, 1]
    counts = np.bincount(cell, minlength=4)
    d = numeric.shape[1]
    cells: list[CellModel | None] = []
    for c in range(4):
        rows = np.flatnonzero(cell == c)
        if len(rows) == 0:
            cells.append(None)
            continue
        if codes.shape[1] > 2 and temperature != 1.0:
            key = _combo_key(codes[rows, 2:])
            _, inverse, combo_counts = np.unique(key, return_inverse=True, return_counts=True)
            w = tempered_probabilities(combo_counts, temperature=temperature)[inverse] / combo_counts[inverse]
            w = w / w.sum()
        else:
            w = None
        x = numeric[rows]
        mean = x.mean(axis=0) if d else np.empty(0)
        sd = x.std(axis=0) if d and len(rows) > 1 else np.zeros(d)
        h = len(rows) ** (-1.0 / (d + 4)) if d else 0.0  # Scott's rule
        cells.append(CellModel(rows=rows, weights=w, mean=mean, sd=sd, h=h))
    return TemperedGenerator(counts=counts, cells=tuple(cells), temperature=temperature, codes=codes,
                             numeric=numeric)


def _cell_totals(gen: TemperedGenerator, *, rows: int, group_rows, rng) -> np.ndarray:
    counts, t = gen.counts, gen.temperature
    if group_rows is None:
        return rng.multinomial(rows, tempered_probabilities(counts, temperature=t))
    totals = np.zeros(4, dtype=np.int64)
    for g in (0, 1):
        n_g = int(group_rows[g])
        if n_g == 0:
            continue
        within = counts[2 * g: 2 * g + 2]
        if within.sum() == 0:
            raise ValueError(f"group_rows: group code {g} has no rows in the fitted table, cannot stratify")
        totals[2 * g: 2 * g + 2] = rng.multinomial(n_g, tempered_probabilities(within, temperature=t))
    return totals


_GEN = [_example(InstanceOf(TemperedGenerator), fit_generator(_EXAMPLE.codes, _EXAMPLE.numeric))]


@validate_params({"gen": _GEN, "rows": _ROWS, "rng": [InstanceOf(np.random.Generator)],
                  "group_rows": [None, ArrayLike(lo=0, hi=_ROWS[0].right, integer=True, size=2)]},
                 relations=[sums_to("group_rows", "rows")])
def sample_encoded(gen: TemperedGenerator, *, rows: int, rng: np.random.Generator,
                   group_rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Sample encoded synthetic rows; ``group_rows`` = (majority, minority) counts fixes group sizes (stratified).

    Parameters
    ----------
    gen : TemperedGenerator
        A fitted generator (:func:`fit_generator`).
    rows : int
        Rows to sample (equal to the sum of ``group_rows`` when that is given).
    rng : numpy.random.Generator
        Draws the cells, the rows and the kernel noise.
    group_rows : array_like of 2 int, optional
        Rows of the majority and of the minority (stratified generation), adding up to ``rows``;
        default: drawn.

    Returns
    -------
    (codes, numeric) : tuple of ndarray
        Encoded synthetic rows and their numeric values (not yet clipped or rounded).
    """
    totals = _cell_totals(gen, rows=rows, group_rows=group_rows, rng=rng)
    codes, numeric, t = gen.codes, gen.numeric, gen.temperature
    out_codes, out_num = [], []
    for c, k in enumerate(totals):
        if k == 0:
            continue
        cell = gen.cells[c]
        pick = cell.rows[rng.choice(len(cell.rows), size=k, replace=True, p=cell.weights)]
        out_codes.append(codes[pick])
        x = numeric[pick]
        if x.shape[1]:
            noise = rng.standard_normal(x.shape) * (np.sqrt(t) * cell.h * cell.sd)
            x = cell.mean + (x - cell.mean + noise) / np.sqrt(1.0 + cell.h ** 2)
        out_num.append(x)
    return np.concatenate(out_codes), np.concatenate(out_num)


@validate_params({"table": [Frame()], "rows": _ROWS, "group": _COLUMN, "label": _COLUMN, "temperature": _TEMPERATURE,
                  "categorical": _CATEGORICAL, "positive_label": [None, *_VALUE], "seed": [Seed()]})
def sample_table(table: pd.DataFrame, *, rows: int, group: str, label: str, temperature: float = 1.0,
                 categorical: list[str] | tuple[str, ...] | None = None,
                 positive_label: str | int | bool | None = None,
                 seed: int | np.random.Generator | None = None) -> pd.DataFrame:
    """Fit the generator to ``table`` and sample ``rows`` synthetic rows with the same columns and dtypes.

    Parameters
    ----------
    table : DataFrame
        The real table.
    rows : int
        Synthetic rows to sample.
    group, label : str
        The group and outcome columns.
    temperature : float
        T > 0 of the generator.
    categorical : list of str, optional
        Categorical columns besides group and label (default: the non-numeric ones).
    positive_label : str, int or bool, optional
        The favourable label value.
    seed : int or Generator, optional
        Seed of the draws.

    Returns
    -------
    DataFrame
        ``rows`` synthetic rows with the columns and dtypes of ``table``.

    References
    ----------
    wyllie2024fairness
    """
    rows = int(rows)
    enc = encode_table(table, group=group, label=label, categorical=categorical, positive_label=positive_label)
    gen = fit_generator(enc.codes, enc.numeric, temperature=temperature)
    codes, numeric = sample_encoded(gen, rows=rows, rng=np.random.default_rng(seed))
    return decode_table(codes, finish_numeric(numeric, enc.meta), enc.meta)


@dataclass(frozen=True)
class KernelVarianceGrowth:
    """What sampling from scikit-learn's KDE would add to each cell's variance (standardised units)."""

    per_generation: np.ndarray  # h**2 per (group, label) cell
    generations: int

    @property
    def factor(self) -> np.ndarray:
        """Variance factor after ``generations`` generations, (1 + h**2) ** generations, per cell."""
        return (1.0 + self.per_generation) ** self.generations


@validate_params({"table": [Frame()], "group": _COLUMN, "label": _COLUMN,
                  "generations": [GENERATIONS], "test_size": _TEST_SIZE,
                  "seed": [Seed()], "categorical": _CATEGORICAL})
def kde_variance_growth(table: pd.DataFrame, *, group: str, label: str, generations: int,
                        test_size: float = TEST_SIZE, seed: int | np.random.Generator | None = None,
                        categorical: list[str] | tuple[str, ...] | None = None) -> KernelVarianceGrowth:
    """Variance growth per generation, h**2, that ``KernelDensity.sample`` would add in each training cell.

    The cells are those of the chapter's stratified training split of ``table``; h is Scott's
    factor n ** (-1 / (d + 4)) of each cell (n rows, d numeric columns). Sampling from a Gaussian
    KDE draws a row plus noise of variance h**2 (standardised), so the variance grows by a factor
    1 + h**2 per generation and (1 + h**2) ** t over t generations.

    Parameters
    ----------
    table : DataFrame
        The real table.
    group, label : str
        The group and outcome columns.
    generations : int
        Generations t of the variance factor.
    test_size : float
        Share of each cell held out, in (0, 1).
    seed : int or Generator, optional
        Seed of the split.
    categorical : list of str, optional
        Categorical columns besides group and label.

    Returns
    -------
    KernelVarianceGrowth
        h**2 per cell (NaN for an empty cell) and the factor (1 + h**2) ** t.

    References
    ----------
    pedregosa2011scikit
    """
    generations = int(generations)
    enc: EncodedTable = encode_table(table, group=group, label=label, categorical=categorical)
    train, _ = split_table(enc.codes, test_size=test_size, rng=np.random.default_rng(seed))
    gen = fit_generator(enc.codes[train], enc.numeric[train])
    h2 = np.array([cell.h ** 2 if cell is not None else np.nan for cell in gen.cells])
    return KernelVarianceGrowth(per_generation=h2, generations=generations)
