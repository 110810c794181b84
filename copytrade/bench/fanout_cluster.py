"""``copytrade bench fanout --bus nats --workers N``: the fan-out over JetStream workers.

One provider and N followers on a fresh PostgreSQL schema (``bench/databases.py``),
a fresh JetStream stream, and ``workers`` ``copytrade worker`` processes with one
shard each. Each timed fill goes end to end: the provider's order, booking, the
relay's publish, every shard's fan-out, until every copy is booked (every shard
processed the message and no copy order waits for the venue's answer). See
docs/benchmarks.md, "Over JetStream".
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Engine, text

from copytrade.adapters.bus.jetstream import JetStreamBus, StreamSpec
from copytrade.bench.databases import fresh_database
from copytrade.bench.driver import PROVIDER_QTY, FillDriver
from copytrade.bench.population import populate
from copytrade.bench.timing import ms, percentile
from copytrade.config import SqliteSync
from copytrade.domain.instruments import Side
from copytrade.engine.shards import all_shards

OPENS_PER_CLOSE = 10
READY_TIMEOUT_S = 120.0


@dataclass(frozen=True, slots=True)
class ClusterFanoutConfig:
    database: str  # a PostgreSQL URL: a fresh schema of it is made and dropped
    nats_url: str
    followers: int = 10_000
    repeat: int = 10
    workers: int = 1


@dataclass(frozen=True, slots=True)
class ClusterFanoutResult:
    followers: int
    workers: int
    shards: int
    p50_ms: float
    p99_ms: float
    close_p50_ms: float
    copies_per_s: float
    repeat: int
    bus: str
    backend: str
    setup_s: float

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def run_cluster_fanout(config: ClusterFanoutConfig) -> ClusterFanoutResult:
    if config.followers < 1 or config.repeat < 1 or config.workers < 1:
        raise ValueError("followers, repeat and workers must be at least 1")
    stream = f"BENCH_{uuid.uuid4().hex[:10].upper()}"
    spec = StreamSpec(name=stream, prefix=stream.lower(), max_age_s=3600, duplicate_window_s=600)
    with fresh_database(config.database, SqliteSync.FULL, "fanout.db") as db:
        bus = JetStreamBus(config.nats_url, spec).connect()
        started = time.perf_counter()
        population = populate(db, config.followers, fanout_bus=bus)
        setup_s = time.perf_counter() - started
        url = db.url.render_as_string(hide_password=False)
        workers = [_worker(url, config, stream) for _ in range(config.workers)]
        try:
            driver = FillDriver(population)
            done = _Done(db, config.workers)
            opens, closes = _rounds(driver, done, config.repeat)
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(30)
            bus.delete_stream()
            bus.close()
    p50 = percentile(opens, 50)
    return ClusterFanoutResult(
        followers=config.followers,
        workers=config.workers,
        shards=config.workers,
        p50_ms=ms(p50),
        p99_ms=ms(percentile(opens, 99)),
        close_p50_ms=ms(percentile(closes, 50)),
        copies_per_s=round(config.followers / (p50 / 1e9), 1),
        repeat=config.repeat,
        bus="nats",
        backend="postgresql",
        setup_s=round(setup_s, 3),
    )


def _worker(url: str, config: ClusterFanoutConfig, stream: str) -> subprocess.Popen[bytes]:
    env = {
        "COPYTRADE_DATABASE_URL": url,
        "COPYTRADE_NATS_URL": config.nats_url,
        "COPYTRADE_NATS_STREAM": stream,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "copytrade.cli.worker", "worker", "--shards", str(config.workers),
         "--take", "1", "--log-level", "warning"],
        env={**os.environ, **env},
    )


class _Done:
    """Fills every shard processed, with no copy order waiting for its answer."""

    def __init__(self, db: Engine, shards: int) -> None:
        self._db = db
        self._names = [shard.consumer for shard in all_shards(shards)]
        self._shards = shards

    def wait(self, fills: int, timeout_s: float = READY_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self._db.connect() as conn:
                processed = conn.execute(
                    text("SELECT count(*) FROM processed_messages WHERE consumer = ANY(:n)"),
                    {"n": self._names},
                ).scalar_one()
                waiting = conn.execute(
                    text("SELECT count(*) FROM orders WHERE relationship_id IS NOT NULL "
                         "AND status = 'new'")
                ).scalar_one()
            if processed >= fills * self._shards and waiting == 0:
                return
            time.sleep(0.005)
        raise RuntimeError(f"the workers did not fan out {fills} fills in {timeout_s} s")


def _rounds(driver: FillDriver, done: _Done, repeat: int) -> tuple[list[int], list[int]]:
    """One untimed round trip (the workers start meanwhile), then ``repeat`` timed opens,
    closed every OPENS_PER_CLOSE, as the in-process bench does."""
    fills = 0

    def pump(engine_pump: Any = driver.engine_pump) -> None:
        engine_pump()
        done.wait(fills)

    for side in (Side.BUY, Side.SELL):
        fills += 1
        driver.fill(side, pump)
    opens: list[int] = []
    closes: list[int] = []
    while len(opens) < repeat:
        block = min(OPENS_PER_CLOSE, repeat - len(opens))
        for _ in range(block):
            fills += 1
            opens.append(driver.fill(Side.BUY, pump)[0])
        fills += 1
        closes.append(driver.fill(Side.SELL, pump, PROVIDER_QTY * block)[0])
    return opens, closes
