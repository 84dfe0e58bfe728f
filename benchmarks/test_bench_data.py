"""Speed of loading and validating every curated table (run with `make bench`)."""

from analysis import data


def test_bench_load_all_datasets(benchmark):
    names = data.available()
    frames = benchmark(lambda: [data.load(n) for n in names])
    assert len(frames) == len(names)
