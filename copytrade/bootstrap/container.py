"""``Container``: the settings' adapters, built lazily (nothing connects at import time:
``Container.from_settings`` builds lazily connecting objects, and each entry point, a
CLI verb, a server or a test, makes one), and the platform on them (``platform``,
through ``build_platform``), with the live exchanges' wiring."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from copytrade.adapters.db.cluster_jobs import ClusterJobs
from copytrade.adapters.db.engine import (
    make_engine,
    make_read_session_factory,
    make_session_factory,
)
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.adapters.db.read_unit_of_work import StatsReadUnitOfWork
from copytrade.adapters.db.repositories.linked_accounts import LinkedAccount
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.secrets import secret_box
from copytrade.adapters.throttle import LimiterFactory, memory_limiters
from copytrade.adapters.venues.ccxt import ApiCredentials, quirks_for
from copytrade.adapters.venues.paper.venue import PaperVenue
from copytrade.adapters.venues.port import Venue
from copytrade.adapters.venues.routing import RoutedVenue
from copytrade.bootstrap.platform import build_platform
from copytrade.config import Settings
from copytrade.domain.instruments import Instrument
from copytrade.domain.profit_share.fee_settings import FeeSettings
from copytrade.engine.observer import FanoutObserver
from copytrade.engine.provider_watch import ProviderWatcher
from copytrade.marketdata.clock import Clock
from copytrade.marketdata.live import LiveMarketSource
from copytrade.service_layer.alerts.channels import AlertChannels, ChannelPorts
from copytrade.service_layer.alerts.delivery import AlertDelivery, DeliverySender
from copytrade.service_layer.exchange_accounts import ExchangeAccountError, ExchangeAccounts
from copytrade.service_layer.live_fees import LiveFees
from copytrade.service_layer.live_following import LiveFollowing
from copytrade.service_layer.platform import Platform

if TYPE_CHECKING:
    from copytrade.adapters.bus.jetstream import JetStreamBus
    from copytrade.adapters.venues.ccxt import CcxtVenue
    from copytrade.adapters.venues.ccxt.trade_stream import TradeStream

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
        """The platform's fee settings, for ``build_platform`` and the billing (docs/fees.md)."""
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

    def rate_limiters(self, now: Callable[[], datetime]) -> LimiterFactory:
        """The API's rate limits and sign-in throttle: in this process (on ``now``'s
        clock), or in the Redis that several servers share (docs/deploy.md, "API servers")."""
        store = self.settings.rate_limit_store
        if store == "memory":
            return memory_limiters(now)
        from copytrade.adapters.shared_limits import redis_limiters  # loads redis: when used

        return redis_limiters(store, self.settings.rate_limit_namespace)

    @property
    def shared_database(self) -> bool:
        """Whether other processes may serve the same database (PostgreSQL; SQLite is
        one process's, the embedded default)."""
        return self.engine.dialect.name == "postgresql"

    def cluster_jobs(self, clock: Clock) -> ClusterJobs | None:
        """The periodic jobs' turns across the servers of a shared database, else None."""
        if not self.shared_database:
            return None
        return ClusterJobs(self.engine, f"{socket.gethostname()}:{os.getpid()}", clock.now)

    def instruments(self) -> list[Instrument]:
        """The instruments stored in the (migrated) database."""
        with self.uow_factory() as uow:
            return list(uow.instruments.all().values())

    def venue(self, clock: Clock) -> PaperVenue:
        """The paper venue on this database, trading its stored instruments."""
        return PaperVenue(self.engine, self.instruments(), clock.now)

    def exchange_accounts(self, clock: Clock) -> ExchangeAccounts:
        """Linking exchange accounts, their keys sealed under the settings' master key."""
        return ExchangeAccounts(
            self.session_factory, lambda: secret_box(self.settings), _one_account_venue,
            clock.now,
        )

    def alert_channels(self, clock: Clock) -> AlertChannels:
        """A user's notification channels, their secrets sealed (docs/alerts.md, "Channels")."""
        return AlertChannels(self._channel_ports(clock))

    def alert_delivery(self, clock: Clock) -> AlertDelivery:
        """Queueing and sending alert notifications through the channels."""
        return AlertDelivery(self._channel_ports(clock), clock)

    def alert_sender(
        self, clock: Clock,
        write_guard: Callable[[], AbstractContextManager[object]] = nullcontext,
    ) -> DeliverySender:
        """Sending the queued alert notifications (``serve``'s ``alert-delivery`` job)."""
        return DeliverySender(self._channel_ports(clock), write_guard=write_guard)

    def _channel_ports(self, clock: Clock) -> ChannelPorts:
        from copytrade.adapters.notifications.senders import ChannelSender  # loads httpx

        return ChannelPorts(
            self.uow_factory, lambda: secret_box(self.settings),
            ChannelSender(self.settings.telegram_api_url), clock.now,
        )

    def provider_watcher(
        self, platform: Platform, account: str, symbols: Sequence[str] = ()
    ) -> ProviderWatcher:
        """The watcher of a provider's linked exchange account (docs/venues.md, "Watching
        a provider's account"), feeding ``platform``'s pipeline; ``symbols`` default to
        every platform instrument the exchange lists."""
        return self.provider_watch(platform, account, symbols, websocket=False)[0]

    def provider_watch(
        self, platform: Platform, account: str, symbols: Sequence[str] = (), *,
        websocket: bool = True, ws_base: str | None = None,
    ) -> tuple[ProviderWatcher, TradeStream | None]:
        """The watcher and, with ``websocket``, the account's pushed trades: None where
        ccxt pro cannot watch the exchange's account trades, or the link has an API base
        URL but no ``ws_base`` was given (its websocket's place is not known), and the
        watcher polls (docs/venues.md, "Watching a provider's account")."""
        linked, credentials = self.exchange_accounts(platform.clock).opened(account)
        with platform.uow() as uow:
            if account not in uow.accounts.provider_ids():
                raise ExchangeAccountError(
                    f"{account!r} is not a provider on the platform: only a provider's "
                    "account is watched"
                )
        venue = _one_account_venue(linked, credentials)
        listed = {i.symbol for i in venue.instruments()}
        engine_symbols = set(platform.engine.instruments)
        chosen = list(symbols) or sorted(s for s in engine_symbols if s in listed)
        missing = sorted(s for s in chosen if s not in listed or s not in engine_symbols)
        if missing or not chosen:
            raise ExchangeAccountError(
                f"cannot watch {', '.join(missing) or 'any market'}: a watched market must be "
                f"both a platform instrument and listed by {linked.exchange}"
            )
        engine = platform.engine
        watcher = ProviderWatcher(
            venue, linked.exchange, engine.uow_factory, engine.ingestor, account, chosen,
            linked.created_at, platform.clock.now,
        )
        stream = None
        if websocket and (ws_base is not None or linked.api_base is None):
            from copytrade.adapters.venues.ccxt.trade_stream import TradeStream

            ws_urls = quirks_for(linked.exchange).ws_urls(ws_base) if ws_base else None
            stream = TradeStream.open(venue, account, chosen, ws_urls)
        return watcher, stream

    def live_tickers(
        self,
        exchange: str,
        symbols: Sequence[str],
        clock: Clock,
        *,
        sandbox: bool = False,
        api_base: str | None = None,
        only_listed: bool = False,
    ) -> LiveMarketSource:
        """An exchange's public tickers and perps' funding through ccxt, for live marks
        (docs/marketdata.md, "Live tickers", "Live funding"); ``only_listed`` drops the
        symbols the exchange does not list."""
        from copytrade.adapters.venues.ccxt.tickers import CcxtTickers  # loads ccxt

        return CcxtTickers(
            exchange, symbols, sandbox=sandbox, api_base=api_base, clock=clock.now,
            only_listed=only_listed,
        )

    def platform(
        self,
        clock: Clock,
        instruments: Iterable[Instrument] | None = None,
        *,
        recover: bool = True,
        observers: Sequence[FanoutObserver] = (),
        shards: int = 1,
        local_fanout: bool = False,
    ) -> Platform:
        """The platform on this migrated database (default: its stored instruments),
        its engine's prices where the venue's stand.

        Recovered before it is returned (``Platform.recover``, docs/engine.md
        "Recovery"): every entry point that writes starts from here. Pass
        ``recover=False`` only to attach listeners first, then recover. ``observers``
        are told of each fan-out (``copytrade serve``'s metrics and decision log).
        With ``nats_url`` set, provider fills are relayed to JetStream for the shard
        workers, unless ``local_fanout`` (a worker's own platform, docs/engine.md "Workers").
        """
        chosen = self.instruments() if instruments is None else list(instruments)
        s = self.settings
        platform = build_platform(
            self.engine, chosen, clock, s.platform_fee_pct, fees=self.fees, observers=observers,
            live_routes=self.live_routes(clock), shards=shards,
            fanout_bus=None if local_fanout else self.fanout_bus(),
            max_copied_providers=s.max_copied_providers,
            max_symbol_exposure=s.max_symbol_exposure,
            block_execution=s.block_execution,
        )
        platform.resume_prices()
        if recover:
            platform.recover()
        return platform

    def fanout_bus(self) -> JetStreamBus | None:
        """The JetStream bus of ``nats_url`` (connected, its stream made), or None."""
        s = self.settings
        if s.nats_url is None:
            return None
        return self.jetstream(s.nats_url).connect()

    def jetstream(self, url: str) -> JetStreamBus:
        """The settings' stream on the NATS server at ``url`` (not yet connected)."""
        from copytrade.adapters.bus.jetstream import JetStreamBus, StreamSpec  # loads nats

        name = self.settings.nats_stream
        return JetStreamBus(url, StreamSpec(name=name, prefix=name.lower()))

    def live_routes(self, clock: Clock) -> dict[str, Venue]:
        """The books of live relationships → the venue of their follower's linked
        exchange account: one ``CcxtVenue`` per exchange and place it is reached, its
        books sharing their account's client. Empty (no master key needed) when no
        relationship is live."""
        with self.uow_factory() as uow:
            live = uow.live.all()
        if not live:
            return {}
        from copytrade.adapters.venues.ccxt import linked_venue  # loads ccxt: only when used

        accounts = self.exchange_accounts(clock)
        venues: dict[tuple[str, bool, str | None], CcxtVenue] = {}
        routes: dict[str, Venue] = {}
        for book, account in sorted(live.items()):
            linked, credentials = accounts.opened(account)
            where = (linked.exchange, linked.sandbox, linked.api_base)
            venue = venues.get(where)
            if venue is None:
                venue = venues[where] = linked_venue(
                    linked.exchange, {}, sandbox=linked.sandbox, api_base=linked.api_base,
                    order_processes=self.settings.live_order_processes,
                )
            venue.add_account(book, credentials)
            routes[book] = venue
        return routes

    def watched_providers(self, clock: Clock) -> dict[str, Callable[[], Venue]]:
        """Each watched provider (its trades read from its linked account: rows in the
        trade cursors) → opens a venue reading that account, for ``reconcile_live``
        (docs/venues.md, "Reconciling live accounts"): a link that cannot be opened is
        reported there as unreachable. Empty when none is watched."""
        with self.uow_factory() as uow:
            watched = uow.trade_cursors.accounts() & set(uow.accounts.provider_ids())

        def opener(provider: str) -> Callable[[], Venue]:
            return lambda: _one_account_venue(*self.exchange_accounts(clock).opened(provider))

        return {provider: opener(provider) for provider in sorted(watched)}

    def live_following(self, platform: Platform) -> LiveFollowing:
        """Marking relationships live (docs/venues.md, "Followers on their own
        accounts"); a marked book is routed on ``platform`` at once."""
        routed = platform.venue
        clock = platform.clock

        def route(book: str, account: str) -> None:
            if isinstance(routed, RoutedVenue):
                for mapped_book, venue in self.live_routes(clock).items():
                    if mapped_book == book:
                        routed.route(book, venue)

        engine = platform.engine
        return LiveFollowing(
            engine.uow_factory, engine.venue_cash, engine.relationships.invalidate,
            clock.now, route,
        )

    def live_fees(self, platform: Platform) -> LiveFees:
        """Paying what live relationships owe (docs/settlement.md, "Live relationships")."""
        engine = platform.engine
        return LiveFees(
            engine.uow_factory, platform.settlements.settle, engine.relationships.invalidate,
            platform.clock.now,
        )

    def after_fork(self) -> None:
        """In a forked worker: forget the parent's pooled connections, open new ones."""
        self.engine.dispose(close=False)

    def migrate(self) -> None:
        upgrade_database(self.engine)

    def close(self) -> None:
        self.engine.dispose()


def _one_account_venue(linked: LinkedAccount, credentials: ApiCredentials) -> CcxtVenue:
    from copytrade.adapters.venues.ccxt import linked_venue  # loads ccxt: only when used

    return linked_venue(
        linked.exchange, {linked.account: credentials}, sandbox=linked.sandbox,
        api_base=linked.api_base,
    )

