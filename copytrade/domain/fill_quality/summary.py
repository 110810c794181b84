"""Summaries of many copies' quality: distributions, skipped shares, the kept share."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

from copytrade.domain.fill_quality.copies import CopyQuality
from copytrade.domain.statistics.numeric import STATS_CONTEXT, to_places
from copytrade.domain.values import ZERO

HUNDRED = Decimal(100)
TWO = Decimal(2)
# The slippage histogram's bucket edges in bps: [lo, hi) with an open first and last.
SLIPPAGE_BUCKETS: tuple[Decimal, ...] = tuple(Decimal(e) for e in (-10, -1, 1, 10, 50))


def median(values: Sequence[Decimal]) -> Decimal | None:
    """The middle value of the sorted values, the mean of the two middle ones for an even
    count; None for none."""
    ordered = sorted(values)
    n = len(ordered)
    if not n:
        return None
    if n % 2:
        return ordered[n // 2]
    with localcontext(STATS_CONTEXT):
        return (ordered[n // 2 - 1] + ordered[n // 2]) / TWO


def _nearest_rank(ordered: Sequence[Decimal], pct: int) -> Decimal:
    """The nearest-rank percentile: the value at rank ⌈pct/100 × n⌉ (1-based)."""
    rank = max(-(-pct * len(ordered) // 100), 1)
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class Distribution:
    count: int
    mean: Decimal | None = None
    median: Decimal | None = None
    p10: Decimal | None = None
    p90: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None

    @classmethod
    def of(cls, values: Sequence[Decimal]) -> Distribution:
        if not values:
            return cls(0)
        ordered = sorted(values)
        with localcontext(STATS_CONTEXT):
            mean = sum(ordered, ZERO) / len(ordered)
        middle = median(ordered)
        assert middle is not None
        return cls(
            count=len(ordered),
            mean=to_places(mean),
            median=to_places(middle),
            p10=_nearest_rank(ordered, 10),
            p90=_nearest_rank(ordered, 90),
            minimum=ordered[0],
            maximum=ordered[-1],
        )


@dataclass(frozen=True, slots=True)
class FillSummary:
    """Over a set of copy legs: ``skipped_pct`` and ``capped_pct`` per reason are shares of
    all legs (percent, 4 dp); ``histogram`` counts filled copies per slippage bucket."""

    legs: int
    filled: int
    actions: dict[str, int]
    skipped_pct: dict[str, Decimal]
    capped_pct: dict[str, Decimal]
    slippage_bps: Distribution
    delay_s: Distribution
    histogram: tuple[int, ...]


def _shares(reasons: Counter[str], total: int) -> dict[str, Decimal]:
    with localcontext(STATS_CONTEXT):
        return {
            reason: to_places(Decimal(count) / total * HUNDRED)
            for reason, count in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
        }


def _bucket(value: Decimal) -> int:
    return sum(1 for edge in SLIPPAGE_BUCKETS if value >= edge)


def summarize(copies: Sequence[CopyQuality]) -> FillSummary:
    slips = [c.slippage_bps for c in copies if c.slippage_bps is not None]
    delays = [c.delay_s for c in copies if c.delay_s is not None]
    skipped = Counter(c.reason or "unknown" for c in copies if c.action == "skipped")
    capped = Counter(c.reason or "unknown" for c in copies if c.action == "capped")
    histogram = [0] * (len(SLIPPAGE_BUCKETS) + 1)
    for slip in slips:
        histogram[_bucket(slip)] += 1
    total = len(copies)
    return FillSummary(
        legs=total,
        filled=len(slips),
        actions=dict(sorted(Counter(c.action for c in copies).items())),
        skipped_pct=_shares(skipped, total) if total else {},
        capped_pct=_shares(capped, total) if total else {},
        slippage_bps=Distribution.of(slips),
        delay_s=Distribution.of(delays),
        histogram=tuple(histogram),
    )


def kept_share(copy_return: Decimal, provider_return: Decimal) -> Decimal | None:
    """copy return / provider return × 100: what a copier kept of the provider's return;
    None unless the provider's return is positive (a share of a loss means nothing)."""
    if provider_return <= ZERO:
        return None
    with localcontext(STATS_CONTEXT):
        return to_places(copy_return / provider_return * HUNDRED)
