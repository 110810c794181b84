"""The whole pipeline on the in-memory adapters: venue fill → books → outbox → relay →
fan-out → books."""

from __future__ import annotations

from decimal import Decimal as D

from copytrade.adapters.venues.port import OrderRequest
from copytrade.domain.ids import ClientOrderId
from copytrade.domain.instruments import Side
from copytrade.domain.orders import OrderType
from copytrade.engine.messages import PROVIDER_FILLED

from ..domain.fills_factory import PERP
from .memory_pipeline import PROVIDER, MemoryPipeline


def test_a_provider_order_at_the_venue_is_booked_announced_and_copied_once() -> None:
    p = MemoryPipeline()
    ann, bob = p.follow("ann"), p.follow("bob", allocation="3000")
    order = OrderRequest(
        ClientOrderId("prov-1"), str(PROVIDER), PERP.symbol, Side.BUY, OrderType.MARKET, D("0.1")
    )
    p.venue.place(order)

    assert p.ingestor.pump() == 1
    (announced,) = p.store.state.outbox
    assert announced.topic == PROVIDER_FILLED
    assert p.relay.relay_all() == 1
    # The copies' fills reach the stream too; the ingestor knows them booked already, so
    # the venue leaves them out and only the cursor moves past them.
    assert p.ingestor.pump() == 0
    assert p.store.state.cursors["venue-fills"] == 3
    assert p.relay.relay_all() == 0

    positions = p.store.positions()
    assert positions[(str(PROVIDER), PERP.symbol)].qty == D("0.1")
    assert positions[(ann.book, PERP.symbol)].qty == D("0.010")
    assert positions[(bob.book, PERP.symbol)].qty == D("0.030")
    assert len(p.store.state.fills) == 3
    assert all(total == 0 for total in p.ledger_sums().values())
