"""One transaction per unit of work, committed at the boundary (cosmicpython style).

Leaving the ``with`` block without ``commit()`` rolls everything back, outbox
messages included, so nothing is announced for a change that did not happen.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import Self

from sqlalchemy.orm import Session, sessionmaker

from copytrade.adapters.db.repositories.accounts import AccountRepository
from copytrade.adapters.db.repositories.activity import ActivityRepository
from copytrade.adapters.db.repositories.alerts import AlertRepository
from copytrade.adapters.db.repositories.api_keys import ApiKeyRepository
from copytrade.adapters.db.repositories.channels import ChannelRepository
from copytrade.adapters.db.repositories.cursors import CursorRepository, TradeCursorRepository
from copytrade.adapters.db.repositories.decisions import DecisionRepository
from copytrade.adapters.db.repositories.equity import EquitySnapshotRepository
from copytrade.adapters.db.repositories.fees import FeeRepository
from copytrade.adapters.db.repositories.fill_quality import FillQualityRepository
from copytrade.adapters.db.repositories.fills import FillRepository
from copytrade.adapters.db.repositories.identity import (
    JurisdictionRepository,
    RiskAcknowledgementRepository,
    UserRepository,
)
from copytrade.adapters.db.repositories.instruments import InstrumentRepository
from copytrade.adapters.db.repositories.ledger import SqlLedger
from copytrade.adapters.db.repositories.live import LiveRelationshipRepository
from copytrade.adapters.db.repositories.notifications import NotificationRepository
from copytrade.adapters.db.repositories.orders import OrderRepository
from copytrade.adapters.db.repositories.outbox import OutboxRepository, ProcessedMessages
from copytrade.adapters.db.repositories.positions import PositionRepository
from copytrade.adapters.db.repositories.price_marks import PriceMarkRepository
from copytrade.adapters.db.repositories.provider_stats import ProviderStatsRepository
from copytrade.adapters.db.repositories.recorded import RecordedHistory
from copytrade.adapters.db.repositories.relationships import RelationshipRepository
from copytrade.adapters.db.repositories.risk_alerts import RiskAlertRepository
from copytrade.adapters.db.repositories.settings_changes import SettingsChangeRepository
from copytrade.adapters.db.repositories.settlements import SettlementRepository
from copytrade.adapters.db.repositories.trade_tallies import TradeTallyRepository
from copytrade.adapters.db.repositories.trades import TradeRepository
from copytrade.domain.instruments import Instrument
from copytrade.domain.ledger.fills import base_currency
from copytrade.domain.values import Currency


class UnitOfWorkError(Exception):
    """A unit of work was used outside its ``with`` block or after it ended."""


class OutboxCommits:
    """How many committed transactions added outbox messages, counted by the units of work
    given it: for a process that is its database's only writer (a what-if's scratch
    platform), an unchanged count means nothing new waits in the outbox (docs/engine.md,
    "Idle pumps")."""

    def __init__(self) -> None:
        self.count = 0


class SqlUnitOfWork:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        instruments: Mapping[str, Instrument] | None = None,
        outbox_commits: OutboxCommits | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._outbox_commits = outbox_commits
        self._session: Session | None = None
        self._instruments = instruments
        # Known once per process; the ledger reads these to parse stored account keys.
        self._currencies = None if instruments is None else ledger_currencies_of(instruments)

    def __enter__(self) -> Self:
        if self._session is not None:
            raise UnitOfWorkError("this unit of work is already open; make a new one")
        session = self._session = self._session_factory()
        session.begin()
        self._open_repositories(session)
        return self

    def _open_repositories(self, session: Session) -> None:
        self.outbox = OutboxRepository(session)
        self.processed = ProcessedMessages(session)
        self.ledger = SqlLedger(session, self._currencies)
        instruments = self._instruments
        if instruments is None:
            instruments = InstrumentRepository(session).all()
        self.instruments = InstrumentRepository(session)
        self.accounts = AccountRepository(session)
        self.relationships = RelationshipRepository(session)
        self.settings_changes = SettingsChangeRepository(session)
        self.positions = PositionRepository(session, instruments)
        self.orders = OrderRepository(session)
        self.fills = FillRepository(session)
        self.trades = TradeRepository(session)
        self.trade_tallies = TradeTallyRepository(session)
        self.decisions = DecisionRepository(session)
        self.fill_quality = FillQualityRepository(session)
        self.equity = EquitySnapshotRepository(session)
        self.settlements = SettlementRepository(session)
        self.fees = FeeRepository(session)
        self.cursors = CursorRepository(session)
        self.trade_cursors = TradeCursorRepository(session)
        self.live = LiveRelationshipRepository(session)
        self.provider_stats = ProviderStatsRepository(session)
        self.users = UserRepository(session)
        self.api_keys = ApiKeyRepository(session)
        self.jurisdictions = JurisdictionRepository(session)
        self.risk_acknowledgements = RiskAcknowledgementRepository(session)
        self.activity = ActivityRepository(session)
        self.alerts = AlertRepository(session)
        self.channels = ChannelRepository(session)
        self.risk_alerts = RiskAlertRepository(session)
        self.notifications = NotificationRepository(session)
        self.price_marks = PriceMarkRepository(session)
        self.recorded = RecordedHistory(session)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            session.rollback()  # a no-op after commit(); undoes everything otherwise
        finally:
            session.close()
            self._session = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise UnitOfWorkError("the unit of work is not open: use it in a `with` block")
        return self._session

    def commit(self) -> None:
        self.session.commit()
        if self._outbox_commits is not None and self.outbox.staged:
            self._outbox_commits.count += 1
            self.outbox.staged = False

    def checkpoint(self) -> None:
        """Fold SQLite's write-ahead log into the database file now (PASSIVE: it waits
        for no reader), so that a later commit does not do it on its own time; nothing
        on PostgreSQL. Run after a commit, on a connection of its own."""
        bind = self.session.get_bind()
        if bind.dialect.name != "sqlite":
            return
        raw = bind.raw_connection()  # type: ignore[union-attr]
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            raw.close()

    def rollback(self) -> None:
        self.session.rollback()


def ledger_currencies_of(instruments: Mapping[str, Instrument]) -> dict[str, Currency]:
    """Every quote currency and spot base asset the instruments trade."""
    currencies: dict[str, Currency] = {}
    for instrument in instruments.values():
        currencies[instrument.quote.code] = instrument.quote
        currencies[instrument.base] = base_currency(instrument)
    return currencies
