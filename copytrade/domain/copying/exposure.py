"""The max-loss sweep over plain values: which relationships a price move took to the limit.

A price update checks every relationship holding the symbol (docs/engine.md,
"Max loss"). Building each book's domain ``Position`` objects to value it costs
far more than the check itself, so the sweep reads just what the rule needs —
net allocated, the max loss %, the book's cash and each position's quantity,
cost and leverage — and values the book here with the same formulas as
``Position.market_value`` and ``Position.margin`` (engine/valuation.py's
``value_book``), in the same order. Only the relationships found here go
through the full stop, which values them again from their domain objects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from copytrade.domain.copying.maxloss import max_loss_reached
from copytrade.domain.copying.triggers import PositionTriggers
from copytrade.domain.values import ZERO


@dataclass(frozen=True, slots=True)
class HeldPosition:
    """A position's stored state, as much as valuing it needs (``qty`` signed)."""

    symbol: str
    qty: Decimal
    entry_cost: Decimal
    leverage: Decimal
    detached: bool = False  # closed by hand once: no copy protection applies to it
    # The provider's trigger prices on its own position in the symbol, which every copy
    # of it mirrors (docs/domain.md, "The provider's stop-loss and take-profit").
    mirrored: PositionTriggers | None = None


@dataclass(frozen=True, slots=True)
class Protections:
    """A relationship's own protections as the sweep reads them (docs/domain.md,
    "Follower protections"); ``peak`` is the trailing stop's best equity so far."""

    copy_stop_loss_pct: Decimal | None = None
    copy_take_profit_pct: Decimal | None = None
    take_profit_pct: Decimal | None = None
    trailing_stop_pct: Decimal | None = None
    peak: Peak | None = None


@dataclass(frozen=True, slots=True)
class Peak:
    """The best copy equity seen at a mark, with the net allocation it was seen at."""

    equity: Decimal
    net_allocated: Decimal


@dataclass(frozen=True, slots=True)
class Exposure:
    """One relationship as the max-loss rule sees it: its money and its book."""

    relationship_id: str
    net_allocated: Decimal
    max_loss_pct: Decimal
    cash: Decimal
    positions: tuple[HeldPosition, ...]
    protections: Protections | None = None  # None: the relationship set none


def book_equity(
    cash: Decimal,
    positions: Iterable[HeldPosition],
    spot: Mapping[str, bool],
    prices: Mapping[str, Decimal],
) -> Decimal:
    """Cash plus each open position at the mark; at its margin while it has no price.

    ``spot`` tells each symbol's kind: spot counts the coins at the mark, a perp
    its margin plus unrealized PnL (opening a perp moves only the margin out of cash).
    """
    equity = cash
    for p in positions:
        if not p.qty:
            continue
        mark = prices.get(p.symbol)
        if mark is None:
            equity += p.entry_cost / p.leverage
        elif spot[p.symbol]:
            equity += p.qty * mark
        else:
            pnl = p.qty * mark - p.entry_cost if p.qty > ZERO else p.qty * mark + p.entry_cost
            equity += p.entry_cost / p.leverage + pnl
    return equity


def at_max_loss(
    exposures: Iterable[Exposure], spot: Mapping[str, bool], prices: Mapping[str, Decimal]
) -> list[str]:
    """The relationships whose drawdown reached their max loss, in the given order."""
    return [
        e.relationship_id
        for e in exposures
        if max_loss_reached(
            book_equity(e.cash, e.positions, spot, prices), e.net_allocated, e.max_loss_pct
        )
    ]
