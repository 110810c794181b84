"""``bench fanout``'s bulk set-up leaves what N ``follow`` calls would, on both backends."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine

from copytrade.bench.floor import measure_floor
from copytrade.bench.population import ALLOCATION, PROVIDER, START, populate
from copytrade.domain.ledger import LedgerAccount
from copytrade.service_layer.reconcile import reconcile


def test_populated_followers_are_funded_followed_and_agree_with_the_venue(
    db_engine: Engine,
) -> None:
    chunks: list[int] = []
    population = populate(db_engine, 12, chunks.append)
    platform = population.platform
    assert sum(chunks) == 12
    with platform.uow() as uow:
        rels = uow.relationships.for_provider(str(PROVIDER))
        assert len(rels) == 12
        rel = rels[0]
        assert rel.net_allocated == rel.hwm == ALLOCATION
        assert uow.ledger.balance(LedgerAccount.allocation_cash(str(rel.id))) == ALLOCATION
        # The follower deposited the allocation and moved all of it into the copy.
        assert uow.ledger.balance(LedgerAccount.follower_free(str(rel.follower))) == 0
        assert set(uow.ledger.sum_by_currency().values()) == {Decimal(0)}
        series = uow.equity.series(rel.book)
        assert [(p.day, p.equity, p.net_flow) for p in series] == [
            (START.date(), ALLOCATION, ALLOCATION)
        ]
    report = reconcile(platform.uow, platform.venue, platform.clock.now)
    assert report.ok, report.differences
    assert report.books == 13  # the provider and its 12 copies


def test_the_floor_writes_its_rows_in_each_round(db_engine: Engine) -> None:
    samples = measure_floor(db_engine, 25, 2)
    assert len(samples) == 2 and all(ns > 0 for ns in samples)
    with db_engine.connect() as connection:
        for round_no in range(2):
            count = connection.exec_driver_sql(f"SELECT count(*) FROM floor_orders_{round_no}")
            assert count.scalar() == 25
