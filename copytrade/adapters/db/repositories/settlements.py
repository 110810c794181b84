"""Settlements: at most one per (relationship, period), enforced by the schema too."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, func, insert, or_, select
from sqlalchemy.orm import Session

from copytrade.adapters.db.bulk import BulkStatement
from copytrade.adapters.db.keyed import KeyedSelect, keys_param
from copytrade.adapters.db.repositories.ledger_reads import chunks
from copytrade.adapters.db.schema import ProviderRow, RelationshipRow, SettlementRow
from copytrade.domain.copying import RelationshipStatus
from copytrade.domain.profit_share import Settlement

_SETTLEMENTS = cast(Table, SettlementRow.__table__)
_SETTLED_OF = KeyedSelect(
    select(_SETTLEMENTS.c.relationship_id).where(
        _SETTLEMENTS.c.period == bindparam("period"),
        _SETTLEMENTS.c.relationship_id.in_(keys_param()),
    )
)

# Periods of settlements made at a stop start with this (see SettlementService).
STOP_PREFIX = "stop:"


@dataclass(frozen=True, slots=True)
class SettlementRecord:
    relationship_id: str
    period: str
    follower_id: str
    provider_id: str
    settlement: Settlement
    settled_at: datetime

    @property
    def key(self) -> str:
        """The idempotency key of everything this settlement moved (ledger, venue)."""
        return f"settle:{self.relationship_id}:{self.period}"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A relationship a run may settle; ``stopped_at`` is set when it has stopped."""

    relationship_id: str
    provider_id: str
    stopped_at: datetime | None


@dataclass(frozen=True, slots=True)
class ProviderSettlementTerms:
    share_pct: Decimal
    settlement_period: str
    fee_model: str = "profit_share"

    @property
    def shares_profit(self) -> bool:
        """Paid by profit share: subscription and commission providers never are (fees.md)."""
        return self.fee_model == "profit_share"


AMOUNTS = (
    "equity",
    "hwm_before",
    "hwm_after",
    "gross",
    "platform_fee",
    "provider_credit",
    "debit",
    "owed_before",
    "owed_after",
)


_INSERT = BulkStatement(
    insert(_SETTLEMENTS),
    ("relationship_id", "period", "follower_id", "provider_id", "settled_at", *AMOUNTS),
)


def record_values(record: SettlementRecord) -> dict[str, Any]:
    return {
        "relationship_id": record.relationship_id,
        "period": record.period,
        "follower_id": record.follower_id,
        "provider_id": record.provider_id,
        "settled_at": record.settled_at,
        **{name: getattr(record.settlement, name) for name in AMOUNTS},
    }


def record_from_row(row: Any) -> SettlementRecord:
    return SettlementRecord(
        row.relationship_id,
        row.period,
        row.follower_id,
        row.provider_id,
        Settlement(**{name: getattr(row, name) for name in AMOUNTS}),
        row.settled_at,
    )


class SettlementRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def exists(self, relationship_id: str, period: str) -> bool:
        return bool(self.existing([(relationship_id, period)]))

    def existing(self, pairs: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which (relationship, period) pairs are settled already."""
        by_period: dict[str, list[str]] = {}
        for rel_id, period in pairs:
            by_period.setdefault(period, []).append(rel_id)
        found: set[tuple[str, str]] = set()
        for period, rel_ids in by_period.items():
            rows = _SETTLED_OF.rows(self._session, rel_ids, period=period)
            found.update((rel_id, period) for (rel_id,) in rows)
        return found

    def add(self, record: SettlementRecord) -> None:
        self.add_many([record])

    def add_many(self, records: Iterable[SettlementRecord]) -> None:
        """Insert in one executemany; a pair settled before raises IntegrityError."""
        _INSERT.execute(self._session, [record_values(record) for record in records])

    def all(self) -> list[SettlementRecord]:
        return self._records(select(SettlementRow).order_by(SettlementRow.id))

    def for_follower(self, follower_id: str, periods: Sequence[str]) -> list[SettlementRecord]:
        query = select(SettlementRow).where(SettlementRow.follower_id == follower_id)
        return self._records(self._in_periods(query, periods))

    def for_provider(self, provider_id: str, periods: Sequence[str]) -> list[SettlementRecord]:
        query = select(SettlementRow).where(SettlementRow.provider_id == provider_id)
        return self._records(self._in_periods(query, periods))

    def stopped_and_settled(self, relationship_ids: Sequence[str]) -> set[str]:
        """Which of these relationships have had their settlement at the stop."""
        found: set[str] = set()
        for part in chunks(relationship_ids):
            query = select(SettlementRow.relationship_id).where(
                SettlementRow.relationship_id.in_(part),
                SettlementRow.period.startswith(STOP_PREFIX),
            )
            found.update(self._session.scalars(query))
        return found

    def candidates(
        self, kinds: Sequence[str], period_end: datetime, stopped_since: datetime
    ) -> list[Candidate]:
        """Every relationship a run at ``period_end`` may settle, in id order: of a
        provider settling ``kinds``, created before the end, and copying or
        stopped since ``stopped_since``."""
        rel = RelationshipRow
        query = (
            select(rel.id, rel.provider_id, rel.status, rel.updated_at)
            .join(ProviderRow, ProviderRow.account_id == rel.provider_id)
            .where(
                ProviderRow.settlement_period.in_(kinds),
                rel.created_at < period_end,
                or_(
                    rel.status != RelationshipStatus.STOPPED.value,
                    rel.updated_at >= stopped_since,
                ),
            )
            .order_by(rel.id)
        )
        stopped = RelationshipStatus.STOPPED.value
        return [
            Candidate(r.id, r.provider_id, r.updated_at if r.status == stopped else None)
            for r in self._session.execute(query)
        ]

    def settled_in(self, periods: Sequence[str]) -> set[tuple[str, str]]:
        """Every (relationship, period) settled in these periods."""
        query = select(SettlementRow.relationship_id, SettlementRow.period).where(
            SettlementRow.period.in_(periods)
        )
        return {(r, p) for r, p in self._session.execute(query)}

    def provider_terms(
        self, providers: Sequence[str] | None = None
    ) -> dict[str, ProviderSettlementTerms]:
        """Providers' share and settlement period: these providers', or every one."""
        p = ProviderRow
        query = select(p.account_id, p.share_pct, p.settlement_period, p.fee_model)
        parts = [None] if providers is None else list(chunks(sorted(set(providers))))
        found: dict[str, ProviderSettlementTerms] = {}
        for part in parts:
            rows = self._session.execute(
                query if part is None else query.where(p.account_id.in_(part))
            )
            found.update(
                (
                    r.account_id,
                    ProviderSettlementTerms(r.share_pct, r.settlement_period, r.fee_model),
                )
                for r in rows
            )
        return found

    def latest_of_account(self, account: str, limit: int, offset: int) -> list[SettlementRecord]:
        """A page of the settlements ``account`` paid (follower) or earned (provider), newest
        first."""
        query = (
            select(SettlementRow)
            .where(self._of(account))
            .order_by(SettlementRow.settled_at.desc(), SettlementRow.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return self._records(query)

    def count_of_account(self, account: str) -> int:
        query = select(func.count()).select_from(SettlementRow).where(self._of(account))
        return int(self._session.scalar(query) or 0)

    @staticmethod
    def _of(account: str) -> Any:
        return or_(SettlementRow.follower_id == account, SettlementRow.provider_id == account)

    @staticmethod
    def _in_periods(query: Select[Any], periods: Sequence[str]) -> Any:
        if periods:
            query = query.where(SettlementRow.period.in_(periods))
        return query.order_by(SettlementRow.settled_at, SettlementRow.id)

    def _records(self, query: Any) -> list[SettlementRecord]:
        return [record_from_row(row) for row in self._session.scalars(query)]
