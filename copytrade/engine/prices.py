"""The prices in force, as the engine sees them (fed by the market data feed)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal


class PriceBook:
    def __init__(self) -> None:
        self._prices: dict[str, Decimal] = {}

    def update(self, symbol: str, price: Decimal, ts: datetime) -> None:
        """``ts`` is accepted for the feed's signature; only the latest price is kept."""
        self._prices[symbol] = price

    def snapshot(self) -> Mapping[str, Decimal]:
        return dict(self._prices)
