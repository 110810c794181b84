"""A provider's recorded history, as a what-if replays it (docs/whatif.md): the
announcements of its fills and the moments its followers were settled."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.orm import Session

from copytrade.adapters.db.repositories.settlements import STOP_PREFIX
from copytrade.adapters.db.schema import (
    FillRow,
    OrderRow,
    OutboxRow,
    PaperFillRow,
    PaperFundingRow,
    SettlementRow,
)
from copytrade.domain.instruments import Side, parse_side
from copytrade.domain.order_events import Liquidity
from copytrade.domain.orders import OrderType

# The announcement's message id is ``provider-fill:<fill id>`` (engine/messages.py).
_FILL_MESSAGE = literal("provider-fill:") + FillRow.fill_id


@dataclass(frozen=True, slots=True)
class SettlementRun:
    """One periodic settlement of a provider's followers: its period key and when it ran."""

    period: str
    at: datetime


@dataclass(frozen=True, slots=True)
class FundingTime:
    """A perpetual's funding the venue paid: its symbol, rate and funding time."""

    symbol: str
    rate: Decimal
    at: datetime


@dataclass(frozen=True, slots=True)
class TakerFill:
    """A paper fill that took depth (docs/venues.md "Depth"): its place in the venue's
    stream, its order, and the relationship whose order it was (None: not a copy's)."""

    seq: int
    order_id: str
    symbol: str
    side: Side
    qty: Decimal
    ts: datetime
    relationship: str | None
    copy_of: str | None  # the provider fill a copy's order copied


class RecordedHistory:
    def __init__(self, session: Session) -> None:
        self._session = session

    def provider_fills(
        self,
        provider_id: str,
        since: datetime,
        until: datetime | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """The payloads of the ``provider.filled`` messages for the provider's fills
        at or after ``since``, in the order they were announced (the first ``limit``)."""
        query = (
            select(OutboxRow.payload)
            .join(FillRow, OutboxRow.message_id == _FILL_MESSAGE)
            .where(FillRow.book == provider_id, FillRow.ts >= since)
        )
        if until is not None:
            query = query.where(FillRow.ts <= until)
        rows = self._session.execute(query.order_by(OutboxRow.id).limit(limit)).scalars()
        return [json.loads(payload) for payload in rows]

    def settlement_runs(
        self, provider_id: str, since: datetime, until: datetime | None = None
    ) -> list[SettlementRun]:
        """Each periodic settlement that settled one of the provider's followers at or
        after ``since`` (stops excluded: a what-if settles its own stop), by time."""
        first = func.min(SettlementRow.settled_at)
        query = (
            select(SettlementRow.period, first)
            .where(
                SettlementRow.provider_id == provider_id,
                SettlementRow.settled_at >= since,
                SettlementRow.period.not_like(f"{STOP_PREFIX}%"),
            )
            .group_by(SettlementRow.period)
        )
        if until is not None:
            query = query.having(first <= until)
        runs = [SettlementRun(period, at) for period, at in self._session.execute(query)]
        return sorted(runs, key=lambda run: (run.at, run.period))

    def funding_times(
        self, symbols: Collection[str], since: datetime, until: datetime | None = None
    ) -> list[FundingTime]:
        """Each funding the venue paid on these symbols at or after ``since`` (one per
        symbol and funding time, from its payments), by time then symbol."""
        f = PaperFundingRow
        query = (
            select(f.symbol, f.rate, f.ts)
            .where(f.symbol.in_(sorted(symbols)), f.ts >= since)
            .distinct()
        )
        if until is not None:
            query = query.where(f.ts <= until)
        found = {(row.ts, row.symbol): row.rate for row in self._session.execute(query)}
        return [FundingTime(symbol, rate, at) for (at, symbol), rate in sorted(found.items())]

    def taker_fills(
        self, symbols: Collection[str], since: datetime, until: datetime | None = None
    ) -> list[TakerFill]:
        """The paper venue's taker fills of ``symbols`` at or after ``since`` (up to
        ``until``), in stream order, each with the relationship whose order it was."""
        p = PaperFillRow
        query = (
            select(
                p.seq, p.order_id, p.symbol, p.side, p.qty, p.ts,
                OrderRow.relationship_id, OrderRow.copy_of,
            )
            .outerjoin(OrderRow, OrderRow.client_order_id == p.client_order_id)
            .where(
                p.symbol.in_(sorted(symbols)), p.ts >= since, p.liquidity == Liquidity.TAKER.value
            )
        )
        if until is not None:
            query = query.where(p.ts <= until)
        return [
            TakerFill(seq, order_id, symbol, parse_side(side), qty, ts, rel, copy_of)
            for seq, order_id, symbol, side, qty, ts, rel, copy_of in self._session.execute(
                query.order_by(p.seq)
            )
        ]

    def market_order_fills(
        self, provider_id: str, since: datetime, until: datetime | None = None
    ) -> set[str]:
        """The ids of the provider's fills of market orders without a trigger at or after
        ``since``: the orders a block is made of (docs/engine.md "Block execution")."""
        query = (
            select(FillRow.fill_id)
            .join(OrderRow, OrderRow.id == FillRow.order_id)
            .where(
                FillRow.book == provider_id,
                FillRow.ts >= since,
                OrderRow.type == OrderType.MARKET.value,
                OrderRow.trigger_kind.is_(None),
            )
        )
        if until is not None:
            query = query.where(FillRow.ts <= until)
        return set(self._session.execute(query).scalars())
