"""What fill quality reads (docs/statistics.md, "Fill quality"): the copy decisions of some
relationships, the fills of their copy orders, the provider's fills, the settlements
they paid and the provider's equity at a day. A few queries per report, none per copy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from copytrade.adapters.db.repositories.ledger_reads import chunks
from copytrade.adapters.db.schema import (
    CopyDecisionRow,
    EquitySnapshotRow,
    FillRow,
    OrderRow,
    SettlementRow,
)
from copytrade.domain.fill_quality import CopyFill, ProviderFill
from copytrade.domain.instruments import Side
from copytrade.domain.values import ZERO


@dataclass(frozen=True, slots=True)
class DecisionFacts:
    provider_fill_id: str
    relationship_id: str
    leg: str
    action: str
    reason: str | None
    client_order_id: str | None


@dataclass(frozen=True, slots=True)
class CopyOrderFill:
    relationship_id: str
    client_order_id: str
    symbol: str
    fill: CopyFill


class FillQualityRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def decisions(self, relationship_ids: Sequence[str]) -> list[DecisionFacts]:
        found: list[DecisionFacts] = []
        t = CopyDecisionRow
        for part in chunks(relationship_ids):
            rows = self._session.execute(
                select(t.provider_fill_id, t.relationship_id, t.leg, t.action, t.reason,
                       t.client_order_id)
                .where(t.relationship_id.in_(part))
                .order_by(t.id)
            )  # fmt: skip
            found.extend(DecisionFacts(*row) for row in rows)
        return found

    def copy_fills(self, relationship_ids: Sequence[str]) -> list[CopyOrderFill]:
        """Every fill of every order of the relationships' books, in fill order."""
        found: list[CopyOrderFill] = []
        for part in chunks(relationship_ids):
            rows = self._session.execute(
                select(OrderRow.relationship_id, OrderRow.client_order_id, FillRow.symbol,
                       FillRow.side, FillRow.qty, FillRow.price, FillRow.fee, FillRow.ts)
                .join(OrderRow, OrderRow.id == FillRow.order_id)
                .where(OrderRow.relationship_id.in_(part))
                .order_by(FillRow.id)
            )  # fmt: skip
            found.extend(
                CopyOrderFill(str(rel), key, symbol, CopyFill(Side(side), qty, price, fee, ts))
                for rel, key, symbol, side, qty, price, fee, ts in rows
            )
        return found

    def provider_fills(self, provider_id: str) -> list[ProviderFill]:
        """The provider book's fills in the order they were booked."""
        rows = self._session.execute(
            select(FillRow.fill_id, FillRow.symbol, FillRow.side, FillRow.qty, FillRow.price,
                   FillRow.fee, FillRow.ts)
            .where(FillRow.book == provider_id)
            .order_by(FillRow.id)
        )  # fmt: skip
        return [
            ProviderFill(fid, symbol, Side(side), qty, price, fee, ts)
            for fid, symbol, side, qty, price, fee, ts in rows
        ]

    def settlement_debits(self, relationship_ids: Sequence[str]) -> dict[str, Decimal]:
        """relationship -> what it paid in profit-share settlements (platform fee included)."""
        found = dict.fromkeys(relationship_ids, ZERO)
        for part in chunks(relationship_ids):
            rows = self._session.execute(
                select(SettlementRow.relationship_id, SettlementRow.debit)
                .where(SettlementRow.relationship_id.in_(part))
            )  # fmt: skip
            for rel, debit in rows:
                found[rel] += debit
        return found

    def equity_at(self, book: str, day: date) -> Decimal | None:
        """The book's equity at the close before ``day``, else at its first close from it."""
        t = EquitySnapshotRow
        before = self._session.scalar(
            select(t.equity).where(t.book == book, t.day < day).order_by(t.day.desc()).limit(1)
        )
        if before is not None:
            return Decimal(before)
        first = self._session.scalar(
            select(t.equity).where(t.book == book, t.day >= day).order_by(t.day).limit(1)
        )
        return None if first is None else Decimal(first)
