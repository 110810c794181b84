"""Errors of the alerts area, under one base class (docs/alerts.md, "Errors")."""

from __future__ import annotations

from copytrade.domain.errors import DomainError, InvalidValueError


class AlertError(DomainError):
    """Base class of every error raised by the alerts feature."""


class InvalidAlertError(AlertError, InvalidValueError):
    """A rule, timeframe or candle input is malformed; nothing was changed."""


class RuleSyntaxError(InvalidAlertError):
    """A condition cannot be read; names the part (``part``) and its column (1-based)."""

    def __init__(self, text: str, column: int, part: str, problem: str) -> None:
        self.text = text
        self.column = column
        self.part = part
        where = f"at column {column}, {part!r}" if part else f"at column {column}"
        super().__init__(f"cannot read condition {text!r} {where}: {problem}")


class UnknownAlertSymbolError(InvalidAlertError, LookupError):
    """A rule names a symbol the platform does not list."""

    def __init__(self, symbol: str, known: tuple[str, ...]) -> None:
        self.symbol = symbol
        self.known = known
        listed = ", ".join(known) if known else "none"
        super().__init__(f"unknown symbol {symbol!r}; known symbols: {listed}")


class AlertNotFoundError(AlertError, LookupError):
    """No alert rule has this id."""


class CandleOrderError(AlertError):
    """A tick came earlier than the candle it would belong to is already open for."""


class ChannelNotFoundError(AlertError, LookupError):
    """No notification channel has this id."""


class ChannelTestError(AlertError):
    """A channel's test message was not taken; says why (never with a secret)."""
