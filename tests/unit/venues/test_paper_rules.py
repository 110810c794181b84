"""The paper venue's pure rules: validation, marketability, fees, margin, reduce-only."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from copytrade.adapters.venues.paper.rules import (
    Rejection,
    Ticket,
    check_request,
    fee_for,
    is_marketable,
    locked_margin,
    reduce_only_violation,
)
from copytrade.adapters.venues.port import RejectReason
from copytrade.domain.instruments import Instrument, Side
from copytrade.domain.order_events import Liquidity
from copytrade.domain.positions import Position
from tests.unit.domain.fills_factory import ACCOUNT, fill
from tests.unit.venues.instruments import PERP, SPOT, T0, req

D = Decimal


@pytest.mark.parametrize(
    ("side", "limit", "price", "marketable"),
    [
        (Side.BUY, "100", "99", True),  # a buy limit above the price trades now
        (Side.BUY, "100", "100", True),
        (Side.BUY, "100", "101", False),
        (Side.SELL, "100", "101", True),
        (Side.SELL, "100", "100", True),
        (Side.SELL, "100", "99", False),
    ],
)
def test_marketable(side: Side, limit: str, price: str, marketable: bool) -> None:
    assert is_marketable(side, D(limit), D(price)) is marketable


@pytest.mark.parametrize(
    ("instrument", "notional", "liquidity", "fee"),
    [
        (SPOT, "500", Liquidity.TAKER, "0.5"),  # 500 × 0.001
        (PERP, "5000", Liquidity.TAKER, "2.5"),  # 5000 × 0.0005
        (PERP, "5000", Liquidity.MAKER, "1"),  # 5000 × 0.0002
        (PERP, "0.123456789", Liquidity.TAKER, "0.00006172"),  # 0.0000617283945 rounded down
    ],
)
def test_fee_is_the_rate_rounded_down_to_the_quote_unit(
    instrument: Instrument, notional: str, liquidity: Liquidity, fee: str
) -> None:
    assert fee_for(instrument, D(notional), liquidity) == D(fee)


def test_a_rebate_rate_charges_no_fee() -> None:
    rebate = replace(PERP, maker_fee=D("-0.0001"))
    assert fee_for(rebate, D(5000), Liquidity.MAKER) == 0


def test_perp_margin_is_rounded_up_and_spot_locks_the_cost() -> None:
    perp = Position(ACCOUNT, PERP, D(3))
    perp.apply_fill(fill("buy", "0.001", "100", on=PERP))
    # cost 0.1; 0.1 / 3 = 0.0333… → 0.03333334 (up, to the USDT unit)
    assert locked_margin(perp) == D("0.03333334")
    spot = Position(ACCOUNT, SPOT)
    spot.apply_fill(fill("buy", "0.0001", "100.01", on=SPOT))
    assert locked_margin(spot) == D("0.010001")


@pytest.mark.parametrize(
    ("held", "side", "qty", "allowed"),
    [
        ("0.02", Side.SELL, "0.02", True),  # closes the long
        ("0.02", Side.SELL, "0.01", True),
        ("0.02", Side.SELL, "0.03", False),  # would flip
        ("0.02", Side.BUY, "0.01", False),  # would add
        ("-0.02", Side.BUY, "0.02", True),
        ("0", Side.BUY, "0.01", False),  # flat: anything opens
    ],
)
def test_reduce_only(held: str, side: Side, qty: str, allowed: bool) -> None:
    position = Position(ACCOUNT, PERP)
    if D(held):
        sign = "buy" if D(held) > 0 else "sell"
        position.apply_fill(fill(sign, abs(D(held)), "100", on=PERP))
    assert (reduce_only_violation(position, side, D(qty)) is None) is allowed


def test_check_request_decides_how_the_order_executes() -> None:
    taker = check_request(req("a", "buy", "0.01", limit="50500"), SPOT, D(50000), T0)
    maker = check_request(req("b", "buy", "0.01", limit="49000"), SPOT, D(50000), T0)
    no_price = check_request(req("c", "buy", "0.01", limit="49000"), SPOT, None, T0)
    capped = check_request(req("d", "buy", "0.01", symbol=PERP.symbol, leverage="80"), PERP,
                           D(50000), T0)  # fmt: skip
    assert isinstance(taker, Ticket) and isinstance(maker, Ticket)
    assert (taker.price, taker.liquidity, taker.rests) == (D(50000), Liquidity.TAKER, False)
    assert (maker.price, maker.liquidity, maker.rests) == (D(49000), Liquidity.MAKER, True)
    assert isinstance(no_price, Ticket) and no_price.rests  # a limit rests without a price
    assert isinstance(capped, Ticket) and capped.leverage == D(50)  # the instrument's max


def test_market_order_with_a_limit_price_is_an_invalid_price() -> None:
    request = replace(req("a", "buy", "0.01"), limit_price=D(1))  # type stays market
    bad = check_request(request, SPOT, D(50000), T0)
    assert isinstance(bad, Rejection) and bad.reason is RejectReason.INVALID_PRICE
