"""The composition root: the one place where adapters are built and wired.

Nothing connects at import time; ``Container.from_settings`` builds lazily
connecting objects, and each entry point (CLI verb, server, test) makes one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from copytrade.adapters.db.engine import (
    make_engine,
    make_read_session_factory,
    make_session_factory,
)
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.adapters.db.read_unit_of_work import StatsReadUnitOfWork
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.venues.paper.venue import PaperVenue
from copytrade.config import Settings
from copytrade.domain.instruments import Instrument
from copytrade.engine.subscriptions import FeeSettings
from copytrade.engine.unit_of_work import PipelineUnitOfWork
from copytrade.marketdata.clock import Clock
from copytrade.platform import Platform

# The SQL unit of work is the one the copy pipeline runs on: mypy checks here that it
# satisfies the pipeline's port (docs/engine.md, "The unit of work port").
PIPELINE_UNIT_OF_WORK: type[PipelineUnitOfWork] = SqlUnitOfWork


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

    def instruments(self) -> list[Instrument]:
        """The instruments stored in the (migrated) database."""
        with self.uow_factory() as uow:
            return list(uow.instruments.all().values())

    def venue(self, clock: Clock) -> PaperVenue:
        """The paper venue on this database, trading its stored instruments."""
        return PaperVenue(self.engine, self.instruments(), clock.now)

    def platform(
        self, clock: Clock, instruments: Iterable[Instrument] | None = None, *, recover: bool = True
    ) -> Platform:
        """The platform on this migrated database (default: its stored instruments),
        its engine's prices where the venue's stand.

        Recovered before it is returned (``Platform.recover``, docs/engine.md
        "Recovery"): every entry point that writes starts from here. Pass
        ``recover=False`` only to attach listeners first, then recover.
        """
        chosen = self.instruments() if instruments is None else list(instruments)
        s = self.settings
        platform = Platform.build(self.engine, chosen, clock, s.platform_fee_pct, fees=self.fees)
        platform.resume_prices()
        if recover:
            platform.recover()
        return platform

    def after_fork(self) -> None:
        """In a forked worker: forget the parent's pooled connections, open new ones."""
        self.engine.dispose(close=False)

    def migrate(self) -> None:
        upgrade_database(self.engine)

    def close(self) -> None:
        self.engine.dispose()
