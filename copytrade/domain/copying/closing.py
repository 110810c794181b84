"""Close synchronisation: followers reduce as the provider reduces (docs/domain.md, Copying).

fraction = min(1, fill_qty / provider_position_qty_before_fill); each follower
reduces its copied position by that fraction at market, rounded down to the lot
step; fraction 1 closes the whole position, leaving no dust. Closes are never
blocked by slippage, minimums, caps or open-trade counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from copytrade.domain.copying.reasons import (
    CopyAction,
    CopyDecision,
    ReasonCode,
    round_up,
    skip_table,
)
from copytrade.domain.copying.relationship import RelationshipStatus
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.instruments import Instrument
from copytrade.domain.values import ONE, ZERO, Quantity, round_down


def split_flip(position_before: Decimal, fill_qty: Decimal) -> tuple[Decimal, Decimal]:
    """(close_qty, open_qty), both magnitudes, of a signed fill on a signed position.

    A fill against the position closes up to its size; what is left over opens
    a position on the other side (a flip) and goes through the opening rules.
    """
    if fill_qty == ZERO or position_before == ZERO or (fill_qty > ZERO) == (position_before > ZERO):
        return ZERO, abs(fill_qty)
    size, qty = abs(position_before), abs(fill_qty)
    if qty <= size:
        return qty, ZERO
    return size, qty - size


def close_fraction(fill_qty: Decimal, provider_position_qty_before: Decimal) -> Decimal:
    """min(1, |fill| / |position before|): the share of the position the fill closes."""
    position = abs(provider_position_qty_before)
    if position == ZERO:
        raise InvalidValueError(
            "a reducing fill needs the provider's position before it, got a flat position: "
            "a fill on a flat position opens (see split_flip)"
        )
    return min(ONE, abs(fill_qty) / position)


def follower_close_qty(
    instrument: Instrument, follower_position_qty: Decimal, fraction: Decimal
) -> Quantity:
    """How much of the follower's position to close: all of it at fraction ≥ 1."""
    position = abs(follower_position_qty)
    if fraction >= ONE:
        return Quantity(position)
    if fraction <= ZERO:
        return Quantity(ZERO)
    return Quantity(min(position, round_down(position * fraction, instrument.lot_step)))


@dataclass(frozen=True, slots=True)
class CloseContext:
    """One reducing provider fill, shared by all its followers."""

    instrument: Instrument
    fraction: Decimal
    price: Decimal
    fee_rate: Decimal = field(init=False, repr=False, compare=False)
    skips: dict[ReasonCode, CopyDecision] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fee_rate", max(ZERO, self.instrument.taker_fee))
        object.__setattr__(self, "skips", skip_table(self.price))

    @classmethod
    def for_fill(
        cls, instrument: Instrument, fill_qty: Decimal, position_before: Decimal, price: Decimal
    ) -> CloseContext:
        return cls(instrument, close_fraction(fill_qty, position_before), price)


def gate_closing(
    close: CloseContext,
    status: RelationshipStatus,
    follower_position_qty: Decimal,
    detached: bool = False,
    liquidated: bool = False,
) -> CopyDecision:
    """Decide one follower's mirror of a reducing fill.

    Stopped relationships no longer mirror (their positions were closed, or left
    as the follower's own); paused ones still do. A position the follower closed
    by hand is ``detached``; one the venue liquidated is ``liquidated`` (docs/domain.md
    "Liquidation"). A reduction smaller than one lot step is skipped
    ``below_lot_step``: it cannot be sent, and the next reduction (or the full
    close, which takes everything) catches up.
    """
    skips = close.skips
    if status is RelationshipStatus.STOPPED:
        return skips[ReasonCode.NOT_ACTIVE]
    if detached:
        return skips[ReasonCode.DETACHED]
    if liquidated and follower_position_qty == ZERO:
        return skips[ReasonCode.LIQUIDATED]
    if follower_position_qty == ZERO:
        return skips[ReasonCode.NO_POSITION]
    qty = follower_close_qty(close.instrument, follower_position_qty, close.fraction)
    if qty == ZERO:
        return skips[ReasonCode.BELOW_LOT_STEP]
    notional = qty * close.price
    fee = round_up(notional * close.fee_rate, close.instrument.quote.unit)
    return CopyDecision(CopyAction.PLACED, None, qty, notional, ZERO, fee, ZERO, close.price)
