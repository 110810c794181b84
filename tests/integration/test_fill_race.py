"""Two connections booking the same fills at once (docs/deploy.md, "API servers"): the
relay reading the venue's stream and a worker booking its copy's answer. Neither fails on
the fills' unique key, and each fill is returned, so booked, by exactly one of them."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Engine, func, select

from copytrade.adapters.db.engine import make_session_factory
from copytrade.adapters.db.repositories.fills import FillRepository
from copytrade.adapters.db.repositories.instruments import InstrumentRepository
from copytrade.adapters.db.repositories.orders import OrderIntent, OrderRepository
from copytrade.adapters.db.schema import FillRow
from copytrade.demo.instruments import DEMO_INSTRUMENTS
from copytrade.domain.ids import AccountId, ClientOrderId, FillId, OrderId
from copytrade.domain.instruments import Side
from copytrade.domain.order_events import Fill, Liquidity

NOW = datetime(2026, 12, 4, tzinfo=UTC)
ORDER = "o-race"
SYMBOL = DEMO_INSTRUMENTS[0].symbol


def _fill(number: int) -> Fill:
    return Fill(
        fill_id=FillId(f"f-{number:04d}"), order_id=OrderId(ORDER),
        client_order_id=ClientOrderId(ORDER), account=AccountId("book-1"), symbol=SYMBOL,
        side=Side.BUY, qty=Decimal("0.001"), price=Decimal("50000.5"), fee=Decimal("0.01"),
        liquidity=Liquidity.TAKER, ts=NOW,
    )  # fmt: skip


def _with_order(engine: Engine) -> None:
    with make_session_factory(engine).begin() as session:
        InstrumentRepository(session).save(DEMO_INSTRUMENTS)
        OrderRepository(session).add_intents([
            OrderIntent(client_order_id=ORDER, book="book-1", symbol=SYMBOL, side="buy",
                        type="market", qty=Decimal(1), leverage=Decimal(1), created_at=NOW)
        ])  # fmt: skip


def _stored(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(FillRow)).scalar_one())


def test_the_second_booking_waits_and_gets_only_what_it_stored(db_engine: Engine) -> None:
    _with_order(engine=db_engine)
    factory = make_session_factory(db_engine)
    second: list[Fill] = []
    errors: list[BaseException] = []

    def book_second() -> None:
        try:
            with factory.begin() as session:
                second.extend(FillRepository(session).add_new([_fill(3), _fill(2)]))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    with factory.begin() as session:
        first = FillRepository(session).add_new([_fill(1), _fill(2)])
        racer = threading.Thread(target=book_second)
        racer.start()  # blocks on fill 2 (PostgreSQL) or the write lock (SQLite)
        racer.join(timeout=0.5)
        assert racer.is_alive()
    racer.join(timeout=30)
    assert not errors
    assert [f.fill_id for f in first] == ["f-0001", "f-0002"]
    assert [f.fill_id for f in second] == ["f-0003"]
    assert _stored(db_engine) == 3


def test_two_connections_racing_over_overlapping_batches_book_each_fill_once(
    db_engine: Engine,
) -> None:
    _with_order(engine=db_engine)
    factory = make_session_factory(db_engine)
    rounds, size = 20, 30
    start = threading.Barrier(2)
    booked: Counter[str] = Counter()
    errors: list[BaseException] = []

    def book(batches: Sequence[list[Fill]]) -> None:
        try:
            for batch in batches:
                start.wait(timeout=30)
                with factory.begin() as session:
                    booked.update(str(f.fill_id) for f in FillRepository(session).add_new(batch))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    # Each round both book the same fills, in opposite orders, plus some of their own.
    shared = [[_fill(r * 100 + i) for i in range(size)] for r in range(rounds)]
    mine = [[*b, _fill(5000 + r)] for r, b in enumerate(shared)]
    theirs = [[*reversed(b), _fill(6000 + r)] for r, b in enumerate(shared)]
    threads = [threading.Thread(target=book, args=(side,)) for side in (mine, theirs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert len(booked) == rounds * (size + 2)
    assert set(booked.values()) == {1}
    assert _stored(db_engine) == rounds * (size + 2)


def test_fresh_fills_and_a_batch_with_known_ones_store_the_same_rows(db_engine: Engine) -> None:
    """SQLite stores an all-new batch without RETURNING (docs/engine.md "The lean path");
    a batch with a known fill falls back to the RETURNING insert: the same rows either way."""
    _with_order(engine=db_engine)
    with make_session_factory(db_engine).begin() as session:
        fills = FillRepository(session)
        assert fills.add_new([_fill(2), _fill(1)]) == [_fill(2), _fill(1)]
        assert fills.add_new([_fill(2), _fill(3)]) == [_fill(3)]
        assert fills.add_new([_fill(1)]) == []
    with db_engine.connect() as conn:
        rows = conn.execute(
            select(FillRow.fill_id, FillRow.order_id, FillRow.book, FillRow.side, FillRow.qty,
                   FillRow.price, FillRow.fee, FillRow.liquidity, FillRow.ts)
            .order_by(FillRow.fill_id)
        ).all()  # fmt: skip
    assert [tuple(r) for r in rows] == [
        (f"f-{n:04d}", ORDER, "book-1", "buy", Decimal("0.001"), Decimal("50000.5"),
         Decimal("0.01"), "taker", NOW)
        for n in (1, 2, 3)
    ]  # fmt: skip
