"""Trade tallies kept per close day and in total equal the tallies of the trades.

Written a few trades at a time (as the ingestor books closing fills) on both
backends, and backfilled by migration 0010 from trades recorded before it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, column, delete, insert, table
from sqlalchemy.orm import Session

from copytrade.adapters.db.migrate import downgrade_database, upgrade_database
from copytrade.adapters.db.repositories.trade_tallies import TradeTallyRepository, tally_values
from copytrade.adapters.db.repositories.trades import TradeRepository
from copytrade.adapters.db.schema import (
    AccountRow,
    ProviderRow,
    TradeDayTallyRow,
    TradeRow,
    TradeTotalTallyRow,
)
from copytrade.domain.statistics import TradeTally
from copytrade.domain.trades import Trade
from copytrade.stats.inputs import TradeTallies
from tests.unit.domain.statistics.factories import trade

START = datetime(2026, 3, 1, tzinfo=UTC)
LAST_DAY = date(2026, 3, 12)
PROVIDER = "provider-1"  # the factory's account


@st.composite
def trades(draw: st.DrawFn) -> Trade:
    return trade(
        draw(st.integers(-900, 900)),
        cost=draw(st.integers(1, 3000)),
        closed=START + timedelta(minutes=draw(st.integers(0, 11 * 1440))),
        held=timedelta(seconds=draw(st.integers(0, 90_000))),
        leverage=draw(st.sampled_from(["1", "2.5", "10", "20"])),
        is_spot=draw(st.booleans()),
    )


def _stored(engine: Engine) -> tuple[dict[date, TradeTally], TradeTally]:
    with Session(engine) as session:
        repo = TradeTallyRepository(session)
        days = repo.windows_of([PROVIDER], date(2000, 1, 1))[PROVIDER]
        return days, repo.totals_of([PROVIDER])[PROVIDER]


def _values(tallies: dict[date, TradeTally]) -> dict[date, dict[str, object]]:
    return {day: tally_values(t) for day, t in tallies.items()}


def _assert_equal(engine: Engine, expected: TradeTallies) -> None:
    days, total = _stored(engine)
    assert _values(days) == _values(dict(expected.days))
    assert tally_values(total) == tally_values(expected.total)
    # And the statistics read from them are the same figures.
    assert total.stats() == expected.total.stats()


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=st.lists(st.lists(trades(), min_size=1, max_size=6), min_size=1, max_size=5))
def test_tallies_written_batch_by_batch_equal_the_trades_tallies(
    db_engine: Engine, batches: list[list[Trade]]
) -> None:
    with Session(db_engine) as session, session.begin():
        session.execute(delete(TradeDayTallyRow))
        session.execute(delete(TradeTotalTallyRow))
    for batch in batches:
        with Session(db_engine) as session, session.begin():
            TradeTallyRepository(session).add_trades(batch)
    everything = [t for batch in batches for t in batch]
    _assert_equal(db_engine, TradeTallies.of(everything, LAST_DAY))


_PROVIDER_COLUMNS_0009 = ("account_id", "share_pct", "settlement_period")


def test_migration_backfills_the_tallies_of_recorded_trades(db_engine: Engine) -> None:
    recorded = [
        trade(50, cost=1000, closed=START + timedelta(hours=3), leverage=2),
        trade(-150, cost=1500, closed=START + timedelta(days=1, hours=1)),
        trade("139.5", cost=1395, closed=START + timedelta(days=1, hours=9), is_spot=True),
        trade(0, cost=10, closed=START + timedelta(days=4), leverage="12.5"),
    ]
    downgrade_database(db_engine, "0009")
    with Session(db_engine) as session, session.begin():
        session.execute(
            insert(AccountRow),
            [{"id": PROVIDER, "display_name": "P", "is_provider": True, "created_at": START}],
        )
        # The providers table as it was at 0009: the model's later columns (and their
        # Python-side defaults, e.g. margin_mode) did not exist yet.
        now = ProviderRow.__table__.c
        old = table("providers", *(column(n, now[n].type) for n in _PROVIDER_COLUMNS_0009))
        session.execute(
            insert(old),
            [{"account_id": PROVIDER, "share_pct": Decimal(10), "settlement_period": "weekly"}],
        )
        TradeRepository(session).add_many(recorded)
        follower_trade = trade(1, closed=START)
        session.execute(insert(TradeRow), [{**_row_of(follower_trade), "book": "not-a-provider"}])
    upgrade_database(db_engine)
    _assert_equal(db_engine, TradeTallies.of(recorded, LAST_DAY))


def _row_of(t: Trade) -> dict[str, object]:
    return {
        "symbol": t.symbol, "side": t.side.value, "qty": t.qty, "entry_price": t.entry_price,
        "exit_price": t.exit_price, "cost": t.cost, "pnl": t.pnl, "fees": t.fees,
        "leverage": t.leverage, "is_spot": t.is_spot, "opened_at": t.opened_at,
        "closed_at": t.closed_at,
    }  # fmt: skip
