"""What an order takes from the paper book (docs/venues.md "Depth"). Pure.

Without a depth model an order takes all it asks at the mark, in one part (the venue's
behaviour before depth existed). With ``BookDepth(level_size, spacing, levels)`` a buy
takes ``level_size`` at the mark, then at mark + spacing, ..., up to ``levels`` levels
(a sell: mark − spacing, ...), never at a price worse than its limit nor at or below 0.
"""

from __future__ import annotations

from decimal import Decimal

from copytrade.domain.block.walk import Part, walk
from copytrade.domain.depth import BookDepth
from copytrade.domain.instruments import Side
from copytrade.domain.values import ZERO


def take(
    depth: BookDepth | None,
    side: Side,
    qty: Decimal,
    mark: Decimal,
    limit: Decimal | None,
    taken: Decimal = ZERO,
) -> list[Part]:
    """The parts ``qty`` takes now, best price first, after what earlier takers of this
    price moment ``taken`` from the side (the book depletes until the next price);
    their sum may be less than ``qty``."""
    return walk(depth, side, mark, qty, limit, taken)


def resting_capacity(depth: BookDepth | None) -> Decimal | None:
    """What one crossing price fills of a symbol's resting orders, shared oldest first:
    one side of the book (``level_size × levels``); None: all of them."""
    return None if depth is None else depth.total


__all__ = ["Part", "resting_capacity", "take"]
