"""``copytrade bench fanout``: one provider fill copied to N followers, end to end.

See docs/benchmarks.md for what each figure measures. Every database is a
fresh SQLite file in a temporary directory with the engine's own pragmas.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from copytrade.bench.driver import PROVIDER_QTY, FillDriver
from copytrade.bench.floor import measure_floor
from copytrade.bench.population import database_settings, populate
from copytrade.bench.timing import ms, now_ns, percentile
from copytrade.config import SqliteSync
from copytrade.domain.instruments import Side

# Each open takes 5 % of a follower's allocation as margin: 10 in a row use half.
OPENS_PER_CLOSE = 10


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


@dataclass(frozen=True, slots=True)
class FanoutResult:
    followers: int
    p50_ms: float
    p99_ms: float
    mean_ms: float
    copies_per_s: float
    close_p50_ms: float
    floor_ms: float
    naive_ms: float
    naive_sampled: int
    naive_per_follower_ms: float
    copies_filled_per_iteration: int
    repeat: int
    synchronous: str
    setup_s: float
    total_s: float
    python: str
    sqlite_version: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def run_fanout(config: FanoutConfig, progress: Progress | None = None) -> FanoutResult:
    """Measure the batched fan-out, the naive loop and the storage floor in one run."""
    progress = progress or NoProgress()
    if config.followers < 1 or config.repeat < 1:
        raise ValueError("followers and repeat must be at least 1")
    run_start = now_ns()
    with tempfile.TemporaryDirectory(prefix="copytrade-bench-") as tmp:
        directory = Path(tmp)
        settings = database_settings(directory, "fanout.db", config.synchronous)
        progress.stage(f"set-up: {config.followers} followers", config.followers)
        setup_start = now_ns()
        population = populate(settings, config.followers, progress.advance)
        setup_ns = now_ns() - setup_start
        driver = FillDriver(population)
        opens, closes, filled = _rounds(driver, config, progress)
        naive_ns, sampled, per_follower_ns = _naive(driver, config, progress)
        progress.stage("storage floor", config.floor_repeat)
        floor_settings = database_settings(directory, "floor.db", config.synchronous)
        floor = measure_floor(floor_settings, config.followers, config.floor_repeat)
        progress.advance(config.floor_repeat)
        population.db.dispose()
    p50 = percentile(opens, 50)
    return FanoutResult(
        followers=config.followers,
        p50_ms=ms(p50),
        p99_ms=ms(percentile(opens, 99)),
        mean_ms=ms(sum(opens) / len(opens)),
        copies_per_s=round(config.followers / (p50 / 1e9), 1),
        close_p50_ms=ms(percentile(closes, 50)),
        floor_ms=ms(percentile(floor, 50)),
        naive_ms=ms(naive_ns),
        naive_sampled=sampled,
        naive_per_follower_ms=ms(per_follower_ns),
        copies_filled_per_iteration=min(filled),
        repeat=config.repeat,
        synchronous=config.synchronous.value,
        setup_s=round(setup_ns / 1e9, 3),
        total_s=round((now_ns() - run_start) / 1e9, 3),
        python=sys.version.split()[0],
        sqlite_version=sqlite3.sqlite_version,
    )


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
