"""The prices in force, as the engine sees them (fed by the market data feed)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from copytrade.domain.errors import DomainError


class NoPriceError(DomainError, LookupError):
    """A symbol was valued before any price for it arrived."""


class PriceBook:
    def __init__(self) -> None:
        self._prices: dict[str, Decimal] = {}
        self._as_of: dict[str, datetime] = {}

    def update(self, symbol: str, price: Decimal, ts: datetime) -> None:
        self._prices[symbol] = price
        self._as_of[symbol] = ts

    def get(self, symbol: str) -> Decimal:
        try:
            return self._prices[symbol]
        except KeyError:
            raise NoPriceError(f"no price has arrived yet for {symbol!r}") from None

    def snapshot(self) -> Mapping[str, Decimal]:
        return dict(self._prices)
