"""``copytrade bench fanout``: one provider fill copied to N followers, end to end.

See docs/benchmarks.md for what each figure measures. Every database is made
for the run (``bench/databases.py``): a fresh SQLite file in a temporary
directory with the engine's own pragmas, or with ``database`` a fresh schema
of that PostgreSQL database, dropped afterwards.
"""

from __future__ import annotations

import resource
import sqlite3
import sys
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from sqlalchemy import Engine

from copytrade.bench.databases import check_database_url, fresh_database
from copytrade.bench.driver import PROVIDER_QTY, FillDriver
from copytrade.bench.floor import measure_floor
from copytrade.bench.population import populate
from copytrade.bench.timing import ms, now_ns, percentile
from copytrade.config import SqliteSync
from copytrade.domain.instruments import Side

# Each open takes 5 % of a follower's allocation as margin: 10 in a row use half.
OPENS_PER_CLOSE = 10
# Issue 13's targets: p50 (opens and closes) within 8× the floor, 10× from 100,000
# followers up; the naive loop at least 100× slower than the batched fan-out.
FLOOR_RATIO_TARGET = 8.0
LARGE_FOLLOWERS = 100_000
LARGE_FLOOR_RATIO_TARGET = 10.0
NAIVE_SPEEDUP_TARGET = 100.0


class Progress(Protocol):
    """Where long work reports itself (a Rich progress bar on stderr in the CLI)."""

    def stage(self, description: str, total: int) -> None: ...

    def advance(self, amount: int = 1) -> None: ...


class NoProgress:
    def stage(self, description: str, total: int) -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        pass


@dataclass(frozen=True, slots=True)
class FanoutConfig:
    followers: int = 10_000
    repeat: int = 10
    synchronous: SqliteSync = SqliteSync.FULL
    naive_sample: int = 1_000
    naive_repeat: int = 1
    floor_repeat: int = 5
    warmup: int = 1
    database: str | None = None  # a PostgreSQL URL; None: a fresh SQLite file


@dataclass(frozen=True, slots=True)
class FanoutResult:
    followers: int
    p50_ms: float
    p99_ms: float
    mean_ms: float
    copies_per_s: float
    close_p50_ms: float
    close_p99_ms: float
    close_copies_per_s: float
    floor_ms: float
    p50_floor_ratio: float
    close_floor_ratio: float
    naive_ms: float
    naive_speedup: float
    naive_sampled: int
    naive_per_follower_ms: float
    copies_filled_per_iteration: int
    peak_rss_mb: float
    repeat: int
    closes: int
    backend: str
    synchronous: str | None
    setup_s: float
    setup_per_follower_us: float
    total_s: float
    python: str
    sqlite_version: str
    database_version: str
    targets: dict[str, float] = field(default_factory=dict)
    within_targets: dict[str, bool] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def run_fanout(config: FanoutConfig, progress: Progress | None = None) -> FanoutResult:
    """Measure the batched fan-out, the naive loop and the storage floor in one run."""
    progress = progress or NoProgress()
    if config.followers < 1 or config.repeat < 1:
        raise ValueError("followers and repeat must be at least 1")
    check_database_url(config.database)
    run_start = now_ns()
    with fresh_database(config.database, config.synchronous, "fanout.db") as db:
        progress.stage(f"set-up: {config.followers} followers", config.followers)
        setup_start = now_ns()
        population = populate(db, config.followers, progress.advance)
        setup_ns = now_ns() - setup_start
        driver = FillDriver(population)
        opens, closes, filled = _rounds(driver, config, progress)
        naive_ns, sampled, per_follower_ns = _naive(driver, config, progress)
        backend, version = db.dialect.name, _server_version(db)
    progress.stage("storage floor", config.floor_repeat)
    with fresh_database(config.database, config.synchronous, "floor.db", migrate=False) as fdb:
        floor = percentile(measure_floor(fdb, config.followers, config.floor_repeat), 50)
    progress.advance(config.floor_repeat)
    p50, close_p50 = percentile(opens, 50), percentile(closes, 50)
    targets = targets_for(config.followers)
    ratios = {
        "p50_floor_ratio": round(p50 / floor, 1),
        "close_floor_ratio": round(close_p50 / floor, 1),
        "naive_speedup": round(naive_ns / p50, 1),
    }
    return FanoutResult(
        followers=config.followers,
        p50_ms=ms(p50),
        p99_ms=ms(percentile(opens, 99)),
        mean_ms=ms(sum(opens) / len(opens)),
        copies_per_s=_per_s(config.followers, p50),
        close_p50_ms=ms(close_p50),
        close_p99_ms=ms(percentile(closes, 99)),
        close_copies_per_s=_per_s(config.followers, close_p50),
        floor_ms=ms(floor),
        naive_ms=ms(naive_ns),
        naive_sampled=sampled,
        naive_per_follower_ms=ms(per_follower_ns),
        copies_filled_per_iteration=min(filled),
        peak_rss_mb=peak_rss_mb(),
        repeat=config.repeat,
        closes=len(closes),
        backend=backend,
        synchronous=config.synchronous.value if backend == "sqlite" else None,
        setup_s=round(setup_ns / 1e9, 3),
        setup_per_follower_us=round(setup_ns / 1e3 / config.followers, 1),
        total_s=round((now_ns() - run_start) / 1e9, 3),
        python=sys.version.split()[0],
        sqlite_version=sqlite3.sqlite_version,
        database_version=version,
        targets=targets,
        within_targets={key: within(key, ratios[key], limit) for key, limit in targets.items()},
        **ratios,
    )


def peak_rss_mb() -> float:
    """This process's peak resident set so far, in MiB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def targets_for(followers: int) -> dict[str, float]:
    floor = LARGE_FLOOR_RATIO_TARGET if followers >= LARGE_FOLLOWERS else FLOOR_RATIO_TARGET
    return {
        "p50_floor_ratio": floor,
        "close_floor_ratio": floor,
        "naive_speedup": NAIVE_SPEEDUP_TARGET,
    }


def within(key: str, value: float, limit: float) -> bool:
    """Ratios to the floor are upper limits; the speed-up over the naive loop a lower one."""
    return value >= limit if key == "naive_speedup" else value <= limit


def _per_s(copies: int, elapsed_ns: int) -> float:
    return round(copies / (elapsed_ns / 1e9), 1)


def _server_version(db: Engine) -> str:
    """The database's own version: SQLite's library, or PostgreSQL's server."""
    if db.dialect.name == "sqlite":
        return sqlite3.sqlite_version
    info = db.dialect.server_version_info
    return ".".join(map(str, info)) if info else "unknown"


def _rounds(
    driver: FillDriver, config: FanoutConfig, progress: Progress
) -> tuple[list[int], list[int], list[int]]:
    """Untimed warm-up round trips, then ``repeat`` timed opens, closed every few.

    Opens follow each other (adding to the position: still opening fills, sized
    and gated the same way) in blocks of OPENS_PER_CLOSE, each block closed by
    one provider fill of the whole position, timed apart. Closing keeps cash
    free, and halves the run time against a close after every open.
    """
    pump = driver.engine_pump
    progress.stage(f"engine: {config.repeat} opening fills", config.warmup + config.repeat)
    for _ in range(config.warmup):
        driver.fill(Side.BUY, pump)
        driver.fill(Side.SELL, pump)
        progress.advance()
    opens: list[int] = []
    closes: list[int] = []
    filled: list[int] = []
    while len(opens) < config.repeat:
        block = min(OPENS_PER_CLOSE, config.repeat - len(opens))
        for _ in range(block):
            open_ns, open_fill = driver.fill(Side.BUY, pump)
            opens.append(open_ns)
            filled.append(driver.copies_filled(open_fill))
            progress.advance()
        close_ns, close_fill = driver.fill(Side.SELL, pump, PROVIDER_QTY * block)
        closes.append(close_ns)
        filled.append(driver.copies_filled(close_fill))
    return opens, closes, filled


def _naive(driver: FillDriver, config: FanoutConfig, progress: Progress) -> tuple[int, int, int]:
    """(naive ns scaled to N, followers actually timed, ns per follower), median rounds."""
    sample = min(config.naive_sample, config.followers)
    naive, pump = driver.naive_pump(sample)
    progress.stage(f"naive: {sample} followers one by one", config.naive_repeat)
    scaled: list[int] = []
    for round_no in range(config.naive_repeat):
        if round_no:
            driver.fill(Side.SELL, pump)  # untimed: flat books again for the next open
        open_ns, open_fill = driver.fill(Side.BUY, pump)
        loop_ns, copied = naive.loop_ns, naive.copied
        if driver.copies_filled(open_fill) != copied:
            raise RuntimeError(f"the naive loop filled fewer than its {copied} copies")
        # The fixed part (provider order, ingestion, message) once, the loop scaled to N.
        scaled.append(open_ns - loop_ns + loop_ns * config.followers // copied)
        progress.advance()
    per_follower = percentile(scaled, 50) // config.followers
    return percentile(scaled, 50), sample, per_follower
