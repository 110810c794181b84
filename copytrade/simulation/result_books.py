"""RESULT.json sections read straight from the platform's books (docs/scenarios.md).

Each function takes an open unit of work and returns plain data (Decimals
kept; ``jsonable`` turns them into strings), in a fixed order, so one
scenario always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from copytrade.adapters.db.repositories.ledger_reads import trimmed
from copytrade.adapters.db.repositories.orders import StoredOrder
from copytrade.adapters.db.schema import FillRow, LedgerBalanceRow
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.copying import CopyRelationship
from copytrade.domain.copying.triggers import PositionTriggers
from copytrade.engine.books import load_books
from copytrade.engine.planning import CLOSE_LEG, OPEN_LEG
from copytrade.service_layer.following.views import trigger_prices

Row = dict[str, Any]
_LEG_RANK = {CLOSE_LEG: 0, OPEN_LEG: 1}


def orders_section(uow: SqlUnitOfWork, followers: Mapping[str, str]) -> list[Row]:
    """Every order of every book, in the order it was recorded.

    ``followers`` maps a relationship book to its follower, the account that owns
    it. ``copy_of`` is the provider order a copy mirrors (``copy_of_fill`` the
    exact provider fill); a stop's or manual close's orders copy nothing.
    """
    rows = uow.session.execute(select(FillRow.fill_id, FillRow.order_id))
    fill_orders = {fill_id: order_id for fill_id, order_id in rows}
    return [_order(order, followers, fill_orders) for order in uow.orders.all()]


def _order(order: StoredOrder, followers: Mapping[str, str], fill_orders: Mapping[str, str]) -> Row:
    price = order.avg_fill_price if order.avg_fill_price is not None else order.limit_price
    return {
        "id": order.client_order_id,
        "account": followers.get(order.book, order.book),
        "book": order.book,
        "symbol": order.symbol,
        "side": order.side,
        "type": order.type,
        "qty": order.qty,
        "filled_qty": order.filled_qty,
        "price": price,
        "limit_price": order.limit_price,
        "fees": order.fees,
        "leverage": order.leverage,
        "reduce_only": order.reduce_only,
        "status": order.status,
        "reason": order.reason,
        "relationship": order.relationship_id,
        "provider": order.provider_id,
        "copy_of": fill_orders.get(order.copy_of) if order.copy_of else None,
        "copy_of_fill": order.copy_of,
        "at": order.created_at,
    }


def decisions_section(uow: SqlUnitOfWork) -> list[Row]:
    """Every copy decision, provider fill by provider fill as the engine took them;
    within one fill, the closing leg's then the opening leg's, each by relationship id.

    That is the order one fan-out records them in; with several shards
    (docs/engine.md "Shards") each records its own share, so the rows are put
    in this order here rather than taken in the order they were written.
    """
    decisions = uow.decisions.all()
    fill_rank: dict[str, int] = {}
    for decision in decisions:
        fill_rank.setdefault(decision.provider_fill_id, len(fill_rank))
    decisions.sort(
        key=lambda d: (fill_rank[d.provider_fill_id], _LEG_RANK[d.leg], d.relationship_id)
    )
    return [
        {
            "follower": d.follower_id,
            "provider": d.provider_id,
            "relationship": d.relationship_id,
            "provider_fill": d.provider_fill_id,
            "leg": d.leg,
            "symbol": d.symbol,
            "action": d.action,
            "reason": d.reason,
            "qty": d.qty,
            "notional": d.notional,
            "price": d.price,
            "order": d.client_order_id,
            "at": d.created_at,
        }
        for d in decisions
    ]


def positions_section(
    uow: SqlUnitOfWork,
    books: Mapping[str, str],
    prices: Mapping[str, Decimal],
    rels: Sequence[CopyRelationship] = (),
) -> list[Row]:
    """Open positions of every book (``books``: book -> owning account), marked at the end,
    with their trigger prices as the API shows them: the provider's (a copy mirrors its
    provider's) and a copy's own from its relationship's settings."""
    stored = uow.positions.for_books(sorted(books))
    copies = {rel.book: rel for rel in rels}
    triggers: dict[str, Mapping[str, PositionTriggers]] = {}
    rows = []
    for (book, symbol), item in sorted(stored.items()):
        position = item.position
        if position.is_flat:
            continue  # a detached position kept only for its flag
        rel = copies.get(book)
        provider = str(rel.provider) if rel is not None else book
        if provider not in triggers:
            triggers[provider] = uow.positions.triggers_of(provider)
        mirrored, own = trigger_prices(
            item, triggers[provider], rel.settings if rel is not None else None
        )
        mark = prices.get(symbol)
        rows.append(
            {
                "account": books[book],
                "book": book,
                "symbol": symbol,
                "side": position.side,
                "qty": position.qty,
                "entry_price": position.avg_entry_price,
                "leverage": position.leverage,
                "margin": position.margin,
                "mark": mark,
                "unrealized_pnl": position.unrealized_pnl(mark) if mark is not None else None,
                "detached": item.detached,
                "stop_loss": mirrored.stop_loss if mirrored else None,
                "take_profit": mirrored.take_profit if mirrored else None,
                "own_stop_loss": own.stop_loss,
                "own_take_profit": own.take_profit,
            }
        )
    return rows


def balances_section(uow: SqlUnitOfWork) -> dict[str, dict[str, dict[str, Decimal]]]:
    """Every ledger balance as owner -> account kind -> currency -> amount.

    Owners are account ids (``follower_free``), relationship ids
    (``allocation_cash``), ``platform`` (``platform_revenue``), ``world``
    and the venue (``trading_fees``, ``market``): the counterparties.
    """
    rows = uow.session.execute(
        select(
            LedgerBalanceRow.owner,
            LedgerBalanceRow.kind,
            LedgerBalanceRow.currency,
            LedgerBalanceRow.balance,
        ).order_by(LedgerBalanceRow.account)
    )
    balances: dict[str, dict[str, dict[str, Decimal]]] = {}
    for owner, kind, currency, balance in rows:
        balances.setdefault(owner, {}).setdefault(kind, {})[currency] = trimmed(balance)
    return balances


def relationships_section(
    uow: SqlUnitOfWork, rels: list[CopyRelationship], prices: Mapping[str, Decimal]
) -> list[Row]:
    """Every relationship with its state, money and equity marked at the end."""
    books = load_books(uow, rels)
    rows = []
    for rel in rels:
        value = books[rel.book].value(prices)
        rows.append(
            {
                "id": rel.id,
                "follower": rel.follower,
                "provider": rel.provider,
                "mode": rel.settings.mode,
                "status": rel.state.status,
                "reason": rel.state.stop_reason,
                # Only when set (an unpaid subscription): older results stay as they were.
                **({"pause_reason": rel.state.pause_reason} if rel.state.pause_reason else {}),
                "hwm": rel.hwm,
                "owed": rel.owed,
                "net_allocated": rel.net_allocated,
                "cash": value.cash,
                "equity": value.equity,
                "open_positions": value.open_positions,
            }
        )
    return rows


def settlements_section(uow: SqlUnitOfWork) -> list[Row]:
    rows = []
    for record in uow.settlements.all():
        s = record.settlement
        rows.append(
            {
                "relationship": record.relationship_id,
                "period": record.period,
                "follower": record.follower_id,
                "provider": record.provider_id,
                "equity": s.equity,
                "hwm_before": s.hwm_before,
                "hwm_after": s.hwm_after,
                "gross": s.gross,
                "debit": s.debit,
                "provider_credit": s.provider_credit,
                "platform_fee": s.platform_fee,
                "owed_before": s.owed_before,
                "owed": s.owed_after,
                "at": record.settled_at,
            }
        )
    return rows
