"""Repositories round-trip domain objects exactly on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from copytrade.adapters.db.repositories.equity import EquitySnapshotRepository
from copytrade.adapters.db.repositories.instruments import (
    InstrumentRepository,
    UnknownInstrumentError,
)
from copytrade.adapters.db.repositories.trades import TradeRepository
from copytrade.domain.ids import AccountId
from copytrade.domain.statistics import EquityPoint, daily_returns
from copytrade.domain.trades import PositionSide, Trade

from .engine.harness import PERP


def test_instruments_round_trip(db_engine: Engine) -> None:
    with Session(db_engine) as session, session.begin():
        InstrumentRepository(session).save([PERP])
    with Session(db_engine) as session:
        repo = InstrumentRepository(session)
        assert repo.get(PERP.symbol) == PERP
        assert list(repo.all()) == [PERP.symbol]
        with pytest.raises(UnknownInstrumentError, match="DOGE/USDT"):
            repo.get("DOGE/USDT")


def test_trades_round_trip_in_close_order(db_engine: Engine) -> None:
    def trade(closed_day: int, pnl: str) -> Trade:
        return Trade(
            account=AccountId("prov-1"),
            symbol=PERP.symbol,
            side=PositionSide.SHORT,
            qty=D("0.5"),
            entry_price=D("60000"),
            exit_price=D("59000"),
            cost=D("30000"),
            pnl=D(pnl),
            fees=D("16.5"),
            opened_at=datetime(2026, 1, 1, tzinfo=UTC),
            closed_at=datetime(2026, 1, closed_day, tzinfo=UTC),
            leverage=D("5"),
        )

    later, earlier = trade(9, "483.5"), trade(3, "-12.25")
    with Session(db_engine) as session, session.begin():
        TradeRepository(session).add_many([later, earlier])
    with Session(db_engine) as session:
        repo = TradeRepository(session)
        assert repo.for_book("prov-1") == [earlier, later]
        assert repo.for_book("prov-1", closed_since=datetime(2026, 1, 5, tzinfo=UTC)) == [later]
        assert repo.for_book("someone-else") == []


def test_equity_snapshots_keep_flows_apart_from_returns(db_engine: Engine) -> None:
    with Session(db_engine) as session, session.begin():
        repo = EquitySnapshotRepository(session)
        repo.add_flow("f-1", date(2026, 1, 1), D("1000"))
        repo.record_close("f-1", date(2026, 1, 1), D("1010"))
        repo.add_flow("f-1", date(2026, 1, 2), D("500"))
        repo.record_close("f-1", date(2026, 1, 2), D("1540.2"))
    with Session(db_engine) as session:
        series = EquitySnapshotRepository(session).series("f-1")
    assert series == [
        EquityPoint(date(2026, 1, 1), D("1010"), D("1000")),
        EquityPoint(date(2026, 1, 2), D("1540.2"), D("500")),
    ]
    # Day 1: (1010 − 1000 − 0) / (0 + 1000) = 1 %; day 2: (1540.2 − 500 − 1010) / 1510 = 2 %.
    assert list(daily_returns(series).values) == [D("0.01"), D("0.02")]


def test_many_books_series_read_packed_equal_their_series_one_by_one(db_engine: Engine) -> None:
    """Written out of day order, with gaps and withdrawals; a book without points reads []."""
    days = {"a": [9, 2, 5, 1], "b": [3, 4, 1]}
    with Session(db_engine) as session, session.begin():
        repo = EquitySnapshotRepository(session)
        for book, offsets in days.items():
            for offset in offsets:
                repo.add_flow(book, date(2026, 1, offset), D(-offset) if offset % 2 else D(1000))
                repo.record_close(book, date(2026, 1, offset), D(f"{1000 + offset}.125"))
    with Session(db_engine) as session:
        repo = EquitySnapshotRepository(session)
        found = repo.series_of(["a", "b", "none"])
        one_by_one = {book: [p.row for p in repo.series(book)] for book in ("a", "b", "none")}
    assert found == one_by_one
    assert [day.day for day, _, _ in found["a"]] == [1, 2, 5, 9]
    assert found["b"][0] == (date(2026, 1, 1), D("1001.125"), D(-1))
    assert found["none"] == []


def test_a_day_close_of_many_books_is_one_upsert_that_keeps_the_days_flows(
    db_engine: Engine,
) -> None:
    day = date(2026, 1, 3)
    with Session(db_engine) as session, session.begin():
        repo = EquitySnapshotRepository(session)
        repo.add_flow("a", day, D("250"))  # a's day has a row (its flow) before the close
        repo.record_closes(day, {"a": D("1250.5"), "b": D("99.125")})
        assert repo.series("a") == [EquityPoint(day, D("1250.5"), D("250"))]  # read again
        repo.record_closes(day, {"b": D("98")})  # closed again: the equity is replaced
    with Session(db_engine) as session:
        repo = EquitySnapshotRepository(session)
        assert repo.series("a") == [EquityPoint(day, D("1250.5"), D("250"))]
        assert repo.series("b") == [EquityPoint(day, D("98"), D("0"))]
