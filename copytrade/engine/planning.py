"""Plan the copies of one provider fill: a decision per relationship, and the orders.

Pure with respect to storage: it reads the books handed in and returns what to
record, as the domain's typed plan values (``domain/copying/plan.py``), never
adapter rows. Closing is mirrored first (never blocked by opening checks), then
the opening part goes through the risk gate (docs/engine.md); a flip is both.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from copytrade.domain.copying import (
    CloseContext,
    CopyDecision,
    CopyRelationship,
    FillContext,
    FollowerBook,
    cap_symbol_exposure,
    gate_closing,
    gate_opening,
    split_flip,
)
from copytrade.domain.copying.plan import (
    CopyLeg,
    CopyOrder,
    OpeningOrders,
    PlannedDecision,
    tolerance_price,
)
from copytrade.domain.ids import AccountId, ClientOrderId
from copytrade.domain.instruments import Instrument, Side
from copytrade.domain.orders import OrderType
from copytrade.domain.values import ONE, ZERO
from copytrade.engine.books import BookState
from copytrade.engine.messages import ProviderFilled

# The legs as stored text, for the use cases that record decisions of their own.
OPEN_LEG = CopyLeg.OPEN.value
CLOSE_LEG = CopyLeg.CLOSE.value
_ONE_X = Decimal(1)


@dataclass(slots=True)
class CopyPlan:
    decisions: list[PlannedDecision] = field(default_factory=list)
    orders: list[CopyOrder] = field(default_factory=list)
    must_stop: list[CopyRelationship] = field(default_factory=list)
    # Detached positions (book, symbol) whose provider position has now closed: copy
    # them again next time.
    reattach: list[tuple[str, str]] = field(default_factory=list)
    # Copy equity before this fill of each relationship given an order: its fees then
    # lower it (the fill is at the marked price), which the max-loss rule checks.
    equity_before: dict[str, Decimal] = field(default_factory=dict)


def plan_copies(
    event: ProviderFilled,
    instrument: Instrument,
    rels: Sequence[CopyRelationship],
    books: Mapping[str, BookState],
    prices: Mapping[str, Decimal],
    now: datetime,
    opening: OpeningOrders = OpeningOrders.MARKET,
    live_books: Collection[str] = frozenset(),
    symbol_room: Mapping[str, Decimal] | None = None,
) -> CopyPlan:
    """``opening`` is how the venue takes opening copies; closes are market orders. The
    books in ``live_books`` trade on a live exchange: their openings are always limits
    at the tolerance price (docs/venues.md, "Followers on their own accounts").
    ``symbol_room``: where the platform caps a follower's exposure to one symbol, the
    notional each follower may still add to the fill's symbol (docs/domain.md, "Limits
    across providers")."""
    fill = event.fill
    plan = CopyPlan()
    price = prices.get(fill.symbol, fill.price)
    close_qty, open_qty = split_flip(event.position_before, fill.qty * fill.side.sign)
    if close_qty > ZERO:
        close = CloseContext.for_fill(instrument, close_qty, event.position_before, price)
        for rel in rels:
            book = books[rel.book]
            stored = book.positions.get(fill.symbol)
            held = stored.position.qty if stored is not None else ZERO
            detached = stored is not None and stored.detached
            liquidated = stored is not None and stored.liquidated
            decision = gate_closing(close, rel.state.status, held, detached, liquidated)
            if (detached or liquidated) and close.fraction >= ONE:
                plan.reattach.append((rel.book, fill.symbol))
            side = Side.SELL if held > ZERO else Side.BUY
            if decision.is_order and rel.id not in plan.equity_before:
                plan.equity_before[rel.id] = book.value(prices).equity
            _record(plan, event, rel, CopyLeg.CLOSE, decision, side, ZERO, now, reduce_only=True)
    if open_qty > ZERO:
        # A flipping order's opening part is what fixed_amount spreads over (docs/domain.md,
        # Copying).
        order_open_qty = event.order_qty - close_qty if close_qty > ZERO else event.order_qty
        context = FillContext(
            instrument,
            open_qty,
            fill.price,
            order_open_qty,
            event.equity_before,
            event.leverage,
            current_price=price,
        )
        for rel in rels:
            follower = _follower_book(rel, books[rel.book], fill.symbol, prices)
            decision = gate_opening(rel.settings, context, follower)
            if symbol_room is not None:
                decision = cap_symbol_exposure(context, decision, symbol_room[rel.follower])
            if decision.must_stop:
                plan.must_stop.append(rel)
            if decision.is_order:
                plan.equity_before.setdefault(rel.id, follower.copy_equity)
            lev = decision.leverage
            limit = None
            if opening is OpeningOrders.TOLERANCE_LIMIT or rel.book in live_books:
                limit = tolerance_price(
                    fill.side, fill.price, rel.settings.slippage_fraction, instrument.tick
                )
            _record(
                plan, event, rel, CopyLeg.OPEN, decision, fill.side, lev, now,
                reduce_only=False, limit_price=limit,
            )
    return plan


def _follower_book(
    rel: CopyRelationship, book: BookState, symbol: str, prices: Mapping[str, Decimal]
) -> FollowerBook:
    value = book.value(prices)
    stored = book.positions.get(symbol)
    holds = stored is not None and not stored.position.is_flat
    return FollowerBook(
        status=rel.state.status,
        copy_equity=value.equity,
        net_allocated=rel.net_allocated,
        free_cash=book.cash,
        open_positions=value.open_positions,
        holds_symbol=holds,
    )


def _record(
    plan: CopyPlan,
    event: ProviderFilled,
    rel: CopyRelationship,
    leg: CopyLeg,
    decision: CopyDecision,
    side: Side,
    leverage: Decimal,
    now: datetime,
    *,
    reduce_only: bool,
    limit_price: Decimal | None = None,
) -> None:
    fill = event.fill
    client_order_id = None
    if decision.is_order:
        client_order_id = ClientOrderId.for_copy(fill.fill_id, rel.id, leg.value)
        plan.orders.append(
            CopyOrder(
                client_order_id=client_order_id,
                book=AccountId(rel.book),
                relationship_id=rel.id,
                provider_id=event.provider,
                copy_of=fill.fill_id,
                symbol=fill.symbol,
                side=side,
                qty=decision.qty,
                leverage=leverage if leverage > ZERO else _ONE_X,
                margin_mode=rel.settings.margin_mode,
                reduce_only=reduce_only,
                created_at=now,
                type=OrderType.MARKET if limit_price is None else OrderType.LIMIT,
                limit_price=limit_price,
            )
        )
    plan.decisions.append(
        PlannedDecision(
            provider_fill_id=fill.fill_id,
            relationship_id=rel.id,
            leg=leg,
            follower_id=rel.follower,
            provider_id=event.provider,
            symbol=fill.symbol,
            decision=decision,
            client_order_id=client_order_id,
            created_at=now,
        )
    )
