"""``bench stats`` data as the platform reads it back, on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine

from copytrade.adapters.db.engine import make_session_factory
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.bench.stats_data import INSTRUMENTS, StatsDataConfig, generate
from copytrade.bench.stats_load import load_stats_data, relationship_id
from copytrade.domain.copying import RelationshipStatus
from copytrade.domain.ledger import LedgerAccount

CONFIG = StatsDataConfig(providers=7, trades=40, days=20)


def test_the_loaded_records_read_back_as_generated_and_the_ledger_balances(
    db_engine: Engine,
) -> None:
    factory = make_session_factory(db_engine)
    chunks: list[int] = []
    loaded = load_stats_data(factory, CONFIG, chunks.append)
    records = list(generate(CONFIG))
    assert sum(chunks) == loaded.providers == 7
    assert loaded.trades == 7 * 40
    assert loaded.relationships == sum(len(r.followers) for r in records)
    with SqlUnitOfWork(factory, INSTRUMENTS) as uow:
        assert uow.accounts.provider_ids() == {r.provider for r in records}
        for record in records:
            assert uow.trades.for_book(record.provider) == record.trades
            assert uow.equity.series(record.provider) == record.equity
            assert uow.accounts.terms(record.provider).share_pct == record.share_pct
            # The provider's cash is its deposit plus its trades' realized PnL.
            free = uow.ledger.balance(LedgerAccount.follower_free(record.provider))
            assert free == record.equity[-1].equity
            rels = {str(rel.id): rel for rel in uow.relationships.for_provider(record.provider)}
            assert len(rels) == len(record.followers)
            for follower in record.followers:
                rel = rels[relationship_id(record.provider, follower)]
                assert rel.state.status is RelationshipStatus(follower.status)
                assert rel.net_allocated == follower.allocation
                cash = uow.ledger.balance(LedgerAccount.allocation_cash(str(rel.id)))
                assert cash == follower.allocation + follower.pnl
        assert all(total == Decimal(0) for total in uow.ledger.sum_by_currency().values())
