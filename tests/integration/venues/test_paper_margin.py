"""The paper venue's liquidation and funding on both backends (docs/venues.md
"Liquidation", "Funding"): worked numbers, and a repeat that pays nothing twice.

Instrument: the tests' perp with maintenance margin 0.5 % and liquidation fee 0.5 %,
no trading fees, so each amount is the formula alone.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import Engine

from copytrade.adapters.venues.paper import PaperVenue
from copytrade.adapters.venues.port import OrderRequest
from copytrade.domain.ids import ClientOrderId
from copytrade.domain.margin_mode import MarginMode
from copytrade.domain.order_events import Liquidity
from tests.integration.venues.conftest import StepClock
from tests.unit.venues.instruments import PERP, T0

D = Decimal
RULED = dataclasses.replace(
    PERP,
    maker_fee=D(0),
    taker_fee=D(0),
    maintenance_margin_rate=D("0.005"),
    liquidation_fee=D("0.005"),
)


def at(hours: int) -> datetime:
    return T0 + timedelta(hours=hours)


def _venue(db_engine: Engine) -> PaperVenue:
    return PaperVenue(db_engine, [RULED], StepClock())


def _buy(cid: str, account: str, qty: str, leverage: str, mode: MarginMode) -> OrderRequest:
    return OrderRequest(
        client_order_id=ClientOrderId(cid), account=account, symbol=RULED.symbol,
        side="buy", type="market", qty=D(qty), leverage=D(leverage), margin_mode=mode,  # type: ignore[arg-type]
    )  # fmt: skip


def test_the_isolated_position_is_liquidated_the_cross_one_survives(db_engine: Engine) -> None:
    venue = _venue(db_engine)
    for account in ("iso", "crs"):
        venue.deposit(account, "USDT", D(1000))
    venue.set_price(RULED.symbol, D(40000), T0)
    venue.place(_buy("a", "iso", "0.1", "10", MarginMode.ISOLATED))  # margin 400
    venue.place(_buy("b", "crs", "0.1", "10", MarginMode.CROSS))
    assert venue.set_price(RULED.symbol, D(36500), at(1)) == []  # equity 50 > 18.25
    fills = venue.set_price(RULED.symbol, D(35000), at(2))  # past bankruptcy (36,000)
    assert [(f.account, f.liquidity, f.price, f.fee) for f in fills] == [
        ("iso", Liquidity.LIQUIDATION, D(35000), D(0))  # nothing left for a fee
    ]
    # Isolated: the 400 margin is lost, not a cent more (the shortfall of 100 is the
    # insurance fund's); the cross book still holds its position.
    assert venue.balances("iso") == {"USDT": D(600)}
    assert [p.account for p in venue.positions("crs")] == ["crs"]
    # Cross: the book's 600 cash stands behind it: liquidated when
    # 600 + 400 + 0.1 × (p − 40,000) ≤ 0.005 × 0.1 × p, i.e. at p ≤ 30,150.75…
    assert venue.set_price(RULED.symbol, D(30200), at(3)) == []
    fills = venue.set_price(RULED.symbol, D(30100), at(4))
    # equity 1,000 − 990 = 10; the fee 0.005 × 3,010 = 15.05 is capped at those 10
    assert [(f.account, f.fee) for f in fills] == [("crs", D(10))]
    assert venue.balances("crs") == {"USDT": D(0)}
    assert venue.positions("crs") == []


def test_funding_is_paid_once_per_symbol_and_time(db_engine: Engine) -> None:
    venue = _venue(db_engine)
    venue.deposit("long", "USDT", D(1000))
    venue.deposit("short", "USDT", D(1000))
    venue.set_price(RULED.symbol, D(40000), T0)
    venue.place(_buy("l", "long", "0.1", "10", MarginMode.ISOLATED))
    venue.place(
        OrderRequest(ClientOrderId("s"), "short", RULED.symbol, "sell", "market", D("0.1"),  # type: ignore[arg-type]
                     leverage=D(10))
    )  # fmt: skip
    paid = venue.apply_funding(RULED.symbol, D("0.0001"), at(8))
    assert [(p.account, p.owed, p.amount) for p in paid] == [
        ("long", D("-0.4"), D("-0.4")),
        ("short", D("0.4"), D("0.4")),
    ]
    assert venue.apply_funding(RULED.symbol, D("0.0001"), at(8)) == paid  # a repeat: the same
    assert venue.balances("long") == {"USDT": D("599.6")}
    assert venue.balances("short") == {"USDT": D("600.4")}
    (held,) = venue.positions("long")
    assert held.realized_pnl == D("-0.4")  # funding is realized PnL
