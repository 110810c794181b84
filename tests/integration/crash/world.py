"""The crash harness's world: its accounts, markets and fee terms, and the platform
built on a database the way ``copytrade serve`` builds it (the composition root).

Everything here is fixed; what varies between runs is the seeded operation
sequence (``scenario``) and where the process is killed (``kill_points``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal as D

from sqlalchemy import Engine

from copytrade.adapters.passwords import fast_test_passwords
from copytrade.api.runtime import ServerRuntime
from copytrade.bootstrap import Container
from copytrade.config import Settings, SqliteSync
from copytrade.marketdata.clock import SimulatedClock

from ..engine.harness import PERP, SPOT

INSTRUMENTS = (PERP, SPOT)
START_PRICES = {PERP.symbol: D("50000"), SPOT.symbol: D("2500")}
# A Monday: the runs cross weekly boundaries and, 13 days in, the month's first.
START = datetime(2026, 1, 19, tzinfo=UTC)
COMMISSION_PCT = D("0.1")


@dataclass(frozen=True)
class ProviderSpec:
    name: str
    fee_model: str
    share_pct: D
    period: str = "weekly"
    subscription_price: D | None = None


PROVIDERS = (
    ProviderSpec("p0", "profit_share", D(20)),
    ProviderSpec("p1", "profit_share", D(10), period="monthly"),
    ProviderSpec("p2", "subscription", D(0), subscription_price=D(25)),
    ProviderSpec("p3", "commission", D(0)),
)
FOLLOWERS = ("f0", "f1", "f2", "f3", "f4")
# p1 is a provider who also follows (its free balance is its venue account).
COPIERS = {**{f: tuple(p.name for p in PROVIDERS) for f in FOLLOWERS}, "p1": ("p0", "p2", "p3")}
ACCOUNTS = tuple(p.name for p in PROVIDERS) + FOLLOWERS
PROVIDER_NAMES = frozenset(p.name for p in PROVIDERS)


def settings(url: str) -> Settings:
    # NORMAL is as durable as FULL against a killed process (WAL pages are in the OS's
    # cache already); it only gives up safety against a power cut, which no test makes.
    return Settings(
        database_url=url, commission_pct=COMMISSION_PCT, sqlite_synchronous=SqliteSync.NORMAL
    )


@contextmanager
def platform_on(
    url: str, clock: SimulatedClock, on_engine: Callable[[Engine], None] = lambda _: None
) -> Iterator[ServerRuntime]:
    """The platform on ``url`` as ``copytrade serve`` wires it (``ServerRuntime.build``),
    with the prices where the last process left them, disposed after. ``on_engine``
    sees the database engine first (the kill switch hooks into it)."""
    container = Container.from_settings(settings(url))
    on_engine(container.engine)
    try:
        yield ServerRuntime.build(container, clock, fast_test_passwords(), INSTRUMENTS)
    finally:
        container.close()
