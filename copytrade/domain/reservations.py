"""Funds a resting order keeps "in orders" (docs/venues.md "Funds in orders").

Pure arithmetic, no I/O: the venue sums the holds of an account's resting orders
and takes them off what the account may spend, as an exchange does.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from copytrade.domain.instruments import Instrument, Side
from copytrade.domain.values import ZERO, round_to_step


@dataclass(frozen=True, slots=True)
class Hold:
    """What one resting order locks: ``quote`` cash, and ``base`` of a spot holding."""

    quote: Decimal = ZERO
    base: Decimal = ZERO


NOTHING = Hold()


def closing_part(side: Side, qty: Decimal, held: Decimal) -> Decimal:
    """How much of an order of ``qty`` on ``side`` closes the signed position ``held``."""
    if held and (held > ZERO) != (side is Side.BUY):
        return min(qty, abs(held))
    return ZERO


def order_hold(
    instrument: Instrument,
    side: Side,
    remaining: Decimal,
    limit: Decimal,
    leverage: Decimal,
    fee: Decimal,
    *,
    held: Decimal = ZERO,
    reduce_only: bool = False,
) -> Hold:
    """The hold of an order's ``remaining`` quantity resting at ``limit``.

    - reduce-only, or nothing left: nothing;
    - spot buy: ``remaining × limit + fee`` of the quote;
    - spot sell: ``remaining`` of the base;
    - perp: the initial margin of the opening part,
      ``ceil(opening × limit / leverage)`` to the quote unit, plus ``fee``, where
      ``opening = remaining − closing_part(side, remaining, held)`` (the part that
      does not close the position ``held`` now).

    ``fee`` is the maker fee of ``remaining × limit`` (what its fill there costs).
    """
    if reduce_only or remaining <= ZERO:
        return NOTHING
    if instrument.is_spot:
        if side is Side.SELL:
            return Hold(base=remaining)
        return Hold(quote=remaining * limit + fee)
    opening = remaining - closing_part(side, remaining, held)
    margin = round_to_step(opening * limit / leverage, instrument.quote.unit, ROUND_CEILING)
    return Hold(quote=margin + fee)


__all__ = ["NOTHING", "Hold", "closing_part", "order_hold"]
