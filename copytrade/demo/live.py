"""The bots of a served demo: they go on trading on the live market (docs/demo.md).

``copytrade demo --serve`` schedules ``LiveBots`` as a job of the server: every
``LIVE_STEP`` of wall-clock time, each bot gets the live prices of its symbols as one
moment and its orders are placed through the platform, so followers' copies, fills
and alerts arrive as a visitor watches. The bots are fresh ones (their windows fill
from the live prices), with their price-move thresholds scaled to the live step.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Context, Decimal

from copytrade.demo.desk import BotDesk
from copytrade.demo.population import DemoPopulation
from copytrade.domain.values import Price
from copytrade.marketdata.clock import Clock
from copytrade.marketdata.ticks import PriceTick
from copytrade.service_layer.platform import Platform

LIVE_STEP = timedelta(seconds=5)
SIMULATED_STEP = timedelta(hours=1)  # the demo's step, which the thresholds are set for


def live_scale(live: timedelta, simulated: timedelta = SIMULATED_STEP) -> Decimal:
    """√(live / simulated): a random walk's typical move over a step of ``live``
    relative to one over ``simulated``."""
    ratio = Decimal(live // timedelta(microseconds=1)) / Decimal(
        simulated // timedelta(microseconds=1)
    )
    return Context(prec=28).sqrt(ratio)


class LiveBots:
    """A scheduled job: one moment of live prices to the bots per call."""

    def __init__(
        self, platform: Platform, population: DemoPopulation, clock: Clock, started: datetime
    ) -> None:
        bots = population.bots(live_scale(LIVE_STEP))
        # Ids unique to this serving, apart from the simulation's and an earlier serving's.
        prefix = f"live{started:%Y%m%d%H%M%S}-"
        self._desk = BotDesk(platform, bots, order_prefix=prefix)
        self._platform = platform
        self._clock = clock

    @property
    def orders(self) -> int:
        return self._desk.orders

    def __call__(self) -> int:
        """Let the bots trade at the prices in force now; returns the orders they placed."""
        before = self._desk.orders
        prices = self._platform.engine.prices.snapshot()
        now = self._clock.now()
        moment = [PriceTick(s, now, Price(prices[s])) for s in self._desk.symbols if s in prices]
        self._desk.on_moment(moment)
        return self._desk.orders - before
