"""The bias chapter's generator sweep: every real generator in the loop, on both tables (``make sweeps SWEEP=bias_generators``).

The sweep refits each generator to its own output for ``generations`` generations, ``replicates``
times, on the arrests and heart-disease tables, and stores the four (group, label) cell counts of
every generation's table (one row per table, generator, replicate and generation). The chapter
reads the stored file (see :mod:`analysis.sweeps`); ``tests/bias/test_bias_sweep.py`` reruns a reduced
sweep and checks it reproduces the stored numbers within Monte Carlo error.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis.bias.real import GeneratorSpec, generator_cell_paths
from analysis.bias.loop import _N_JOBS
from analysis.bias.table import CELL_NAMES, load_table
from analysis.generators.tables import table_spec as table_spec_of
from analysis.core.validation import (MAX_REPLICATES, REPLICATES, InstanceOf, Integral, Interval, Relation, Seed,
                                      validate_params)

__all__ = ["NAME", "SEED", "CODE_FILES", "LIBRARIES", "SweepTable", "TableSpec", "TABLES", "GENERATOR_SPECS",
           "DEEP_SPECS", "STREAM_KEYS", "run"]

NAME = "bias_generators"
SEED = 20261126
#: files whose code computes the sweep: a change to any of them makes the stored results stale
CODE_FILES = ("analysis/bias/sweep.py", "analysis/bias/real.py", "analysis/bias/table.py",
              "analysis/bias/generator.py", "analysis/bias/chain.py", "analysis/generators/tabular.py",
              "analysis/generators/tables.py")
LIBRARIES = ("numpy", "pandas", "scikit-learn", "scikit-lego", "copulas", "rdt", "mbi", "jax", "joblib")


class SweepTable(NamedTuple):
    """A table of this sweep: its key in ``analysis.generators.tables.TABLES`` and the columns the loop tracks.

    Narrower than :class:`analysis.generators.tables.TableSpec` (no minority value: the loop finds
    the minority in the data) and with another field order, ``(name, group, label)``, which 0.4
    published as ``TableSpec``: merged into the shared type, a positional ``TableSpec(name, group,
    label)`` of 0.4 would break, so this type keeps its fields under a name that says what it is.
    """

    name: str
    group: str
    label: str


#: 0.4's name of :class:`SweepTable`
TableSpec = SweepTable

TABLES = (SweepTable("arrests", "colour", "released"), SweepTable("hearts", "sex", "target"))

#: the torch-free generators of the chapter, this sweep's default
GENERATOR_SPECS = (
    GeneratorSpec("copula"),
    GeneratorSpec("mst", epsilon=1.0),
    GeneratorSpec("mst", epsilon=10.0),
)
#: the deep generators (``bias_deep`` sets their epochs, by default the ``ctgan`` package's 300): they need the optional
#: extra "deep" (torch) and run as their own sweep, ``bias_deep`` (:mod:`analysis.bias.deep_sweep`)
DEEP_SPECS = (GeneratorSpec("tvae"), GeneratorSpec("ctgan"))
#: the order that fixes each generator's seed stream ``[seed, table, position]``; 0.4's list, so a
#: generator keeps its stream whichever sweep runs it
STREAM_KEYS = ("copula", "tvae", "ctgan", "mst_eps1", "mst_eps10")

#: (table, generator key, generations): loops to run for fewer generations than the rest (none)
GENERATION_LIMITS = ()


def _generators_among(keys) -> Relation:
    """The declared constraint on ``generators``: a non-empty sequence of GeneratorSpec whose keys are among ``keys``."""
    keys = tuple(keys)
    return Relation(("generators",),
                    lambda generators: len(generators) > 0
                    and all(isinstance(g, GeneratorSpec) and g.key in keys for g in generators),
                    "must be a non-empty sequence of GeneratorSpec with keys among " + ", ".join(keys))


def _is_limit(item) -> bool:
    return (isinstance(item, (list, tuple)) and len(item) == 3 and isinstance(item[2], (int, np.integer))
            and not isinstance(item[2], bool) and item[2] >= 1)


#: the declared constraints on ``tables`` and ``generation_limits`` (``generators``: :func:`_generators_among`)
_TABLES_AMONG = Relation(("tables",), lambda tables: len(tables) > 0 and all(t in TABLES for t in tables),
                        "must be a non-empty selection of " + ", ".join(f"SweepTable({t.name!r}, ...)" for t in TABLES))
_LIMITS_VALID = Relation(("generation_limits",), lambda generation_limits: all(map(_is_limit, generation_limits)),
                        "each item must be (table, generator key, generations >= 1)")


@validate_params({"generations": [Interval(Integral, 1, 1000, closed="both")],
                  "replicates": [REPLICATES], "seed": [Seed()],
                  "generators": [InstanceOf((list, tuple), "a sequence of GeneratorSpec")],
                  "tables": [InstanceOf((list, tuple), "a sequence of SweepTable")],
                  "first_replicate": [Interval(Integral, 0, MAX_REPLICATES, closed="both")], "n_jobs": _N_JOBS,
                  "generation_limits": [InstanceOf((list, tuple), "a sequence of (table, generator key, generations)")]},
                 relations=[_generators_among(STREAM_KEYS), _TABLES_AMONG, _LIMITS_VALID])
def run(*, generations: int = 20, replicates: int = 30, seed: int = SEED,
        generators: tuple[GeneratorSpec, ...] | list[GeneratorSpec] = GENERATOR_SPECS,
        tables: tuple[SweepTable, ...] | list[SweepTable] = TABLES, first_replicate: int = 0,
        n_jobs: int | None = None,
        generation_limits: tuple[tuple[str, str, int], ...] | list = GENERATION_LIMITS) -> pd.DataFrame:
    """Run the sweep; one row per (table, generator, replicate, generation) with the four cell counts.

    Parameters
    ----------
    generations : int
        Generations after generation 0.
    replicates : int
        Replicates per (table, generator).
    seed : int
        Root seed; each (table, generator) has its own stream fixed by its position in the full sweep.
    generators : sequence of GeneratorSpec
        The generators (a subset of ``GENERATOR_SPECS``).
    tables : sequence of SweepTable
        The tables (a subset of ``TABLES``).
    first_replicate : int
        Index of the first replicate (a reduced rerun of replicates k..k+replicates-1).
    n_jobs : int, -1 or None
        joblib workers; None defers to the caller's joblib context.
    generation_limits : sequence of (str, str, int)
        (table, generator key, generations) triples: that loop runs for at most that many
        generations (default ``GENERATION_LIMITS``).

    Returns
    -------
    DataFrame
        Columns table, generator, replicate, generation, the four cells of ``CELL_NAMES`` and minority_share.

    References
    ----------
    wyllie2024fairness
    """
    frames = []
    keys = list(STREAM_KEYS)
    limits = {(table, key): int(gens) for table, key, gens in generation_limits}
    for spec in generators:
        for t_i, table_spec in enumerate(tables):
            table = load_table(table_spec.name)
            # one seed stream per (table, generator), fixed by their position in the full sweep
            stream = [seed, [t.name for t in TABLES].index(table_spec.name), keys.index(spec.key)]
            gens = min(generations, limits.get((table_spec.name, spec.key), generations))
            # the table's number-coded categories (the heart table's sex, ...) are categories to the generator
            cats = table_spec_of(table_spec.name).categorical
            fitted = spec._replace(options=spec.options + (("categorical", cats),)) if cats else spec
            paths = generator_cell_paths(table, fitted, generations=gens, replicates=replicates,
                                         seed=stream, group=table_spec.group, label=table_spec.label,
                                         first_replicate=first_replicate, n_jobs=n_jobs)
            r, g = np.meshgrid(np.arange(first_replicate, first_replicate + replicates),
                               np.arange(gens + 1), indexing="ij")
            frame = pd.DataFrame(paths.counts.reshape(-1, 4), columns=list(CELL_NAMES))
            frame.insert(0, "generation", g.ravel())
            frame.insert(0, "replicate", r.ravel())
            frame.insert(0, "generator", spec.key)
            frame.insert(0, "table", table_spec.name)
            frames.append(frame)
    out = pd.concat(frames, ignore_index=True)
    n = out[list(CELL_NAMES)].sum(axis=1)
    out["minority_share"] = (out["minority_negative"] + out["minority_positive"]) / n
    return out
