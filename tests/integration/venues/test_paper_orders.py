"""Limit orders, cancels, rejections and duplicate client order ids on the paper venue."""

from __future__ import annotations

from decimal import Decimal

import pytest

from copytrade.adapters.venues.errors import OrderNotCancellableError, UnknownOrderError
from copytrade.adapters.venues.paper import PaperVenue
from copytrade.adapters.venues.port import OrderRequest, RejectReason
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import ClientOrderId
from copytrade.domain.order_events import Liquidity
from copytrade.domain.orders import OrderStatus
from tests.unit.venues.instruments import PERP, SPOT, T0, req

D = Decimal


@pytest.fixture
def funded(venue: PaperVenue) -> PaperVenue:
    venue.deposit("alice", "USDT", D(1000))
    venue.set_price(SPOT.symbol, D(50000), T0)
    venue.set_price(PERP.symbol, D(50000), T0)
    return venue


def test_limit_buy_rests_then_fills_as_maker_when_the_price_crosses_down(
    funded: PaperVenue,
) -> None:
    resting = funded.place(req("o1", "buy", "0.01", limit="49000"))
    assert resting.status is OrderStatus.ACCEPTED and resting.fills == ()
    assert funded.set_price(SPOT.symbol, D(49500), T0) == []  # not crossed yet
    (fill,) = funded.set_price(SPOT.symbol, D(48900), T0)
    # at its limit 49000, not at 48900: notional 490, maker fee 0.49
    assert (fill.price, fill.fee, fill.liquidity) == (D(49000), D("0.49"), Liquidity.MAKER)
    order = funded.get_order("alice", ClientOrderId("o1"))
    assert order is not None and order.status is OrderStatus.FILLED and order.fills == (fill,)
    assert funded.balances("alice") == {"USDT": D("509.51"), "BTC": D("0.01")}


def test_marketable_limit_fills_at_once_at_the_price_in_force(funded: PaperVenue) -> None:
    order = funded.place(req("o1", "buy", "0.01", limit="50500"))
    # taker at 50000 (better than its limit): 500 + fee 0.5
    assert order.status is OrderStatus.FILLED
    assert (order.avg_fill_price, order.fills[0].liquidity) == (D(50000), Liquidity.TAKER)
    assert funded.balances("alice") == {"USDT": D("499.5"), "BTC": D("0.01")}


def test_a_second_resting_order_beyond_the_funds_in_orders_is_refused(funded: PaperVenue) -> None:
    # Before funds in orders (docs/venues.md), o2 was accepted too and cancelled when the
    # price crossed both: the book had promised 1186 USDT of its 1000.
    funded.place(req("o1", "buy", "0.015", limit="49000"))  # keeps 735 + fee 0.735 in orders
    second = funded.place(req("o2", "buy", "0.01", limit="45000"))  # 450.45 > 264.265 left
    assert (second.status, second.reject_reason) == (
        OrderStatus.REJECTED,
        RejectReason.INSUFFICIENT_BALANCE,
    )
    assert second.reason is not None and "(735.735 in orders)" in second.reason
    funded.set_price(SPOT.symbol, D(44000), T0)  # o1 fills at its limit
    assert funded.balances("alice")["USDT"] == D("264.265")  # 1000 − 735 − 0.735


def test_cancel_a_resting_order_then_the_price_crossing_fills_nothing(funded: PaperVenue) -> None:
    funded.place(req("o1", "sell", "0.01", symbol=PERP.symbol, limit="51000"))
    cancelled = funded.cancel("alice", ClientOrderId("o1"))
    assert cancelled.status is OrderStatus.CANCELLED
    assert funded.cancel("alice", ClientOrderId("o1")) == cancelled  # again: unchanged
    assert funded.set_price(PERP.symbol, D(52000), T0) == []
    assert funded.positions("alice") == []


def test_cancel_of_a_filled_or_unknown_order_is_refused(funded: PaperVenue) -> None:
    funded.place(req("o1", "buy", "0.01"))
    with pytest.raises(OrderNotCancellableError, match="o1 of alice is filled"):
        funded.cancel("alice", ClientOrderId("o1"))
    with pytest.raises(UnknownOrderError, match="nope"):
        funded.cancel("alice", ClientOrderId("nope"))


@pytest.mark.parametrize(
    ("request_", "reason", "named"),
    [
        (req("r1", "buy", "0.01", symbol="DOGE/USDT"), RejectReason.UNKNOWN_SYMBOL, "DOGE/USDT"),
        # 0.0001 × 50000 = 5 USDT < min notional 10
        (req("r2", "buy", "0.0001"), RejectReason.BELOW_MINIMUM, "notional 10"),
        (req("r3", "buy", "0.00015"), RejectReason.INVALID_QUANTITY, "0.00015"),
        (req("r4", "buy", "0"), RejectReason.INVALID_QUANTITY, "got 0"),
        (req("r5", "buy", "101"), RejectReason.INVALID_QUANTITY, "101"),
        (req("r6", "buy", "0.01", limit="49000.005"), RejectReason.INVALID_PRICE, "49000.005"),
        (req("r7", "buy", "0.01", limit="-1"), RejectReason.INVALID_PRICE, "-1"),
        (
            req("r8", "buy", "0.01", symbol=PERP.symbol, leverage="0.5"),
            RejectReason.INVALID_LEVERAGE,
            "0.5",
        ),
        (
            req("r9", "buy", "0.01", symbol=PERP.symbol, reduce_only=True),
            RejectReason.REDUCE_ONLY_WOULD_INCREASE,
            "position of 0",
        ),
        (req("r10", "buy", "1"), RejectReason.INSUFFICIENT_BALANCE, "free cash of alice"),
    ],
)
def test_rejections_name_the_offending_value_and_change_nothing(
    funded: PaperVenue, request_: OrderRequest, reason: RejectReason, named: str
) -> None:
    order = funded.place(request_)
    assert order.status is OrderStatus.REJECTED and order.reject_reason is reason
    assert order.reason is not None and named in order.reason
    assert funded.balances("alice") == {"USDT": D(1000)}
    assert funded.fills_since(0, 10) == ([], 0)
    assert funded.get_order("alice", request_.client_order_id) == order  # stored as answered


def test_market_order_without_a_price_in_force_is_rejected(venue: PaperVenue) -> None:
    venue.deposit("alice", "USDT", D(1000))
    order = venue.place(req("o1", "buy", "0.01"))
    assert order.reject_reason is RejectReason.NO_MARKET_PRICE


def test_the_same_client_order_id_returns_the_existing_order(funded: PaperVenue) -> None:
    first = funded.place(req("o1", "buy", "0.01"))
    again = funded.place(req("o1", "buy", "0.02"))  # same id, whatever it now asks
    assert again == first
    assert funded.balances("alice") == {"USDT": D("499.5"), "BTC": D("0.01")}
    funded.deposit("bob", "USDT", D(1000))
    other = funded.place(req("o1", "buy", "0.015", account="bob"))  # ids are per account
    assert other.venue_order_id != first.venue_order_id and other.filled_qty == D("0.015")


def test_a_reduce_only_close_below_the_minimums_is_accepted(funded: PaperVenue) -> None:
    # Spot min notional is 10: 0.0001 BTC at 50,000 = 5 could not be sold on its own,
    # but a close must never be blocked by minimums (docs/domain.md, Copying), so reduce-only is
    # exempt.
    funded.place(req("o1", "buy", "0.01"))
    funded.place(req("o2", "sell", "0.0099"))
    dust = funded.place(req("o3", "sell", "0.0001", reduce_only=True))
    assert dust.status is OrderStatus.FILLED
    assert "BTC" not in funded.balances("alice")
    not_reducing = funded.place(req("o4", "sell", "0.0001", reduce_only=True))
    assert not_reducing.reject_reason is RejectReason.REDUCE_ONLY_WOULD_INCREASE


def test_a_moments_prices_apply_in_order_in_one_call(funded: PaperVenue) -> None:
    """``set_prices``: each price as ``set_price`` applies it, symbol after symbol, the
    fills in that order; a bad price anywhere in the moment changes nothing."""
    funded.deposit("alice", "USDT", D(2000))  # both limits affordable
    funded.place(req("s1", "buy", "0.01", limit="49000"))
    funded.place(req("p1", "sell", "0.01", symbol=PERP.symbol, limit="51000"))
    with pytest.raises(InvalidValueError):
        funded.set_prices({SPOT.symbol: D(48000), "NOPE/USDT": D(1)}, T0)
    assert funded.prices() == {SPOT.symbol: D(50000), PERP.symbol: D(50000)}
    resting = funded.get_order("alice", ClientOrderId("s1"))
    assert resting is not None and resting.status is OrderStatus.ACCEPTED
    fills = funded.set_prices({PERP.symbol: D(51500), SPOT.symbol: D(48000)}, T0)
    assert [(f.symbol, f.price) for f in fills] == [
        (PERP.symbol, D(51000)),
        (SPOT.symbol, D(49000)),
    ]
    assert funded.prices() == {SPOT.symbol: D(48000), PERP.symbol: D(51500)}
    assert funded.set_prices({}, T0) == []
