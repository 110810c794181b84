"""Builders of instruments and fills shared by the order and position tests."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from copytrade.domain.ids import AccountId, FillId, OrderId
from copytrade.domain.instruments import Instrument, InstrumentKind, Side
from copytrade.domain.order_events import Fill, Liquidity
from copytrade.domain.values import USDT, Price, Quantity

ACCOUNT = AccountId("acc-1")
T0 = datetime(2024, 1, 1, tzinfo=UTC)


def instrument(kind: InstrumentKind = InstrumentKind.PERP) -> Instrument:
    perp = kind is InstrumentKind.PERP
    return Instrument(
        symbol="BTC/USDT:USDT" if perp else "BTC/USDT",
        kind=kind,
        base="BTC",
        quote=USDT,
        tick=Decimal("0.01"),
        lot_step=Decimal("0.001"),
        min_qty=Decimal("0.001"),
        min_notional=Decimal(0),
        max_qty=Decimal(1000),
        maker_fee=Decimal("0.0002"),
        taker_fee=Decimal("0.0005"),
        max_leverage=Decimal(20) if perp else Decimal(1),
    )


PERP = instrument(InstrumentKind.PERP)
SPOT = instrument(InstrumentKind.SPOT)

_ids = itertools.count(1)


def fill(
    side: str,
    qty: str | Decimal,
    price: str | Decimal,
    fee: str | Decimal = "0",
    *,
    on: Instrument = PERP,
    order_id: str = "o-1",
    fill_id: str | None = None,
    minutes: int = 0,
) -> Fill:
    """A fill of ACCOUNT on ``on``; a fresh fill id unless one is given."""
    return Fill(
        fill_id=FillId(fill_id or f"f-{next(_ids)}"),
        order_id=OrderId(order_id),
        client_order_id=None,
        account=ACCOUNT,
        symbol=on.symbol,
        side=Side(side),
        qty=Quantity(qty),
        price=Price(price),
        fee=Decimal(fee),
        liquidity=Liquidity.TAKER,
        ts=T0 + timedelta(minutes=minutes),
    )
