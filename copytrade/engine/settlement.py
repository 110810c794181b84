"""Profit-share settlement: exactly once per (relationship, period) (SPEC §7).

``SettlementService.settle_many`` settles a batch in one transaction (see
``settlement_batch``) and then asks the venue to move the debits. The venue
debits are also in the outbox, written in the same transaction, so a crash
between the commit and the venue call is repaired by the relay (``VenueDebits``);
the venue applies each settlement key once, so the second delivery is a no-op.
A batch that fails (a concurrent run won a pair, a ledger refusal) is retried
one relationship per transaction, so one bad relationship cannot hold up others.
See docs/settlement.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError

from copytrade.adapters.db.repositories.relationships import UnknownRelationshipError
from copytrade.adapters.db.repositories.settlements import SettlementRecord
from copytrade.domain.errors import DomainError
from copytrade.domain.values import USDT, ZERO
from copytrade.engine.settlement_batch import (
    SETTLED,
    VENUE_DEBIT,
    Due,
    settle_in,
    venue_debit,
)
from copytrade.engine.venue_cash import apply_once_or_each, moves_from_payload
from copytrade.service_layer.unit_of_work import SqlUnitOfWork
from copytrade.venues.errors import VenueError
from copytrade.venues.paper.cash_moves import CashMove
from copytrade.venues.paper.venue import PaperVenue

__all__ = ["SETTLED", "VENUE_DEBIT", "Due", "SettlementService", "VenueDebits"]

log = logging.getLogger(__name__)


class SettlementService:
    def __init__(
        self,
        uow_factory: Callable[[], SqlUnitOfWork],
        venue: PaperVenue,
        prices: Callable[[], Mapping[str, Decimal]],
        now: Callable[[], datetime],
        platform_fee_pct: Decimal,
        after_commit: Callable[[list[SettlementRecord]], None] = lambda _: None,
    ) -> None:
        self._uow_factory = uow_factory
        self._venue = venue
        self._prices = prices
        self._now = now
        self._platform_fee_pct = platform_fee_pct
        self._after_commit = after_commit  # a test hook: the crash tests kill here
        self.failures: list[tuple[Due, str]] = []

    def settle_all(self, period: str) -> list[SettlementRecord]:
        """Settle every relationship still copying (stopped ones settle at the stop)."""
        with self._uow_factory() as uow:
            ids = [str(r.id) for r in uow.relationships.all() if r.state.mirrors_closes]
            states = uow.relationships.hwm_states(ids)
        return self.settle_many([Due(state, period) for state in states])

    def settle(self, rel_id: str, period: str) -> SettlementRecord | None:
        """Settle one relationship for ``period``; None when it was settled before."""
        with self._uow_factory() as uow:
            states = uow.relationships.hwm_states([rel_id])
        if not states:
            raise UnknownRelationshipError(f"no copy relationship {rel_id!r} to settle")
        done = self._settle_batch([Due(states[0], period)])
        return done[0] if done else None

    def settle_many(self, dues: Sequence[Due]) -> list[SettlementRecord]:
        """Settle a batch in one transaction; on failure, one per transaction.

        A relationship that still fails is left unsettled (a later run retries
        it) and listed in ``failures``; the others are settled.
        """
        try:
            return self._settle_batch(dues)
        except (IntegrityError, DomainError) as error:
            if len(dues) == 1:
                self.failures.append((dues[0], _why(error)))
                return []
            log.warning("settlement batch failed (%s); settling one by one", _why(error))
        return [record for due in dues for record in self.settle_many([due])]

    def _settle_batch(self, dues: Sequence[Due]) -> list[SettlementRecord]:
        if not dues:
            return []
        with self._uow_factory() as uow:
            terms = uow.settlements.provider_terms([d.rel.provider_id for d in dues])
        # Subscription and commission providers take no profit share (docs/fees.md).
        dues = [d for d in dues if terms[d.rel.provider_id].shares_profit]
        if not dues:
            return []
        books = [d.rel.relationship_id for d in dues]
        venue_cash = self._venue.withdrawable_many(books, USDT.code)
        prices = self._prices()  # before the unit of work: the venue reads in its own
        now = self._now()
        with self._uow_factory() as uow:
            records = settle_in(uow, dues, prices, venue_cash, terms, self._platform_fee_pct, now)
            uow.commit()
        self._after_commit(records)
        moves = [venue_debit(r) for r in records if r.settlement.debit > ZERO]
        self._move_at_venue(moves)
        return records

    def _move_at_venue(self, moves: Sequence[CashMove]) -> None:
        """Move the debits now; what fails stays in the outbox for the relay."""
        if not moves:
            return
        try:
            self._venue.move_cash_once(moves)
        except (VenueError, DomainError) as error:
            log.warning("venue debits left to the relay: %s", _why(error))


class VenueDebits:
    """The outbox consumer that performs settlement debits at the venue, once per key."""

    def __init__(self, venue: PaperVenue) -> None:
        self._venue = venue

    def handle(self, message_id: str, payload: Mapping[str, Any]) -> None:
        """Apply a batch's debits, each once ever (engine/venue_cash.py)."""
        apply_once_or_each(self._venue, moves_from_payload(payload), "settlement debit")


def _why(error: Exception) -> str:
    return f"{type(error).__name__}: {error}".splitlines()[0]
