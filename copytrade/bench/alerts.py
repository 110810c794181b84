"""``copytrade bench alerts``: many rules over many symbols, timed from candle close to
every firing's notification durably queued (docs/benchmarks.md, "Alerts").

Set-up (untimed): ``symbols`` synthetic symbols; a warm-up history of 5-minute ticks
long enough for every indicator of the 1h rules; ``rules`` rules spread evenly over
(symbol, timeframe), each a condition drawn from a fixed mix of every kind, stored in
a fresh database. Timed: ``hours`` of 15-second ticks; at each minute boundary the
engine closes every candle that ended (200 symbols' 1m candles, plus 15m and 1h ones
on their boundaries), evaluates their rules and the recorder commits the firings and
their outbox notifications in one transaction. One sample per boundary: from the close
to the commit. SQLite's log is then folded into the file (``wal_fold_p99_ms``), after
the sample, as the live evaluator does after each durable batch. Evaluation cost per
rule is the engine's time over the rules it read. Memory is the process's peak resident size.
"""

from __future__ import annotations

import random
import resource
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from copytrade.adapters.db.engine import make_session_factory
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.bench.fanout import Progress
from copytrade.bench.stats_backends import bench_database
from copytrade.bench.timing import ms, now_ns, percentile
from copytrade.domain.alerts.candles import CandleHistory
from copytrade.domain.alerts.parser import parse_conditions
from copytrade.domain.alerts.rules import AlertRule, FireMode
from copytrade.domain.alerts.timeframes import Timeframe
from copytrade.domain.ids import AccountId, AlertRuleId
from copytrade.marketdata import PriceTick, SymbolSpec, SyntheticFeed
from copytrade.service_layer.alerts.engine import AlertEngine
from copytrade.service_layer.alerts.recorder import AlertRecorder

START = datetime(2026, 11, 2, tzinfo=UTC)
WARM_UP = timedelta(days=3)  # 72 hourly candles: enough for MACD(12, 26, 9) and RSI(21)
WARM_STEP = timedelta(minutes=5)
STEP = timedelta(seconds=15)
TIMEFRAMES = (Timeframe.M1, Timeframe.M15, Timeframe.H1)
TARGET_P99_MS = 100.0

# The condition mix: every kind of condition, several parameters of each.
CONDITIONS = (
    "RSI(14) crosses above 70", "RSI(14) crosses below 30", "RSI(7) crosses above 60",
    "RSI(21) crosses below 45", "EMA(9) crosses above EMA(21)",
    "EMA(9) crosses below EMA(21)", "EMA(12) crosses above EMA(26)",
    "SMA(20) crosses above SMA(50)", "MACD histogram turns positive",
    "MACD histogram turns negative", "MACD line crosses above MACD signal",
    "close crosses below lower Bollinger(20, 2)", "close crosses above upper Bollinger(20, 2)",
    "price crosses above SMA(20)", "ATR(14) crosses above SMA(20) AND price above 1",
    "RSI(14) above 55 AND price crosses above EMA(50)",
)


@dataclass(frozen=True, slots=True)
class AlertsBenchConfig:
    rules: int = 100_000
    symbols: int = 200
    hours: int = 4
    seed: int = 7
    postgres_url: str | None = None


def _specs(config: AlertsBenchConfig) -> list[SymbolSpec]:
    rng = random.Random(config.seed)
    return [
        SymbolSpec(
            symbol=f"S{i:03d}/USDT", tick=Decimal("0.0001"),
            start_price=Decimal(rng.randint(1, 50_000)),
            annual_volatility=Decimal(rng.choice(["0.5", "0.8", "1.2"])),
        )
        for i in range(config.symbols)
    ]


def _rules(config: AlertsBenchConfig, specs: list[SymbolSpec]) -> list[AlertRule]:
    rng = random.Random(config.seed)
    created = START - timedelta(days=30)
    rules = []
    for i in range(config.rules):
        spec = specs[i % len(specs)]
        timeframe = TIMEFRAMES[(i // len(specs)) % len(TIMEFRAMES)]
        every = i % 2 == 0
        rules.append(AlertRule(
            id=AlertRuleId(f"bench_{i:06d}"), owner=AccountId(f"user_{i % 5000:04d}"),
            symbol=spec.symbol, timeframe=timeframe,
            conditions=parse_conditions(rng.choice(CONDITIONS)),
            mode=FireMode.EVERY if every else FireMode.ONCE,
            cooldown=timedelta(minutes=rng.choice([0, 5, 60])) if every else timedelta(0),
            created_at=created,
        ))
    return rules


def _warm_up(engine: AlertEngine, specs: list[SymbolSpec], seed: int,
             progress: Progress) -> list[SymbolSpec]:
    """Feed the warm-up history; the specs continuing from each symbol's last price."""
    steps = int(WARM_UP / WARM_STEP)
    progress.stage("warm-up history", steps)
    last: dict[str, Decimal] = {}
    for i, tick in enumerate(SyntheticFeed(seed, specs, START - WARM_UP, WARM_STEP, steps)):
        engine.on_tick(tick.symbol, tick.ts, tick.price)
        last[tick.symbol] = tick.price
        if i % len(specs) == 0:
            progress.advance()
    engine.close_due(START)
    return [replace(spec, start_price=last[spec.symbol]) for spec in specs]


def run_alerts_bench(config: AlertsBenchConfig, progress: Progress) -> dict[str, Any]:
    specs = _specs(config)
    rules = _rules(config, specs)
    engine = AlertEngine((), TIMEFRAMES, CandleHistory(size=200))
    continued = _warm_up(engine, specs, config.seed, progress)
    with bench_database(config.postgres_url) as db:
        factory = make_session_factory(db)

        def uow() -> SqlUnitOfWork:
            return SqlUnitOfWork(factory, {})

        progress.stage("storing and loading rules", 1)
        with uow() as unit:
            unit.alerts.add_many(rules)
            unit.commit()
        start = now_ns()
        for rule in rules:
            engine.add(rule)
        load_ns = now_ns() - start
        recorder = AlertRecorder(uow, lambda: START)
        return _timed(config, engine, recorder, continued, rules, load_ns, progress)


def _timed(config: AlertsBenchConfig, engine: AlertEngine, recorder: AlertRecorder,
           specs: list[SymbolSpec], rules: list[AlertRule], load_ns: int,
           progress: Progress) -> dict[str, Any]:
    steps = int(timedelta(hours=config.hours) / STEP)
    ticks = iter(SyntheticFeed(config.seed + 1, specs, START, STEP, steps + 1))
    by_frame = {tf: sum(1 for r in rules if r.timeframe is tf) for tf in TIMEFRAMES}
    samples: list[int] = []
    evaluations: list[int] = []
    recordings: list[int] = []
    batch_sizes: list[int] = []
    folds: list[int] = []
    evaluated = 0
    progress.stage("timed minutes", config.hours * 60)
    pending: PriceTick | None = next(ticks)
    for minute in range(config.hours * 60 + 1):
        boundary = START + timedelta(minutes=minute)
        if minute:
            start = now_ns()
            firings = engine.close_due(boundary)
            evaluated_at = now_ns()
            recorder.record(firings)
            done = now_ns()
            recorder.fold_log()  # after the batch is durable: not part of its latency
            folds.append(now_ns() - done)
            samples.append(done - start)
            evaluations.append(evaluated_at - start)
            recordings.append(done - evaluated_at)
            batch_sizes.append(len(firings))
            evaluated += sum(n for tf, n in by_frame.items() if tf.open_time(boundary) == boundary)
            progress.advance()
        while pending is not None and pending.ts < boundary + timedelta(minutes=1):
            engine.on_tick(pending.symbol, pending.ts, pending.price)
            pending = next(ticks, None)
    p99 = ms(percentile(samples, 99))
    return {
        "rules": config.rules,
        "symbols": config.symbols,
        "timeframes": [tf.value for tf in TIMEFRAMES],
        "indicator_computations": engine.bank.computations(),
        "database": "postgresql" if config.postgres_url else "sqlite",
        "boundaries": len(samples),
        "rule_evaluations": evaluated,
        "firings": sum(batch_sizes),
        "firings_per_boundary_p50": percentile(batch_sizes, 50),
        "firings_per_boundary_max": max(batch_sizes),
        "close_to_queued_p50_ms": ms(percentile(samples, 50)),
        "close_to_queued_p99_ms": p99,
        "close_to_queued_max_ms": ms(max(samples)),
        "evaluate_p50_ms": ms(percentile(evaluations, 50)),
        "evaluate_p99_ms": ms(percentile(evaluations, 99)),
        "record_p50_ms": ms(percentile(recordings, 50)),
        "record_p99_ms": ms(percentile(recordings, 99)),
        "wal_fold_p99_ms": ms(percentile(folds, 99)),
        "evaluation_us_per_rule": round(sum(evaluations) / 1e3 / max(evaluated, 1), 3),
        "rule_load_s": round(load_ns / 1e9, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "target_p99_ms": TARGET_P99_MS,
        "meets_target": p99 <= TARGET_P99_MS,
    }
