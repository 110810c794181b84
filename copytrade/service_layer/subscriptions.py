"""Subscription billing (docs/domain.md; docs/fees.md): each period charged once, in advance.

``charge_due(boundary)`` charges, for every kind of period that starts at
``boundary`` (weekly on Mondays 00:00 UTC, monthly on the 1st), every copying
relationship of a subscription provider with that period the period's price,
from the follower's free balance, to the provider's earnings and the
platform's revenue. A follower who cannot pay is paused (reason
``subscription_unpaid``), never charged into the negative; paying the period
later (``pay_unpaid``, or a rerun of the same boundary) resumes it.

Each relationship is charged in its own transaction: the charge row (unique
per relationship and period), the ledger transfer (key ``sub:{rel}:{period}``),
the pause or resume and both sides' notifications commit together, so a rerun
or a restart after a crash charges nobody twice. A follower who is also a
provider keeps its free balance in its venue account: its charge is limited to
that account's free cash and leaves it as a keyed venue cash move recorded in
the same transaction (docs/engine.md, "Value between the books").
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError

from copytrade.adapters.db.repositories.fees import PAID, UNPAID, ChargeRecord, Subscriber
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.copying import CopyRelationship, Paused, PauseReason, Resumed
from copytrade.domain.errors import DomainError
from copytrade.domain.ids import AccountId, ProviderId
from copytrade.domain.ledger import LedgerAccount
from copytrade.domain.ledger.fees import subscription
from copytrade.domain.profit_share import (
    SubscriptionCharge,
    SubscriptionTerms,
    subscription_charge,
)
from copytrade.domain.profit_share.billing_periods import period_starting
from copytrade.domain.profit_share.periods import PeriodKind, is_boundary
from copytrade.domain.values import ZERO
from copytrade.engine.venue_cash import NO_MOVES, VenueCash, cash_move, record_moves

CHARGED = "subscription.charged"
UNPAID_NOTICE = "subscription.unpaid"

log = logging.getLogger(__name__)


@dataclass
class BillingSummary:
    """What one ``charge_due`` did."""

    boundary: datetime
    periods: list[str]
    charged: int = 0
    unpaid: int = 0
    already: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    provider_total: Decimal = ZERO
    platform_total: Decimal = ZERO

    def to_json(self) -> dict[str, Any]:
        return {
            "boundary": self.boundary.isoformat(),
            "periods": self.periods,
            "charged": self.charged,
            "unpaid": self.unpaid,
            "already": self.already,
            "failed": [{"relationship": r, "error": e} for r, e in self.failed],
            "provider_total": f"{self.provider_total:f}",
            "platform_total": f"{self.platform_total:f}",
        }


class SubscriptionBilling:
    def __init__(
        self,
        uow_factory: Callable[[], SqlUnitOfWork],
        now: Callable[[], datetime],
        platform_cut_pct: Decimal,
        cash: VenueCash,
        venue_free: Callable[[str], Decimal],
        on_state_changed: Callable[[str], None] = lambda _: None,
    ) -> None:
        self._uow_factory = uow_factory
        self._now = now
        self._platform_cut_pct = platform_cut_pct
        self._cash = cash
        self._venue_free = venue_free  # an account's withdrawable cash at the venue
        self._on_state_changed = on_state_changed  # told the provider id (copy caches)

    def charge_due(self, boundary: datetime) -> BillingSummary:
        """Charge every subscription period that starts at ``boundary``, once each."""
        if boundary.tzinfo is None or boundary > self._now():
            raise SubscriptionError(
                f"a billing boundary is a UTC time not in the future, got {boundary.isoformat()}"
            )
        kinds = [kind for kind in PeriodKind if is_boundary(boundary, kind)]
        if not kinds:
            raise SubscriptionError(
                f"{boundary.isoformat()} starts no period: weekly periods start on Mondays "
                f"00:00 UTC, monthly ones on the 1st 00:00 UTC"
            )
        periods = [period_starting(boundary, kind) for kind in kinds]
        summary = BillingSummary(boundary, [p.id for p in periods])
        for period in periods:
            with self._uow_factory() as uow:
                subscribers = uow.fees.subscribers(period.kind.value, boundary)
            for sub in subscribers:
                self._charge_one(sub, period.id, summary)
        return summary

    def pay_unpaid(self, relationship_id: str) -> ChargeRecord | None:
        """Charge the relationship's latest unpaid period now (after a top-up); paid,
        it resumes copying. None when nothing is unpaid."""
        with self._uow_factory() as uow:
            unpaid = uow.fees.latest_unpaid(relationship_id)
        if unpaid is None:
            return None
        sub = Subscriber(relationship_id, unpaid.follower_id, unpaid.provider_id, unpaid.price)
        summary = BillingSummary(self._now(), [unpaid.period])
        self._charge_one(sub, unpaid.period, summary)
        if summary.failed:
            raise SubscriptionError(summary.failed[0][1])
        with self._uow_factory() as uow:
            return uow.fees.charge(relationship_id, unpaid.period)

    def _charge_one(self, sub: Subscriber, period: str, summary: BillingSummary) -> None:
        try:
            outcome = self._charge(sub, period)
        except (IntegrityError, DomainError) as error:
            # A concurrent run won the pair, or the ledger refused: nothing changed.
            why = f"{type(error).__name__}: {error}".splitlines()[0]
            log.warning("subscription %s %s not charged: %s", sub.relationship_id, period, why)
            summary.failed.append((sub.relationship_id, why))
            return
        if outcome is None:
            summary.already += 1
        elif outcome.status == PAID:
            summary.charged += 1
            summary.provider_total += outcome.provider_part
            summary.platform_total += outcome.platform_part
        else:
            summary.unpaid += 1
        self._on_state_changed(sub.provider_id)

    def _charge(self, sub: Subscriber, period: str) -> ChargeRecord | None:
        """Charge or pause in one transaction; None when there is nothing to do."""
        now = self._now()
        venue_free = self._venue_free(sub.follower_id)  # before: the venue reads on its own
        moves = NO_MOVES
        with self._uow_factory() as uow:
            existing = uow.fees.charge(sub.relationship_id, period)
            if existing is not None and existing.status == PAID:
                return None
            rel = uow.relationships.get(sub.relationship_id, for_update=True)
            if not rel.state.mirrors_closes:
                return None  # stopped since: nothing more is charged
            free = uow.ledger.balance(LedgerAccount.follower_free(sub.follower_id))
            is_provider = uow.accounts.is_provider(sub.follower_id)
            if is_provider:
                free = min(free, venue_free)
            result = subscription_charge(SubscriptionTerms(sub.price, self._platform_cut_pct), free)
            if isinstance(result, SubscriptionCharge):
                record = self._paid(uow, rel, sub, period, result, existing, now)
                if is_provider:  # paid out of its trading account: a flow, not a loss
                    key = record.key
                    moves = record_moves(
                        uow, key, [cash_move(key, sub.follower_id, -result.price)], now
                    )
                    uow.equity.add_flow(sub.follower_id, now.date(), -result.price)
            elif existing is not None:
                return None  # unpaid, paused and told already
            else:
                record = ChargeRecord(
                    sub.relationship_id, period, sub.follower_id, sub.provider_id, UNPAID,
                    sub.price, ZERO, ZERO, now,
                )  # fmt: skip
                uow.fees.add(record)
                paused = rel.apply(Paused(PauseReason.SUBSCRIPTION_UNPAID))
                uow.relationships.save(paused, now)
                _notify(uow, UNPAID_NOTICE, record, now)
            uow.commit()
        self._cash.apply_now(moves)
        return record

    def _paid(
        self,
        uow: SqlUnitOfWork,
        rel: CopyRelationship,
        sub: Subscriber,
        period: str,
        charge: SubscriptionCharge,
        existing: ChargeRecord | None,
        now: datetime,
    ) -> ChargeRecord:
        record = ChargeRecord(
            sub.relationship_id, period, sub.follower_id, sub.provider_id, PAID,
            charge.price, charge.provider_part, charge.platform_part, now,
        )  # fmt: skip
        if existing is None:
            uow.fees.add(record)
        elif not uow.fees.mark_paid(record):
            raise SubscriptionError(f"{record.key} was paid concurrently")
        uow.ledger.post(
            subscription(
                AccountId(sub.follower_id),
                ProviderId(sub.provider_id),
                charge.provider_part,
                charge.platform_part,
                key=record.key,
                ts=now,
            )
        )
        if rel.state.unpaid:
            uow.relationships.save(rel.apply(Resumed(subscription_paid=True)), now)
        _notify(uow, CHARGED, record, now)
        return record


class SubscriptionError(DomainError):
    """A subscription could not be charged; nothing was changed."""


def _notify(uow: SqlUnitOfWork, topic: str, record: ChargeRecord, now: datetime) -> None:
    """The follower's and the provider's message; the provider's names no follower."""
    amounts = {
        "period": record.period,
        "status": record.status,
        "price": str(record.price),
        "provider_part": str(record.provider_part),
        "platform_part": str(record.platform_part),
    }
    follower = {**amounts, "relationship": record.relationship_id, "to": record.follower_id}
    provider = {**amounts, "to": record.provider_id}
    base = f"{topic}:{record.relationship_id}:{record.period}"
    uow.outbox.add_many(
        topic, [(f"{base}:follower", follower), (f"{base}:provider", provider)], now
    )
