"""Fees of live relationships, charged to the follower's platform balance.

The platform cannot move money out of a follower's exchange account, so a live
relationship's profit share, subscription and commissions are paid from the follower's
platform free balance. What that balance cannot pay is recorded as owed, and the
relationship is paused (``fees_owed``) until it is paid: `pay` charges it after a
top-up and resumes copying (docs/settlement.md, "Live relationships").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from copytrade.adapters.db.repositories.live import OwedFee
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.jsonable import decimal_text
from copytrade.domain.copying import Paused, PauseReason, Resumed
from copytrade.domain.errors import DomainError
from copytrade.domain.ids import RelationshipId
from copytrade.domain.ledger import LedgerAccount
from copytrade.domain.ledger.movements import move
from copytrade.domain.ledger.transfers import TransferKind
from copytrade.domain.values import ZERO

# To the follower: its live relationship owes fees and is paused until they are paid.
FEES_OWED = "live.fees_owed"


class LiveFeesError(DomainError):
    """Owed fees cannot be paid as asked (the message says why)."""


def pause_for_fees(
    uow: SqlUnitOfWork, rel_id: str, kind: str, amount: Decimal, now: datetime,
    hwm: tuple[Decimal, Decimal] | None = None,
) -> str:
    """Pause the live relationship (reason ``fees_owed``) and tell its follower, in the
    caller's unit of work; the provider (whose copy cache is stale). ``hwm``: the
    (hwm, owed) the caller has just written, kept by the save."""
    rel = uow.relationships.get(rel_id, for_update=True)
    paused = rel.apply(Paused(PauseReason.FEES_OWED)) if rel.state.mirrors_closes else rel
    if hwm is not None:
        paused = replace(paused, hwm=hwm[0], owed=hwm[1])
    uow.relationships.save(paused, now)
    uow.outbox.add(
        FEES_OWED,
        f"fees-owed:{rel_id}:{kind}:{now.isoformat()}",
        {"to": str(rel.follower), "relationship": rel_id, "kind": kind,
         "amount": decimal_text(amount)},
        now,
    )
    return str(rel.provider)


@dataclass(frozen=True, slots=True)
class FeesPaid:
    relationship_id: str
    commissions: Decimal
    profit_share: Decimal
    resumed: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "relationship": self.relationship_id,
            "commissions": decimal_text(self.commissions),
            "profit_share": decimal_text(self.profit_share),
            "resumed": self.resumed,
        }


class LiveFees:
    """``settle(rel_id, period)`` is the settlement service's (it charges owed profit
    share, and any gain above the high-watermark since, from the platform balance);
    ``invalidate(provider)`` refreshes the engine's copy cache."""

    def __init__(
        self,
        uow_factory: Callable[[], SqlUnitOfWork],
        settle: Callable[[str, str], object],
        invalidate: Callable[[str], None],
        now: Callable[[], datetime],
    ) -> None:
        self._uow_factory = uow_factory
        self._settle = settle
        self._invalidate = invalidate
        self._now = now

    def on_commission_owed(self, message_id: str, payload: Mapping[str, Any]) -> None:
        """The bus consumer of a live copy's commission its follower could not pay in
        full (``engine.commission.LIVE_COMMISSION_OWED``): recorded once by its key, and
        the relationship paused."""
        now = self._now()
        rel_id = str(payload["relationship"])
        amount = Decimal(str(payload["amount"]))
        with self._uow_factory() as uow:
            fee = OwedFee(
                str(payload["key"]), rel_id, str(payload["follower"]), "commission", amount, now
            )
            if not uow.live.owe(fee):
                return
            provider = pause_for_fees(uow, rel_id, "commission", amount, now)
            uow.commit()
        self._invalidate(provider)

    def owed(self, rel_id: RelationshipId) -> tuple[Decimal, Decimal]:
        """(commissions, profit share) the relationship owes."""
        with self._uow_factory() as uow:
            rel = uow.relationships.get(rel_id)
            rows = uow.live.owed(str(rel_id))
        return sum((r.amount for r in rows), ZERO), rel.owed

    def pay(self, rel_id: RelationshipId) -> FeesPaid:
        """Charge what the relationship owes to the follower's platform balance (all of
        the owed commissions or none), then its owed profit share (a settlement now);
        resume copying when nothing is owed any more."""
        now = self._now()
        with self._uow_factory() as uow:
            rel = uow.relationships.get(rel_id, for_update=True)
            rows = uow.live.owed(str(rel_id))
            total = sum((r.amount for r in rows), ZERO)
            free = uow.ledger.balance(LedgerAccount.follower_free(str(rel.follower)))
            if total > free:
                raise LiveFeesError(
                    f"{rel_id} owes {decimal_text(total)} USDT of commissions and "
                    f"{rel.follower}'s platform balance has {decimal_text(free)}: top it up, "
                    "then pay again"
                )
            for row in rows:
                uow.ledger.post(
                    move(
                        TransferKind.COMMISSION,
                        LedgerAccount.follower_free(str(rel.follower)),
                        LedgerAccount.platform_revenue(),
                        row.amount, key=f"paid:{row.key}", ts=now,
                        memo="an owed commission of a live relationship",
                    )
                )
            uow.live.paid([r.key for r in rows], now)
            uow.commit()
        share_before = rel.owed
        if share_before > ZERO:
            self._settle(str(rel_id), f"fees-paid:{now.isoformat()}")
        with self._uow_factory() as uow:
            rel = uow.relationships.get(rel_id, for_update=True)
            resumed = rel.owed <= ZERO and rel.state.pause_reason is PauseReason.FEES_OWED
            if resumed:
                uow.relationships.save(rel.apply(Resumed(fees_paid=True)), now)
            uow.commit()
        if resumed:
            self._invalidate(str(rel.provider))
        return FeesPaid(str(rel_id), total, share_before - rel.owed, resumed)
