"""A follower's equity day by day: what the dashboard's chart draws.

The books' daily closes (``equity_snapshots``) are the copies' actual equity, flows
included: the follower sees its money, not a return curve.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from copytrade.domain.statistics import EquityPoint
from copytrade.domain.values import ZERO


def summed_by_day(
    books: Mapping[str, Sequence[EquityPoint]], today: date, live: Decimal
) -> list[tuple[date, Decimal]]:
    """The books' equity summed per day, from the first day any book has: a book counts
    at its last close on days without one (0 before its first). Today is ``live`` (the
    books marked at the current prices), not a close that may be hours old."""
    days = sorted({point.day for points in books.values() for point in points if point.day < today})
    last: dict[str, Decimal] = {}
    found: list[tuple[date, Decimal]] = []
    at = {book: {point.day: point.equity for point in points} for book, points in books.items()}
    for day in days:
        for book, closes in at.items():
            if day in closes:
                last[book] = closes[day]
        found.append((day, sum(last.values(), ZERO)))
    found.append((today, live))
    return found
