"""The whole pipeline on the in-memory adapters: venue fill → books → outbox → relay →
fan-out → books."""

from __future__ import annotations

from decimal import Decimal as D

from copytrade.adapters.venues.port import OrderRequest
from copytrade.domain.ids import ClientOrderId
from copytrade.domain.instruments import Side
from copytrade.domain.orders import OrderType
from copytrade.engine.ingest import FillIngestor
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


def test_a_reader_behind_another_reads_from_the_stored_cursor_and_books_nothing_twice() -> None:
    p = MemoryPipeline()
    other = FillIngestor(
        p.venue, p.store.unit_of_work, p.bookkeeper, lambda uow: uow.accounts.provider_ids(),
        lambda: dict(p.prices), p.clock.now,
    )

    def provider_order(n: int) -> None:
        p.venue.place(OrderRequest(
            ClientOrderId(f"prov-{n}"), str(PROVIDER), PERP.symbol, Side.BUY, OrderType.MARKET,
            D("0.1"),
        ))

    provider_order(1)
    assert p.ingestor.pump() == 1  # it now knows the cursor as 1
    provider_order(2)
    assert other.pump() == 1  # from the stored cursor
    assert p.store.state.cursors["venue-fills"] == 2
    # Behind the stored cursor, the first reader sees a fill after the one it knew, finds
    # the stored cursor moved, and reads again from there: nothing new, nothing booked.
    assert p.ingestor.pump() == 0
    announced = [m.message_id for m in p.store.state.outbox]
    assert len(announced) == len(set(announced)) == 2  # each provider fill announced once
    provider_order(3)
    assert p.ingestor.pump() == 1  # and it goes on from the stored cursor
    assert p.store.state.cursors["venue-fills"] == 3
    assert len(p.store.state.outbox) == 3
