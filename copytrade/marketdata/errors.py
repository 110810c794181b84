"""Errors of the market-data package, all under one base class.

``MarketDataError`` subclasses the domain's ``DomainError``, so a caller that
turns domain errors into user messages (CLI, API) handles these too; the
value errors also subclass ``InvalidValueError`` for callers that catch that.
"""

from __future__ import annotations

from pathlib import Path

from copytrade.domain.errors import DomainError, InvalidValueError


class MarketDataError(DomainError):
    """Base class of every error raised by copytrade.marketdata."""


class InvalidMarketDataError(MarketDataError, InvalidValueError):
    """A tick, bar, symbol spec or time is malformed or out of range."""


class UnknownSymbolError(MarketDataError, LookupError):
    """A symbol was asked for that the feed or table does not carry."""

    def __init__(self, symbol: str, known: tuple[str, ...], where: str) -> None:
        self.symbol = symbol
        self.known = known
        listed = ", ".join(known) if known else "none"
        super().__init__(f"unknown symbol {symbol!r} in {where}; known symbols: {listed}")


class CsvFormatError(InvalidMarketDataError):
    """A CSV file is malformed; names the file, line, column and value."""

    def __init__(self, path: Path, line: int, column: str, value: str, problem: str) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.value = value
        super().__init__(f"{path}, line {line}, column {column!r}, value {value!r}: {problem}")


class OutOfOrderError(MarketDataError):
    """Time went backwards: a feed yielded an earlier tick than before."""


class ClockBackwardsError(OutOfOrderError):
    """A simulated clock was asked to move to an earlier time."""
