"""The demo: every relationship of a one-week demo (bots trading five markets, a weekly
settlement) is reproduced exactly by a what-if with its settings, start and allocation:
decisions, settlements, the daily equity curve and the end state (docs/whatif.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from copytrade.adapters.db.engine import make_engine, make_read_session_factory
from copytrade.adapters.db.schema import RelationshipRow
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.config import Settings
from copytrade.demo.runner import DemoOptions, run_demo
from copytrade.domain.profit_share.fee_settings import FeeSettings
from copytrade.simulation.result_books import (
    decisions_section,
    relationships_section,
    settlements_section,
)
from copytrade.whatif.service import WhatIf

from .consistency import real_outcome, replay_of

# A week ending on a Monday noon: it crosses one Monday, so it settles once.
END = datetime(2026, 2, 2, 12, tzinfo=UTC)


def test_whatif_reproduces_every_demo_relationship(tmp_path: Path) -> None:
    database = tmp_path / "demo.db"
    settings = Settings(database_url=f"sqlite:///{database}")
    run = run_demo(
        DemoOptions(end=END, weeks=1, followers=8, seed=3, database=database), settings=settings
    )
    prices = run.platform.engine.prices.snapshot()
    engine = make_engine(settings)
    try:
        factory = make_read_session_factory(engine)
        with SqlUnitOfWork(factory) as uow:
            instruments = list(uow.instruments.all().values())
            rels = uow.relationships.all()
            created = dict(
                uow.session.execute(select(RelationshipRow.id, RelationshipRow.created_at)).all()
            )
            result = {
                "decisions": decisions_section(uow),
                "settlements": settlements_section(uow),
                "relationships": relationships_section(uow, rels, prices),
            }
            real = {str(rel.id): real_outcome(uow, rel, result) for rel in rels}
        whatif = WhatIf(lambda: SqlUnitOfWork(factory), instruments, settings.platform_fee_pct,
                        FeeSettings())  # fmt: skip
        assert len(rels) >= 8
        for rel in rels:
            ours = replay_of(whatif, rel, created[str(rel.id)], rel.net_allocated, run.end)
            assert ours == real[str(rel.id)], rel.id
        assert all(outcome["settlements"] for outcome in real.values())
        assert sum(len(outcome["decisions"]) for outcome in real.values()) > 50
    finally:
        engine.dispose()
