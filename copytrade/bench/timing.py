"""Timing helpers: integer nanoseconds in, milliseconds out (timings are not money)."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

now_ns = time.perf_counter_ns
# This process's CPU time: on a loaded machine it moves far less than the wall clock.
cpu_ns = time.process_time_ns


def percentile(samples_ns: Sequence[int], pct: float) -> int:
    """The nearest-rank percentile: the smallest sample with ``pct`` % at or below it.

    No interpolation, so the figure is always a time that was measured. With
    fewer than 100 samples p99 is the slowest sample (the honest reading of a
    tail you sampled that little of); p50 is the lower middle of an even count.
    """
    if not samples_ns:
        raise ValueError("percentile of no samples")
    if not 0 < pct <= 100:
        raise ValueError(f"percentile must be in (0, 100], got {pct}")
    ordered = sorted(samples_ns)
    rank = math.ceil(pct / 100 * len(ordered))
    return ordered[rank - 1]


def ms(ns: int | float) -> float:
    """Nanoseconds as milliseconds, rounded to the microsecond for reporting."""
    return round(ns / 1e6, 3)
