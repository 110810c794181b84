"""Instruments and the exchange rules every quantity and price is rounded through."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_UP, Decimal
from enum import StrEnum

from copytrade.domain.depth import BookDepth
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.margin_tiers import (
    MarginTier,
    check_rate,
    check_tiers,
    maintenance_for,
    tier_max_leverage,
)
from copytrade.domain.values import (
    ONE,
    USDT,
    ZERO,
    Currency,
    Price,
    Quantity,
    round_down,
    round_to_step,
    to_decimal,
)

DEFAULT_MAINTENANCE_RATE = Decimal("0.005")
DEFAULT_LIQUIDATION_FEE = Decimal("0.005")


class InstrumentKind(StrEnum):
    SPOT = "spot"
    PERP = "perp"


# A module name: reading an enum member off its class costs a lookup, on the copy path
# several times a copy (docs/benchmarks.md, "This session's profile").
_SPOT = InstrumentKind.SPOT


class Side(StrEnum):
    BUY = "buy"
    SELL = "sell"

    @property
    def sign(self) -> int:
        return 1 if self is Side.BUY else -1

    def opposite(self) -> Side:
        return Side.SELL if self is Side.BUY else Side.BUY


@dataclass(frozen=True, slots=True)
class Instrument:
    """A tradable market, e.g. ``BTC/USDT`` spot or ``BTC/USDT:USDT`` perp."""

    symbol: str
    kind: InstrumentKind
    base: str
    quote: Currency
    tick: Decimal
    lot_step: Decimal
    min_qty: Decimal
    min_notional: Decimal
    max_qty: Decimal
    maker_fee: Decimal
    taker_fee: Decimal
    max_leverage: Decimal = ONE
    # Perpetuals only (docs/domain.md "Margin"): the maintenance margin rate (or the
    # tiers by notional that replace it) and the liquidation fee, a rate of the notional.
    # None and no tiers: the venue does not liquidate this instrument (opt-in, so runs
    # recorded before liquidation existed replay the same).
    maintenance_margin_rate: Decimal | None = None
    liquidation_fee: Decimal = DEFAULT_LIQUIDATION_FEE
    margin_tiers: tuple[MarginTier, ...] = ()
    # The paper venue's depth model (docs/venues.md "Depth"); None: unlimited at the mark.
    depth: BookDepth | None = None

    def __post_init__(self) -> None:
        if not self.symbol or not self.base:
            raise InvalidValueError("instrument symbol and base asset must not be empty")
        if not isinstance(self.kind, InstrumentKind):
            object.__setattr__(self, "kind", parse_kind(self.kind))
        for name in ("tick", "lot_step", "max_qty"):
            value = to_decimal(getattr(self, name), f"{self.symbol} {name}")
            if value <= 0:
                raise InvalidValueError(f"{self.symbol} {name} must be positive, got {value}")
            object.__setattr__(self, name, value)
        for name in ("min_qty", "min_notional"):
            value = to_decimal(getattr(self, name), f"{self.symbol} {name}")
            if value < 0:
                raise InvalidValueError(f"{self.symbol} {name} must not be negative, got {value}")
            object.__setattr__(self, name, value)
        for name in ("maker_fee", "taker_fee"):
            # Fees are rates (0.001 = 0.1 %); a negative maker rate is a rebate.
            value = to_decimal(getattr(self, name), f"{self.symbol} {name}")
            if not Decimal("-0.01") <= value <= Decimal("0.1"):
                raise InvalidValueError(
                    f"{self.symbol} {name} is a rate between -0.01 and 0.1 (0.001 = 0.1 %), "
                    f"got {value}"
                )
            object.__setattr__(self, name, value)
        leverage = to_decimal(self.max_leverage, f"{self.symbol} max_leverage")
        if leverage < ONE or leverage > 200:
            raise InvalidValueError(f"{self.symbol} max_leverage must be 1..200, got {leverage}")
        if self.kind is InstrumentKind.SPOT and leverage != ONE:
            raise InvalidValueError(f"{self.symbol} is spot: max_leverage must be 1")
        object.__setattr__(self, "max_leverage", leverage)
        if self.min_qty > self.max_qty:
            raise InvalidValueError(f"{self.symbol} min_qty {self.min_qty} exceeds max_qty")
        for name in ("maintenance_margin_rate", "liquidation_fee"):
            if getattr(self, name) is None:
                continue
            value = to_decimal(getattr(self, name), f"{self.symbol} {name}")
            object.__setattr__(self, name, check_rate(value, f"{self.symbol} {name}"))
        depth = self.depth
        if depth is not None and (depth.level_size % self.lot_step or depth.spacing % self.tick):
            raise InvalidValueError(
                f"{self.symbol} depth: level_size must be a multiple of the lot step "
                f"{self.lot_step} and spacing of the tick {self.tick}"
            )
        object.__setattr__(
            self, "margin_tiers", check_tiers(self.margin_tiers, f"{self.symbol} margin_tiers")
        )

    @property
    def is_spot(self) -> bool:
        return self.kind is _SPOT

    def round_qty(self, qty: Decimal) -> Quantity:
        """Quantity rounded down to the lot step (never more than was asked)."""
        if qty <= 0:
            return Quantity(ZERO)
        return Quantity(round_down(qty, self.lot_step))

    def round_price(self, price: Decimal, side: Side | None = None) -> Price:
        """Price to the tick: nearest, or for a limit the side's safe direction.

        A buy limit rounds down and a sell limit up, so rounding never makes a
        limit order pay more than the price it was given.
        """
        if side is Side.BUY:
            mode = ROUND_DOWN
        elif side is Side.SELL:
            mode = ROUND_UP
        else:
            mode = ROUND_HALF_EVEN
        return Price(round_to_step(to_decimal(price, f"{self.symbol} price"), self.tick, mode))

    def is_on_lot_step(self, qty: Decimal) -> bool:
        return (qty % self.lot_step) == 0

    def check_qty(self, qty: Decimal) -> Quantity:
        """Validate a quantity an order asks for, naming the offending value."""
        value = to_decimal(qty, f"{self.symbol} quantity")
        if value <= 0:
            raise InvalidValueError(f"{self.symbol} quantity must be positive, got {value}")
        if not self.is_on_lot_step(value):
            raise InvalidValueError(
                f"{self.symbol} quantity {value} is not a multiple of the lot step {self.lot_step}"
            )
        if value > self.max_qty:
            raise InvalidValueError(f"{self.symbol} quantity {value} exceeds max {self.max_qty}")
        return Quantity(value)

    def notional(self, qty: Decimal, price: Decimal) -> Decimal:
        return qty * price

    def meets_minimums(self, qty: Decimal, price: Decimal) -> bool:
        return qty > 0 and qty >= self.min_qty and qty * price >= self.min_notional

    @property
    def liquidates(self) -> bool:
        """A perp with margin rules: its positions are liquidated at the maintenance margin."""
        return not self.is_spot and (
            self.maintenance_margin_rate is not None or bool(self.margin_tiers)
        )

    @property
    def maintenance_rate(self) -> Decimal:
        """The flat maintenance rate (the default when only tiers are given)."""
        rate = self.maintenance_margin_rate
        return DEFAULT_MAINTENANCE_RATE if rate is None else rate

    def maintenance_margin(self, notional: Decimal) -> Decimal:
        """Maintenance margin of a perp position of ``notional`` (0 where none applies)."""
        if not self.liquidates:
            return ZERO
        return maintenance_for(self.margin_tiers, self.maintenance_rate, notional)

    def cap_leverage_for(self, leverage: Decimal, notional: Decimal) -> Decimal:
        """``cap_leverage``, then the cap of the margin tier ``notional`` falls in."""
        capped = self.cap_leverage(leverage)
        tier_cap = tier_max_leverage(self.margin_tiers, notional)
        return capped if tier_cap is None else min(capped, tier_cap)

    def cap_leverage(self, leverage: Decimal) -> Decimal:
        """Leverage actually usable here: 1 on spot, at most the instrument's max."""
        if self.kind is _SPOT:
            return ONE
        if leverage < ONE:
            raise InvalidValueError(f"leverage must be at least 1, got {leverage}")
        return min(leverage, self.max_leverage)


def parse_kind(value: object) -> InstrumentKind:
    try:
        return InstrumentKind(str(value))
    except ValueError:
        raise InvalidValueError(
            f"instrument kind must be one of {[k.value for k in InstrumentKind]}, got {value!r}"
        ) from None


def parse_side(value: object) -> Side:
    try:
        return Side(str(value).lower())
    except ValueError:
        raise InvalidValueError(f"side must be 'buy' or 'sell', got {value!r}") from None


__all__ = [
    "DEFAULT_LIQUIDATION_FEE",
    "DEFAULT_MAINTENANCE_RATE",
    "USDT",
    "Instrument",
    "InstrumentKind",
    "MarginTier",
    "Side",
    "parse_kind",
    "parse_side",
]
