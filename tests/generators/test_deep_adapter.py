"""The deep-generator adapter trains TVAE and CTGAN with the ``ctgan`` package's own batch size.

0.4 capped the batch at the table's size rounded down to ten. On the 303-row heart table that
gave TVAE batches of 300 and 3 rows every epoch, and trained that way it dropped women from its
samples; the package itself takes a table smaller than its batch (500) as a single batch.
"""

from __future__ import annotations

import importlib.util
import warnings

import pandas as pd
import pytest

from analysis.generators.tables import load_table, table_spec
from analysis.generators.tabular import make_generator

HAS_DEEP = importlib.util.find_spec("torch") is not None and importlib.util.find_spec("ctgan") is not None


@pytest.mark.parametrize("kwargs, match", [({"batch_size": 55}, "batch_size"), ({"batch_size": 0}, "batch_size"),
                                           ({"epochs": 0}, "epochs"), ({"epochs": 2.5}, "epochs")])
def test_bad_settings_are_named_before_any_fit(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make_generator("tvae", **kwargs)


@pytest.mark.skipif(not HAS_DEEP, reason="the deep generators need the optional extra 'deep' (torch CPU, ctgan)")
@pytest.mark.parametrize("name", ["tvae", "ctgan"])
def test_a_table_smaller_than_the_batch_is_one_batch_per_epoch(name):
    table = load_table("hearts").iloc[:151]  # the privacy sweep's training half of the heart table
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        generator = make_generator(name, epochs=3, categorical=table_spec("hearts").categorical).fit(table, seed=0)
    batch_size = generator._model._batch_size if name == "ctgan" else generator._model.batch_size
    assert batch_size == 500
    batches = generator._model.loss_values.groupby("Epoch").size()
    assert len(batches) == 3 and (batches == 1).all()


def _fit_and_sample(rows: int) -> pd.DataFrame:
    import torch

    torch.set_num_threads(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = load_table("arrests").iloc[:rows]
        return make_generator("tvae", epochs=2).fit(table, seed=3).sample(200, seed=4)


@pytest.mark.skipif(not HAS_DEEP, reason="the deep generators need the optional extra 'deep' (torch CPU, ctgan)")
def test_a_fit_in_a_sweeps_worker_equals_the_fit_in_this_process():
    # 600 rows: ctgan transforms tables of 500 rows or more with a nested joblib call, which ran on
    # threads inside a worker and drew from numpy's global state in a race (fixed: one at a time)
    from joblib import Parallel, delayed

    here = _fit_and_sample(600)
    there = Parallel(n_jobs=2)(delayed(_fit_and_sample)(600) for _ in range(2))
    for frame in there:
        pd.testing.assert_frame_equal(frame, here)
