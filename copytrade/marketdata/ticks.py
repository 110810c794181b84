"""Market-data values: a price tick and an OHLCV bar, validated on creation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.values import Price, Quantity, to_decimal
from copytrade.marketdata.clock import as_utc
from copytrade.marketdata.errors import InvalidMarketDataError

BAR_PRICE_COLUMNS = ("open", "high", "low", "close")


def market_decimal(value: object, what: str) -> Decimal:
    """``to_decimal`` whose error is a market-data error (one base class to catch)."""
    try:
        return to_decimal(value, what)
    except InvalidValueError as error:
        raise InvalidMarketDataError(str(error)) from None


def positive_decimal(value: object, what: str) -> Decimal:
    result = market_decimal(value, what)
    if result <= 0:
        raise InvalidMarketDataError(f"{what} must be positive, got {result}")
    return result


def check_symbol(symbol: object) -> str:
    if not isinstance(symbol, str) or not symbol or symbol != symbol.strip():
        raise InvalidMarketDataError(
            f"symbol must be a non-empty string without surrounding spaces, got {symbol!r}"
        )
    return symbol


def _symbol_time(symbol: object, ts: object, what: str) -> datetime:
    """The time of a tick or bar as aware UTC, after checking its symbol."""
    return as_utc(ts, f"{check_symbol(symbol)} {what}")


@dataclass(frozen=True, slots=True)
class PriceTick:
    """The price of ``symbol`` in force from ``ts`` (aware UTC) on."""

    symbol: str
    ts: datetime
    price: Price

    def __post_init__(self) -> None:
        object.__setattr__(self, "ts", _symbol_time(self.symbol, self.ts, "tick time"))
        if not isinstance(self.price, Price) or self.price <= 0:
            price = positive_decimal(self.price, f"{self.symbol} tick price")
            object.__setattr__(self, "price", Price(price))


def bar_problem(
    open_: Decimal, high: Decimal, low: Decimal, close: Decimal, volume: Decimal
) -> tuple[str, str] | None:
    """The first inconsistency of an OHLCV bar as (column, problem), or None.

    Shared by ``Bar`` and the CSV reader, which adds the file and line to it.
    """
    for column, value in zip(BAR_PRICE_COLUMNS, (open_, high, low, close), strict=True):
        if value <= 0:
            return column, f"{column} price must be positive, got {value}"
    if volume < 0:
        return "volume", f"volume must not be negative, got {volume}"
    if high < low:
        return "high", f"high {high} is below low {low}"
    for column, value in (("open", open_), ("close", close)):
        if not low <= value <= high:
            return column, f"{column} {value} is outside the bar's range low {low} .. high {high}"
    return None


@dataclass(frozen=True, slots=True)
class Bar:
    """One OHLCV bar; ``ts`` is the time the bar opens (the ccxt/exchange convention)."""

    symbol: str
    ts: datetime
    open: Price
    high: Price
    low: Price
    close: Price
    volume: Quantity

    def __post_init__(self) -> None:
        object.__setattr__(self, "ts", _symbol_time(self.symbol, self.ts, "bar time"))
        values = [
            market_decimal(getattr(self, name), f"{self.symbol} bar {name}")
            for name in (*BAR_PRICE_COLUMNS, "volume")
        ]
        problem = bar_problem(*values)
        if problem is not None:
            raise InvalidMarketDataError(
                f"{self.symbol} bar at {self.ts.isoformat()}: {problem[1]}"
            )
        for name, value in zip(BAR_PRICE_COLUMNS, values, strict=False):
            object.__setattr__(self, name, Price(value))
        object.__setattr__(self, "volume", Quantity(values[-1]))
