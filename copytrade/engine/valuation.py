"""Equity of trading books: quote cash plus each open position at the mark (docs/domain.md,
Copying)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from copytrade.domain.positions import Position


@dataclass(frozen=True, slots=True)
class BookValue:
    cash: Decimal
    equity: Decimal
    open_positions: int


def value_book(
    cash: Decimal, positions: Iterable[Position], prices: Mapping[str, Decimal]
) -> BookValue:
    """Cash plus market values. A position whose symbol has no price yet counts at cost."""
    equity = cash
    count = 0
    for position in positions:
        if position.is_flat:
            continue
        count += 1
        mark = prices.get(position.instrument.symbol)
        equity += position.market_value(mark) if mark is not None else position.margin
    return BookValue(cash, equity, count)
