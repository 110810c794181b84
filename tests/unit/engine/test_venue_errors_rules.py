"""Venue errors on the in-memory pipeline: every intent ends with a recorded answer."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from copytrade.adapters.venues.errors import PermanentVenueError, TemporaryVenueError
from copytrade.domain.instruments import Side
from copytrade.domain.orders import OrderStatus
from copytrade.engine.execution import RetryPolicy, VenueUnavailableError, request_for

from ..domain.fills_factory import PERP
from .memory_pipeline import MemoryPipeline


def test_a_permanent_venue_error_records_every_intent_rejected_with_its_reason() -> None:
    p = MemoryPipeline()
    ann, bob = p.follow("ann"), p.follow("bob")
    p.venue.errors = [PermanentVenueError("account frozen")]

    p.handle(p.provider_fill(Side.BUY, "0.1"))

    orders = list(p.store.state.orders.values())
    assert [(o.status, o.reason) for o in orders] == [
        (OrderStatus.REJECTED.value, "venue_error: account frozen")
    ] * 2
    assert {(d.action, d.reason) for d in p.store.state.decisions} == {
        ("skipped", "venue:venue_error: account frozen")
    }
    assert p.venue.placed == []
    assert (p.cash(ann), p.cash(bob)) == (D(1000), D(1000))
    assert p.store.positions() == {}


def test_temporary_errors_past_the_cap_leave_the_intents_and_recovery_finishes_them_once() -> None:
    p = MemoryPipeline(retry=RetryPolicy(attempts=3, first_delay_s=0.01))
    ann, bob = p.follow("ann"), p.follow("bob")
    p.venue.errors = [TemporaryVenueError("busy")] * 3

    with pytest.raises(VenueUnavailableError, match="3 attempts; 2 recorded orders"):
        p.handle(p.provider_fill(Side.BUY, "0.1"))

    assert p.slept == [0.01, 0.02]  # backoff between the three attempts
    pending = list(p.store.state.orders.values())
    assert [o.status for o in pending] == [OrderStatus.NEW.value] * 2
    assert p.venue.placed == []

    p.executor.recover()
    p.executor.recover()  # nothing is left to finish: a second pass sends nothing

    assert sorted(str(r.client_order_id) for r in p.venue.placed) == sorted(
        o.client_order_id for o in pending
    )
    assert {o.status for o in p.store.state.orders.values()} == {OrderStatus.FILLED.value}
    positions = p.store.positions()
    assert [positions[(r.book, PERP.symbol)].qty for r in (ann, bob)] == [D("0.010")] * 2


def test_recovery_records_what_the_venue_did_without_sending_it_again() -> None:
    p = MemoryPipeline(retry=RetryPolicy(attempts=1))
    rel = p.follow("ann")
    p.venue.errors = [TemporaryVenueError("timeout")]
    with pytest.raises(VenueUnavailableError):
        p.handle(p.provider_fill(Side.BUY, "0.1"))
    # The order reached the venue after all; only its answer was lost.
    with p.store.unit_of_work() as uow:
        (stored,) = uow.orders.unconfirmed()
    p.venue.place_batch([request_for(stored, stored.reduce_only)])

    p.executor.recover()

    assert len(p.venue.placed) == 1
    assert p.store.state.orders[stored.client_order_id].status == OrderStatus.FILLED.value
    assert p.store.positions()[(rel.book, PERP.symbol)].qty == D("0.010")
