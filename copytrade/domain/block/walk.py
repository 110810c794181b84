"""Walking a depth model's levels from a point (docs/venues.md "Depth", docs/domain.md
"Block execution"). Pure.

``walk(depth, side, mark, qty, limit, taken=X)`` is what ``qty`` takes from the book
when ``X`` of it has already been taken by the same block: it continues at the level
(and the part of the level) where ``X`` left it. ``taken=0`` is the paper venue's
taking of one order. Without a depth model all of ``qty`` fills at the mark.
"""

from __future__ import annotations

from decimal import Decimal

from copytrade.domain.depth import BookDepth
from copytrade.domain.instruments import Side
from copytrade.domain.values import ZERO

Part = tuple[Decimal, Decimal]  # (quantity, price)


def limit_allows(side: Side, limit: Decimal | None, price: Decimal) -> bool:
    """A buy at a price at or below its limit, a sell at or above it (None: any)."""
    return limit is None or (price <= limit if side is Side.BUY else price >= limit)


def walk(
    depth: BookDepth | None,
    side: Side,
    mark: Decimal,
    qty: Decimal,
    limit: Decimal | None,
    taken: Decimal = ZERO,
) -> list[Part]:
    """The parts ``qty`` takes after ``taken``, best price first; they may sum to less."""
    if not limit_allows(side, limit, mark):
        return []
    if depth is None:
        return [(qty, mark)]
    parts: list[Part] = []
    left = qty
    level = int(taken // depth.level_size)
    room = depth.level_size - taken % depth.level_size
    while left > ZERO and level < depth.levels:
        price = mark + side.sign * level * depth.spacing
        if price <= ZERO or not limit_allows(side, limit, price):
            break
        part = min(left, room)
        parts.append((part, price))
        left -= part
        level += 1
        room = depth.level_size
    return parts


__all__ = ["Part", "limit_allows", "walk"]
