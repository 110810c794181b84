"""The platform's trigger orders the venue may have fired into a refusal (docs/venues.md
"Trigger orders", "On the platform's order records").

A trigger that fires and fills reaches our records with its fills (the ingest refreshes
its order). One that fires into a refusal — nothing to reduce, too little cash, a
post-only limit that would take — has no fill to bring it, so after each price moment
the orders our records still show ``pending`` on the moment's symbols are asked of the
venue, and its answer (trigger ``triggered``, order ``rejected`` with the reason, or
still waiting) is recorded through the same transition table.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime

from copytrade.adapters.venues.port import Venue
from copytrade.domain.ids import ClientOrderId
from copytrade.domain.trigger_status import TriggerStatus
from copytrade.engine.unit_of_work import PipelineUnitOfWork


class TriggerRefresh:
    def __init__(
        self,
        venue: Venue,
        uow_factory: Callable[[], PipelineUnitOfWork],
        now: Callable[[], datetime],
    ) -> None:
        self._venue = venue
        self._uow_factory = uow_factory
        self._now = now

    def refresh(self, symbols: Collection[str]) -> int:
        """Record the venue's answer for our still-pending trigger orders on ``symbols``
        that it no longer holds pending; how many were recorded. The venue is read
        outside our transaction (as the ingest reads it)."""
        if not symbols:
            return 0
        with self._uow_factory() as uow:
            waiting = uow.orders.awaiting_triggers(symbols)
        if not waiting:
            return 0
        answers = [
            answer
            for book, cid in waiting
            if (answer := self._venue.get_order(book, ClientOrderId(cid))) is not None
            and answer.trigger_status is not TriggerStatus.PENDING
        ]
        if answers:
            with self._uow_factory() as uow:
                uow.orders.record_venue_results(answers, self._now())
                uow.commit()
        return len(answers)


__all__ = ["TriggerRefresh"]
