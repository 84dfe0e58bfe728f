"""Speed of the regulation queries on the real table (run with `make bench`)."""

import pandas as pd

from analysis import regulation


def test_bench_in_force_over_ten_years_monthly(benchmark):
    table = regulation.provisions()
    days = pd.date_range("2020-01-01", "2029-12-01", freq="MS")
    counts = benchmark(lambda: [len(regulation.in_force(d, table=table)) for d in days])
    assert len(counts) == len(days)


def test_bench_changes_between_and_matrix(benchmark):
    table = regulation.provisions()
    as_of = regulation.last_verified()
    out = benchmark(lambda: (regulation.changes_between("2015-01-01", "2030-01-01", table=table),
                             regulation.matrix(as_of, table=table)))
    assert len(out[0]) > 0
