"""The platform as the API server drives it.

The engine is single-threaded by design (one writer on SQLite; the copy
pipeline pumps in order), so every request that changes state and every
scheduled job runs under one lock and pumps the engine before it lets go:
a copy, a stop or a settlement is done when the request returns. Reads that
only need committed rows (leaderboard, statements) do not take the lock, and
neither does the stats refresh's reading and computing (only its writes do).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import TypeVar

from copytrade.adapters.passwords import Argon2Passwords
from copytrade.adapters.throttle import WindowLimiter
from copytrade.api.alerts import Alerts
from copytrade.api.decision_log import DecisionLog
from copytrade.api.metrics import ServeMetrics
from copytrade.bootstrap import Container
from copytrade.demo.instruments import DEMO_INSTRUMENTS
from copytrade.domain.instruments import Instrument
from copytrade.marketdata.clock import Clock
from copytrade.service_layer.alerts.channels import AlertChannels
from copytrade.service_layer.alerts.notifications import AlertNotifications
from copytrade.service_layer.alerts.risk import RiskAlerts
from copytrade.service_layer.alerts.rules import AlertRules
from copytrade.service_layer.api_keys import ApiKeys
from copytrade.service_layer.exchange_accounts import ExchangeAccounts, ExchangeSite
from copytrade.service_layer.identity import IdentityService, PasswordHasher
from copytrade.service_layer.platform import Platform
from copytrade.service_layer.reconcile import ReconcileReport, reconcile
from copytrade.service_layer.settlement.run import SettlementRun
from copytrade.stats.evidence import evidence_of
from copytrade.stats.service import StatsService

T = TypeVar("T")


@dataclass
class ServerRuntime:
    container: Container
    platform: Platform
    identity: IdentityService
    stats: StatsService
    settlement_run: SettlementRun
    # Orders placed per user (Settings.order_rate_limit per order_rate_window_seconds).
    order_limiter: WindowLimiter
    metrics: ServeMetrics
    # Keys for programs, each rate-limited (Settings.api_key_rate_limit per window).
    api_keys: ApiKeys
    # Users' technical-indicator alert rules (docs/alerts.md); evaluated by the serve jobs.
    alert_rules: AlertRules
    lock: threading.RLock = field(default_factory=threading.RLock)
    alerts: Alerts = field(default_factory=Alerts)
    # Set when the server begins to shut down: event streams end at their next poll.
    stopping: threading.Event = field(default_factory=threading.Event)
    # The exchanges users may link accounts of, by ccxt id, and where the server reaches
    # them (``copytrade serve --live-config``, docs/venues.md "Serving live venues").
    exchange_sites: dict[str, ExchangeSite] = field(default_factory=dict)
    # Other servers share the database (PostgreSQL): the engine's caches are read afresh
    # for each change (``act``), and prices come from the venue (docs/deploy.md).
    shared: bool = False

    @classmethod
    def build(
        cls,
        container: Container,
        clock: Clock,
        passwords: PasswordHasher | None = None,
        instruments: Iterable[Instrument] | None = None,
    ) -> ServerRuntime:
        """Migrate, wire the platform on the container's database, then recover it.

        The instruments are the database's own, or the demo's markets on a new one.
        Recovery (docs/engine.md "Recovery") runs before the first request, once
        the stats listen, so trades it closes reach the statistics too.
        """
        container.migrate()
        limiters = container.rate_limiters(clock.now)  # memory, or Redis for a cluster
        chosen = list(instruments or container.instruments() or DEMO_INSTRUMENTS)
        settings = container.settings
        metrics = ServeMetrics(container.read_uow_factory, clock.now)
        platform = container.platform(
            clock, chosen, recover=False, observers=(metrics, DecisionLog())
        )
        identity = IdentityService(
            platform.uow,
            passwords or Argon2Passwords(),
            clock.now,
            timedelta(minutes=settings.api_session_minutes),
            (settings.sign_up_rate_limit, timedelta(seconds=settings.sign_up_rate_window_seconds)),
            limiters,
        )
        lock = threading.RLock()
        # One process: forking workers beside the server's threads could inherit held locks.
        # A full refresh computes outside the engine lock and writes under it.
        stats = StatsService(
            platform.uow,
            platform.engine.prices.snapshot,
            clock.now,
            settings.min_track_record_days,
            read_uow_factory=container.read_uow_factory,
            evidence=evidence_of(settings),
            write_guard=lambda: lock,
        )
        platform.engine.listeners.append(stats)
        platform.recover()
        run = SettlementRun(platform.uow, platform.settlements, clock.now)
        window = timedelta(seconds=settings.order_rate_window_seconds)
        orders = limiters("orders", settings.order_rate_limit, window)
        key_window = timedelta(seconds=settings.api_key_rate_window_seconds)
        keys = ApiKeys(
            platform.uow,
            clock.now,
            limiters("api-keys", settings.api_key_rate_limit, key_window),
        )
        rules = AlertRules(platform.uow, clock.now)
        return cls(
            container, platform, identity, stats, run, orders, metrics, keys, rules, lock,
            shared=container.shared_database,
        )

    @cached_property
    def alert_channels(self) -> AlertChannels:
        """Users' notification channels (docs/alerts.md, "Channels"); their secrets are
        sealed under the settings' master key, read only when one is sealed or opened."""
        return self.container.alert_channels(self.platform.clock)

    @cached_property
    def alert_notifications(self) -> AlertNotifications:
        """Users' in-app alert notifications, read or not (docs/alerts.md, "Notifications")."""
        return AlertNotifications(self.platform.uow, self.platform.clock.now)

    @cached_property
    def risk_alerts(self) -> RiskAlerts:
        """Users' copy-trading risk alert subscriptions (docs/alerts.md, "Risk alerts");
        ``serve``'s ``risk-alerts`` job fires them."""
        return RiskAlerts(self.platform.uow, self.platform.clock.now)

    @property
    def exchange_accounts(self) -> ExchangeAccounts:
        """Linking users' exchange accounts, keys sealed under the master key."""
        return self.container.exchange_accounts(self.platform.clock)

    def sync_prices(self) -> int:
        """Take the venue's stored prices as the engine's (a server that does not run the
        market, beside one that does); returns how many symbols."""
        engine = self.platform.engine
        prices = self.platform.venue.prices()
        now = self.platform.clock.now()
        for symbol, price in prices.items():
            engine.prices.update(symbol, price, now)
        return len(prices)

    def reconcile(self) -> ReconcileReport:
        """Ledger vs venue for every book, under the engine lock (nothing moves meanwhile)."""
        with self.lock:
            platform = self.platform
            return reconcile(platform.uow, platform.venue, platform.clock.now)

    def act(self, change: Callable[[], T]) -> T:
        """Run a state change under the engine lock, then let the engine finish its work."""
        with self.lock:
            if self.shared:
                self.platform.engine.forget_cached()
            try:
                return change()
            finally:
                self.platform.engine.pump()
