"""Chunks of a long sweep committed between sessions stay current until they are merged.

A sweep that runs for hours (``bias_deep``) is computed in chunks across sessions; each finished
chunk is committed under ``results/chunks/NAME/`` so the next session can run the rest and merge.
``make sweeps-merge`` refuses chunks computed by other code than the checkout's, so a change to
the code such a sweep reaches would silently throw away hours of computing: this test fails first.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.sweeps import store

CHUNKS = Path(__file__).resolve().parents[2] / "results" / "chunks"
DIRS = sorted(p for p in CHUNKS.glob("*/r*") if p.is_dir()) if CHUNKS.is_dir() else []


@pytest.mark.parametrize("chunk", DIRS, ids=[f"{p.parent.name}/{p.name}" for p in DIRS])
def test_a_committed_chunk_was_computed_by_the_checkouts_code(chunk):
    name = chunk.parent.name
    try:
        frame, prov = store.load_results(name, results_dir=chunk)
    except store.StaleResultsError as exc:
        pytest.fail(f"{exc}. This change to code that {name} reaches makes its committed chunks unmergeable: "
                    f"undo it until `make sweeps-merge SWEEP={name}` has run, or rerun every chunk")
    assert prov.chunk, f"{chunk} holds a whole sweep, not a chunk"
    start, stop = prov.chunk["start"], prov.chunk["stop"]
    assert chunk.name == f"r{start:05d}-{stop:05d}"
    if "replicate" in frame.columns:
        replicates = sorted(frame["replicate"].unique())
        assert replicates == list(range(start, stop)), (chunk, replicates)


def test_no_chunk_is_left_once_its_sweep_is_merged():
    """After a merge the chunks are deleted: a merged file and chunks beside it would be two truths."""
    for sweep in sorted({p.parent.name for p in DIRS}):
        merged = CHUNKS.parent / f"{sweep}.provenance.json"
        if merged.is_file():
            prov = store._read_provenance(merged)
            assert not prov.chunks or not any((CHUNKS / sweep).glob("r*")), (
                f"{sweep} is merged from chunks and its chunks are still under {CHUNKS / sweep}: delete them")
