"""The paper venue's liquidation engine (docs/venues.md "Liquidation"): after every
price, the positions at their maintenance margin are closed at the mark.

Isolated: one position at a time, when its margin + unrealized PnL ≤ its maintenance
margin. Cross: the book's perps in one currency together, when the book's cash +
Σ (margin + unrealized PnL) ≤ Σ maintenance. A liquidation is a reduce-only market
order of the venue's own (client order id ``lq-…``) filled in full at the mark as
``liquidation``; its fee (the instrument's liquidation fee × notional, at most what
the position has left) goes to the insurance fund, as does any shortfall.
"""

from __future__ import annotations

from datetime import datetime

from copytrade.adapters.venues.paper.book import AccountBook
from copytrade.adapters.venues.paper.matching import WorkingSet
from copytrade.adapters.venues.paper.rules import venue_order_id
from copytrade.adapters.venues.paper.snapshots import next_fill, snapshot
from copytrade.domain.ids import ClientOrderId
from copytrade.domain.instruments import Side
from copytrade.domain.margin import (
    cross_breached,
    isolated_breached,
    liquidation_fee,
    perps_in,
    position_equity,
)
from copytrade.domain.margin_mode import MarginMode
from copytrade.domain.order_events import Liquidity, OrderFilled
from copytrade.domain.orders import Order, OrderType
from copytrade.domain.positions import Position
from copytrade.domain.values import ZERO, Quantity

LIQUIDATION_PREFIX = "lq"


def liquidate(work: WorkingSet, ts: datetime) -> None:
    """Liquidate what the prices in force put at the maintenance margin, in every book
    of ``work``; the liquidation orders and fills are added to ``work``."""
    for book in work.books.values():
        for position in due(book, work):
            _close(work, book, position, ts)


def due(book: AccountBook, work: WorkingSet) -> list[Position]:
    """The positions of ``book`` to liquidate at the prices in force."""
    marks = work.prices
    found: list[Position] = []
    open_perps = [p for p in book.positions.values() if p.qty and not p.instrument.is_spot]
    for position in open_perps:
        mark = marks.get(position.instrument.symbol)
        isolated = position.margin_mode is MarginMode.ISOLATED
        if isolated and mark is not None and isolated_breached(position, mark):
            found.append(position)
    cross = [p for p in open_perps if p.margin_mode is MarginMode.CROSS]
    for currency in sorted({p.instrument.quote.code for p in cross}):
        members = perps_in(cross, currency)
        if cross_breached(book.cash.get(currency, ZERO), members, marks):
            found.extend(p for p in members if p.instrument.symbol in marks)
    return found


def _close(work: WorkingSet, book: AccountBook, position: Position, ts: datetime) -> None:
    instrument = position.instrument
    mark = work.prices[instrument.symbol]
    currency = instrument.quote.code
    available = position_equity(position, mark)
    if position.margin_mode is MarginMode.CROSS:
        available += book.cash.get(currency, ZERO)
    side = Side.SELL if position.qty > ZERO else Side.BUY
    client_order_id = ClientOrderId.derive(
        LIQUIDATION_PREFIX, str(book.account), instrument.symbol, ts.isoformat()
    )
    order = Order(
        order_id=venue_order_id(str(book.account), client_order_id),
        client_order_id=client_order_id,
        account=book.account,
        instrument=instrument,
        side=side,
        type=OrderType.MARKET,
        qty=Quantity(abs(position.qty)),
        created_at=ts,
    )
    fee = liquidation_fee(position, mark, available)
    fill = next_fill(order, 0, mark, Liquidity.LIQUIDATION, fee, ts)
    settled = book.settle(instrument, fill, position.leverage, work.prices)
    assert settled  # a pure close is never refused
    order.apply(OrderFilled(fill))
    answer = snapshot(order, position.leverage, True, (fill,))
    work.known[(str(book.account), client_order_id)] = answer
    work.new_orders.append(answer)
    work.new_fills.append(fill)


__all__ = ["LIQUIDATION_PREFIX", "due", "liquidate"]
