"""``copytrade demo``: the whole platform on the embedded default, with bots.

A fresh SQLite file, the paper venue and a seeded synthetic market; bot
providers trade, a few hundred followers copy them through the real engine,
days close, weeks settle; then the leaderboard and the copy outcomes. The
clock is simulated, so a seed and an end give the same weeks on every machine. The
simulated weeks are the ones that end at ``DemoOptions.end`` (default: now), so a served
demo (``--serve``) goes on from where its history stops (docs/demo.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import groupby
from pathlib import Path

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.health import check_sqlite_file
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.bootstrap import build_platform
from copytrade.config import Settings, load_settings
from copytrade.demo.alerts import DemoAlerts, create_demo_alerts
from copytrade.demo.desk import BotDesk
from copytrade.demo.instruments import demo_symbol_specs
from copytrade.demo.population import DemoPopulation, demo_population
from copytrade.domain.ids import AccountId, RelationshipId
from copytrade.marketdata.clock import SimulatedClock
from copytrade.marketdata.funding import FundingFromBasis
from copytrade.marketdata.synthetic import SyntheticFeed
from copytrade.marketdata.ticks import PriceTick
from copytrade.service_layer.accounts import Opening
from copytrade.service_layer.fill_quality import refresh_fill_figures
from copytrade.service_layer.platform import Platform
from copytrade.stats.service import StatsService


def demo_end(now: datetime) -> datetime:
    """The default end of the simulated weeks: ``now``, to the whole minute (UTC)."""
    return now.astimezone(UTC).replace(second=0, microsecond=0)


@dataclass(frozen=True, slots=True)
class DemoOptions:
    """``end`` is the time of the simulated history's last prices; its ``weeks`` end there
    (the first prices are ``steps - 1`` steps before)."""

    end: datetime
    weeks: int = 4
    followers: int = 300
    seed: int = 7
    database: Path = Path("copytrade-demo.db")
    step: timedelta = timedelta(hours=1)

    @property
    def start(self) -> datetime:
        return self.end - self.step * (self.steps - 1)

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
    desk: BotDesk
    start: datetime
    end: datetime
    last_day: date

    @property
    def orders(self) -> int:
        return self.desk.orders

    @property
    def refused(self) -> list[str]:
        return self.desk.refused


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
    start = options.start
    clock = SimulatedClock(start)
    platform = build_platform(db, population.instruments, clock)
    platform.recover()  # nothing to finish on a fresh database; every writer starts so
    feed = SyntheticFeed(options.seed, population.symbol_specs, start, options.step, options.steps)
    grouped = moments(feed)
    first = next(grouped)
    platform.engine.on_prices({t.symbol: t.price for t in first}, first[0].ts)
    progress(len(first))
    _open_accounts(platform, population)
    create_demo_alerts(platform, population)
    alerts = DemoAlerts(platform)
    desk = BotDesk(platform, population.bots())
    run = DemoRun(platform, population, desk, start, feed.end, start.date())
    funding = FundingFromBasis(start, options.seed)
    funding.observe_all(first)
    day = start.date()
    for moment in grouped:
        ts = moment[0].ts
        if ts.date() != day:
            _close_day(platform, day, ts)
            day = ts.date()
        clock.set(ts)
        # Funding every 8 hours, its rate from the marks before it (docs/demo.md,
        # docs/marketdata.md "Funding rates"); at one time, prices first, then funding,
        # as in scenarios and the what-if replay (docs/whatif.md), which reproduce it.
        due = funding.observe_all(moment)
        for earlier in (d for d in due if d.ts < ts):
            platform.engine.on_funding(earlier.symbol, earlier.rate, earlier.ts)
        # A moment's prices apply together, then the bots trade (docs/demo.md).
        platform.engine.on_prices({t.symbol: t.price for t in moment}, ts)
        for now_due in (d for d in due if d.ts >= ts):
            platform.engine.on_funding(now_due.symbol, now_due.rate, now_due.ts)
        desk.on_moment(moment)
        alerts.after_moment()
        progress(len(moment))
    platform.engine.close_day(day)
    run.last_day = day
    # Precompute the statistics, so `copytrade leaderboard --database <demo db>` works.
    StatsService(platform.uow, platform.engine.prices.snapshot, clock.now).full_refresh()
    refresh_fill_figures(platform.uow, platform.engine.prices.snapshot(), clock.now())
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
    # The followers in one transaction: as register then deposit of each (docs/demo.md).
    accounts.open_many([
        Opening(AccountId(str(p.id)), p.name, p.deposit, f"deposit:{p.id}")
        for p in population.followers
    ])  # fmt: skip
    for spec in population.relationships:
        rel_id = RelationshipId(f"{spec.follower}:{spec.provider}")
        platform.actions.follow(
            rel_id, spec.follower, spec.provider, spec.allocation, spec.settings
        )


def _close_day(platform: Platform, day: date, next_ts: datetime) -> None:
    """The week is settled at its last moment, then its last day is closed: as a replay of
    the record does it (docs/whatif.md, "How it runs")."""
    monday = next_ts.date()
    if monday.weekday() == 0:
        platform.settlements.settle_all(f"week:{monday.isoformat()}")
    platform.engine.close_day(day)
