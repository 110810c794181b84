"""Keeps ``provider_stats`` current: a full refresh, per provider, and per closing trade.

Figures are "as of" the UTC day of ``now()``: every trade closed and every
equity point up to that day, the current day's return carried flat until the
day closes (the definition of ``compute_stats``). A closing trade updates the
provider's four rows in O(1) from their stored tallies; anything the tallies
cannot express (a new day, windows sliding, series figures, copier figures)
is recomputed from the record by ``refresh_provider`` / ``full_refresh``.

A full refresh reads and computes outside the engine's lock (seconds at
thousands of providers: orders must not wait for it) and writes each chunk under
``write_guard`` (the engine's lock in ``serve``). A hook may meanwhile have added
a trade to a provider of the chunk: the chunk was computed without it, so those
providers are recomputed under the guard instead of written stale; and if a day
closed meanwhile (whose own refresh wrote newer rows), the chunk is recomputed.
So no trade is missed or counted twice in this process. A hook in another
process could still race a refresh until the next one (≤ 5 min).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import date, datetime, timedelta
from decimal import Decimal

from copytrade.adapters.db.repositories.ledger_reads import chunks
from copytrade.adapters.db.repositories.provider_stats import ProviderStatsRecord
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.statistics import DEFAULT_PROFILE_RULE, Period, ProfileRule, utc_day
from copytrade.domain.trades import Trade
from copytrade.stats.evidence import EvidenceSettings
from copytrade.stats.inputs import load_inputs
from copytrade.stats.parallel import map_in_workers
from copytrade.stats.records import add_trade, build_records

CHUNK = 250  # providers per read (a few IN-list queries) and per write transaction


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector off for a while (forked workers inherit it off).

    A full refresh builds a few hundred thousand small objects (rows, tallies,
    records) that live until their chunk is written and hold no cycles, so
    reference counting frees them all; the collector only re-scanned them, and
    that was about a seventh of the refresh.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class StatsService:
    def __init__(
        self,
        uow_factory: Callable[[], SqlUnitOfWork],
        prices: Callable[[], Mapping[str, Decimal]],
        now: Callable[[], datetime],
        min_track_record_days: int = 7,
        rule: ProfileRule = DEFAULT_PROFILE_RULE,
        workers: int = 1,
        after_fork: Callable[[], None] = lambda: None,
        chunk_size: int = CHUNK,
        read_uow_factory: Callable[[], SqlUnitOfWork] | None = None,
        write_guard: Callable[[], AbstractContextManager[object]] = nullcontext,
        evidence: EvidenceSettings = EvidenceSettings(),
    ) -> None:
        if min_track_record_days < 0:
            raise ValueError(f"min_track_record_days must be ≥ 0, got {min_track_record_days}")
        self._uow_factory = uow_factory
        # What a refresh reads through: best a read-only view (on SQLite a deferred
        # BEGIN), so readers, workers included, never hold or wait for the write lock.
        self._read_uow_factory = read_uow_factory or uow_factory
        self._prices = prices
        self._now = now
        self.min_track_record_days = min_track_record_days
        self._rule = rule
        self._evidence = evidence
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        # Full refreshes compute in this many forked processes (stats/parallel.py);
        # ``after_fork`` drops the database connections a worker inherits.
        self._workers = workers
        self._after_fork = after_fork
        self._chunk_size = chunk_size
        # After close_day(D) the day in progress is D + 1, even if the clock that
        # drives us has not ticked past midnight yet.
        self._day_after_close = date.min
        self._write_guard = write_guard
        # Trades the hooks added per provider: a chunk computed before one is stale.
        self._added: dict[str, int] = {}

    def full_refresh(self, progress: Callable[[int, int], None] = lambda _d, _t: None) -> int:
        """Recompute every provider from its record; returns how many providers.
        ``progress`` is told (providers done, providers in all) after each chunk."""
        with paused_gc():
            return self._full_refresh(progress)

    def _full_refresh(self, progress: Callable[[int, int], None]) -> int:
        added, as_of = dict(self._added), self.as_of()  # before anything is read
        with self._read_uow_factory() as uow:
            profiles = uow.accounts.provider_profiles()
        providers = sorted(profiles)
        prices = dict(self._prices())
        parts = list(chunks(providers, self._chunk_size))

        def compute(part: Sequence[str]) -> list[ProviderStatsRecord]:
            return self._compute(part, profiles, prices)

        if self._workers == 1 or len(parts) == 1:
            computed: Iterable[list[ProviderStatsRecord]] = map(compute, parts)
        else:
            computed = map_in_workers(compute, parts, self._workers, self._after_fork)
        done = 0
        for part, records in zip(parts, computed, strict=True):
            with self._write_guard():
                if self.as_of() != as_of:  # a day closed meanwhile
                    self._write(compute(part))
                else:
                    stale = {p for p in part if self._added.get(p, 0) != added.get(p, 0)}
                    self._write([r for r in records if r.provider_id not in stale])
                    if stale:
                        self._write(compute(sorted(stale)))
            done += len(part)
            progress(done, len(providers))
        return len(providers)

    def refresh_provider(self, provider_id: str) -> None:
        """Recompute one provider from its record."""
        with self._uow_factory() as uow:
            profiles = uow.accounts.provider_profiles()
        if provider_id not in profiles:
            raise LookupError(f"{provider_id!r} is not a provider: no statistics to refresh")
        self._write(self._compute([provider_id], profiles, dict(self._prices())))

    def on_trade_closed(self, provider_id: str, trade: Trade) -> None:
        """Add a just-closed trade to the provider's rows (O(1)), or recompute when stale."""
        self._added[provider_id] = self._added.get(provider_id, 0) + 1
        now, as_of = self._now(), self.as_of()
        with self._uow_factory() as uow:
            records = uow.provider_stats.of_provider(provider_id)
            fresh = len(records) == len(Period) and all(r.as_of == as_of for r in records.values())
            # A closed-trades rule may rank an unranked provider now (docs/statistics.md).
            if fresh and self._evidence.rules.min_closed_trades is not None:
                fresh = records[Period.ALL].ranked
            if fresh and utc_day(trade.closed_at) == as_of:
                uow.provider_stats.update_many(add_trade(records, trade, now, self._rule))
                uow.commit()
                return
        # The day turned since the rows were written (windows slid) or there are none yet.
        self.refresh_provider(provider_id)

    def on_day_closed(self, day: date) -> None:
        """A day's equity was marked: every return-based figure and window moves.

        Rows are then as of the next day, so that day's trades update them in O(1).
        """
        self._day_after_close = max(self._day_after_close, day + timedelta(days=1))
        self.full_refresh()

    def as_of(self) -> date:
        """The day figures are computed as of: today, or the day after the last close."""
        return max(utc_day(self._now()), self._day_after_close)

    def _compute(
        self,
        providers: Sequence[str],
        profiles: Mapping[str, tuple[str, Decimal]],
        prices: Mapping[str, Decimal],
    ) -> list[ProviderStatsRecord]:
        """The providers' rows, read in one transaction and computed outside any."""
        now, as_of = self._now(), self.as_of()
        with self._read_uow_factory() as uow:
            inputs = load_inputs(uow, providers, profiles, prices, as_of)
        return [
            record
            for one in inputs
            for record in build_records(
                one, as_of, now, self.min_track_record_days, self._rule, self._evidence
            )
        ]

    def _write(self, records: list[ProviderStatsRecord]) -> None:
        # A short transaction of its own: on SQLite every transaction holds the
        # write lock, so the engine waits less.
        with self._uow_factory() as uow:
            uow.provider_stats.replace(records)
            uow.commit()
