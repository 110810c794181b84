"""What a bot asks for: a market order already valid for its instrument.

Bots never emit an order the venue would refuse for its lot step, minimum
quantity, minimum notional or maximum quantity: every order is built by
``market_order``, which rounds DOWN to the lot step and returns None when
what is left is below the minimums (docs/domain.md: quantities round down).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.instruments import Instrument, Side, parse_side
from copytrade.domain.values import ONE, ZERO, to_decimal

# A direction a signal bot wants to be in: long, flat or short.
LONG, FLAT, SHORT = 1, 0, -1


@dataclass(frozen=True, slots=True)
class BotOrder:
    """A market order of a bot; ``qty`` is on the instrument's lot step."""

    symbol: str
    side: Side
    qty: Decimal
    leverage: Decimal
    reduce_only: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "side", parse_side(self.side))
        qty = to_decimal(self.qty, f"{self.symbol} bot order quantity")
        if qty <= ZERO:
            raise InvalidValueError(f"{self.symbol} bot order quantity must be positive, got {qty}")
        leverage = to_decimal(self.leverage, f"{self.symbol} bot order leverage")
        if leverage < ONE:
            raise InvalidValueError(
                f"{self.symbol} bot order leverage must be >= 1, got {leverage}"
            )


def market_order(
    instrument: Instrument,
    side: Side,
    qty: Decimal,
    price: Decimal,
    leverage: Decimal,
    *,
    reduce_only: bool = False,
) -> BotOrder | None:
    """``qty`` capped at the max and rounded down; None if it then misses the minimums."""
    rounded = instrument.round_qty(min(qty, instrument.max_qty))
    if not instrument.meets_minimums(rounded, price):
        return None
    return BotOrder(instrument.symbol, side, rounded, leverage, reduce_only)


def margin_qty(margin: Decimal, leverage: Decimal, price: Decimal) -> Decimal:
    """The quantity whose margin at ``price`` is ``margin``: margin × leverage / price.

    Not yet rounded: ``market_order`` rounds it down, so the margin the order
    really needs is never more than ``margin``.
    """
    if margin <= ZERO:
        return ZERO
    return margin * leverage / price


def orders_toward(
    instrument: Instrument,
    held: Decimal,
    direction: int,
    price: Decimal,
    open_qty: Decimal,
    leverage: Decimal,
) -> list[BotOrder]:
    """Orders that take a position of ``held`` (signed) into ``direction``.

    Already on that side: nothing (bots do not resize a position they hold,
    so they never add margin to a position sitting on an unrealized gain).
    Otherwise a reduce-only close of all of ``held``, then an opening of
    ``open_qty`` the new way; the engine must place them in this order, so the
    close frees its margin before the opening needs it. A close that misses
    the minimums (dust) blocks the flip: the bot then waits, rather than
    opening against a position it cannot close.
    """
    held_direction = (held > ZERO) - (held < ZERO)
    if held_direction == direction:
        return []
    orders: list[BotOrder] = []
    if held:
        close = market_order(
            instrument,
            Side.SELL if held > ZERO else Side.BUY,
            abs(held),
            price,
            leverage,
            reduce_only=True,
        )
        if close is None:
            return []
        orders.append(close)
    if direction != FLAT:
        opening = market_order(
            instrument, Side.BUY if direction > 0 else Side.SELL, open_qty, price, leverage
        )
        if opening is not None:
            orders.append(opening)
    return orders
