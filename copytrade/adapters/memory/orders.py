"""The fake's order repositories: orders, fills, copy decisions (memory_uow.py)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.db.repositories.decisions import DecisionRecord
from copytrade.adapters.db.repositories.orders import BookingTerms, OrderIntent, StoredOrder
from copytrade.adapters.venues.port import VenueOrder
from copytrade.domain.copying.plan import CopyOrder, PlannedDecision
from copytrade.domain.margin_mode import MarginMode
from copytrade.domain.order_events import Fill
from copytrade.domain.orders import OrderStatus
from copytrade.domain.trigger_status import TriggerStatus, next_trigger_status
from copytrade.domain.values import ZERO

from .state import DuplicateKeyError
from .undo import UndoLog


def _new_order(intent: OrderIntent) -> StoredOrder:
    return StoredOrder(
        client_order_id=intent.client_order_id,
        book=intent.book,
        symbol=intent.symbol,
        side=intent.side,
        type=intent.type,
        qty=intent.qty,
        limit_price=intent.limit_price,
        leverage=intent.leverage,
        reduce_only=intent.reduce_only,
        status=OrderStatus.NEW.value,
        filled_qty=ZERO,
        avg_fill_price=None,
        fees=ZERO,
        reason=None,
        relationship_id=intent.relationship_id,
        provider_id=intent.provider_id,
        copy_of=intent.copy_of,
        created_at=intent.created_at,
        margin_mode=intent.margin_mode,
        terms=intent.terms,
    )


def _trigger_status(current: str | None, answer: VenueOrder) -> str | None:
    """As in SQL (repositories/order_triggers.py): through the domain's table."""
    now = next_trigger_status(
        None if current is None else TriggerStatus(current), answer.trigger_status
    )
    return None if now is None else now.value


class MemoryOrders:
    def __init__(self, log: UndoLog) -> None:
        self._log = log
        self._state = log.state

    def add_intents(self, intents: Sequence[OrderIntent]) -> None:
        for intent in intents:
            if intent.client_order_id in self._state.orders:
                raise DuplicateKeyError(f"order {intent.client_order_id} exists")
            self._log.put("orders", intent.client_order_id, _new_order(intent))

    def add_copy_orders(self, orders: Sequence[CopyOrder]) -> None:
        self.add_intents(
            [
                OrderIntent(
                    client_order_id=str(o.client_order_id),
                    book=str(o.book),
                    symbol=o.symbol,
                    side=o.side.value,
                    type=o.type.value,
                    qty=o.qty,
                    leverage=o.leverage,
                    created_at=o.created_at,
                    limit_price=o.limit_price,
                    reduce_only=o.reduce_only,
                    margin_mode=o.margin_mode.value,
                    relationship_id=str(o.relationship_id),
                    provider_id=str(o.provider_id),
                    copy_of=str(o.copy_of),
                )
                for o in orders
            ]
        )

    def record_venue_results(self, results: Sequence[VenueOrder], now: datetime) -> None:
        orders = self._state.orders
        for r in results:
            key = str(r.client_order_id)
            if key in orders:  # an update by key, as in SQL: unknown ids change nothing
                self._log.put(
                    "orders",
                    key,
                    replace(
                        orders[key],
                        status=r.status.value,
                        filled_qty=r.filled_qty,
                        avg_fill_price=r.avg_fill_price,
                        fees=r.fees,
                        reason=r.reject_reason.value if r.reject_reason else r.reason,
                        trigger_status=_trigger_status(orders[key].trigger_status, r),
                    ),
                )

    def get(self, client_order_id: str) -> StoredOrder | None:
        return self._state.orders.get(client_order_id)

    def awaiting_triggers(self, symbols: Collection[str]) -> list[tuple[str, str]]:
        waiting = [
            o for o in self._state.orders.values()
            if o.trigger_status == TriggerStatus.PENDING.value and o.symbol in symbols
        ]  # fmt: skip
        waiting.sort(key=lambda o: (o.created_at, o.client_order_id))
        return [(o.book, o.client_order_id) for o in waiting]

    def booking_terms(self, client_order_ids: Sequence[str]) -> dict[str, BookingTerms]:
        orders = self._state.orders
        return {
            cid: BookingTerms(orders[cid].leverage, MarginMode.parse(orders[cid].margin_mode))
            for cid in client_order_ids
            if cid in orders
        }

    def add_liquidations(self, fills: Sequence[Fill], now: datetime) -> None:
        for fill in fills:
            cid = str(fill.client_order_id or fill.order_id)
            if cid in self._state.orders:
                continue
            self._log.put("orders", cid, StoredOrder(
                client_order_id=cid, book=str(fill.account), symbol=fill.symbol,
                side=fill.side.value, type="market", qty=fill.qty, limit_price=None,
                leverage=Decimal(1), reduce_only=True, status=OrderStatus.FILLED.value,
                filled_qty=fill.qty, avg_fill_price=fill.price, fees=fill.fee, reason=None,
                relationship_id=None, provider_id=None, copy_of=None, created_at=fill.ts,
            ))  # fmt: skip

    def unconfirmed(self) -> list[StoredOrder]:
        new = [o for o in self._state.orders.values() if o.status == OrderStatus.NEW.value]
        return sorted(new, key=lambda o: (o.created_at, o.client_order_id))


class MemoryFills:
    def __init__(self, log: UndoLog) -> None:
        self._log = log
        self._state = log.state

    def add_new(self, fills: Sequence[Fill], venue: str) -> list[Fill]:
        new = []
        for fill in fills:
            key = (venue, str(fill.fill_id))
            if key not in self._state.fills:
                self._log.put("fills", key, fill)
                new.append(fill)
        return new


class MemoryDecisions:
    def __init__(self, log: UndoLog) -> None:
        self._log = log
        self._state = log.state

    def add_planned(self, decisions: Sequence[PlannedDecision]) -> None:
        for d in decisions:
            key = (str(d.provider_fill_id), str(d.relationship_id), d.leg.value)
            if key in self._state.decision_keys:
                raise DuplicateKeyError(f"decision {key} exists")
            self._log.add("decision_keys", key)
            if d.client_order_id:
                self._log.put(
                    "decision_of_order", str(d.client_order_id), len(self._state.decisions)
                )
            self._log.extend(
                "decisions",
                [
                    DecisionRecord(
                        provider_fill_id=key[0],
                        relationship_id=key[1],
                        leg=key[2],
                        follower_id=str(d.follower_id),
                        provider_id=str(d.provider_id),
                        symbol=d.symbol,
                        action=d.decision.action.value,
                        reason=d.decision.reason.value if d.decision.reason else None,
                        qty=d.decision.qty,
                        notional=d.decision.notional,
                        price=d.decision.price,
                        client_order_id=str(d.client_order_id) if d.client_order_id else None,
                        created_at=d.created_at,
                    )
                ],
            )

    def mark_rejected(self, reasons: dict[str, str | None]) -> None:
        decisions, index = self._state.decisions, self._state.decision_of_order
        for cid in sorted(reasons):
            if cid in index:  # an update by key, as in SQL: unknown ids change nothing
                d = decisions[index[cid]]
                reason = f"venue:{reasons[cid]}"
                self._log.replace_at(
                    "decisions", index[cid], replace(d, action="skipped", reason=reason)
                )
