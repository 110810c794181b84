"""The periodic settlement run (docs/domain.md, Profit share): every due relationship of a period,
once.

``run(period_end)`` settles, for each kind of period ending at ``period_end``
(weekly on Mondays, monthly on the first), every relationship of a provider
with that kind: the copying ones and those stopped during the period whose
stop-time settlement is missing. Batches of relationships commit one
transaction each (``SettlementService.settle_many``); a rerun, or a restart
after a crash, settles only what is left. ``due(now)`` lists the period ends a
scheduler (``copytrade serve``) still has to run. See docs/settlement.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from copytrade.adapters.db.repositories.settlements import Candidate
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.gc_pause import frozen_heap
from copytrade.adapters.jsonable import decimal_text
from copytrade.domain.errors import DomainError
from copytrade.domain.profit_share.periods import (
    BillingPeriod,
    boundaries_between,
    latest_boundary,
    periods_ending,
)
from copytrade.domain.values import ZERO
from copytrade.service_layer.settlement.service import BatchOutcome, Due, SettlementService

BATCH = 1_000
LOOKBACK = timedelta(days=35)  # how far back ``due`` looks for a missed run
_TOTALS = ("gross", "debit", "provider_credit", "platform_fee", "owed_after")


class SettlementRunError(DomainError):
    """A settlement run was asked for something it cannot do; nothing was settled."""


@dataclass
class RunSummary:
    """What one run did: counts, and the sums of what it settled now."""

    period_end: datetime
    periods: list[str]
    candidates: int = 0
    settled: int = 0
    already_settled: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    totals: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(_TOTALS, ZERO))

    def add(self, outcome: BatchOutcome) -> None:
        """Count a batch: pairs a concurrent run settled after the to-do list was
        made are found inside the batch's transaction and count as settled before."""
        self.settled += len(outcome.records)
        self.already_settled += len(outcome.already_settled)
        self.failed.extend((due.relationship_id, why) for due, why in outcome.failed)
        for record in outcome.records:
            for name in _TOTALS:
                self.totals[name] += getattr(record.settlement, name)

    def to_json(self) -> dict[str, Any]:
        return {
            "period_end": self.period_end.isoformat(),
            "periods": self.periods,
            "candidates": self.candidates,
            "settled": self.settled,
            "already_settled": self.already_settled,
            "failed": [{"relationship": r, "error": e} for r, e in self.failed],
            **{name: decimal_text(value) for name, value in self.totals.items()},
        }


class SettlementRun:
    def __init__(
        self,
        uow_factory: Callable[[], SqlUnitOfWork],
        service: SettlementService,
        now: Callable[[], datetime],
        batch_size: int = BATCH,
        on_batch: Callable[[int], None] = lambda _: None,
    ) -> None:
        self._uow_factory = uow_factory
        self._service = service
        self._now = now
        self._batch_size = batch_size
        self._on_batch = on_batch  # told the relationships settled so far (progress)

    def due(self, now: datetime | None = None) -> list[datetime]:
        """Period ends in the last ``LOOKBACK`` with a relationship still to settle."""
        until = now or self._now()
        return [end for end in boundaries_between(until - LOOKBACK, until) if self._pending(end)]

    def run(self, period_end: datetime | None = None) -> RunSummary:
        """Settle every due relationship of the periods ending at ``period_end``
        (default: the latest boundary not after now)."""
        now = self._now()
        end = latest_boundary(now) if period_end is None else period_end
        if end.tzinfo is None:
            raise SettlementRunError(f"a period end is a UTC time, got naive {end.isoformat()}")
        if end > now:
            raise SettlementRunError(
                f"period end {end.isoformat()} is in the future (now {now.isoformat()}); "
                f"a period settles once it is over"
            )
        periods = periods_ending(end)
        if not periods:
            raise SettlementRunError(
                f"{end.isoformat()} ends no settlement period: weekly periods end on "
                f"Mondays 00:00 UTC, monthly ones on the 1st 00:00 UTC"
            )
        summary = RunSummary(end, [p.id for p in periods])
        todo = self._todo(periods, summary)
        with frozen_heap():  # the to-do list and all alive now: not rescanned every batch
            for start in range(0, len(todo), self._batch_size):
                part = todo[start : start + self._batch_size]
                summary.add(self._service.settle_many(part))
                self._on_batch(start + len(part))
        return summary

    def _pending(self, end: datetime) -> bool:
        summary = RunSummary(end, [])
        return bool(self._todo(periods_ending(end), summary))

    def _todo(self, periods: list[BillingPeriod], summary: RunSummary) -> list[Due]:
        """The (relationship, period id) pairs left to settle, in relationship order.

        Only who is due is known here; what each settles from is read in its
        batch's transaction (``settle_in``)."""
        by_kind = {p.kind.value: p for p in periods}
        since = min(p.start for p in periods)
        with self._uow_factory() as uow:
            terms = uow.settlements.provider_terms()
            found = uow.settlements.candidates(list(by_kind), periods[0].end, since)
            stopped = [c.relationship_id for c in found if c.stopped_at is not None]
            settled_at_stop = uow.settlements.stopped_and_settled(stopped)
            done = uow.settlements.settled_in([p.id for p in periods])
        pairs = []
        for candidate in found:
            if not terms[candidate.provider_id].shares_profit:
                continue  # billed by subscription or commission instead (docs/fees.md)
            period = by_kind[terms[candidate.provider_id].settlement_period]
            if _still_due(candidate, period, settled_at_stop):
                pairs.append(Due(candidate.relationship_id, candidate.provider_id, period.id))
        summary.candidates = len(pairs)
        todo = [due for due in pairs if due.pair not in done]
        summary.already_settled = len(pairs) - len(todo)
        return todo


def _still_due(candidate: Candidate, period: BillingPeriod, settled_at_stop: set[str]) -> bool:
    """Copying, or stopped during the period with no settlement at the stop."""
    if candidate.stopped_at is None:
        return True
    return candidate.stopped_at >= period.start and candidate.relationship_id not in settled_at_stop
