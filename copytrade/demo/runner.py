"""``copytrade demo``: the whole platform on the embedded default, with bots.

A fresh SQLite file, the paper venue and a seeded synthetic market; bot
providers trade, a few hundred followers copy them through the real engine,
days close, weeks settle; then the leaderboard and the copy outcomes. The
clock is simulated, so a seed gives the same weeks on every machine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import groupby
from pathlib import Path

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.health import check_sqlite_file
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.bootstrap import build_platform
from copytrade.config import Settings, load_settings
from copytrade.demo.bots import Bot
from copytrade.demo.instruments import demo_symbol_specs
from copytrade.demo.population import DemoPopulation, demo_population
from copytrade.demo.provider_books import ProviderBooks
from copytrade.domain.errors import DomainError
from copytrade.domain.ids import AccountId, ClientOrderId, ProviderId, RelationshipId
from copytrade.marketdata.clock import SimulatedClock
from copytrade.marketdata.synthetic import SyntheticFeed
from copytrade.marketdata.ticks import PriceTick
from copytrade.service_layer.platform import Platform
from copytrade.stats.service import StatsService

# A Monday, so every week settles on a Monday 00:00 UTC boundary (docs/domain.md, Profit share).
DEMO_START = datetime(2026, 1, 5, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class DemoOptions:
    weeks: int = 4
    followers: int = 300
    seed: int = 7
    database: Path = Path("copytrade-demo.db")
    step: timedelta = timedelta(hours=1)

    @property
    def steps(self) -> int:
        return int(timedelta(weeks=self.weeks) / self.step)

    @property
    def ticks(self) -> int:
        """Price ticks the run plays: one per symbol per step."""
        return self.steps * len(demo_symbol_specs())


@dataclass(slots=True)
class DemoRun:
    platform: Platform
    population: DemoPopulation
    last_day: date
    orders: int = 0
    refused: list[str] = field(default_factory=list)


def _fresh_database(path: Path, settings: Settings) -> Settings:
    """Delete the previous demo database, after checking that it is one (never a stranger's
    file) and that its folder exists, so a refusal deletes nothing."""
    check_sqlite_file(path)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return settings.model_copy(update={"database_url": f"sqlite:///{path}"})


def run_demo(
    options: DemoOptions,
    progress: Callable[[int], None] = lambda _n: None,
    settings: Settings | None = None,
) -> DemoRun:
    """Play ``options.weeks`` of market through the platform; ``progress`` gets each step.

    ``settings`` (default: the environment's) are validated by the caller before this
    deletes the previous demo database.
    """
    population = demo_population(options.seed, options.followers)
    base = load_settings() if settings is None else settings
    db = make_engine(_fresh_database(options.database, base))
    upgrade_database(db)
    clock = SimulatedClock(DEMO_START)
    platform = build_platform(db, population.instruments, clock)
    platform.recover()  # nothing to finish on a fresh database; every writer starts so
    feed = SyntheticFeed(
        options.seed, population.symbol_specs, DEMO_START, options.step, options.steps
    )
    run = DemoRun(platform, population, DEMO_START.date())
    grouped = moments(feed)
    first = next(grouped)
    platform.engine.on_prices({t.symbol: t.price for t in first}, first[0].ts)
    _open_accounts(platform, population)
    bots = population.bots()
    by_symbol: dict[str, list[tuple[ProviderId, Bot]]] = {}
    for provider, bot in bots.items():
        for symbol in bot.symbols:
            by_symbol.setdefault(symbol, []).append((provider, bot))
    books = ProviderBooks(platform.uow, platform.engine.prices.snapshot)
    providers = [str(provider) for provider in bots]
    day = DEMO_START.date()
    for moment in grouped:
        ts = moment[0].ts
        if ts.date() != day:
            _close_day(platform, day, ts)
            day = ts.date()
        clock.set(ts)
        # A moment's prices apply together, then the bots trade (docs/demo.md).
        platform.engine.on_prices({t.symbol: t.price for t in moment}, ts)
        books.refresh(providers)
        for tick in moment:
            for provider, bot in by_symbol.get(tick.symbol, ()):
                _let_bot_trade(run, books, provider, bot, tick)
            progress(1)
    platform.engine.close_day(day)
    run.last_day = day
    # Precompute the statistics, so `copytrade leaderboard --database <demo db>` works.
    StatsService(platform.uow, platform.engine.prices.snapshot, clock.now).full_refresh()
    return run


def moments(ticks: Iterable[PriceTick]) -> Iterator[list[PriceTick]]:
    """The feed's ticks grouped by timestamp: one list per moment, in feed order."""
    for _ts, group in groupby(ticks, key=lambda tick: tick.ts):
        yield list(group)


def _open_accounts(platform: Platform, population: DemoPopulation) -> None:
    accounts = platform.accounts
    for provider in population.providers:
        account = AccountId(str(provider.id))
        accounts.register(account, provider.display_name)
        accounts.make_provider(ProviderTerms(str(provider.id), provider.share_pct))
        accounts.deposit(account, provider.deposit, key=f"deposit:{provider.id}")
    for person in population.followers:
        accounts.register(AccountId(str(person.id)), person.name)
        accounts.deposit(AccountId(str(person.id)), person.deposit, key=f"deposit:{person.id}")
    for spec in population.relationships:
        rel_id = RelationshipId(f"{spec.follower}:{spec.provider}")
        platform.actions.follow(
            rel_id, spec.follower, spec.provider, spec.allocation, spec.settings
        )


def _close_day(platform: Platform, day: date, next_ts: datetime) -> None:
    platform.engine.close_day(day)
    monday = next_ts.date()
    if monday.weekday() == 0:
        platform.settlements.settle_all(f"week:{monday.isoformat()}")


def _let_bot_trade(
    run: DemoRun, books: ProviderBooks, provider: ProviderId, bot: Bot, tick: PriceTick
) -> None:
    platform = run.platform
    qty, equity = books.position_and_equity(str(provider), tick.symbol)
    orders = bot.on_tick(tick, qty, equity)
    for order in orders:
        run.orders += 1
        try:
            platform.provider_orders.place(
                provider,
                ClientOrderId(f"{provider}-{run.orders}"),
                order.symbol,
                order.side,
                order.qty,
                leverage=order.leverage,
                reduce_only=order.reduce_only,
            )
        except DomainError as error:
            run.refused.append(f"{provider}: {error}")
        platform.engine.pump()
    if orders:
        books.traded(str(provider))
