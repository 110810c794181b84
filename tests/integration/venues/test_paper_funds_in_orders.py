"""Funds in orders on the paper venue, on both backends (docs/venues.md "Funds in orders"):
a resting order keeps its hold out of the available balance until it fills or is
cancelled, and an order beyond the available balance is refused."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from copytrade.adapters.venues.errors import InsufficientFundsError
from copytrade.adapters.venues.order_terms import Trigger
from copytrade.adapters.venues.paper import PaperVenue
from copytrade.adapters.venues.port import RejectReason, VenueOrder
from copytrade.domain.ids import ClientOrderId
from copytrade.domain.orders import OrderStatus
from tests.integration.venues.conftest import StepClock
from tests.unit.venues.instruments import DEEP, PERP, SPOT, T0, req

D = Decimal
LATER = T0 + timedelta(hours=1)


@pytest.fixture
def venue(db_engine: Engine, clock: StepClock) -> PaperVenue:
    paper = PaperVenue(db_engine, (SPOT, PERP, DEEP), clock)
    paper.deposit("alice", "USDT", D(1000))
    for instrument, price in ((SPOT, 50000), (PERP, 50000), (DEEP, 2000)):
        paper.set_price(instrument.symbol, D(price), T0)
    return paper


def refused(order: VenueOrder) -> bool:
    return (order.status, order.reject_reason) == (
        OrderStatus.REJECTED,
        RejectReason.INSUFFICIENT_BALANCE,
    )


def test_a_spot_buy_keeps_its_cost_and_fee_until_cancelled(venue: PaperVenue) -> None:
    venue.place(req("o1", "buy", "0.01", limit="49000"))  # 490 + maker fee 0.49
    assert venue.in_orders("alice") == {"USDT": D("490.49")}
    assert venue.balances("alice") == {"USDT": D(1000)}  # the balance itself is untouched
    assert venue.withdrawable("alice", "USDT") == D("509.51")
    with pytest.raises(InsufficientFundsError):
        venue.withdraw("alice", "USDT", D(510))
    assert refused(venue.place(req("m1", "buy", "0.0105")))  # 525.525 > 509.51
    venue.cancel("alice", ClientOrderId("o1"))
    assert venue.in_orders("alice") == {}
    assert venue.place(req("m2", "buy", "0.0105")).status is OrderStatus.FILLED


def test_a_spot_sell_keeps_the_base_it_would_sell(venue: PaperVenue) -> None:
    venue.place(req("b", "buy", "0.019"))  # 950 + 0.95
    venue.place(req("s1", "sell", "0.015", limit="51000"))
    assert venue.in_orders("alice") == {"BTC": D("0.015")}
    assert refused(venue.place(req("s2", "sell", "0.005", limit="52000")))  # 0.004 left
    assert refused(venue.place(req("m1", "sell", "0.0041")))
    assert venue.place(req("m2", "sell", "0.004")).status is OrderStatus.FILLED
    venue.set_price(SPOT.symbol, D(51000), LATER)  # s1 fills: its hold pays for it
    order = venue.get_order("alice", ClientOrderId("s1"))
    assert order is not None and order.status is OrderStatus.FILLED
    assert venue.in_orders("alice") == {}


def test_a_perp_order_keeps_the_margin_of_its_opening_part_and_reduce_only_nothing(
    venue: PaperVenue, clock: StepClock
) -> None:
    p = PERP.symbol
    venue.place(req("o1", "buy", "0.1", symbol=p, limit="49000", leverage="10"))
    assert venue.in_orders("alice") == {"USDT": D("490.98")}  # 4900 / 10 + fee 0.98
    second = venue.place(req("o2", "buy", "0.11", symbol=p, limit="48000", leverage="10"))
    assert refused(second)  # 528 + 1.056 > 509.02 available
    venue.set_price(p, D(48900), clock())  # o1 fills at its limit, as maker
    assert venue.in_orders("alice") == {}
    assert venue.balances("alice") == {"USDT": D("509.02")}  # 1000 − 490 − 0.98
    venue.place(req("tp", "sell", "0.1", symbol=p, limit="52000", reduce_only=True))
    assert venue.in_orders("alice") == {}
    venue.place(req("close", "sell", "0.1", symbol=p, limit="52000", leverage="10"))
    assert venue.in_orders("alice") == {"USDT": D("1.04")}  # closes only: the fee


def test_a_partial_fill_releases_what_filled_and_keeps_the_rest(venue: PaperVenue) -> None:
    venue.deposit("alice", "USDT", D(9000))  # 10000; DEEP: no fees, 3 ETH a crossing
    venue.place(req("o1", "buy", "5", symbol=DEEP.symbol, limit="1990"))
    assert venue.in_orders("alice") == {"USDT": D(9950)}
    venue.set_price(DEEP.symbol, D(1980), LATER)  # 3 of 5 fill at 1990
    order = venue.get_order("alice", ClientOrderId("o1"))
    assert order is not None and order.status is OrderStatus.PARTIALLY_FILLED
    assert venue.in_orders("alice") == {"USDT": D(3980)}  # 2 × 1990
    # 10000 − 5970 margin − 30 unrealized loss (3 × (1990 − 1980)) − 3980 in orders
    assert venue.withdrawable("alice", "USDT") == D(20)
    venue.set_price(DEEP.symbol, D(1985), LATER + timedelta(minutes=1))  # the last 2
    assert venue.in_orders("alice") == {}


def test_a_stop_limit_keeps_nothing_while_waiting_and_its_hold_once_it_rests(
    venue: PaperVenue,
) -> None:
    stop_limit = replace(
        req("sl", "buy", "0.1", symbol=PERP.symbol, limit="50500", leverage="10"),
        trigger=Trigger("stop", D(51000)),
    )
    venue.place(stop_limit)
    assert venue.in_orders("alice") == {}
    venue.set_price(PERP.symbol, D(51000), LATER)  # fires; the limit is below: it rests
    assert venue.in_orders("alice") == {"USDT": D("506.01")}  # 5050 / 10 + fee 1.01


def test_a_flip_must_hold_the_margin_of_its_opening_part(venue: PaperVenue) -> None:
    p = PERP.symbol
    venue.place(req("long", "buy", "0.1", symbol=p, leverage="10"))  # 500 + taker fee 2.5
    # Selling 0.3 at 51000 closes 0.1 and opens 0.2: 0.2 × 51000 / 10 + fee 3.06 = 1023.06
    # must fit in the 497.5 available, though its dry run (the close's released margin and
    # profit counted) would pass.
    flip = venue.place(req("flip", "sell", "0.3", symbol=p, limit="51000", leverage="10"))
    assert refused(flip)
    assert flip.reason is not None and flip.reason == (
        "cannot keep 1023.06 USDT in orders: available balance of alice is 497.5 USDT "
        "(0 already in orders)"
    )
    assert venue.in_orders("alice") == {}
