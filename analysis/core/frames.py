"""Row lookups in result tables: the one row whose key columns hold given values, or a ValueError saying why not."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.core.validation import Frame, InstanceOf, validate_params

__all__ = ["lookup_row"]


@validate_params({"frame": [Frame(min_rows=0)], "where": [InstanceOf(Mapping, "a mapping of column -> value")],
                  "name": [InstanceOf(str)]})
def lookup_row(frame: pd.DataFrame, where: Mapping[str, object], *, name: str = "frame") -> pd.Series:
    """The one row of ``frame`` whose columns equal the values in ``where``.

    Values are compared with ``==`` (exactly, floats included); the row is returned as
    ``frame[mask].iloc[0]``, with the frame's index label as its name. This is the one lookup of the
    package: :func:`analysis.publish.tables.lookup` (the chapters' ``lookup(frame, table=..., ...)``)
    and :func:`analysis.privacy.report.cell` call it.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table to search.
    where : mapping
        Column name -> the value that column must hold.
    name : str
        The caller's name for ``frame``, used in the error message.

    Returns
    -------
    pandas.Series
        The matching row.

    Raises
    ------
    ValueError
        If a column is missing, or if no row or several rows match; the message names the columns
        and values.

    Examples
    --------
    >>> df = pd.DataFrame({"table": ["a", "a", "b"], "generation": [0, 1, 0], "value": [1.0, 2.0, 3.0]})
    >>> float(lookup_row(df, {"table": "a", "generation": 1})["value"])
    2.0
    """
    missing = [c for c in where if c not in frame.columns]
    if missing:
        raise ValueError(f"{name}: has no column(s) {missing} (its columns: {list(frame.columns)})")
    mask = np.ones(len(frame), dtype=bool)
    for column, value in where.items():
        mask &= (frame[column] == value).to_numpy(dtype=bool)
    hits = frame[mask]
    if len(hits) != 1:
        condition = ", ".join(f"{c}={v!r}" for c, v in where.items()) or "no condition"
        raise ValueError(f"{name}: {len(hits)} rows match {condition} (columns {list(where)}), not exactly 1")
    return hits.iloc[0]
