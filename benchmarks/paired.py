"""Paired, interleaved timing rounds: each round times every variant once, in alternating order.

Comparing the best of one variant's rounds with the best of another's mixes rounds run under
different machine load (the CPU here is shared), which once printed an impossible ratio. A ratio
is only meaningful within a round, so :func:`paired_rounds` returns per-round times and
:func:`ratio_summary` the median and range of the per-round ratios.
"""

from __future__ import annotations

import statistics
import time
from typing import Callable, NamedTuple


class RatioSummary(NamedTuple):
    median: float
    low: float
    high: float
    rounds: int


def paired_rounds(variants: dict[str, Callable[[], object]], *, rounds: int) -> dict[str, list[float]]:
    """Seconds per variant per round; the order of the variants alternates from round to round."""
    names = list(variants)
    times = {name: [] for name in names}
    for r in range(rounds):
        order = names if r % 2 == 0 else names[::-1]
        for name in order:
            t0 = time.perf_counter()
            variants[name]()
            times[name].append(time.perf_counter() - t0)
    return times


def ratio_summary(numerator: list[float], denominator: list[float]) -> RatioSummary:
    """Median, lowest and highest of the per-round ratios numerator / denominator."""
    ratios = [a / b for a, b in zip(numerator, denominator, strict=True)]
    return RatioSummary(statistics.median(ratios), min(ratios), max(ratios), len(ratios))
