"""``copytrade bench sweep``: a price update's max-loss check over N relationships.

See docs/benchmarks.md ("copytrade bench sweep"). The population is the fan-out
benchmark's; one provider fill gives every follower a position, then each timed
round moves the price and runs ``CopyEngine.enforce_max_loss`` on the symbol.
"""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import update

from copytrade.adapters.db.schema import RelationshipRow
from copytrade.bench.databases import fresh_database
from copytrade.bench.driver import FillDriver
from copytrade.bench.population import PERP, PROVIDER, Population, populate
from copytrade.bench.timing import ms, now_ns, percentile
from copytrade.config import SqliteSync
from copytrade.domain.instruments import Side

# Every follower holds 0.002 BTC bought at 50,000 from 2,000 allocated: a drop to 45,000
# loses 10 USDT (0.5 %) plus fees. Every HIT_EVERY-th relationship gets a max loss of
# HIT_PCT for the hit round; the others keep the default, far from reached.
HIT_PRICE = Decimal(45000)
HIT_PCT = Decimal("0.25")
HIT_EVERY = 10
MOVES = (Decimal(50100), Decimal(49900))  # the rounds' prices, in turn: no one near the limit


@dataclass(frozen=True, slots=True)
class SweepResult:
    relationships: int
    repeat: int
    sweep_p50_ms: float
    sweep_p99_ms: float
    per_relationship_us: float
    full_valuation_p50_ms: float
    hit_ms: float
    hits: int
    setup_s: float
    total_s: float
    python: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def run_sweep(followers: int, repeat: int) -> SweepResult:
    if followers < 1 or repeat < 1:
        raise ValueError("followers and repeat must be at least 1")
    run_start = now_ns()
    with fresh_database(None, SqliteSync.FULL, "sweep.db") as db:
        population = populate(db, followers)
        FillDriver(population).fill(Side.BUY, population.platform.engine.pump)
        setup_ns = now_ns() - run_start
        _check(population, 1)  # warm-up: caches and compiled statements
        sweeps = [_check(population, i) for i in range(repeat)]
        full = [_full_valuation(population, i) for i in range(repeat)]
        hit_ns, hits = _hit_round(population)
    if hits != len(range(0, followers, HIT_EVERY)):
        raise RuntimeError(f"the hit round stopped {hits} relationships, not every tenth")
    p50 = percentile(sweeps, 50)
    return SweepResult(
        relationships=followers,
        repeat=repeat,
        sweep_p50_ms=ms(p50),
        sweep_p99_ms=ms(percentile(sweeps, 99)),
        per_relationship_us=round(p50 / 1e3 / followers, 2),
        full_valuation_p50_ms=ms(percentile(full, 50)),
        hit_ms=ms(hit_ns),
        hits=hits,
        setup_s=round(setup_ns / 1e9, 3),
        total_s=round((now_ns() - run_start) / 1e9, 3),
        python=sys.version.split()[0],
    )


def _move(population: Population, price: Decimal) -> None:
    """A new price in force, untimed: the engine's price book and the venue's."""
    engine, clock = population.platform.engine, population.clock
    clock.advance(timedelta(seconds=1))
    engine.prices.update(PERP.symbol, price, clock.now())
    engine.venue.set_price(PERP.symbol, price, clock.now())


def _check(population: Population, round_: int) -> int:
    _move(population, MOVES[round_ % 2])
    start = now_ns()
    stopped = population.platform.engine.enforce_max_loss([PERP.symbol])
    elapsed = now_ns() - start
    if stopped:
        raise RuntimeError(f"a small move stopped {len(stopped)} relationships")
    return elapsed


def _full_valuation(population: Population, round_: int) -> int:
    """The check as it was before the sweep: every relationship and book loaded whole."""
    _move(population, MOVES[round_ % 2])
    engine = population.platform.engine
    start = now_ns()
    with engine.uow_factory() as uow:
        rels = [r for r in uow.relationships.holding([PERP.symbol]) if r.state.mirrors_closes]
    stopped = engine.stops.stop_at_max_loss(rels)
    elapsed = now_ns() - start
    if stopped:
        raise RuntimeError(f"a small move stopped {len(stopped)} relationships")
    return elapsed


def _hit_round(population: Population) -> tuple[int, int]:
    """Every tenth relationship's limit lowered (untimed), then a drop that reaches it."""
    tenth = [f"f{i:06d}:{PROVIDER}" for i in range(0, population.followers, HIT_EVERY)]
    with population.db.begin() as conn:
        conn.execute(
            update(RelationshipRow)
            .where(RelationshipRow.id.in_(tenth))
            .values(max_loss_pct=HIT_PCT)
        )
    population.platform.engine.relationships.invalidate()
    _move(population, HIT_PRICE)
    start = now_ns()
    stopped = population.platform.engine.enforce_max_loss([PERP.symbol])
    return now_ns() - start, len(stopped)


__all__ = ["SweepResult", "run_sweep"]
