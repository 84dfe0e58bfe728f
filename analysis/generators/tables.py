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

__all__ = ["TableSpec", "TABLES", "load_table", "table_spec"]


@dataclass(frozen=True)
class TableSpec:
    """A person-level table shipped by a package: its label, protected group and minority value.

    ``categorical`` names the numeric columns whose numbers are codes of categories (the heart
    table's sex is 0 or 1, its chest-pain type 0 to 4): every generator is told they are
    categories (``categorical=`` of :mod:`analysis.generators.tabular`), as the bias loop is.
    Non-numeric columns are categorical anyway and are not listed.
    """

    key: str
    label: str
    group: str
    minority: object
    categorical: tuple[str, ...] = ()


TABLES = (
    # year (1997-2002) and checks (a count of 0-6 police database checks) are quantities
    TableSpec("arrests", "released", "colour", "Black"),
    # the UCI codebook's coded columns; ca (vessels coloured by fluoroscopy, 0-3) as the bias loop takes it
    TableSpec("hearts", "target", "sex", 0,
              categorical=("sex", "cp", "fbs", "restecg", "exang", "slope", "ca", "target")),
    TableSpec("diabetes", "progression_high", "sex", 2.0, categorical=("sex", "progression_high")),
)


@validate_params({"key": [Options(str, tuple(t.key for t in TABLES))]})
def table_spec(key: str) -> TableSpec:
    """The :class:`TableSpec` of table ``key`` (one of ``TABLES``).

    Parameters
    ----------
    key : {"arrests", "hearts", "diabetes"}
        The table.

    Returns
    -------
    TableSpec
        Its label, group, minority value and number-coded categorical columns.

    Examples
    --------
    >>> table_spec("hearts").categorical[:2]
    ('sex', 'cp')
    """
    return next(t for t in TABLES if t.key == key)


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
