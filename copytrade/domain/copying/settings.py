"""A follower's settings for one copy relationship: how to size, what to limit.

Validated once when set, so the per-follower gate only reads plain fields; the
percentages are also kept as fractions (``*_fraction``) so the hot path never
divides by 100.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from copytrade.domain.copying.choices import parse_choice
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.margin_mode import MarginMode
from copytrade.domain.values import HUNDRED, ONE, ZERO, bounded_amount, percent, to_decimal

# Defaults (docs/domain.md gives the reasons).
DEFAULT_MULTIPLIER = ONE
MAX_MULTIPLIER = Decimal(10)
DEFAULT_MAX_PER_TRADE_PCT = HUNDRED
DEFAULT_MAX_OPEN_TRADES = 10
DEFAULT_MAX_LOSS_PCT = Decimal(20)
DEFAULT_SLIPPAGE_PCT = ONE


# Each protection's largest percentage: a stop can lose at most everything, a
# take-profit may ask for up to 10x (docs/domain.md, "Follower protections").
MAX_TAKE_PROFIT_PCT = Decimal(1000)
PROTECTION_LIMITS = {
    "copy_stop_loss_pct": HUNDRED,
    "copy_take_profit_pct": MAX_TAKE_PROFIT_PCT,
    "take_profit_pct": MAX_TAKE_PROFIT_PCT,
    "trailing_stop_pct": HUNDRED,
}


class SizingMode(StrEnum):
    FIXED_AMOUNT = "fixed_amount"
    PROPORTIONAL = "proportional"
    MULTIPLIER = "multiplier"


def parse_mode(value: object) -> SizingMode:
    """A sizing mode from its name; an unknown name lists the valid ones."""
    return parse_choice(SizingMode, value, "sizing mode")


@dataclass(frozen=True, slots=True)
class CopySettings:
    """Per-relationship settings. Percentages are 0..100, not fractions.

    A symbol is allowed when the whitelist is empty or holds it, and the
    blacklist does not hold it: both may be set, the blacklist wins.
    """

    mode: SizingMode
    fixed_amount: Decimal | None = None
    multiplier: Decimal = DEFAULT_MULTIPLIER
    leverage: Decimal | None = None
    max_per_trade_pct: Decimal = DEFAULT_MAX_PER_TRADE_PCT
    max_open_trades: int = DEFAULT_MAX_OPEN_TRADES
    max_loss_pct: Decimal = DEFAULT_MAX_LOSS_PCT
    slippage_pct: Decimal = DEFAULT_SLIPPAGE_PCT
    whitelist: frozenset[str] = frozenset()
    blacklist: frozenset[str] = frozenset()
    close_on_stop: bool = True
    copy_open_positions: bool = False
    # The follower's own protections (docs/domain.md, "Follower protections"); None: off.
    copy_stop_loss_pct: Decimal | None = None
    copy_take_profit_pct: Decimal | None = None
    take_profit_pct: Decimal | None = None
    trailing_stop_pct: Decimal | None = None
    # How the relationship's book margins its perps (docs/domain.md "Margin").
    margin_mode: MarginMode = MarginMode.ISOLATED
    max_per_trade_fraction: Decimal = field(init=False, repr=False, compare=False)
    max_loss_fraction: Decimal = field(init=False, repr=False, compare=False)
    slippage_fraction: Decimal = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        put = object.__setattr__
        put(self, "mode", parse_mode(self.mode))
        put(self, "margin_mode", MarginMode.parse(self.margin_mode))
        if self.fixed_amount is not None:
            amount = bounded_amount(self.fixed_amount, "fixed_amount")
            put(self, "fixed_amount", _positive(amount, "fixed_amount"))
        elif self.mode is SizingMode.FIXED_AMOUNT:
            raise InvalidValueError("fixed_amount is required when the sizing mode is fixed_amount")
        multiplier = _positive(self.multiplier, "multiplier")
        if multiplier > MAX_MULTIPLIER:
            raise InvalidValueError(
                f"multiplier must be at most {MAX_MULTIPLIER}, got {multiplier}"
            )
        put(self, "multiplier", multiplier)
        if self.leverage is not None:
            leverage = to_decimal(self.leverage, "leverage")
            if leverage < ONE:
                raise InvalidValueError(f"leverage must be at least 1, got {leverage}")
            put(self, "leverage", leverage)
        for name in ("max_per_trade_pct", "max_loss_pct"):
            value = _positive(getattr(self, name), name)
            put(self, name, percent(value, name, low=0, high=100))
        put(self, "slippage_pct", percent(self.slippage_pct, "slippage_pct", low=0, high=100))
        if isinstance(self.max_open_trades, bool) or not isinstance(self.max_open_trades, int):
            raise InvalidValueError(
                f"max_open_trades must be a whole number, got {self.max_open_trades!r}"
            )
        if self.max_open_trades < 1:
            raise InvalidValueError(
                f"max_open_trades must be at least 1, got {self.max_open_trades}"
            )
        for name, high in PROTECTION_LIMITS.items():
            value = getattr(self, name)
            if value is not None:
                put(self, name, percent(_positive(value, name), name, low=0, high=high))
        put(self, "whitelist", _symbols(self.whitelist, "whitelist"))
        put(self, "blacklist", _symbols(self.blacklist, "blacklist"))
        put(self, "max_per_trade_fraction", self.max_per_trade_pct / HUNDRED)
        put(self, "max_loss_fraction", self.max_loss_pct / HUNDRED)
        put(self, "slippage_fraction", self.slippage_pct / HUNDRED)

    def allows(self, symbol: str) -> bool:
        """Whitelist (when set) admits, blacklist refuses; the blacklist wins."""
        if self.whitelist and symbol not in self.whitelist:
            return False
        return symbol not in self.blacklist


def _positive(value: object, what: str) -> Decimal:
    result = to_decimal(value, what)
    if result <= ZERO:
        raise InvalidValueError(f"{what} must be greater than 0, got {result}")
    return result


def _symbols(value: Iterable[str], what: str) -> frozenset[str]:
    if isinstance(value, str):
        raise InvalidValueError(f"{what} must be a collection of symbols, not one string {value!r}")
    symbols = frozenset(value)
    for symbol in symbols:
        if not isinstance(symbol, str) or not symbol.strip():
            raise InvalidValueError(f"{what} holds an empty or non-text symbol: {symbol!r}")
    return symbols
