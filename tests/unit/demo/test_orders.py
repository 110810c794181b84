from decimal import Decimal

import pytest

from copytrade.demo import BTC_PERP, BTC_SPOT, DEMO_INSTRUMENTS_BY_SYMBOL, BotOrder
from copytrade.demo.orders import FLAT, LONG, SHORT, margin_qty, market_order, orders_toward
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.instruments import Side

D = Decimal
PERP = DEMO_INSTRUMENTS_BY_SYMBOL[BTC_PERP]  # lot 0.001, min 0.001 / 5 USDT, max 100
SPOT = DEMO_INSTRUMENTS_BY_SYMBOL[BTC_SPOT]  # lot 0.000001, min 5 USDT


@pytest.mark.parametrize(
    ("qty", "price", "expected"),
    [
        ("0.2479", "60000", "0.247"),  # rounded down to the lot step, never up
        ("0.001", "60000", "0.001"),  # exactly the minimum quantity (60 USDT)
        ("0.0009", "60000", None),  # rounds to 0
        ("0.001", "4000", None),  # 0.001 × 4000 = 4 USDT < min notional 5
        ("250", "60000", "100"),  # capped at the max quantity
    ],
)
def test_market_order_rounds_down_and_checks_minimums(
    qty: str, price: str, expected: str | None
) -> None:
    order = market_order(PERP, Side.BUY, D(qty), D(price), D(3))
    assert (order.qty if order else None) == (D(expected) if expected else None)


def test_margin_qty_is_margin_times_leverage_over_price() -> None:
    # 1000 margin × 3 / 60000 = 0.05
    assert margin_qty(D(1000), D(3), D(60000)) == D("0.05")
    assert margin_qty(D(0), D(3), D(60000)) == 0
    assert margin_qty(D(-5), D(3), D(60000)) == 0


@pytest.mark.parametrize(
    ("held", "direction", "expected"),
    [
        ("0", FLAT, []),
        ("0.5", LONG, []),  # already long: no resize
        ("-0.5", SHORT, []),
        ("0", LONG, [("buy", "0.2", False)]),
        ("0", SHORT, [("sell", "0.2", False)]),
        ("0.5", FLAT, [("sell", "0.5", True)]),
        ("-0.5", FLAT, [("buy", "0.5", True)]),
        ("0.5", SHORT, [("sell", "0.5", True), ("sell", "0.2", False)]),  # flip: close first
        ("-0.5", LONG, [("buy", "0.5", True), ("buy", "0.2", False)]),
        ("0.00005", SHORT, []),  # dust that cannot be closed blocks the flip
    ],
)
def test_orders_toward(held: str, direction: int, expected: list[tuple[str, str, bool]]) -> None:
    orders = orders_toward(PERP, D(held), direction, D(60000), D("0.2"), D(3))
    assert [(o.side.value, str(o.qty), o.reduce_only) for o in orders] == expected
    assert all(o.leverage == 3 and o.symbol == BTC_PERP for o in orders)


def test_a_close_still_goes_out_when_the_opening_is_too_small() -> None:
    orders = orders_toward(PERP, D("0.5"), SHORT, D(60000), D("0.00001"), D(3))
    assert [(o.side, o.qty, o.reduce_only) for o in orders] == [(Side.SELL, D("0.5"), True)]


def test_spot_order_on_its_finer_lot_step() -> None:
    # 1000 USDT / 60000 = 0.0166666… → 0.016666
    order = market_order(SPOT, Side.BUY, D(1000) / D(60000), D(60000), D(1))
    assert order is not None and order.qty == D("0.016666")


@pytest.mark.parametrize(
    ("qty", "leverage", "side", "message"),
    [
        ("0", "1", "buy", "quantity must be positive"),
        ("1", "0.5", "buy", "leverage must be >= 1"),
        ("1", "1", "hold", "side must be"),
    ],
)
def test_bot_order_refuses_bad_values(qty: str, leverage: str, side: str, message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        BotOrder(BTC_PERP, side, D(qty), D(leverage))  # type: ignore[arg-type]
