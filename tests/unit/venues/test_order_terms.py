"""Order terms, pure: trigger rules, the depth walk and their ccxt params
(docs/venues.md "Trigger orders", "Depth", "Orders on a live exchange")."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from copytrade.adapters.venues.ccxt.order_params import order_params
from copytrade.adapters.venues.errors import PermanentVenueError
from copytrade.adapters.venues.order_terms import TimeInForce, Trigger, TriggerKind
from copytrade.adapters.venues.paper import depth
from copytrade.adapters.venues.paper.triggers import is_met, level, next_best
from copytrade.domain.depth import BookDepth
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.instruments import Side
from tests.unit.venues.instruments import PERP, req

D = Decimal
BUY, SELL = Side.BUY, Side.SELL


@pytest.mark.parametrize(
    ("kind", "side", "mark", "met"),
    [
        ("stop", SELL, "100", True),  # a sell stop at 100: the mark fell to it
        ("stop", SELL, "100.1", False),
        ("stop", BUY, "100", True),  # a buy stop: the mark rose to it
        ("stop", BUY, "99.9", False),
        ("take_profit", SELL, "100", True),  # a sell take-profit: the mark rose to it
        ("take_profit", SELL, "99.9", False),
        ("take_profit", BUY, "99.9", True),
        ("take_profit", BUY, "100.1", False),
    ],
)
def test_stop_and_take_profit_trigger_rules(kind: str, side: Side, mark: str, met: bool) -> None:
    trigger = Trigger(TriggerKind(kind), D(100))
    assert is_met(trigger, side, level(trigger, side, None), D(mark)) is met


def test_a_trailing_stop_trails_the_best_mark_by_distance_or_percent() -> None:
    by_distance = Trigger("trailing_stop", trail_distance=D(5))  # type: ignore[arg-type]
    best = next_best(by_distance, SELL, None, D(100))
    best = next_best(by_distance, SELL, best, D(110))
    best = next_best(by_distance, SELL, best, D(104))
    assert (best, level(by_distance, SELL, best)) == (D(110), D(105))
    assert not is_met(by_distance, SELL, D(105), D("105.1"))
    assert is_met(by_distance, SELL, D(105), D(105))
    by_percent = Trigger("trailing_stop", trail_percent=D(2))  # type: ignore[arg-type]
    low = next_best(by_percent, BUY, next_best(by_percent, BUY, None, D(100)), D(90))
    assert (low, level(by_percent, BUY, low)) == (D(90), D("91.8"))  # a buy trails the lowest
    assert level(by_percent, BUY, None) is None  # no mark yet: nothing to trail


@pytest.mark.parametrize(
    "build",
    [
        lambda: Trigger("stop"),  # type: ignore[arg-type]  # no price
        lambda: Trigger("stop", D(1), trail_percent=D(1)),  # type: ignore[arg-type]
        lambda: Trigger("trailing_stop", D(1)),  # type: ignore[arg-type]
        lambda: Trigger("trailing_stop", trail_distance=D(1), trail_percent=D(1)),  # type: ignore[arg-type]
        lambda: Trigger("trailing_stop", trail_percent=D(51)),  # type: ignore[arg-type]
        lambda: Trigger("stop", D(0)),  # type: ignore[arg-type]
        lambda: Trigger("stop-loss", D(1)),  # type: ignore[arg-type]
        lambda: TimeInForce.parse("day"),
        lambda: BookDepth(D(0), D(1)),
        lambda: BookDepth(D(1), D(1), 0),
        lambda: replace(PERP, depth=BookDepth(D("0.0005"), D("0.1"))),  # off the lot step
    ],
)
def test_malformed_terms_are_refused_with_a_message(build: object) -> None:
    with pytest.raises(InvalidValueError):
        build()  # type: ignore[operator]


def test_the_depth_walk() -> None:
    book = BookDepth(D(1), D("0.5"), 3)
    assert depth.take(None, BUY, D(7), D(100), None) == [(D(7), D(100))]  # unlimited
    assert depth.take(book, BUY, D("2.5"), D(100), None) == [
        (D(1), D(100)),
        (D(1), D("100.5")),
        (D("0.5"), D(101)),
    ]
    assert depth.take(book, SELL, D(5), D(100), None) == [
        (D(1), D(100)),
        (D(1), D("99.5")),
        (D(1), D(99)),
    ]  # 3 levels: 3 of 5
    assert depth.take(book, BUY, D(5), D(100), D("100.5")) == [(D(1), D(100)), (D(1), D("100.5"))]
    assert depth.take(book, BUY, D(5), D(100), D("99.5")) == []  # not marketable
    assert depth.resting_capacity(book) == D(3) and depth.resting_capacity(None) is None
    assert BookDepth.from_text(book.to_text()) == book and BookDepth.from_text("") is None


def test_ccxt_params_of_each_order_term() -> None:
    market = req("c", "sell", "0.1", symbol=PERP.symbol, reduce_only=True)
    limit = req("c", "buy", "0.1", symbol=PERP.symbol, limit="100")
    assert order_params(market, "x", is_spot=False) == {"clientOrderId": "x", "reduceOnly": True}
    assert order_params(market, "x", is_spot=True) == {"clientOrderId": "x"}
    assert order_params(limit, "x", False)["timeInForce"] == "IOC"  # a copy never rests
    assert (
        order_params(replace(limit, time_in_force=TimeInForce.FOK), "x", False)["timeInForce"]
        == "FOK"
    )
    assert order_params(replace(limit, post_only=True), "x", False) == {
        "clientOrderId": "x",
        "postOnly": True,
    }
    stop = replace(market, trigger=Trigger(TriggerKind.STOP, D("95.5")))
    assert order_params(stop, "x", False)["triggerPrice"] == "95.5"
    tp = replace(market, trigger=Trigger(TriggerKind.TAKE_PROFIT, D(120)))
    assert order_params(tp, "x", False)["takeProfitPrice"] == "120"
    trail = replace(market, trigger=Trigger(TriggerKind.TRAILING_STOP, trail_percent=D("1.5")))
    assert order_params(trail, "x", False)["trailingPercent"] == "1.5"
    by = replace(market, trigger=Trigger(TriggerKind.TRAILING_STOP, trail_distance=D(3)))
    assert order_params(by, "x", False)["trailingAmount"] == "3"
    trailing_limit = replace(limit, trigger=by.trigger)
    with pytest.raises(PermanentVenueError):
        order_params(trailing_limit, "x", False)
