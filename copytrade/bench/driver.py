"""Drive one provider fill through a population's platform and check what it copied."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from copytrade.adapters.db.schema import OrderRow
from copytrade.bench.naive import NaiveFanout
from copytrade.bench.population import PERP, PROVIDER, Population
from copytrade.bench.timing import now_ns
from copytrade.domain.ids import ClientOrderId
from copytrade.domain.instruments import Side
from copytrade.domain.orders import OrderStatus
from copytrade.engine.bus import InProcessBus
from copytrade.engine.messages import PROVIDER_FILLED
from copytrade.engine.outbox_relay import OutboxRelay

# 0.1 BTC at 50,000 = 5,000 notional on the provider's 100,000: a 5 % usage.
PROVIDER_QTY = Decimal("0.1")


class FillDriver:
    """Places the provider's orders and times each one end to end."""

    def __init__(self, population: Population) -> None:
        self._population = population
        self._orders = 0
        self.engine_pump = population.platform.engine.pump

    def fill(
        self, side: Side, pump: Callable[[], None], qty: Decimal = PROVIDER_QTY
    ) -> tuple[int, str]:
        """Place one provider market order and pump: (nanoseconds, provider fill id)."""
        platform = self._population.platform
        self._population.clock.advance(timedelta(seconds=1))
        self._orders += 1
        cid = ClientOrderId(f"bench-{self._orders}")
        start = now_ns()
        answer = platform.provider_orders.place(PROVIDER, cid, PERP.symbol, side, qty)
        pump()
        elapsed = now_ns() - start
        if len(answer.fills) != 1:
            raise RuntimeError(f"the provider's order {cid} was not filled once: {answer.status}")
        return elapsed, str(answer.fills[0].fill_id)

    def copies_filled(self, provider_fill_id: str) -> int:
        """Copy orders of that provider fill the venue filled (read after the clock stopped)."""
        with self._population.platform.uow() as uow:
            query = select(func.count()).where(
                OrderRow.copy_of == provider_fill_id,
                OrderRow.status == OrderStatus.FILLED.value,
            )
            return int(uow.session.scalar(query) or 0)

    def naive_pump(self, limit: int) -> tuple[NaiveFanout, Callable[[], None]]:
        """The engine's pipeline with the naive fan-out in place of the batched one."""
        engine = self._population.platform.engine
        naive = NaiveFanout(
            engine.uow_factory,
            engine.instruments,
            engine.relationships,
            engine.executor,
            engine.prices.snapshot,
            engine.clock.now,
        )
        naive.limit = limit
        bus = InProcessBus()
        bus.subscribe(PROVIDER_FILLED, naive.handle)
        relay = OutboxRelay(engine.uow_factory, bus, engine.clock)

        def pump() -> None:
            while engine.ingestor.pump() + relay.relay_all() > 0:
                pass

        return naive, pump
