"""``copytrade bench settle``: one weekly settlement run over N relationships.

The state is loaded in bulk first (``settle_load``); only ``SettlementRun.run``
is timed, end to end: candidates, HWM settlement, ledger transfers, rows,
notifications and venue debits, one transaction per batch. A second run of the
same period is timed too (it must settle nothing), and the ledger is checked
to sum to zero. See docs/settlement.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import Engine

from copytrade.adapters.db.engine import make_session_factory
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.venues.paper.venue import PaperVenue
from copytrade.bench.settle_load import books, load_books
from copytrade.bench.stats_backends import bench_database
from copytrade.bench.timing import now_ns
from copytrade.config import Settings
from copytrade.demo.instruments import DEMO_INSTRUMENTS
from copytrade.domain.values import ZERO
from copytrade.service_layer.settlement.run import BATCH, SettlementRun
from copytrade.service_layer.settlement.service import SettlementService

PERIOD_END = datetime(2026, 11, 23, tzinfo=UTC)  # a Monday: the week 2026-W47
CREATED = PERIOD_END - timedelta(days=30)
PLATFORM_FEE_PCT = Decimal(2)


class Progress(Protocol):
    def stage(self, description: str, total: int) -> None: ...

    def advance(self, amount: int = 1) -> None: ...


@dataclass(frozen=True, slots=True)
class SettleBenchConfig:
    relationships: int = 100_000
    batch_size: int = BATCH
    postgres_url: str | None = None


def run_settle_bench(config: SettleBenchConfig, progress: Progress) -> dict[str, Any]:
    with bench_database(config.postgres_url) as engine:
        factory = make_session_factory(engine)
        with SqlUnitOfWork(factory) as uow:
            uow.instruments.save(DEMO_INSTRUMENTS)
            uow.commit()
        progress.stage("loading relationships", config.relationships)
        load_books(factory, books(config.relationships), CREATED, progress.advance)
        run = _settlement_run(engine, config, progress)
        progress.stage("settling", config.relationships)
        start = now_ns()
        summary = run.run(PERIOD_END)
        settle_ns = now_ns() - start
        progress.stage("settling again (nothing left)", 1)
        start = now_ns()
        again = run.run(PERIOD_END)
        rerun_ns = now_ns() - start
        with SqlUnitOfWork(factory) as uow:
            sums = uow.ledger.sum_by_currency()
    if summary.settled != config.relationships or again.settled or summary.failed:
        raise RuntimeError(
            f"settled {summary.settled} of {config.relationships} "
            f"({len(summary.failed)} failed), then {again.settled} more on the rerun"
        )
    return {
        "backend": engine.dialect.name,
        # sqlite_database() opens with the default settings: synchronous=FULL.
        "synchronous": Settings().sqlite_synchronous.value if _is_sqlite(engine) else None,
        "relationships": config.relationships,
        "batch_size": config.batch_size,
        "settle_s": round(settle_ns / 1e9, 3),
        "per_relationship_us": round(settle_ns / 1e3 / config.relationships, 1),
        "rerun_s": round(rerun_ns / 1e9, 3),
        "charged": summary.to_json()["debit"],
        "ledger_sums_to_zero": all(v == ZERO for v in sums.values()),
    }


def _is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _settlement_run(engine: Engine, config: SettleBenchConfig, progress: Progress) -> SettlementRun:
    factory = make_session_factory(engine)

    def uow_factory() -> SqlUnitOfWork:
        return SqlUnitOfWork(factory)

    def now() -> datetime:
        return PERIOD_END + timedelta(hours=1)

    venue = PaperVenue(engine, DEMO_INSTRUMENTS, now)
    service = SettlementService(uow_factory, venue, dict, now, PLATFORM_FEE_PCT)
    done = [0]

    def on_batch(settled: int) -> None:
        progress.advance(settled - done[0])
        done[0] = settled

    return SettlementRun(uow_factory, service, now, config.batch_size, on_batch)
