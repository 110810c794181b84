"""The whole platform on one database: venue, engine, accounts and provider orders.

Built by the composition root (``Container.platform``) and by tests; it is the
object the simulator, the demo and the benchmarks drive.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Engine

from copytrade.adapters.db.engine import make_session_factory
from copytrade.domain.instruments import Instrument
from copytrade.engine.accounts import AccountService
from copytrade.engine.app import CopyEngine
from copytrade.engine.execution import Checkpoints
from copytrade.engine.provider_orders import ProviderOrders
from copytrade.engine.subscriptions import FeeSettings
from copytrade.marketdata.clock import Clock
from copytrade.service_layer.unit_of_work import SqlUnitOfWork
from copytrade.venues.paper.venue import PaperVenue


@dataclass(frozen=True)
class Platform:
    engine: CopyEngine
    accounts: AccountService
    provider_orders: ProviderOrders
    venue: PaperVenue
    clock: Clock

    @classmethod
    def build(
        cls,
        db: Engine,
        instruments: Iterable[Instrument],
        clock: Clock,
        platform_fee_pct: Decimal = Decimal(2),
        checkpoints: Checkpoints = Checkpoints(),
        fees: FeeSettings = FeeSettings(),
        shards: int = 1,
    ) -> Platform:
        """Wire everything on a migrated database; stores the instruments it trades."""
        by_symbol = {i.symbol: i for i in instruments}
        session_factory = make_session_factory(db)
        with SqlUnitOfWork(session_factory, by_symbol) as uow:
            uow.instruments.save(by_symbol.values())
            uow.commit()

        def uow_factory() -> SqlUnitOfWork:
            return SqlUnitOfWork(session_factory, by_symbol)

        venue = PaperVenue(db, by_symbol.values(), clock.now)
        engine = CopyEngine(
            uow_factory,
            venue,
            by_symbol,
            clock,
            platform_fee_pct,
            checkpoints,
            fees=fees,
            shards=shards,
        )
        accounts = AccountService(
            uow_factory, venue, engine.venue_cash, clock.now, engine.forget_providers
        )
        orders = ProviderOrders(uow_factory, venue, clock.now)
        return cls(engine, accounts, orders, venue, clock)

    def resume_prices(self) -> None:
        """A restarted process has no price feed yet: start from the venue's last prices."""
        now = self.clock.now()
        for symbol, price in self.venue.prices().items():
            self.engine.prices.update(symbol, price, now)

    def recover(self) -> None:
        """Finish what a crash or a venue outage left undone (docs/engine.md "Recovery").

        Every entry point that writes calls this before anything else, and
        ``copytrade serve`` again periodically.
        """
        self.engine.recover()

    def uow(self) -> SqlUnitOfWork:
        return self.engine.uow_factory()
