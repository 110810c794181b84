"""The composition root: the one place where adapters are built and wired.

Nothing connects at import time; ``Container.from_settings`` builds lazily
connecting objects, and each entry point (CLI verb, server, test) makes one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from copytrade.adapters.db.engine import (
    make_engine,
    make_read_session_factory,
    make_session_factory,
)
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.config import Settings
from copytrade.engine.settlement import SettlementService
from copytrade.engine.settlement_run import SettlementRun
from copytrade.engine.subscriptions import FeeSettings
from copytrade.service_layer.read_unit_of_work import StatsReadUnitOfWork
from copytrade.service_layer.unit_of_work import SqlUnitOfWork
from copytrade.venues.paper.venue import PaperVenue


@dataclass(frozen=True)
class Container:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]

    @classmethod
    def from_settings(cls, settings: Settings) -> Container:
        engine = make_engine(settings)
        return cls(settings, engine, make_session_factory(engine))

    @property
    def uow_factory(self) -> Callable[[], SqlUnitOfWork]:
        factory = self.session_factory
        return lambda: SqlUnitOfWork(factory)

    @property
    def fees(self) -> FeeSettings:
        """The platform's fee settings, for ``Platform.build`` and the billing (docs/fees.md)."""
        s = self.settings
        return FeeSettings(s.commission_pct, s.subscription_platform_cut_pct)

    @property
    def read_uow_factory(self) -> Callable[[], SqlUnitOfWork]:
        """Units of work that only read: on SQLite they never take the write lock."""
        factory = make_read_session_factory(self.engine)
        return lambda: SqlUnitOfWork(factory)

    def stats_reads(self) -> StatsReadUnitOfWork:
        """A read-only unit of work for the leaderboard (no write lock on SQLite)."""
        return StatsReadUnitOfWork(make_read_session_factory(self.engine))

    def settlement_run(
        self, now: Callable[[], datetime], on_batch: Callable[[int], None] = lambda _: None
    ) -> SettlementRun:
        """The settlement run on this database: the CLI's ``settle``, a scheduler later.

        Prices are the paper venue's last stored prices (what the books are
        marked at); the venue debits go to the venue after each batch commits.
        """
        with self.uow_factory() as uow:
            instruments = uow.instruments.all()
        factory = self.session_factory

        def uow_factory() -> SqlUnitOfWork:
            return SqlUnitOfWork(factory, instruments)

        venue = PaperVenue(self.engine, instruments.values(), now)
        fee = self.settings.platform_fee_pct
        service = SettlementService(uow_factory, venue, venue.prices, now, fee)
        return SettlementRun(uow_factory, service, now, on_batch=on_batch)

    def after_fork(self) -> None:
        """In a forked worker: forget the parent's pooled connections, open new ones."""
        self.engine.dispose(close=False)

    def migrate(self) -> None:
        upgrade_database(self.engine)

    def close(self) -> None:
        self.engine.dispose()
