"""The scheduled full refresh (docs/statistics.md: at least every 5 minutes), driven by a clock.

``copytrade serve`` calls ``tick()`` from its loop; tests drive it with a
``SimulatedClock``. The first tick refreshes at once (a process that just
started has nothing it can trust), later ones when ``every`` has passed.

A tick also refreshes the leaderboard cards' fill-quality figures (``fill_figures``:
"copiers kept N %", the median copy slippage; docs/statistics.md, "Fill quality")
on the first tick and then when ``fill_figures_every`` has passed: they read every
decision of every copier, so less often than the statistics.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from copytrade.marketdata.clock import Clock
from copytrade.stats.service import StatsService

DEFAULT_EVERY = timedelta(minutes=5)
FILL_FIGURES_EVERY = timedelta(minutes=30)


class StatsRefresher:
    def __init__(
        self,
        service: StatsService,
        clock: Clock,
        every: timedelta = DEFAULT_EVERY,
        fill_figures: Callable[[], object] | None = None,
        fill_figures_every: timedelta = FILL_FIGURES_EVERY,
    ) -> None:
        if every <= timedelta(0) or fill_figures_every <= timedelta(0):
            raise ValueError(
                f"the refresh intervals must be positive, got {every} and {fill_figures_every}"
            )
        self._service = service
        self._clock = clock
        self.every = every
        self.last_run: datetime | None = None
        self._fill_figures = fill_figures
        self.fill_figures_every = fill_figures_every
        self.fill_figures_run: datetime | None = None

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
        if self._fill_figures is not None and (
            self.fill_figures_run is None
            or started - self.fill_figures_run >= self.fill_figures_every
        ):
            self._fill_figures()
            self.fill_figures_run = started
        return True
