"""The fan-out's rules on the in-memory unit of work and venue (docs/engine.md)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal as D

from copytrade.adapters.venues.port import OrderRequest
from copytrade.domain.copying import RelationshipStatus, StopReason
from copytrade.domain.copying.reasons import ReasonCode
from copytrade.domain.instruments import Side
from copytrade.domain.orders import OrderStatus
from copytrade.engine.stopping import STOPPED

from ..domain.fills_factory import PERP
from .memory_pipeline import MemoryPipeline


def _decisions(p: MemoryPipeline) -> dict[str, tuple[str, str | None]]:
    return {d.relationship_id: (d.action, d.reason) for d in p.store.state.decisions}


def test_a_provider_fill_records_a_decision_for_every_relationship_skips_with_their_reason() -> (
    None
):
    p = MemoryPipeline()
    copier = p.follow("ann")
    other = p.follow("bob", allocation="2000")
    barred = p.follow("cy", blacklist=frozenset({PERP.symbol}))

    p.handle(p.provider_fill(Side.BUY, "0.1"))

    assert _decisions(p) == {
        copier.id: ("placed", None),
        other.id: ("placed", None),
        barred.id: ("skipped", ReasonCode.SYMBOL_NOT_ALLOWED.value),
    }
    # Proportional: 0.1 BTC of the provider's 10,000 equity is 0.01 BTC per 1,000.
    positions = p.store.positions()
    assert positions[(copier.book, PERP.symbol)].qty == D("0.010")
    assert positions[(other.book, PERP.symbol)].qty == D("0.020")
    assert (barred.book, PERP.symbol) not in positions
    # ann's 0.01 BTC at 50,000 locks 500 of margin (1x) and pays 0.0005 x 500 = 0.25;
    # the ledger's currencies still sum to zero.
    assert p.cash(copier) == D(1000) - D(500) - D("0.25")
    assert all(total == 0 for total in p.ledger_sums().values())


def test_the_intents_are_committed_before_the_venue_is_called() -> None:
    p = MemoryPipeline()
    p.follow("ann")
    p.follow("bob")
    seen: list[tuple[str, str, bool]] = []

    def check_committed(requests: Sequence[OrderRequest]) -> None:
        committed = p.store.state  # what a new unit of work would see now
        for request in requests:
            order = committed.orders[str(request.client_order_id)]
            decided = any(d.client_order_id == order.client_order_id for d in committed.decisions)
            seen.append((order.client_order_id, order.status, decided))

    p.venue.on_place = check_committed
    event = p.provider_fill(Side.BUY, "0.1")
    p.handle(event)

    assert len(seen) == 2
    assert all(status == OrderStatus.NEW.value and decided for _, status, decided in seen)
    assert ("copy-fanout", event.message_id) in p.store.state.processed
    # Afterwards each order holds the venue's answer.
    assert {o.status for o in p.store.state.orders.values()} == {OrderStatus.FILLED.value}


def test_a_redelivered_message_places_nothing() -> None:
    p = MemoryPipeline()
    rel = p.follow("ann")
    event = p.provider_fill(Side.BUY, "0.1")
    p.handle(event)
    placed, decisions, cash = len(p.venue.placed), len(p.store.state.decisions), p.cash(rel)

    p.handle(event)
    p.relationships.invalidate()  # not even a fresh read of the relationships copies again
    p.handle(event)

    assert placed == 1
    assert len(p.venue.placed) == placed
    assert len(p.store.state.decisions) == decisions
    assert p.cash(rel) == cash


def test_the_max_loss_stop_inside_the_fan_out_closes_and_stops_the_relationship() -> None:
    p = MemoryPipeline()
    rel = p.follow("ann")  # max loss 20 %: stop once equity is at most 800
    p.handle(p.provider_fill(Side.BUY, "0.1"))
    # 0.01 BTC bought at 50,000 marked at 20,000: 300 lost, equity about 700.
    p.set_price(D(20000))

    p.handle(p.provider_fill(Side.BUY, "0.1", number=2, position_before="0.1"))

    stopped = p.store.state.relationships[str(rel.id)]
    assert stopped.state.status is RelationshipStatus.STOPPED
    assert stopped.state.stop_reason is StopReason.MAX_LOSS
    second = [d for d in p.store.state.decisions if d.provider_fill_id == "prov-fill-2"]
    assert [(d.action, d.reason) for d in second] == [("skipped", ReasonCode.MAX_LOSS.value)]
    # The stop's close went to the venue once, reduce-only, and flattened the book.
    closes = [r for r in p.venue.placed if r.reduce_only]
    assert [(c.side, c.qty) for c in closes] == [(Side.SELL, D("0.010"))]
    assert (rel.book, PERP.symbol) not in p.store.positions()
    told = [e for e in p.store.state.outbox if e.topic == STOPPED]
    assert [e.payload["to"] for e in told] == [str(rel.follower), str(rel.provider)]
    # Realised: 0.01 x (20,000 - 50,000) = -300, less two fees (0.25 and 0.1).
    assert p.cash(rel) == D(1000) - D(300) - D("0.25") - D("0.1")
    assert all(total == 0 for total in p.ledger_sums().values())
