"""``copy_open_positions`` on start: open the provider's current positions, in proportion.

Each open provider position is treated as one opening fill of its whole size at
the current price, through the same sizing and risk gate as any copy (docs/domain.md, Copying),
so the new follower ends up where it would be had it copied from the start, as
far as its own settings allow. Decisions are recorded under the pseudo fill id
``start:<relationship>:<symbol>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.db.repositories.decisions import DecisionRecord
from copytrade.adapters.db.repositories.orders import OrderIntent
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.copying import CopyRelationship, FillContext, FollowerBook, gate_opening
from copytrade.domain.ids import ClientOrderId
from copytrade.domain.instruments import Side
from copytrade.domain.orders import OrderType
from copytrade.domain.values import ZERO
from copytrade.engine.ingest import provider_equity
from copytrade.engine.planning import OPEN_LEG


def plan_open_positions(
    uow: SqlUnitOfWork, rel: CopyRelationship, prices: Mapping[str, Decimal], now: datetime
) -> tuple[list[DecisionRecord], list[OrderIntent]]:
    provider = str(rel.provider)
    held = uow.positions.for_books([provider])
    equity = provider_equity(uow, provider, held, prices)
    book = FollowerBook(
        status=rel.state.status,
        copy_equity=rel.net_allocated,
        net_allocated=rel.net_allocated,
        free_cash=rel.net_allocated,
    )
    decisions: list[DecisionRecord] = []
    intents: list[OrderIntent] = []
    for (_, symbol), stored in sorted(held.items()):
        pseudo_fill = f"start:{rel.id}:{symbol}"
        position = stored.position
        if position.is_flat or symbol not in prices:
            continue
        size = abs(position.qty)
        price = prices[symbol]
        context = FillContext(
            position.instrument, size, price, size, equity, position.leverage, price
        )
        decision = gate_opening(rel.settings, context, book)
        client_order_id = None
        if decision.is_order:
            client_order_id = str(ClientOrderId.derive("cs", str(rel.id), symbol))
            side = Side.BUY if position.qty > ZERO else Side.SELL
            intents.append(
                OrderIntent(
                    client_order_id=client_order_id,
                    book=rel.book,
                    symbol=symbol,
                    side=side.value,
                    type=OrderType.MARKET.value,
                    qty=decision.qty,
                    leverage=decision.leverage,
                    created_at=now,
                    relationship_id=str(rel.id),
                    provider_id=provider,
                    copy_of=pseudo_fill,
                    margin_mode=rel.settings.margin_mode.value,
                )
            )
            # Later positions see the cash and the slot this one takes.
            book = FollowerBook(
                status=book.status,
                copy_equity=book.copy_equity,
                net_allocated=book.net_allocated,
                free_cash=book.free_cash - decision.margin - decision.fee,
                open_positions=book.open_positions + 1,
            )
        decisions.append(
            DecisionRecord(
                provider_fill_id=pseudo_fill,
                relationship_id=str(rel.id),
                leg=OPEN_LEG,
                follower_id=str(rel.follower),
                provider_id=provider,
                symbol=symbol,
                action=decision.action.value,
                reason=decision.reason.value if decision.reason else None,
                qty=decision.qty,
                notional=decision.notional,
                price=decision.price,
                client_order_id=client_order_id,
                created_at=now,
            )
        )
    return decisions, intents
