"""Tabular generators behind one interface, for the privacy (chapter 6) and bias (chapter 4) chapters.

Every generator follows :class:`TabularGenerator`: ``fit(table, *, seed)`` learns from a pandas
DataFrame and returns the fitted generator, ``sample(rows, *, seed)`` returns a DataFrame with the
same columns and dtypes. ``make_generator(name, epsilon=...)`` builds one by name:

``"real"``
    the training table itself, released as if it were synthetic (the worst case of privacy and
    the best case of fidelity; every figure shows it as a baseline);
``"resample"``
    rows drawn with replacement from the training table (the empirical distribution);
``"copula"``
    a Gaussian copula, as in SDV's ``GaussianCopulaSynthesizer``, built from the same maintained
    libraries SDV uses for it: ``rdt``'s ``UniformEncoder`` maps each categorical column to the
    unit interval (each category an interval as wide as its frequency) and ``copulas``'
    ``GaussianMultivariate`` fits truncated-Gaussian marginals and a Gaussian dependence; integer
    columns are rounded and every numeric column is clipped to its training range, as SDV does
    by default. (SDV itself imports torch on ``import sdv.single_table``, so it cannot be a
    default dependency here; ``copulas`` and ``rdt`` import without torch.)
``"ctgan"``, ``"tvae"``
    the conditional GAN and the variational autoencoder of Xu et al. (2019), from the ``ctgan``
    package (optional extra ``deep``: it needs torch, which is never a default dependency);
``"mst"``
    MST (McKenna, Miklau & Sheldon 2021), a differentially private generator at privacy budget
    ``epsilon`` (with ``delta``): noisy one-way marginals, a maximum spanning tree of pairs chosen
    by the exponential mechanism, noisy two-way marginals on its edges, and a graphical model
    fitted to the noisy marginals by ``mbi`` (Private-PGM), from which rows are sampled.

Licences: ``copulas``, ``rdt`` and ``ctgan`` are under the Business Source License 1.1 (source
available, not open source: use is free except to offer a commercial "synthetic data service"),
``mbi`` under Apache 2.0; ``analysis/data/software.csv`` records each.

Randomness: ``rdt``, ``copulas``, ``ctgan`` and ``mbi`` draw from numpy's (and torch's) global
random state, so the adapters seed that state for the duration of a call and restore it after;
the same ``seed`` gives the same table.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import numbers
import threading
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd

from analysis.core.validation import Integral, Interval, Options, Real, check_int, check_names, check_real, check_seed, validate_params

GENERATORS = ("real", "resample", "copula", "ctgan", "tvae", "mst")
DEEP_GENERATORS = ("ctgan", "tvae")
DP_GENERATORS = ("mst",)


class GeneratorNotFitted(RuntimeError):
    """``sample`` was called before ``fit``."""


@runtime_checkable
class TabularGenerator(Protocol):
    """What the chapters need of a generator: learn a table, then sample rows like it."""

    name: str

    def fit(self, table: pd.DataFrame, *, seed: int | None = None) -> "TabularGenerator": ...

    def sample(self, rows: int, *, seed: int | None = None) -> pd.DataFrame: ...


# --------------------------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------------------------


def check_table(table, *, name: str = "table", min_rows: int = 2, columns=None) -> pd.DataFrame:
    """``table`` if it is a DataFrame with at least ``min_rows`` rows, no missing values and ``columns``."""
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"{name}: expected a pandas DataFrame, got {type(table).__name__}")
    if len(table) < min_rows:
        raise ValueError(f"{name}: needs at least {min_rows} rows, got {len(table)}")
    if table.shape[1] == 0:
        raise ValueError(f"{name}: has no columns")
    if columns is not None:
        missing = [c for c in columns if c not in table.columns]
        if missing:
            raise ValueError(f"{name}: missing column(s) {missing}; columns: {list(table.columns)}")
    if table.isna().any().any():
        bad = [c for c in table.columns if table[c].isna().any()]
        raise ValueError(f"{name}: missing values in column(s) {bad}; drop or impute them first")
    return table


def _check_rows(rows) -> int:
    return check_int("rows", rows, minimum=1)


def _categorical_columns(table: pd.DataFrame, declared: tuple[str, ...] = ()) -> list[str]:
    """The columns a generator models as categories: every non-numeric one and the ``declared`` ones.

    A number can code a category (the heart table's sex is 0 or 1): such a column is numeric to
    pandas and must be declared, or a generator would model it as a quantity and round its draws.
    """
    missing = [c for c in declared if c not in table.columns]
    if missing:
        raise ValueError(f"categorical: column(s) {missing} not in the table; columns: {list(table.columns)}")
    return [c for c in table.columns if c in declared or not pd.api.types.is_numeric_dtype(table[c])]


#: Held while a generator draws from numpy's or torch's global RNG. A Dask worker runs several
#: tasks at once in threads of one process, and they share that global state: unguarded, one
#: task's draws interleaved with another's and a replicate came out differently on a cluster
#: than locally (found by tests/sweeps/test_sweep_infra.py). Re-entrant: a fit may sample.
_GLOBAL_RNG_LOCK = threading.RLock()


@contextlib.contextmanager
def _global_seed(seed):
    """Seed numpy's (and, if loaded, torch's) global RNG inside the block; restore numpy's after.

    One thread at a time per process holds the global RNG (:data:`_GLOBAL_RNG_LOCK`).
    """
    import sys

    with _GLOBAL_RNG_LOCK:
        state = np.random.get_state()
        np.random.seed(None if seed is None else int(seed) % 2**32)
        torch = sys.modules.get("torch")
        if torch is not None and seed is not None:
            torch.manual_seed(int(seed) % 2**63)
        try:
            yield
        finally:
            np.random.set_state(state)


@contextlib.contextmanager
def _sequential_inner_jobs():
    """Run the joblib calls made inside the block one after another, in this thread.

    ``ctgan`` transforms the columns of a table of 500 rows or more with ``Parallel(n_jobs=-1)``.
    Inside a sweep's joblib worker that nested call runs on threads, and ``rdt``'s transformers
    swap numpy's global random state while they draw: the threads' draws interleaved, and the same
    seed gave other rows from one run to the next (found on the arrests table). One at a time, the
    draws are the same on a worker, a Dask cluster or the main process.
    """
    from joblib import parallel_config

    with parallel_config(backend="sequential"):
        yield


def _restore_dtypes(out: pd.DataFrame, dtypes: dict, low: dict, high: dict) -> pd.DataFrame:
    """Clip numeric columns to their training range, round integer columns, restore dtypes."""
    for c, dt in dtypes.items():
        if c in low:
            v = np.clip(out[c].to_numpy(dtype=float), low[c], high[c])
            if pd.api.types.is_integer_dtype(dt):
                v = np.rint(v)
            out[c] = v
    return out.astype(dtypes)


@dataclasses.dataclass
class _Base:
    name: str = ""
    _table: pd.DataFrame | None = dataclasses.field(default=None, repr=False)
    #: numeric columns that code categories (non-numeric columns are categorical anyway)
    categorical: tuple[str, ...] = ()

    def __post_init__(self):
        self.categorical = check_names("categorical", self.categorical)

    def _fitted(self) -> pd.DataFrame:
        if self._table is None:
            raise GeneratorNotFitted(f"{self.name}: call fit(table) before sample(rows)")
        return self._table

    def _remember(self, table: pd.DataFrame) -> None:
        self._table = table.reset_index(drop=True)
        self._dtypes = table.dtypes.to_dict()
        num = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])]
        self._low = {c: float(table[c].min()) for c in num}
        self._high = {c: float(table[c].max()) for c in num}


# --------------------------------------------------------------------------------------------
# baselines
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass
class RealData(_Base):
    """The training table released as it is ("synthetic" data that is the real data).

    ``sample(rows)`` returns the training rows in a random order, all of them once before any
    repeats (``rows`` = the table's size returns each real row exactly once).
    """

    name: str = "real"

    def fit(self, table: pd.DataFrame, *, seed: int | None = None) -> "RealData":
        check_seed(seed)
        self._remember(check_table(table))
        return self

    def sample(self, rows: int, *, seed: int | None = None) -> pd.DataFrame:
        rows, table = _check_rows(rows), self._fitted()
        rng = np.random.default_rng(check_seed(seed))
        reps = math.ceil(rows / len(table))
        idx = np.concatenate([rng.permutation(len(table)) for _ in range(reps)])[:rows]
        return table.iloc[idx].reset_index(drop=True)


@dataclasses.dataclass
class Resample(_Base):
    """Rows drawn uniformly with replacement from the training table (its empirical distribution)."""

    name: str = "resample"

    def fit(self, table: pd.DataFrame, *, seed: int | None = None) -> "Resample":
        check_seed(seed)
        self._remember(check_table(table))
        return self

    def sample(self, rows: int, *, seed: int | None = None) -> pd.DataFrame:
        rows, table = _check_rows(rows), self._fitted()
        idx = np.random.default_rng(check_seed(seed)).integers(0, len(table), size=rows)
        return table.iloc[idx].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Gaussian copula (copulas + rdt, as in SDV's GaussianCopulaSynthesizer)
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass
class GaussianCopula(_Base):
    """Gaussian copula with truncated-Gaussian marginals; categories mapped to intervals of (0, 1).

    Categorical columns go through ``rdt.transformers.categorical.UniformEncoder`` (category k
    becomes a uniform draw on an interval whose width is its frequency), numeric columns stay as
    they are; ``copulas.multivariate.GaussianMultivariate`` then fits each column's marginal
    (``distribution``, truncated Gaussian by default: SDV's ``beta`` default takes about ten
    times longer to fit here) and the correlation of the normal scores. Sampling inverts both
    steps; integers are rounded and numeric columns clipped to the training range.

    References
    ----------
    patki2016sdv, sdv_copulas, sdv_rdt
    """

    name: str = "copula"
    distribution: str = "copulas.univariate.TruncatedGaussian"

    def fit(self, table: pd.DataFrame, *, seed: int | None = None) -> "GaussianCopula":
        from copulas.multivariate import GaussianMultivariate
        from rdt.transformers.categorical import UniformEncoder

        check_seed(seed)
        table = check_table(table)
        self._remember(table)
        self._categorical = _categorical_columns(table, self.categorical)
        if len(self._low) == 0 and not self._categorical:
            raise ValueError("table: no column to model")
        with _global_seed(seed):
            data = table.reset_index(drop=True).copy()
            self._encoders = {}
            for c in self._categorical:
                enc = UniformEncoder()
                enc.fit(data, c)
                data = enc.transform(data)
                self._encoders[c] = enc
            self._order = list(data.columns)
            constant = {c: float(data[c].iloc[0]) for c in data.columns if data[c].nunique() == 1}
            self._constant = constant
            model_cols = [c for c in data.columns if c not in constant]
            self._model_cols = model_cols
            self._model = None
            if model_cols:
                self._model = GaussianMultivariate(distribution=self.distribution)
                self._model.fit(data[model_cols].astype(float))
        return self

    def sample(self, rows: int, *, seed: int | None = None) -> pd.DataFrame:
        rows = _check_rows(rows)
        self._fitted()
        with _global_seed(seed):
            parts = {}
            if self._model is not None:
                draw = self._model.sample(rows)
                for c in self._model_cols:
                    parts[c] = draw[c].to_numpy()
            for c, v in self._constant.items():
                parts[c] = np.full(rows, v)
            data = pd.DataFrame(parts)[self._order]
            for c in reversed(self._categorical):
                # the encoder's intervals cover [0, 1]; keep draws inside them
                data[c] = np.clip(data[c].to_numpy(dtype=float), 0.0, 1.0 - 1e-12)
                data = self._encoders[c].reverse_transform(data)
        out = data[list(self._dtypes)].copy()
        return _restore_dtypes(out, self._dtypes, self._low, self._high)


# --------------------------------------------------------------------------------------------
# deep generators (optional extra "deep": ctgan + torch CPU)
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass
class DeepGenerator(_Base):
    """CTGAN or TVAE from the ``ctgan`` package, on CPU (needs the optional extra ``deep``).

    References
    ----------
    xu2019ctgan
    """

    name: str = "ctgan"
    epochs: int = 300
    batch_size: int = 500

    def __post_init__(self):
        super().__post_init__()
        self.epochs = check_int("epochs", self.epochs, minimum=1, maximum=100_000)
        self.batch_size = check_int("batch_size", self.batch_size, minimum=10, maximum=1_000_000)
        if self.batch_size % 10:
            # CTGAN's discriminator sees rows in packs of pac = 10
            raise ValueError(f"batch_size: must be a multiple of 10 (CTGAN's pac), got {self.batch_size}")

    def fit(self, table: pd.DataFrame, *, seed: int | None = None) -> "DeepGenerator":
        try:
            import torch  # noqa: F401
            from ctgan import CTGAN, TVAE
        except ImportError as err:  # pragma: no cover - depends on the environment
            raise ImportError(
                f"{self.name}: needs the optional extra 'deep' (pip install '.[deep]', torch CPU build)"
            ) from err
        check_seed(seed)
        table = check_table(table)
        self._remember(table)
        cls = CTGAN if self.name == "ctgan" else TVAE
        # The package's batch size, as given (500 by default). CTGAN draws each batch with
        # replacement and TVAE takes a table smaller than a batch as one batch, so neither needs it
        # capped at the table's size. 0.4 capped it at the size rounded down to ten: on a table of
        # 303 rows that left TVAE a last batch of 3 rows every epoch, and it dropped rare categories.
        with _global_seed(seed), _sequential_inner_jobs():
            self._model = cls(epochs=self.epochs, batch_size=self.batch_size, enable_gpu=False)
            self._model.fit(self._table, discrete_columns=_categorical_columns(table, self.categorical))
        return self

    def sample(self, rows: int, *, seed: int | None = None) -> pd.DataFrame:
        rows = _check_rows(rows)
        self._fitted()
        with _global_seed(seed), _sequential_inner_jobs():
            out = self._model.sample(rows)
        return _restore_dtypes(out[list(self._dtypes)].copy(), self._dtypes, self._low, self._high)


# --------------------------------------------------------------------------------------------
# MST: differentially private marginals + Private-PGM (mbi)
# --------------------------------------------------------------------------------------------


@validate_params({"epsilon": [Interval(Real, 0, None, closed="neither")],
                  "delta": [Interval(Real, 0, 1, closed="neither")]})
def zcdp_rho(*, epsilon: float, delta: float = 1e-9) -> float:
    """The zCDP budget rho whose (epsilon, delta)-DP guarantee is exactly ``epsilon``.

    rho-zCDP implies (rho + 2 sqrt(rho log(1/delta)), delta)-DP (Bun & Steinke 2016, Prop. 1.3);
    solving rho + 2 sqrt(rho L) = epsilon with L = log(1/delta) gives
    sqrt(rho) = sqrt(L + epsilon) - sqrt(L).

    References
    ----------
    bun2016concentrated
    """
    epsilon = float(epsilon)
    delta = float(delta)
    log_inv = math.log(1 / delta)
    return (math.sqrt(log_inv + epsilon) - math.sqrt(log_inv)) ** 2


@dataclasses.dataclass
class MST(_Base):
    """MST (McKenna, Miklau & Sheldon 2021) at privacy budget (``epsilon``, ``delta``).

    The table is discretised first: categorical columns by their levels, numeric columns with at
    most ``bins`` distinct values by value, others into ``bins`` equal-width bins between the
    column's minimum and maximum. Those bounds (and the set of levels) are treated as public
    knowledge of the schema, as in the NIST contest MST was built for; a sampled bin becomes a
    uniform draw inside it (rounded for integer columns). ``public_domain`` (a table, e.g. the
    full published table whose schema is public) fixes the levels and bounds; by default they come
    from the training table itself.

    The budget, as zCDP rho (:func:`zcdp_rho`), is split in three equal parts: (1) all one-way
    marginals measured with Gaussian noise (each count query has L2 sensitivity 1 under adding or
    removing a row, so d of them at noise sigma cost d / (2 sigma^2)); (2) d - 1 pairs chosen as a
    maximum spanning tree, each edge by the exponential mechanism on the L1 error of the pair's
    independent estimate (each pick with epsilon_0 = sqrt(8 rho_2 / (d - 1)), costing
    epsilon_0^2 / 8); (3) the chosen two-way marginals measured with Gaussian noise. ``mbi``
    fits the graphical model to all the noisy marginals and samples rows from it.

    With ``star_center`` set to a column name, the tree is fixed in advance, without looking at
    the data: a star joining that column (the outcome, for a downstream classifier) to every other
    one. Step (2) then costs nothing, so the budget is split in halves between (1) and (3). The
    guarantee is the same; what changes is speed: ``mbi`` compiles its JAX code once per clique
    structure (tens of seconds on a shared 2-core machine), and a fixed tree is compiled once per
    table instead of once per fit. The sweep uses the star; the private selection stays available.

    References
    ----------
    mckenna2021winning, mckenna2019graphical, bun2016concentrated
    """

    name: str = "mst"
    epsilon: float = 1.0
    delta: float = 1e-9
    bins: int = 16
    iters: int = 1000
    star_center: str | None = None
    public_domain: pd.DataFrame | None = dataclasses.field(default=None, repr=False)

    def __post_init__(self):
        super().__post_init__()
        self.epsilon = check_real("epsilon", self.epsilon, lo=0, lo_open=True)
        self.delta = check_real("delta", self.delta, lo=0, hi=1, lo_open=True, hi_open=True)
        self.bins = check_int("bins", self.bins, minimum=2, maximum=1000)
        self.iters = check_int("iters", self.iters, minimum=1)

    def _discretise(self, table: pd.DataFrame) -> tuple[dict, dict]:
        codes, self._spec = {}, {}
        schema = table if self.public_domain is None else self.public_domain
        categorical = set(_categorical_columns(table, self.categorical))
        for c in table.columns:
            col, pub = table[c], schema[c]
            if c in categorical or not pd.api.types.is_numeric_dtype(pub) or pub.nunique() <= self.bins:
                levels = sorted(pd.unique(pub).tolist(), key=lambda v: (str(type(v)), v))
                self._spec[c] = ("levels", np.asarray(levels, dtype=object))
                lookup = {v: i for i, v in enumerate(levels)}
                mapped = col.map(lookup)
                if mapped.isna().any():
                    raise ValueError(f"public_domain: column {c!r} lacks values present in the table")
                codes[c] = mapped.to_numpy(dtype=np.int64)
            else:
                lo, hi = float(pub.min()), float(pub.max())
                edges = np.linspace(lo, hi, self.bins + 1)
                self._spec[c] = ("bins", edges)
                codes[c] = np.clip(np.searchsorted(edges, col.to_numpy(float), side="right") - 1, 0, self.bins - 1)
        sizes = {c: len(s[1]) if s[0] == "levels" else self.bins for c, s in self._spec.items()}
        return codes, sizes

    def fit(self, table: pd.DataFrame, *, seed: int | None = None) -> "MST":
        import jax

        jax.config.update("jax_enable_x64", True)
        import mbi

        check_seed(seed)
        table = check_table(table)
        if self.public_domain is not None:
            check_table(self.public_domain, name="public_domain", columns=list(table.columns))
        self._remember(table)
        codes, sizes = self._discretise(self._table)
        attrs = list(table.columns)
        d = len(attrs)
        domain = mbi.Domain(attrs, [sizes[c] for c in attrs])
        rng = np.random.default_rng(seed)
        rho = zcdp_rho(epsilon=self.epsilon, delta=self.delta)
        if self.star_center is not None and self.star_center not in attrs:
            raise ValueError(f"star_center: {self.star_center!r} is not a column; columns: {attrs}")
        if d == 1:
            rho_part = rho
        elif self.star_center is None:
            rho_part = rho / 3
        else:
            rho_part = rho / 2

        def counts(cl):
            shape = [sizes[c] for c in cl]
            flat = np.ravel_multi_index([codes[c] for c in cl], shape)
            return np.bincount(flat, minlength=int(np.prod(shape))).astype(float)

        def measure(cliques, rho_budget):
            sigma = math.sqrt(len(cliques) / (2 * rho_budget))
            return [
                mbi.LinearMeasurement(counts(cl) + rng.normal(0, sigma, size=int(np.prod([sizes[c] for c in cl]))),
                                      cl, stddev=sigma)
                for cl in cliques
            ]

        one_way = measure([(c,) for c in attrs], rho_part)
        estimator = mbi.estimation.MirrorDescent()
        measurements = list(one_way)
        if d > 1 and self.star_center is not None:
            edges = [(self.star_center, c) for c in attrs if c != self.star_center]
            measurements += measure(edges, rho_part)
        elif d > 1:
            with _global_seed(seed):
                model = estimator.estimate(domain, one_way, iters=self.iters)
            edges = self._select_tree(attrs, counts, model, rho_part, rng)
            measurements += measure(edges, rho_part)
        with _global_seed(seed):
            self._model = estimator.estimate(domain, measurements, iters=self.iters)
        self._attrs = attrs
        return self

    @staticmethod
    def _select_tree(attrs, counts, model, rho_budget, rng) -> list[tuple[str, str]]:
        """d - 1 edges of a spanning tree, each picked by the exponential mechanism (Kruskal order)."""
        pairs = [(a, b) for i, a in enumerate(attrs) for b in attrs[i + 1:]]
        score = {}
        for a, b in pairs:
            est = np.asarray(model.project((a, b)).datavector(flatten=True))
            score[(a, b)] = float(np.abs(counts((a, b)) - est).sum())
        eps0 = math.sqrt(8 * rho_budget / (len(attrs) - 1))
        parent = {a: a for a in attrs}

        def find(a):
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        chosen = []
        for _ in range(len(attrs) - 1):
            cand = [p for p in pairs if find(p[0]) != find(p[1])]
            s = np.array([score[p] for p in cand])
            # L1 score has sensitivity 1 under add/remove: P(p) proportional to exp(eps0 * s / 2)
            logits = eps0 / 2 * (s - s.max())
            prob = np.exp(logits) / np.exp(logits).sum()
            a, b = cand[int(rng.choice(len(cand), p=prob))]
            parent[find(a)] = find(b)
            chosen.append((a, b))
        return chosen

    def sample(self, rows: int, *, seed: int | None = None) -> pd.DataFrame:
        rows = _check_rows(rows)
        self._fitted()
        rng = np.random.default_rng(seed)
        with _global_seed(seed):
            synth = self._model.synthetic_data(rows, method="sample").to_dict()
        out = {}
        for c in self._attrs:
            kind, spec = self._spec[c]
            code = np.asarray(synth[c], dtype=np.int64)
            if kind == "levels":
                out[c] = spec[code]
            else:
                out[c] = rng.uniform(spec[code], spec[code + 1])
        df = pd.DataFrame(out)
        for c in self._attrs:
            if self._spec[c][0] == "levels" and pd.api.types.is_numeric_dtype(self._dtypes[c]):
                df[c] = df[c].astype(float)
        return _restore_dtypes(df, self._dtypes, self._low, self._high)


# --------------------------------------------------------------------------------------------
# factory
# --------------------------------------------------------------------------------------------


@validate_params({"name": [Options(str, GENERATORS)], "epsilon": [Interval(Real, 0, None, closed="neither"), None]})
def make_generator(name: str, *, epsilon: float | None = None, **options) -> TabularGenerator:
    """A fresh, unfitted generator by name (see the module docstring); ``epsilon`` only for DP ones.

    Parameters
    ----------
    name : one of ``GENERATORS``
    epsilon : float > 0, required for ``"mst"`` and refused for the others
    **options : passed to the adapter (e.g. ``epochs`` for the deep ones, ``delta`` for MST)
    """
    if name in DP_GENERATORS:
        if epsilon is None:
            raise ValueError(f"epsilon: {name} is differentially private and needs epsilon > 0")
        return MST(epsilon=float(epsilon), **options)
    if epsilon is not None:
        raise ValueError(f"epsilon: {name} is not a differentially private generator; pass epsilon=None")
    if name in DEEP_GENERATORS:
        return DeepGenerator(name=name, **options)
    cls = {"real": RealData, "resample": Resample, "copula": GaussianCopula}[name]
    return cls(**options)


def label(name: str, epsilon: float | None = None) -> str:
    """Display label of a generator configuration, e.g. ``MST, ε = 1``."""
    nice = {"real": "Real data", "resample": "Resampled rows", "copula": "Gaussian copula",
            "ctgan": "CTGAN", "tvae": "TVAE", "mst": "MST"}[name]
    if epsilon is None:
        return nice
    eps = f"{epsilon:g}"
    return f"{nice}, ε = {eps}"


__all__ = [
    "GENERATORS", "DEEP_GENERATORS", "DP_GENERATORS", "TabularGenerator", "GeneratorNotFitted",
    "RealData", "Resample", "GaussianCopula", "DeepGenerator", "MST", "make_generator", "zcdp_rho",
]
