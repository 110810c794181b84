"""Trigger orders, time in force, post-only and depth on the paper venue, on both backends
(docs/venues.md "Trigger orders", "Order terms", "Depth")."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from copytrade.adapters.venues.order_terms import TimeInForce, Trigger, TriggerStatus
from copytrade.adapters.venues.paper import PaperVenue
from copytrade.adapters.venues.port import OrderRequest, RejectReason
from copytrade.domain.ids import ClientOrderId
from copytrade.domain.order_events import Liquidity
from copytrade.domain.orders import OrderStatus
from tests.integration.venues.conftest import StepClock
from tests.unit.venues.instruments import DEEP, PERP, SPOT, T0, req

D = Decimal


@pytest.fixture
def venue(db_engine: Engine) -> PaperVenue:
    paper = PaperVenue(db_engine, (SPOT, PERP, DEEP), StepClock())
    paper.deposit("alice", "USDT", D(100000))
    paper.set_price(PERP.symbol, D(50000), T0)
    paper.set_price(DEEP.symbol, D(2000), T0)
    return paper


def at(minute: int) -> datetime:
    """A mark time after the orders (the step clock gives them seconds after T0)."""
    return T0 + timedelta(hours=1, minutes=minute)


def with_terms(request: OrderRequest, **terms: object) -> OrderRequest:
    return replace(request, **terms)  # type: ignore[arg-type]


def perp(cid: str, side: str, qty: str, **kw: object) -> OrderRequest:
    return req(cid, side, qty, symbol=PERP.symbol, **kw)  # type: ignore[arg-type]


def test_a_stop_market_waits_then_fills_at_the_mark_that_met_it(venue: PaperVenue) -> None:
    venue.place(perp("long", "buy", "0.1", leverage="10"))
    stop = venue.place(
        with_terms(perp("sl", "sell", "0.1", reduce_only=True), trigger=Trigger("stop", D(49000)))
    )
    assert (stop.status, stop.fills, stop.trigger_status) == (
        OrderStatus.ACCEPTED,
        (),
        TriggerStatus.PENDING,
    )
    assert venue.set_price(PERP.symbol, D("49000.1"), at(1)) == []  # above the stop: waits
    (fill,) = venue.set_price(PERP.symbol, D(48900), at(2))
    assert (fill.qty, fill.price, fill.liquidity) == (D("0.1"), D(48900), Liquidity.TAKER)
    order = venue.get_order("alice", ClientOrderId("sl"))
    assert order is not None and order.status is OrderStatus.FILLED
    assert order.trigger == Trigger("stop", D(49000))
    assert order.trigger_status is TriggerStatus.TRIGGERED
    assert venue.positions("alice") == []
    assert venue.set_price(PERP.symbol, D(48000), at(3)) == []  # fired once


def test_a_stop_already_met_is_refused_and_so_is_a_reduce_only_one_without_position(
    venue: PaperVenue,
) -> None:
    at_once = venue.place(with_terms(perp("s1", "sell", "0.1"), trigger=Trigger("stop", D(51000))))
    assert at_once.reject_reason is RejectReason.INVALID_TRIGGER
    assert at_once.reason is not None and "would trigger at once" in at_once.reason
    flat = venue.place(
        with_terms(perp("s2", "sell", "0.1", reduce_only=True), trigger=Trigger("stop", D(49000)))
    )
    assert flat.reject_reason is RejectReason.REDUCE_ONLY_WOULD_INCREASE
    off_tick = venue.place(
        with_terms(perp("s3", "sell", "0.1"), trigger=Trigger("stop", D("49000.05")))
    )
    assert off_tick.reject_reason is RejectReason.INVALID_TRIGGER
    again = venue.place(with_terms(perp("s1", "sell", "0.1"), trigger=Trigger("stop", D(1))))
    assert again == at_once  # a refused client order id answers the same refusal


def test_take_profit_fires_when_the_mark_rises_and_a_stop_limit_rests_at_its_limit(
    venue: PaperVenue,
) -> None:
    venue.place(perp("long", "buy", "0.2", leverage="10"))
    venue.place(
        with_terms(
            perp("tp", "sell", "0.1", reduce_only=True), trigger=Trigger("take_profit", D(52000))
        )
    )
    # A stop-limit buy: triggers at 51000, then a limit buy at 50900 rests (not marketable).
    venue.place(
        with_terms(perp("sl", "buy", "0.1", limit="50900"), trigger=Trigger("stop", D(51000)))
    )
    assert venue.set_price(PERP.symbol, D(51500), at(4)) == []  # the stop fired; its limit rests
    limit = venue.get_order("alice", ClientOrderId("sl"))
    assert limit is not None and limit.status is OrderStatus.ACCEPTED
    assert limit.trigger_status is TriggerStatus.TRIGGERED
    (tp_fill,) = venue.set_price(PERP.symbol, D(52100), at(5))
    assert (tp_fill.client_order_id, tp_fill.price) == ("tp", D(52100))
    (limit_fill,) = venue.set_price(PERP.symbol, D(50800), at(6))
    assert (limit_fill.client_order_id, limit_fill.price, limit_fill.liquidity) == (
        "sl",
        D(50900),
        Liquidity.MAKER,
    )


def test_a_trailing_stop_follows_the_best_mark_since_placement(venue: PaperVenue) -> None:
    venue.place(perp("long", "buy", "0.1", leverage="10"))
    venue.place(
        with_terms(
            perp("trail", "sell", "0.1", reduce_only=True),
            trigger=Trigger("trailing_stop", trail_percent=D(2)),
        )
    )
    # best 50000 → level 49000; the mark rises to 52000 → level 50960.
    assert venue.set_price(PERP.symbol, D(52000), at(7)) == []
    assert venue.set_price(PERP.symbol, D(51000), at(8)) == []  # above 50960
    (fill,) = venue.set_price(PERP.symbol, D(50960), at(9))
    assert (fill.client_order_id, fill.price) == ("trail", D(50960))


def test_a_cancelled_trigger_never_fires_and_a_reduce_only_one_is_refused_when_it_fires(
    venue: PaperVenue,
) -> None:
    venue.place(perp("long", "buy", "0.1", leverage="10"))
    venue.place(with_terms(perp("a", "sell", "0.1"), trigger=Trigger("stop", D(49000))))
    venue.place(
        with_terms(perp("b", "sell", "0.1", reduce_only=True), trigger=Trigger("stop", D(48000)))
    )
    cancelled = venue.cancel("alice", ClientOrderId("a"))
    assert (cancelled.status, cancelled.trigger_status) == (
        OrderStatus.CANCELLED,
        TriggerStatus.CANCELLED,
    )
    venue.place(perp("close", "sell", "0.1", reduce_only=True))  # flat again
    assert venue.set_price(PERP.symbol, D(47000), at(10)) == []
    refused = venue.get_order("alice", ClientOrderId("b"))
    assert refused is not None and refused.reject_reason is RejectReason.REDUCE_ONLY_WOULD_INCREASE
    assert venue.positions("alice") == []


def test_triggers_fired_into_too_little_cash_or_a_post_only_take_end_rejected(
    venue: PaperVenue,
) -> None:
    """docs/venues.md "Fired into a refusal": triggered, the order rejected, nothing filled."""
    venue.place(  # 10 BTC at 51,000 at 1x: 510,000 > the 100,000 of cash
        with_terms(perp("big", "buy", "10"), trigger=Trigger("stop", D(51000)))
    )
    venue.place(  # a buy stop-limit at 51,200, post-only: the 51,100 mark makes it take
        with_terms(
            perp("po", "buy", "0.1", limit="51200"), trigger=Trigger("stop", D(51000)),
            post_only=True,
        )
    )  # fmt: skip
    assert venue.set_price(PERP.symbol, D(51100), at(1)) == []
    for cid, why in (("big", RejectReason.INSUFFICIENT_BALANCE),
                     ("po", RejectReason.POST_ONLY_WOULD_TAKE)):  # fmt: skip
        order = venue.get_order("alice", ClientOrderId(cid))
        assert order is not None and order.reject_reason is why, order
        assert (order.status, order.trigger_status) == (
            OrderStatus.REJECTED, TriggerStatus.TRIGGERED
        )  # fmt: skip
    assert venue.positions("alice") == []
    assert venue.set_price(PERP.symbol, D(52000), at(2)) == []  # never fires again


def test_time_in_force_and_post_only(venue: PaperVenue) -> None:
    ioc = venue.place(with_terms(perp("ioc", "buy", "0.1", limit="49000"), time_in_force="ioc"))
    assert (ioc.status, ioc.fills) == (OrderStatus.CANCELLED, ())
    maker = venue.place(with_terms(perp("po", "buy", "0.1", limit="49000"), post_only=True))
    assert maker.status is OrderStatus.ACCEPTED
    taker = venue.place(with_terms(perp("po2", "buy", "0.1", limit="50100"), post_only=True))
    assert taker.reject_reason is RejectReason.POST_ONLY_WOULD_TAKE
    fok = venue.place(
        with_terms(perp("fok", "buy", "0.1", limit="50100"), time_in_force=TimeInForce.FOK)
    )
    assert fok.status is OrderStatus.FILLED  # no depth model: all of it at the mark


def test_depth_a_large_market_order_fills_level_by_level(venue: PaperVenue) -> None:
    order = venue.place(req("m", "buy", "2.5", symbol=DEEP.symbol))
    assert [(f.qty, f.price) for f in order.fills] == [
        (D(1), D(2000)),
        (D(1), D(2001)),
        (D("0.5"), D(2002)),
    ]
    assert [f.fill_id for f in order.fills] == [f"{order.venue_order_id}-{n}" for n in (1, 2, 3)]
    assert (order.status, order.avg_fill_price) == (OrderStatus.FILLED, D("2000.8"))
    thin = venue.place(req("m2", "sell", "4", symbol=DEEP.symbol))  # 3 levels: 3 of 4
    assert (thin.status, thin.filled_qty) == (OrderStatus.CANCELLED, D(3))
    assert thin.reason is not None and "1 of 4" in thin.reason


def test_depth_a_limit_order_takes_to_its_limit_then_rests_and_fills_in_parts(
    venue: PaperVenue,
) -> None:
    order = venue.place(req("l", "buy", "5", symbol=DEEP.symbol, limit="2001"))
    venue.place(req("l2", "buy", "1", symbol=DEEP.symbol, limit="1999"))  # rests behind it
    assert [(f.qty, f.price) for f in order.fills] == [(D(1), D(2000)), (D(1), D(2001))]
    assert (order.status, order.filled_qty) == (OrderStatus.PARTIALLY_FILLED, D(2))
    fok = venue.place(
        with_terms(req("f", "buy", "5", symbol=DEEP.symbol, limit="2005"), time_in_force="fok")
    )
    assert (fok.status, fok.fills) == (OrderStatus.CANCELLED, ())  # 3 at most: killed
    # A crossing price gives resting orders one side of the book: 3 per price.
    (part,) = venue.set_price(DEEP.symbol, D(1999), at(11))
    assert (part.qty, part.price, part.liquidity) == (D(3), D(2001), Liquidity.MAKER)
    later = venue.get_order("alice", ClientOrderId("l2"))
    assert later is not None and later.status is OrderStatus.ACCEPTED  # the depth went to "l"
    done = venue.get_order("alice", ClientOrderId("l"))
    assert done is not None and done.status is OrderStatus.FILLED and len(done.fills) == 3
    (position,) = venue.positions("alice")
    assert (position.qty, position.avg_entry_price) == (D(5), D("2000.8"))


def test_depth_depletes_across_calls_and_refills_at_the_next_price(venue: PaperVenue) -> None:
    first = venue.place(req("d1", "buy", "1.5", symbol=DEEP.symbol))
    second = venue.place(req("d2", "buy", "1", symbol=DEEP.symbol))  # another transaction
    assert [(f.qty, f.price) for f in first.fills] == [(D(1), D(2000)), (D("0.5"), D(2001))]
    assert [(f.qty, f.price) for f in second.fills] == [(D("0.5"), D(2001)), (D("0.5"), D(2002))]
    venue.set_price(DEEP.symbol, D(2000), at(1))  # a new price moment: the whole book again
    again = venue.place(req("d3", "buy", "1", symbol=DEEP.symbol))
    assert [(f.qty, f.price) for f in again.fills] == [(D(1), D(2000))]
