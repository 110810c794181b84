"""``copytrade bench live``: a provider's fill copied to N followers on their own
(emulated) exchange accounts through ccxt, end to end (docs/benchmarks.md, "Live copies
through ccxt").

The exchange is the Binance emulator of the tests (``tests/exchange_emulator``), a
development tool, started as its own process on 127.0.0.1 (``python -m
tests.exchange_emulator``, from the repository) unless ``exchange_url`` names one
already running; copytrade's code never imports it. Every follower has its own account
and key there, and its relationship is live on it: each copy is one signed order,
sent by its own ccxt client, at most ``concurrency`` at once.

The figure per provider fill is the fan-out's time, from the provider fill's message
taken by the fan-out (the fill seen) to every follower's order answered by the exchange
and booked: the decisions and intents recorded, the orders sent and answered, the
answers booked. Fills alternate: an opening buy (IOC limits at the tolerance price),
then its close (market orders).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.adapters.db.schema import AccountRow, LiveRelationshipRow
from copytrade.adapters.venues.ccxt import ApiCredentials, CcxtVenue
from copytrade.adapters.venues.ccxt.quirks import quirks_for
from copytrade.adapters.venues.port import OrderRequest, Venue, VenueOrder
from copytrade.bench.population import bench_relationship
from copytrade.bench.timing import ms, now_ns, percentile
from copytrade.bootstrap import build_platform
from copytrade.config import load_settings
from copytrade.domain.copying import CopyRelationship
from copytrade.domain.copying.plan import PlannedDecision
from copytrade.domain.ids import AccountId, ClientOrderId, FollowerId, ProviderId
from copytrade.domain.instruments import Instrument, InstrumentKind, Side
from copytrade.domain.ledger import LedgerAccount
from copytrade.domain.ledger.movements import move
from copytrade.domain.ledger.transfers import TransferKind
from copytrade.domain.values import USDT
from copytrade.marketdata.clock import SimulatedClock
from copytrade.service_layer.platform import Platform

START = datetime(2026, 1, 5, tzinfo=UTC)
PRICE = Decimal(2000)
PROVIDER = ProviderId("bench-provider")
PROVIDER_DEPOSIT = Decimal(100_000)
# The provider buys 1 ETH (2 % of its equity): a follower's 1,000 copies 20 USDT, 0.01
# ETH, four times the 5 USDT minimum notional.
PROVIDER_QTY = Decimal(1)
ALLOCATION = Decimal(1000)
TARGET_P50_S = 1.0
KEY_PREFIX = "bench"
# The emulator's one market (tests/exchange_emulator/__main__.py), as the platform trades it.
ETH = Instrument(
    symbol="ETH/USDT",
    kind=InstrumentKind.SPOT,
    base="ETH",
    quote=USDT,
    tick=Decimal("0.01"),
    lot_step=Decimal("0.0001"),
    min_qty=Decimal("0.0001"),
    min_notional=Decimal("5"),
    max_qty=Decimal("1000"),
    maker_fee=Decimal("0.001"),
    taker_fee=Decimal("0.001"),
)


class LiveBenchError(Exception):
    """The benchmark cannot run as asked (the message says why)."""


@dataclass(frozen=True)
class LiveBenchConfig:
    followers: int = 1000
    fills: int = 10  # timed provider fills, alternately opening and closing
    concurrency: int = 32  # orders in flight at once
    exchange_url: str | None = None  # an emulator already running; None: start one
    processes: int = 2  # the venue's order worker processes (0: its threads only)


@dataclass(frozen=True)
class LiveBenchResult:
    config: LiveBenchConfig
    samples_ns: list[int]
    orders: int
    exchange_calls: int
    setup_s: float
    exchange_ns: list[int]  # each batch's time at the exchange (sent → all answered)
    cpu_s: float = 0.0  # CPU seconds the bench's process and its order workers used
    exchange_cpu_s: float = 0.0  # and the emulator's process

    def to_json(self) -> dict[str, Any]:
        total_s = sum(self.samples_ns) / 1e9
        p50 = percentile(self.samples_ns, 50) / 1e9
        return {
            "followers": self.config.followers,
            "fills": len(self.samples_ns),
            "concurrency": self.config.concurrency,
            "processes": self.config.processes,
            "orders": self.orders,
            "exchange_calls": self.exchange_calls,
            "calls_per_copy": round(self.exchange_calls / self.orders, 3) if self.orders else None,
            "p50_ms": ms(percentile(self.samples_ns, 50)),
            "p99_ms": ms(percentile(self.samples_ns, 99)),
            "max_ms": ms(max(self.samples_ns)),
            # Of a sample: the orders sent and answered; the rest is recording and booking.
            "exchange_p50_ms": ms(percentile(self.exchange_ns, 50)) if self.exchange_ns
            else None,
            "calls_per_s": round(self.exchange_calls / total_s, 1) if total_s else None,
            "orders_per_s": round(self.orders / total_s, 1) if total_s else None,
            "target_p50_ms": TARGET_P50_S * 1000,
            "within_target": p50 <= TARGET_P50_S,
            "setup_s": round(self.setup_s, 2),
            # CPU per copy, both sides: on a loaded machine wall time moves with the load,
            # CPU time much less.
            "cpu_ms_per_copy": round(1000 * self.cpu_s / self.orders, 3) if self.orders
            else None,
            "exchange_cpu_ms_per_copy": round(1000 * self.exchange_cpu_s / self.orders, 3)
            if self.orders else None,
        }


def keys_of(index: int) -> ApiCredentials:
    """Follower ``index``'s key on the emulator (as ``python -m tests.exchange_emulator``
    makes them)."""
    return ApiCredentials(
        f"{KEY_PREFIX}-key-{index}", f"{KEY_PREFIX}-secret-{index}-0123456789"
    )


class _TimedVenue(CcxtVenue):
    """The venue, timing each batch it places: the exchange's share of a sample."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.batches_ns: list[int] = []

    def place_batch(self, requests: Sequence[OrderRequest]) -> list[VenueOrder]:
        started = now_ns()
        try:
            return super().place_batch(requests)
        finally:
            self.batches_ns.append(now_ns() - started)


class _Timer:
    """The fan-out observer: each fan-out's time and how many orders it placed."""

    def __init__(self) -> None:
        self.samples_ns: list[int] = []
        self.orders = 0

    def fanout_done(self, seconds: float, decisions: Sequence[PlannedDecision]) -> None:
        self.samples_ns.append(int(seconds * 1e9))
        self.orders += sum(1 for d in decisions if d.client_order_id is not None)


def run_live(config: LiveBenchConfig) -> LiveBenchResult:
    started = datetime.now(UTC)
    with _exchange(config) as url, tempfile.TemporaryDirectory() as folder:
        db = make_engine(load_settings(database_url=f"sqlite:///{Path(folder) / 'live.db'}"))
        venue: _TimedVenue | None = None
        try:
            upgrade_database(db)
            venue = _TimedVenue(
                "binance", {}, api_urls=quirks_for("binance").api_urls(url),
                max_concurrency=config.concurrency, order_processes=config.processes,
            )
            books = [str(_relationship(i, START).id) for i in range(config.followers)]
            for index, book in enumerate(books):
                venue.add_account(book, keys_of(index))
            venue.connect(books)  # markets and the clients, before anything is timed
            timer = _Timer()
            clock = SimulatedClock(START)
            routes: dict[str, Venue] = dict.fromkeys(books, venue)
            platform = build_platform(db, [ETH], clock, live_routes=routes, observers=[timer])
            _populate(platform, config.followers)
            setup_s = (datetime.now(UTC) - started).total_seconds()
            calls_before, exchange_cpu_before = _served(url)
            cpu_before = time.process_time() + venue.workers_cpu_s()
            for n in range(config.fills):
                side = Side.BUY if n % 2 == 0 else Side.SELL
                clock.advance(timedelta(seconds=1))
                platform.provider_orders.place(
                    PROVIDER, ClientOrderId(f"bench-{n}"), ETH.symbol, side, PROVIDER_QTY
                )
                platform.engine.pump()
            cpu_s = time.process_time() + venue.workers_cpu_s() - cpu_before
            calls_after, exchange_cpu_after = _served(url)
            calls = calls_after - calls_before - 1  # not the second count itself
        finally:
            if venue is not None:
                venue.close()
            db.dispose()
    if not timer.samples_ns:
        raise LiveBenchError("no provider fill was copied: nothing to report")
    return LiveBenchResult(
        config, timer.samples_ns, timer.orders, calls, setup_s, list(venue.batches_ns),
        cpu_s, exchange_cpu_after - exchange_cpu_before,
    )


def _populate(platform: Platform, followers: int) -> None:
    """The provider on the paper venue, priced; ``followers`` live relationships, each
    allocation booked as coming from its exchange account (what ``venues live``
    leaves), written in one transaction."""
    now = platform.clock.now()
    platform.engine.on_price(ETH.symbol, PRICE, now)
    accounts = platform.accounts
    accounts.register(AccountId(PROVIDER), "bench provider")
    accounts.make_provider(ProviderTerms(str(PROVIDER), Decimal(10)))
    accounts.deposit(AccountId(PROVIDER), PROVIDER_DEPOSIT, key=f"dep:{PROVIDER}")
    rels = [_relationship(i, now) for i in range(followers)]
    with platform.uow() as uow:
        uow.session.execute(
            insert(AccountRow),
            [{"id": str(r.follower), "display_name": str(r.follower), "is_provider": False,
              "created_at": now} for r in rels],
        )
        uow.relationships.add_many(rels)
        uow.ledger.post_all(
            move(
                TransferKind.ALLOCATE, LedgerAccount.live_account(str(r.follower)),
                LedgerAccount.allocation_cash(str(r.id)), ALLOCATION,
                key=f"live:{r.id}", ts=now,
            )
            for r in rels
        )
        uow.session.execute(
            insert(LiveRelationshipRow),
            [{"relationship_id": str(r.id), "exchange_account": str(r.follower),
              "created_at": now} for r in rels],
        )
        uow.commit()
    platform.engine.relationships.invalidate()


def _relationship(index: int, now: datetime) -> CopyRelationship:
    return bench_relationship(FollowerId(f"lf{index:06d}"), PROVIDER, ALLOCATION, now)


def _served(url: str) -> tuple[int, float]:
    """How many requests the emulator has served and the CPU seconds its process has
    used (its own counters)."""
    with urllib.request.urlopen(f"{url}/emulator/stats", timeout=10) as answer:
        stats: dict[str, Any] = json.load(answer)
    return int(stats["requests"]), float(stats.get("cpu_s", 0.0))


@contextmanager
def _exchange(config: LiveBenchConfig) -> Iterator[str]:
    """The emulator's base URL: the one given, or a process started here."""
    if config.exchange_url is not None:
        yield config.exchange_url.rstrip("/")
        return
    root = Path(__file__).resolve().parents[2]
    if not (root / "tests" / "exchange_emulator" / "__main__.py").is_file():
        raise LiveBenchError(
            "the exchange emulator (tests/exchange_emulator, a development tool) is not "
            f"next to this copytrade ({root}): run from a repository checkout, or start it "
            "there with `python -m tests.exchange_emulator --accounts N` and pass its URL "
            "as --exchange-url"
        )
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.exchange_emulator", "--accounts", str(config.followers),
         "--prefix", KEY_PREFIX, "--price", str(PRICE)],
        cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.startswith("listening "):
            raise LiveBenchError(f"the exchange emulator did not start: {line!r}")
        yield line.removeprefix("listening ")
    finally:
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
