"""The scheduled full refresh (docs/statistics.md: at least every 5 minutes), driven by a clock.

``copytrade serve`` calls ``tick()`` from its loop; tests drive it with a
``SimulatedClock``. The first tick refreshes at once (a process that just
started has nothing it can trust), later ones when ``every`` has passed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from copytrade.marketdata.clock import Clock
from copytrade.stats.service import StatsService

DEFAULT_EVERY = timedelta(minutes=5)


class StatsRefresher:
    def __init__(
        self, service: StatsService, clock: Clock, every: timedelta = DEFAULT_EVERY
    ) -> None:
        if every <= timedelta(0):
            raise ValueError(f"the refresh interval must be positive, got {every}")
        self._service = service
        self._clock = clock
        self.every = every
        self.last_run: datetime | None = None

    def due(self) -> bool:
        return self.last_run is None or self._clock.now() - self.last_run >= self.every

    def seconds_until_due(self) -> float:
        """How long serve's loop may sleep before the next tick is useful."""
        if self.last_run is None:
            return 0.0
        remaining = self.last_run + self.every - self._clock.now()
        return max(remaining.total_seconds(), 0.0)

    def tick(self) -> bool:
        """Run a full refresh when one is due; True when it ran."""
        if not self.due():
            return False
        # Timed from the start, so a slow refresh does not push the schedule back.
        started = self._clock.now()
        self._service.full_refresh()
        self.last_run = started
        return True
