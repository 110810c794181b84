"""Opening copies as limits at the follower's tolerance price (a live venue's way,
docs/venues.md "Orders on a live exchange"), closes as market orders; the paper
default (market orders) is unchanged."""

from __future__ import annotations

from decimal import Decimal as D

from sqlalchemy import Engine

from copytrade.bootstrap import build_platform
from copytrade.domain.copying.plan import OpeningOrders
from copytrade.marketdata.clock import SimulatedClock

from .harness import PERP, SPOT, START, Harness


def _copies(h: Harness, opening: OpeningOrders) -> list[tuple[str, str, D | None, bool, str]]:
    h.tick(PERP.symbol, "50000")
    pro = h.provider("pro", "10000")
    rel = h.follow(h.follower("alice", "5000"), pro, "1000", slippage_pct=D("0.5"))
    h.trade(pro, "buy", "0.04")
    h.trade(pro, "sell", "0.04")
    with h.platform.uow() as uow:
        orders = uow.orders.for_book(rel)
    # Both at the same clock reading: the open first, then the close.
    return sorted(
        ((o.side, o.type, o.limit_price, o.reduce_only, o.status) for o in orders),
        key=lambda o: o[3],
    )


def test_opening_copies_are_limits_at_the_tolerance_and_closes_market(
    db_engine: Engine,
) -> None:
    clock = SimulatedClock(START)
    opening = OpeningOrders.TOLERANCE_LIMIT
    h = Harness.over(build_platform(db_engine, [PERP, SPOT], clock, opening=opening), clock)
    # The buy may pay up to 50,000 × 1.005 = 50,250; the paper venue fills the
    # marketable limit at the price in force, 50,000.
    assert _copies(h, opening) == [
        ("buy", "limit", D("50250"), False, "filled"),
        ("sell", "market", None, True, "filled"),
    ]


def test_the_paper_default_sends_market_orders(db_engine: Engine) -> None:
    assert _copies(Harness(db_engine), OpeningOrders.MARKET) == [
        ("buy", "market", None, False, "filled"),
        ("sell", "market", None, True, "filled"),
    ]
