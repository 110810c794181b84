"""Profit-share settlement: exactly once per (relationship, period) (docs/domain.md, Profit share).

``SettlementService.settle_many`` settles a batch in one transaction (see
``settlement_batch``) and then asks the venue to move the debits. The venue
debits are also in the outbox, written in the same transaction, so a crash
between the commit and the venue call is repaired by the relay (``VenueCash``, the
one way value moves between the books, docs/engine.md); the venue applies each
settlement key once, so the second delivery is a no-op.
A batch that fails (a ledger refusal) is retried one relationship per
transaction, so one bad relationship cannot hold up others. What a settlement
computes from (HWM, owed, book) is read in its own transaction under the
relationship's row lock. See docs/settlement.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy.exc import IntegrityError

from copytrade.adapters.db.repositories.relationships import UnknownRelationshipError
from copytrade.adapters.db.repositories.settlements import SettlementRecord
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.venues.port import Venue
from copytrade.domain.errors import DomainError
from copytrade.domain.values import USDT
from copytrade.engine.venue_cash import VENUE_DEBIT, VenueCash
from copytrade.service_layer.settlement.batch import (
    SETTLED,
    BatchOutcome,
    Due,
    settle_in,
)

__all__ = ["SETTLED", "VENUE_DEBIT", "BatchOutcome", "Due", "SettlementService"]

log = logging.getLogger(__name__)


class SettlementService:
    def __init__(
        self,
        uow_factory: Callable[[], SqlUnitOfWork],
        venue: Venue,
        prices: Callable[[], Mapping[str, Decimal]],
        now: Callable[[], datetime],
        platform_fee_pct: Decimal,
        after_commit: Callable[[list[SettlementRecord]], None] = lambda _: None,
        at_max_loss: Callable[[list[str]], None] = lambda _: None,
    ) -> None:
        self._uow_factory = uow_factory
        self._venue = venue
        self._cash = VenueCash(venue, uow_factory, now)
        self._prices = prices
        self._now = now
        self._platform_fee_pct = platform_fee_pct
        self._after_commit = after_commit  # a test hook: the crash tests kill here
        # Told the relationships a debit took to their max loss, to stop them (the engine).
        self.at_max_loss = at_max_loss
        # Told the provider of each live relationship paused for fees it could not pay
        # (the engine's copy cache, docs/settlement.md "Live relationships").
        self.on_paused: Callable[[str], None] = lambda _: None

    def settle_all(self, period: str) -> list[SettlementRecord]:
        """Settle every relationship still copying (stopped ones settle at the stop)."""
        with self._uow_factory() as uow:
            copying = [r for r in uow.relationships.all() if r.state.mirrors_closes]
        dues = [Due(str(r.id), str(r.provider), period) for r in copying]
        return self.settle_many(dues).records

    def settle(self, rel_id: str, period: str) -> SettlementRecord | None:
        """Settle one relationship for ``period``; None when it was settled before."""
        with self._uow_factory() as uow:
            states = uow.relationships.hwm_states([rel_id])
        if not states:
            raise UnknownRelationshipError(f"no copy relationship {rel_id!r} to settle")
        done = self._settle_batch([Due(rel_id, states[0].provider_id, period)]).records
        return done[0] if done else None

    def settle_many(self, dues: Sequence[Due]) -> BatchOutcome:
        """Settle a batch in one transaction; on failure, one per transaction.

        A relationship that still fails is left unsettled (a later run retries
        it) and listed in the outcome's ``failed``; the others are settled.
        """
        try:
            return self._settle_batch(dues)
        except (IntegrityError, DomainError) as error:
            if len(dues) == 1:
                return BatchOutcome(failed=[(dues[0], _why(error))])
            log.warning("settlement batch failed (%s); settling one by one", _why(error))
        outcome = BatchOutcome()
        for due in dues:
            outcome.extend(self.settle_many([due]))
        return outcome

    def _settle_batch(self, dues: Sequence[Due]) -> BatchOutcome:
        if not dues:
            return BatchOutcome()
        with self._uow_factory() as uow:
            terms = uow.settlements.provider_terms([d.provider_id for d in dues])
        # Subscription and commission providers take no profit share (docs/fees.md).
        dues = [d for d in dues if terms[d.provider_id].shares_profit]
        if not dues:
            return BatchOutcome()
        books = [d.relationship_id for d in dues]
        # Read before the unit of work, in the venue's own transaction: a stale
        # figure never changes what is charged, only how much of it is paid now
        # (docs/settlement.md, "Concurrent writers").
        venue_cash = self._venue.withdrawable_many(books, USDT.code)
        prices = self._prices()
        now = self._now()
        with self._uow_factory() as uow:
            outcome = settle_in(uow, dues, prices, venue_cash, terms, self._platform_fee_pct, now)
            uow.commit()
        records = outcome.records
        self._after_commit(records)
        self._cash.apply_now(outcome.venue_moves)
        for provider in set(outcome.paused):
            self.on_paused(provider)
        if outcome.at_max_loss:
            self.at_max_loss(outcome.at_max_loss)
        return outcome


def _why(error: Exception) -> str:
    return f"{type(error).__name__}: {error}".splitlines()[0]
