"""The privacy-utility sweep of chapter 6: every generator, budget and table, many replicates.

One task = one (table, generator, epsilon, replicate): split the real table at random into equal
training and holdout halves, fit the generator to the training half, sample as many rows, and
measure privacy (anonymeter's three risks, DCR, membership inference overall and on vulnerable
rows), utility (TSTR and TRTR accuracy overall and per group, fidelity to the holdout half) and
the two mixing curves. Tasks run through joblib (``n_jobs``), so a Dask cluster runs the same
code under ``joblib.parallel_backend("dask")``. Seeds: task i of replicate r draws from
``numpy.random.SeedSequence([SEED, table index, r])`` (the split, shared by every generator of
the replicate) and ``[SEED, table index, r, generator index]`` (generator and attacks).

``make sweeps SWEEP=privacy_utility`` (``tools/run_sweeps.py``) writes
``results/privacy_utility.csv`` and its provenance; ``tests/privacy/test_privacy_sweep.py`` reruns a
reduced grid and checks the file within Monte Carlo error.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.generators import tabular as gen_mod
from analysis.generators.tables import TABLES, TableSpec, load_table
from analysis.privacy import attacks as privacy
from analysis.privacy import utility
from analysis.core.validation import InstanceOf, Integral, Interval, Options, validate_params

NAME = "privacy_utility"
SEED = 20261126
CODE_FILES = ("analysis/generators/tabular.py", "analysis/generators/tables.py", "analysis/privacy/attacks.py",
              "analysis/privacy/utility.py", "analysis/privacy/sweep.py")
LIBRARIES = ("numpy", "pandas", "scipy", "scikit-learn", "copulas", "rdt", "mbi", "jax", "ctgan", "torch",
             "scikit-lego", "joblib")
MIX_SHARES = (0.0, 0.25, 0.5, 0.75, 1.0)
AUGMENT_REAL_ROWS = 50
AUGMENT_ADDED = (0, 50, 100, 200, 400)
N_ATTACKS = 300

__all__ = ["TableSpec", "GeneratorSpec", "TABLES", "GENERATOR_SPECS", "load_table", "run_task", "run"]


@dataclass(frozen=True)
class GeneratorSpec:
    """A generator configuration of the sweep: the key its results carry, the generator's name and epsilon.

    Not :class:`analysis.bias.real.GeneratorSpec` (chapter 4), which names the generator first,
    derives the key, carries fitting options and builds the generator: the two differ in fields and
    field order, and this one is part of the code that the stored ``privacy_utility`` and
    ``privacy_deep`` results are fingerprinted with, so it stays as the sweep ran it.
    """

    key: str
    name: str
    epsilon: float | None = None

    def __iter__(self):
        return iter((self.key, self.name, self.epsilon))


GENERATOR_SPECS = (
    GeneratorSpec("real", "real"),
    GeneratorSpec("resample", "resample"),
    GeneratorSpec("copula", "copula"),
    GeneratorSpec("mst_eps10", "mst", 10.0),
    GeneratorSpec("mst_eps1", "mst", 1.0),
    GeneratorSpec("mst_eps0.1", "mst", 0.1),
)
DEEP_SPECS = (GeneratorSpec("ctgan", "ctgan"), GeneratorSpec("tvae", "tvae"))


def _make(spec: GeneratorSpec, table: TableSpec, full: pd.DataFrame, epochs: int):
    # the table's number-coded categories (the heart table's sex, ...) are categories to every generator
    cats = table.categorical
    if spec.name == "mst":
        return gen_mod.make_generator("mst", epsilon=spec.epsilon, star_center=table.label, public_domain=full,
                                      categorical=cats)
    if spec.name in gen_mod.DEEP_GENERATORS:
        return gen_mod.make_generator(spec.name, epochs=epochs, categorical=cats)
    return gen_mod.make_generator(spec.name, categorical=cats)


@validate_params({"table_index": [Interval(Integral, 0, len(TABLES) - 1, closed="both")],
                  "generator_index": [Interval(Integral, 0, 100, closed="both")],
                  "replicate": [Interval(Integral, 0, 10**6, closed="both")], "seed": [Interval(Integral, 0, 2**32 - 1, closed="both")],
                  "generators": [InstanceOf(tuple)], "epochs": [Interval(Integral, 1, 10_000, closed="both")]})
def run_task(table_index: int, generator_index: int, replicate: int, *, seed: int = SEED,
             generators: tuple[GeneratorSpec, ...] = GENERATOR_SPECS, epochs: int = 300) -> list[dict]:
    """All measurements of one (table, generator, replicate); one record per measurement."""
    table = TABLES[table_index]
    spec = generators[generator_index]
    full = load_table(table.key)
    split_rng = np.random.default_rng(np.random.SeedSequence([seed, table_index, replicate]))
    gen_seed = np.random.SeedSequence([seed, table_index, replicate, generator_index]).generate_state(4)
    fit_seed, sample_seed, attack_seed, mix_seed = (int(s) for s in gen_seed)
    order = split_rng.permutation(len(full))
    half = len(full) // 2
    train = full.iloc[order[:half]].reset_index(drop=True)
    holdout = full.iloc[order[half:2 * half]].reset_index(drop=True)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = _make(spec, table, full, epochs).fit(train, seed=fit_seed)
        synth = g.sample(len(train), seed=sample_seed)
    base = {"table": table.key, "generator": spec.key, "epsilon": spec.epsilon, "replicate": replicate}
    out: dict[str, float] = {}

    so = privacy.singling_out_risk(train, synth, holdout, n_attacks=N_ATTACKS, seed=attack_seed)
    li = privacy.linkability_risk(train, synth, holdout, n_attacks=N_ATTACKS, seed=attack_seed)
    inf = privacy.inference_risk(train, synth, holdout, secret=table.label, n_attacks=N_ATTACKS, seed=attack_seed)
    for k, r in (("singling_out", so), ("linkability", li), ("inference", inf)):
        out[f"{k}_risk"] = r.value
        out[f"{k}_attack_rate"] = r.attack_rate
        out[f"{k}_control_rate"] = r.control_rate
    dcr = privacy.distance_to_closest_record(train, synth, holdout)
    out.update(dcr_synthetic_median=dcr.synthetic_median, dcr_holdout_median=dcr.holdout_median,
               dcr_synthetic_exact=dcr.synthetic_exact, dcr_holdout_exact=dcr.holdout_exact,
               dcr_share_closer_to_train=dcr.share_closer_to_train)
    outl = privacy.outlier_mask(pd.concat([train, holdout], ignore_index=True), share=0.1)
    mino_t, mino_h = (train[table.group] == table.minority).to_numpy(), (holdout[table.group] == table.minority).to_numpy()
    mia = privacy.membership_inference(train, synth, holdout, subsets={
        "outliers": (outl[:half], outl[half:]), "minority": (mino_t, mino_h)})
    out.update(mia_auc=mia.auc, mia_tpr_1pct=mia.tpr_at_1pct_fpr)
    for name, (auc, tpr) in mia.subsets.items():
        out[f"mia_auc_{name}"], out[f"mia_tpr_1pct_{name}"] = auc, tpr

    kw = dict(label=table.label, group=table.group, minority=table.minority)
    trtr = utility.classifier_accuracy(train, holdout, **kw)
    tstr = utility.classifier_accuracy(synth, holdout, **kw)
    out.update(trtr=trtr.overall, trtr_minority=trtr.minority, trtr_majority=trtr.majority,
               tstr=tstr.overall, tstr_minority=tstr.minority, tstr_majority=tstr.majority)
    fid = utility.fidelity(holdout, synth)
    out.update(fidelity_marginal=fid.marginal, fidelity_pairwise=fid.pairwise)

    for share in MIX_SHARES:
        mixed = utility.mixed_training_table(train, synth, rows=len(train), synthetic_share=share, seed=mix_seed)
        out[f"mix_{int(share * 100):03d}"] = utility.classifier_accuracy(mixed, holdout, **kw).overall

    small = train.iloc[:AUGMENT_REAL_ROWS].reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g_small = _make(spec, table, full, epochs).fit(small, seed=fit_seed)
        extra = g_small.sample(max(AUGMENT_ADDED), seed=sample_seed)
    for added in AUGMENT_ADDED:
        aug = pd.concat([small, extra.iloc[:added]], ignore_index=True)
        out[f"augment_{added:03d}"] = utility.classifier_accuracy(aug, holdout, **kw).overall
    return [{**base, "metric": k, "value": float(v)} for k, v in out.items()]


@validate_params({"seed": [Interval(Integral, 0, 2**32 - 1, closed="both")],
                  "n_jobs": [Interval(Integral, 1, 1024, closed="both"), Options(Integral, (-1,)), None],
                  "replicates": [Interval(Integral, 1, 10_000, closed="both")], "generators": [InstanceOf(tuple)],
                  "tables": [InstanceOf(tuple)], "replicate_start": [Interval(Integral, 0, 10**6, closed="both")],
                  "epochs": [Interval(Integral, 1, 10_000, closed="both")]})
def run(*, seed: int = SEED, n_jobs: int | None = None, replicates: int = 50,
        generators: tuple[GeneratorSpec, ...] = GENERATOR_SPECS,
        tables: tuple[str, ...] = ("arrests", "hearts", "diabetes"), replicate_start: int = 0, epochs: int = 300) -> pd.DataFrame:
    """The whole grid through joblib; one row per (table, generator, replicate, metric)."""
    from joblib import Parallel, delayed

    replicates = int(replicates)
    replicate_start = int(replicate_start)
    generators = tuple(GeneratorSpec(*g) if not isinstance(g, GeneratorSpec) else g for g in generators)
    keys = [t.key for t in TABLES]
    unknown = [t for t in tables if t not in keys]
    if unknown:
        raise ValueError(f"tables: unknown table(s) {unknown}; valid: {keys}")
    tasks = [(keys.index(t), gi, r) for t in tables for gi in range(len(generators))
             for r in range(replicate_start, replicate_start + replicates)]
    parts = Parallel(n_jobs=n_jobs)(
        delayed(run_task)(t, gi, r, seed=seed, generators=generators, epochs=epochs) for t, gi, r in tasks
    )
    return pd.DataFrame([row for part in parts for row in part])
