"""A provider's order and its copies against one depth model, with and without block
execution (docs/domain.md "Block execution"). Pure.

``execute_block`` matches the provider's order first, then the copies' aggregate
continuing from where the provider's fill left the book (its impact is real), and
allocates all the parts pro rata at one price (``allocate``). ``execute_in_turn`` is the
comparison without a block on the same book: the provider's order, then each copy in
relationship-id order, each continuing where the last left it, each at its own prices.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from copytrade.domain.block.allocation import BlockFill, allocate
from copytrade.domain.block.walk import Part, walk
from copytrade.domain.depth import BookDepth
from copytrade.domain.instruments import Side
from copytrade.domain.values import ZERO


@dataclass(frozen=True, slots=True)
class BlockOrder:
    """One provider order and its copies as one block: ``provider`` is the provider's
    book, ``copies`` each copy's relationship id and quantity (lot-step multiples)."""

    side: Side
    provider: str
    provider_qty: Decimal
    copies: Mapping[str, Decimal]
    limit: Decimal | None = None

    @property
    def wanted(self) -> dict[str, Decimal]:
        return {self.provider: self.provider_qty, **self.copies}


def execute_block(
    order: BlockOrder, depth: BookDepth | None, mark: Decimal, tick: Decimal, lot_step: Decimal
) -> BlockFill:
    own = walk(depth, order.side, mark, order.provider_qty, order.limit)
    taken = sum((qty for qty, _ in own), ZERO)
    aggregate = sum(order.copies.values(), ZERO)
    rest = walk(depth, order.side, mark, aggregate, order.limit, taken) if aggregate else []
    return allocate(_merged(own + rest), order.wanted, tick, lot_step)


def execute_in_turn(
    order: BlockOrder, depth: BookDepth | None, mark: Decimal
) -> dict[str, list[Part]]:
    """Each participant's own parts, the provider first, then the copies by id."""
    taken = ZERO
    result: dict[str, list[Part]] = {}
    for key in [order.provider, *sorted(order.copies)]:
        parts = walk(depth, order.side, mark, order.wanted[key], order.limit, taken)
        taken += sum((qty for qty, _ in parts), ZERO)
        result[key] = parts
    return result


def average(parts: list[Part]) -> Decimal:
    filled = sum((qty for qty, _ in parts), ZERO)
    return sum((qty * price for qty, price in parts), ZERO) / filled if filled else ZERO


def _merged(parts: list[Part]) -> list[Part]:
    """One part per price level (the provider's and the copies' takes of a shared level)."""
    merged: dict[Decimal, Decimal] = {}
    for qty, price in parts:
        merged[price] = merged.get(price, ZERO) + qty
    return [(qty, price) for price, qty in merged.items()]


__all__ = ["BlockOrder", "average", "execute_block", "execute_in_turn"]
