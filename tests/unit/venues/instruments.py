"""The instruments and requests the venue tests trade (shared by unit and integration)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

from copytrade.adapters.venues.port import OrderRequest
from copytrade.domain.depth import BookDepth
from copytrade.domain.ids import ClientOrderId
from copytrade.domain.instruments import Instrument, InstrumentKind
from copytrade.domain.values import USDT

T0 = datetime(2025, 1, 1, tzinfo=UTC)

# Spot: 0.1 % either way, minimum notional 10 USDT.
SPOT = Instrument(
    symbol="BTC/USDT",
    kind=InstrumentKind.SPOT,
    base="BTC",
    quote=USDT,
    tick=Decimal("0.01"),
    lot_step=Decimal("0.0001"),
    min_qty=Decimal("0.0001"),
    min_notional=Decimal(10),
    max_qty=Decimal(100),
    maker_fee=Decimal("0.001"),
    taker_fee=Decimal("0.001"),
)
# Perp: maker 0.02 %, taker 0.05 %, up to 50x.
PERP = Instrument(
    symbol="BTC/USDT:USDT",
    kind=InstrumentKind.PERP,
    base="BTC",
    quote=USDT,
    tick=Decimal("0.1"),
    lot_step=Decimal("0.001"),
    min_qty=Decimal("0.001"),
    min_notional=Decimal(5),
    max_qty=Decimal(100),
    maker_fee=Decimal("0.0002"),
    taker_fee=Decimal("0.0005"),
    max_leverage=Decimal(50),
)
INSTRUMENTS = (SPOT, PERP)
# A perp with a depth model: 1 ETH per level, levels 1 USDT apart, 3 levels a side; no
# fees, so the hand sums stay simple (docs/venues.md "Depth").
DEEP = replace(
    PERP,
    symbol="ETH/USDT:USDT",
    base="ETH",
    maker_fee=Decimal(0),
    taker_fee=Decimal(0),
    min_notional=Decimal(0),
    depth=BookDepth(Decimal(1), Decimal(1), 3),
)


def req(
    cid: str,
    side: str,
    qty: str,
    *,
    symbol: str = SPOT.symbol,
    account: str = "alice",
    limit: str | None = None,
    leverage: str = "1",
    reduce_only: bool = False,
) -> OrderRequest:
    """A request in the tests' shorthand: strings for every number."""
    return OrderRequest(
        client_order_id=ClientOrderId(cid),
        account=account,
        symbol=symbol,
        side=side,  # type: ignore[arg-type]  # parsed by the request
        type="limit" if limit is not None else "market",  # type: ignore[arg-type]
        qty=Decimal(qty),
        limit_price=Decimal(limit) if limit is not None else None,
        leverage=Decimal(leverage),
        reduce_only=reduce_only,
    )
