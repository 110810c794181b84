"""Nearest-rank percentiles: always a measured sample, p99 of a short run is its max."""

from __future__ import annotations

import pytest

from copytrade.bench.timing import ms, percentile


@pytest.mark.parametrize(
    ("samples", "pct", "expected"),
    [
        # rank = ceil(pct/100 × n), 1-based, over the sorted samples.
        ([5, 1, 3], 50, 3),  # ceil(1.5) = 2nd of 1,3,5
        ([4, 1, 3, 2], 50, 2),  # ceil(2.0) = 2nd of 1,2,3,4: the lower middle
        ([4, 1, 3, 2], 99, 4),  # ceil(3.96) = 4th: the slowest of a short run
        (list(range(1, 101)), 99, 99),  # ceil(99.0) = 99th of 1..100
        (list(range(1, 201)), 99, 198),  # ceil(198.0) = 198th of 1..200
        ([7], 1, 7),
        ([7, 9], 100, 9),
    ],
)
def test_nearest_rank(samples: list[int], pct: float, expected: int) -> None:
    assert percentile(samples, pct) == expected


@pytest.mark.parametrize("pct", [0, -1, 100.5])
def test_percentile_out_of_range_is_refused(pct: float) -> None:
    with pytest.raises(ValueError, match="percentile"):
        percentile([1, 2], pct)


def test_no_samples_is_refused() -> None:
    with pytest.raises(ValueError, match="no samples"):
        percentile([], 50)


def test_ms_rounds_nanoseconds_to_microseconds() -> None:
    assert ms(1_234_567) == 1.235  # 1.234567 ms → 1.235
    assert ms(2_000_000) == 2.0
