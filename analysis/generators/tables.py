"""The person-level tables that chapters 4 and 6 fit their generators to, from packages (no download).

One table list and one loader for both chapters: ``TABLES`` names each table with its outcome
(label), its protected group and the group's minority value; :func:`load_table` returns it as its
package ships it. Chapter 6's sweep (:mod:`analysis.privacy.sweep`) uses all three tables, chapter 4
(:func:`analysis.bias.table.load_table`) arrests and hearts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.core.validation import Options, validate_params

__all__ = ["TableSpec", "TABLES", "load_table"]


@dataclass(frozen=True)
class TableSpec:
    """A person-level table shipped by a package: its label, protected group and minority value."""

    key: str
    label: str
    group: str
    minority: object


TABLES = (
    TableSpec("arrests", "released", "colour", "Black"),
    TableSpec("hearts", "target", "sex", 0),
    TableSpec("diabetes", "progression_high", "sex", 2.0),
)


@validate_params({"key": [Options(str, tuple(t.key for t in TABLES))]})
def load_table(key: str) -> pd.DataFrame:
    """The person-level tables, from packages (no download): sklego's arrests and hearts, sklearn's diabetes.

    diabetes: sklearn's unscaled table of 442 patients (Efron et al. 2004) with the outcome made
    binary: ``progression_high`` = 1 if the one-year disease progression is above the median of
    the 442 patients. ``sex`` is coded 1/2 in the source, without saying which is which.

    Parameters
    ----------
    key : {"arrests", "hearts", "diabetes"}
        The table, a key of ``TABLES``.

    Returns
    -------
    DataFrame
        The table as its package ships it (diabetes with the binary outcome added).
    """
    if key == "arrests":
        from sklego.datasets import load_arrests

        return load_arrests(as_frame=True)
    if key == "hearts":
        from sklego.datasets import load_hearts

        return load_hearts(as_frame=True)
    if key == "diabetes":
        from sklearn.datasets import load_diabetes

        frame = load_diabetes(as_frame=True, scaled=False).frame
        target = frame.pop("target")
        frame["progression_high"] = (target > target.median()).astype(np.int64)
        return frame
    raise ValueError(f"key: unknown table {key!r}; valid: {', '.join(t.key for t in TABLES)}")
