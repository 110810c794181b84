"""The fill stream resumes from a cursor, a restarted venue sees everything, errors are sorted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from copytrade.adapters.venues.errors import PermanentVenueError, TemporaryVenueError
from copytrade.adapters.venues.paper import PaperVenue
from copytrade.adapters.venues.paper.transaction import venue_transaction
from copytrade.domain.ids import ClientOrderId
from copytrade.domain.orders import OrderStatus
from tests.integration.venues.conftest import StepClock
from tests.unit.venues.instruments import INSTRUMENTS, PERP, SPOT, T0, req

D = Decimal


def test_fills_since_resumes_from_a_cursor(venue: PaperVenue) -> None:
    venue.deposit("alice", "USDT", D(1000))
    venue.set_price(SPOT.symbol, D(50000), T0)
    placed = [venue.place(req(f"o{i}", "buy", "0.001")) for i in range(3)]
    first, cursor = venue.fills_since(0, 2)
    rest, end = venue.fills_since(cursor, 10)
    assert [f.client_order_id for f in first + rest] == ["o0", "o1", "o2"]
    assert first + rest == [order.fills[0] for order in placed]
    assert 0 < cursor < end
    assert venue.fills_since(end, 10) == ([], end)  # nothing new: the cursor stays


def test_fills_since_leaves_out_the_skipped_fills_and_moves_past_them(venue: PaperVenue) -> None:
    venue.deposit("alice", "USDT", D(1000))
    venue.set_price(SPOT.symbol, D(50000), T0)
    placed = [venue.place(req(f"o{i}", "buy", "0.001")) for i in range(3)]
    whole, end = venue.fills_since(0, 10)
    skipped = {str(placed[0].fills[0].fill_id), str(placed[2].fills[0].fill_id)}
    assert venue.fills_since(0, 10, skipped.__contains__) == ([placed[1].fills[0]], end)
    # Every fill of the batch skipped: nothing returned, the cursor still past them all.
    assert venue.fills_since(0, 2, lambda _id: True) == ([], venue.fills_since(0, 2)[1])
    assert whole == [order.fills[0] for order in placed]


def test_a_restarted_venue_sees_the_same_orders_prices_and_balances(
    db_engine: Engine, venue: PaperVenue
) -> None:
    venue.deposit("alice", "USDT", D(1000))
    venue.set_price(SPOT.symbol, D(50000), T0)
    venue.set_price(PERP.symbol, D(40000), T0)
    filled = venue.place(req("o1", "sell", "0.01", symbol=PERP.symbol, leverage="20"))
    resting = venue.place(req("o2", "buy", "0.01", limit="49000"))

    restarted = PaperVenue(db_engine, INSTRUMENTS, StepClock(T0.replace(hour=1)))
    assert restarted.prices() == {SPOT.symbol: D(50000), PERP.symbol: D(40000)}
    assert restarted.get_order("alice", ClientOrderId("o1")) == filled
    assert restarted.get_order("alice", ClientOrderId("o2")) == resting
    assert restarted.positions("alice") == venue.positions("alice")
    assert restarted.balances("alice") == venue.balances("alice")
    # the resting order is still on the book of the new venue object
    (fill,) = restarted.set_price(SPOT.symbol, D(48000), T0)
    assert fill.client_order_id == "o2"
    order = venue.get_order("alice", ClientOrderId("o2"))
    assert order is not None and order.status is OrderStatus.FILLED


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (OperationalError("BEGIN", {}, Exception("database is locked")), TemporaryVenueError),
        (IntegrityError("INSERT", {}, Exception("duplicate key")), TemporaryVenueError),
        (ProgrammingError("SELECT", {}, Exception("no such table")), PermanentVenueError),
    ],
)
def test_database_errors_become_temporary_or_permanent_venue_errors(
    db_engine: Engine, error: Exception, expected: type[Exception]
) -> None:
    with pytest.raises(expected) as raised, venue_transaction(db_engine, write=True):
        raise error
    assert type(raised.value) is expected and raised.value.__cause__ is error
