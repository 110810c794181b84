"""One block's fills allocated pro rata at one price (docs/domain.md "Block execution").
Pure.

The block's parts (what the venue filled, level by level) are pooled: the quantity goes
to the participants pro rata by what each still wants, rounded down to the lot step,
the lots left over by ``apportion``'s rule; every share is priced at the block's
volume-weighted average price rounded to the tick (half even). The venue's fees are
split the same way by allocated quantity, in quote units. What the tick rounding moves
(the venue's notional less the allocated notional, at most half a tick per unit) is the
block's ``rounding``: the platform's, booked to its block-rounding account, so nothing
is created or lost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from copytrade.domain.block.apportion import apportion
from copytrade.domain.block.walk import Part
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.values import ZERO, round_to_step


@dataclass(frozen=True, slots=True)
class Allocation:
    key: str  # the participant: the provider's book or a relationship id
    qty: Decimal
    price: Decimal
    fee: Decimal

    @property
    def notional(self) -> Decimal:
        return self.qty * self.price


@dataclass(frozen=True, slots=True)
class BlockFill:
    parts: tuple[Part, ...]
    price: Decimal  # the one price of every share (0 when nothing filled)
    allocations: tuple[Allocation, ...]  # by key
    rounding: Decimal  # venue notional − allocated notional: the platform's

    @property
    def filled(self) -> Decimal:
        return sum((qty for qty, _ in self.parts), ZERO)

    @property
    def venue_notional(self) -> Decimal:
        return sum((qty * price for qty, price in self.parts), ZERO)

    def of(self, key: str) -> Allocation:
        for allocation in self.allocations:
            if allocation.key == key:
                return allocation
        raise InvalidValueError(f"{key!r} is not in this block")


def block_price(parts: Sequence[Part], tick: Decimal) -> Decimal:
    """The parts' volume-weighted average price rounded to the tick (half even)."""
    filled = sum((qty for qty, _ in parts), ZERO)
    if not filled:
        return ZERO
    vwap = sum((qty * price for qty, price in parts), ZERO) / filled
    return round_to_step(vwap, tick)


def allocate(
    parts: Sequence[Part],
    wanted: Mapping[str, Decimal],
    tick: Decimal,
    lot_step: Decimal,
    fee: Decimal = ZERO,
    fee_step: Decimal = Decimal("0.01"),
) -> BlockFill:
    """Share ``parts`` over ``wanted`` (each participant's remaining quantity, a multiple
    of the lot step); ``fee``, the venue's fees on the parts, over what each receives."""
    if not wanted:
        raise InvalidValueError("a block needs at least one participant")
    for key, qty in wanted.items():
        if qty <= ZERO or qty % lot_step:
            raise InvalidValueError(
                f"{key}: a block share of {qty} is not a positive multiple of the lot step "
                f"{lot_step}"
            )
    filled = sum((qty for qty, _ in parts), ZERO)
    quantities = apportion(filled, wanted, lot_step, caps=wanted)
    fees = apportion(fee, quantities, fee_step) if fee else dict.fromkeys(wanted, ZERO)
    price = block_price(parts, tick)
    allocations = tuple(
        Allocation(key, quantities[key], price, fees[key]) for key in sorted(wanted)
    )
    venue_notional = sum((qty * part_price for qty, part_price in parts), ZERO)
    return BlockFill(tuple(parts), price, allocations, venue_notional - filled * price)


__all__ = ["Allocation", "BlockFill", "allocate", "block_price"]
