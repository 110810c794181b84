"""Worked examples of the paper venue's fills, fees, spot holdings and perp margin.

Instruments (tests/unit/venues/instruments.py): spot BTC/USDT taker 0.1 %;
perp BTC/USDT:USDT taker 0.05 %, maker 0.02 %.
"""

from __future__ import annotations

from decimal import Decimal

from copytrade.adapters.venues.paper import PaperVenue
from copytrade.adapters.venues.port import RejectReason
from copytrade.domain.order_events import Liquidity
from copytrade.domain.orders import OrderStatus
from tests.unit.venues.instruments import PERP, SPOT, T0, req

D = Decimal


def test_spot_market_buy_pays_the_taker_fee(venue: PaperVenue) -> None:
    venue.deposit("alice", "USDT", D(1000))
    venue.set_price(SPOT.symbol, D(50000), T0)
    order = venue.place(req("o1", "buy", "0.01"))
    # notional 0.01 × 50000 = 500; fee 500 × 0.001 = 0.5; USDT 1000 − 500.5
    assert order.status is OrderStatus.FILLED
    assert (order.filled_qty, order.avg_fill_price, order.fees) == (D("0.01"), D(50000), D("0.5"))
    assert order.fills[0].liquidity is Liquidity.TAKER
    assert venue.balances("alice") == {"USDT": D("499.5"), "BTC": D("0.01")}
    # sell it back at 52000: +520 − fee 0.52
    venue.set_price(SPOT.symbol, D(52000), T0)
    venue.place(req("o2", "sell", "0.01"))
    assert venue.balances("alice") == {"USDT": D("1018.98")}


def test_spot_sell_without_holdings_is_rejected(venue: PaperVenue) -> None:
    venue.deposit("alice", "USDT", D(1000))
    venue.set_price(SPOT.symbol, D(50000), T0)
    order = venue.place(req("o1", "sell", "0.01"))
    assert order.status is OrderStatus.REJECTED
    assert order.reject_reason is RejectReason.INSUFFICIENT_BALANCE
    assert order.reason is not None and "holds only 0" in order.reason
    assert venue.balances("alice") == {"USDT": D(1000)}
    assert venue.positions("alice") == []


def test_perp_long_with_10x_locks_margin_and_fee(venue: PaperVenue) -> None:
    venue.deposit("alice", "USDT", D(1000))
    venue.set_price(PERP.symbol, D(50000), T0)
    order = venue.place(req("o1", "buy", "0.1", symbol=PERP.symbol, leverage="10"))
    # notional 5000; margin 5000 / 10 = 500; fee 5000 × 0.0005 = 2.5; cash 1000 − 502.5
    assert order.status is OrderStatus.FILLED and order.fees == D("2.5")
    assert venue.balances("alice") == {"USDT": D("497.5")}
    (position,) = venue.positions("alice")
    assert (position.qty, position.avg_entry_price, position.leverage, position.margin) == (
        D("0.1"),
        D(50000),
        D(10),
        D(500),
    )
    # 0.1 more needs margin 500 + fee 2.5 > 497.5 free: refused, nothing changes
    refused = venue.place(req("o2", "buy", "0.1", symbol=PERP.symbol, leverage="10"))
    assert refused.reject_reason is RejectReason.INSUFFICIENT_BALANCE
    assert venue.balances("alice") == {"USDT": D("497.5")}


def test_unrealized_losses_reduce_what_a_perp_can_open(venue: PaperVenue) -> None:
    venue.deposit("alice", "USDT", D(1000))
    venue.set_price(PERP.symbol, D(50000), T0)
    venue.place(req("o1", "buy", "0.1", symbol=PERP.symbol, leverage="10"))  # cash 497.5
    venue.set_price(PERP.symbol, D(46000), T0)  # unrealized −400: free 97.5
    # 0.02 at 46000 and 10x: margin 92 + fee 0.46 = 92.46 ≤ 97.5 free
    assert venue.place(req("o2", "buy", "0.02", symbol=PERP.symbol, leverage="10")).fills
    # 0.003 more: margin 13.8 + fee 0.069 > 97.5 − 92.46 = 5.04
    later = venue.place(req("o3", "buy", "0.003", symbol=PERP.symbol, leverage="10"))
    assert later.reject_reason is RejectReason.INSUFFICIENT_BALANCE


def test_perp_short_closed_at_a_profit(venue: PaperVenue) -> None:
    venue.deposit("alice", "USDT", D(1000))
    venue.set_price(PERP.symbol, D(40000), T0)
    venue.place(req("o1", "sell", "0.05", symbol=PERP.symbol, leverage="5"))
    # notional 2000; margin 400; fee 1.0: cash 599
    assert venue.balances("alice") == {"USDT": D(599)}
    venue.set_price(PERP.symbol, D(38000), T0)
    venue.place(req("o2", "buy", "0.05", symbol=PERP.symbol, reduce_only=True))
    # notional 1900, fee 0.95; pnl (40000 − 38000) × 0.05 = 100; cash = 1000 + 100 − 1.95
    assert venue.balances("alice") == {"USDT": D("1098.05")}
    assert venue.positions("alice") == []


def test_perp_flip_closes_then_opens_the_rest(venue: PaperVenue) -> None:
    venue.deposit("alice", "USDT", D(1000))
    venue.set_price(PERP.symbol, D(30000), T0)
    venue.place(req("o1", "buy", "0.01", symbol=PERP.symbol, leverage="10"))
    # notional 300, margin 30, fee 0.15: cash 969.85
    venue.set_price(PERP.symbol, D(31000), T0)
    venue.place(req("o2", "sell", "0.03", symbol=PERP.symbol, leverage="10"))
    # fill notional 930, fee 0.465; close 0.01: +10 pnl, 30 margin back;
    # open 0.02 short: margin 620 / 10 = 62. cash = 969.85 + 30 + 10 − 62 − 0.465
    assert venue.balances("alice") == {"USDT": D("947.385")}
    (position,) = venue.positions("alice")
    assert (position.qty, position.avg_entry_price, position.margin) == (
        D("-0.02"),
        D(31000),
        D(62),
    )
    assert position.realized_pnl == D(10) and position.fees_paid == D("0.615")
