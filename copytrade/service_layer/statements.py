"""Settlement statements per follower and per provider (docs/domain.md, Profit share).

The query side of settlement, shared by the CLI now and the HTTP API later. A
follower sees each of its relationships' settlements in full; a provider sees
only amounts — what it earned, the platform's fee, what is still owed to it —
never which follower paid, nor a follower's equity or high-watermark.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from copytrade.adapters.db.repositories.settlements import SettlementRecord
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.jsonable import decimal_text
from copytrade.domain.values import ZERO


@dataclass(frozen=True, slots=True)
class FollowerLine:
    relationship_id: str
    provider_id: str
    period: str
    settled_at: datetime
    equity: Decimal
    hwm_before: Decimal
    hwm_after: Decimal
    gross: Decimal
    paid: Decimal
    platform_fee: Decimal
    provider_credit: Decimal
    owed: Decimal


@dataclass(frozen=True, slots=True)
class ProviderLine:
    period: str
    settled_at: datetime
    gross: Decimal
    provider_credit: Decimal
    platform_fee: Decimal
    owed_to_provider: Decimal


@dataclass(frozen=True, slots=True)
class Statement:
    """``who``'s settlements in ``periods`` (all periods when empty), with sums."""

    who: str
    role: str
    periods: tuple[str, ...]
    lines: tuple[FollowerLine, ...] | tuple[ProviderLine, ...]

    def total(self, name: str) -> Decimal:
        return sum((getattr(line, name) for line in self.lines), ZERO)

    def to_json(self) -> dict[str, Any]:
        sums = ("gross", "provider_credit", "platform_fee")
        totals = {name: _text(self.total(name)) for name in sums}
        if self.role == "follower":
            totals["paid"] = _text(self.total("paid"))
        return {
            "role": self.role,
            "id": self.who,
            "periods": list(self.periods),
            "settlements": [_jsonable(asdict(line)) for line in self.lines],
            "totals": totals,
        }


def _text(value: Decimal) -> str:
    return decimal_text(value)  # the same text whatever scale the backend returned


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v.isoformat() if isinstance(v, datetime) else _text(v) if isinstance(v, Decimal) else v
        for k, v in values.items()
    }


def follower_line(record: SettlementRecord) -> FollowerLine:
    s = record.settlement
    return FollowerLine(
        record.relationship_id,
        record.provider_id,
        record.period,
        record.settled_at,
        s.equity,
        s.hwm_before,
        s.hwm_after,
        s.gross,
        s.debit,
        s.platform_fee,
        s.provider_credit,
        s.owed_after,
    )


def provider_line(record: SettlementRecord) -> ProviderLine:
    s = record.settlement
    return ProviderLine(
        record.period, record.settled_at, s.gross, s.provider_credit, s.platform_fee, s.owed_after
    )


class StatementService:
    def __init__(self, uow_factory: Callable[[], SqlUnitOfWork]) -> None:
        self._uow_factory = uow_factory

    def follower(self, follower_id: str, periods: Sequence[str] = ()) -> Statement:
        with self._uow_factory() as uow:
            records = uow.settlements.for_follower(follower_id, periods)
        lines = tuple(follower_line(r) for r in records)
        return Statement(follower_id, "follower", tuple(periods), lines)

    def provider(self, provider_id: str, periods: Sequence[str] = ()) -> Statement:
        with self._uow_factory() as uow:
            records = uow.settlements.for_provider(provider_id, periods)
        lines = tuple(provider_line(r) for r in records)
        return Statement(provider_id, "provider", tuple(periods), lines)
