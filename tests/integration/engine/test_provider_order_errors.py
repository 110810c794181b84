"""A provider's own order after a venue error (docs/engine.md, "Venue errors"): a
permanent error records the order rejected, so recovery never places it later;
after a temporary one the order stays pending and sending the same client order id
again places it once."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy import Engine

from copytrade.adapters.venues.errors import PermanentVenueError, TemporaryVenueError
from copytrade.domain.ids import ClientOrderId
from copytrade.domain.instruments import Side
from copytrade.domain.orders import OrderType
from copytrade.service_layer.provider_orders import ProviderOrders, stored_id
from copytrade.service_layer.trading import OrderAsk, ProviderTrading

from .harness import PERP, Harness
from .test_venue_errors import FlakyVenue


@pytest.fixture
def h(db_engine: Engine) -> Harness:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("pro", "10000")
    h.follow(h.follower("fol", "1000"), pro, "1000")
    return h


def flaky_orders(h: Harness, error: Exception) -> ProviderOrders:
    venue = FlakyVenue(h.platform.venue, [error])  # type: ignore[list-item]
    return ProviderOrders(h.engine.uow_factory, venue, h.clock.now)  # type: ignore[arg-type]


def test_a_permanent_error_records_the_order_rejected_and_recovery_never_places_it(
    h: Harness,
) -> None:
    orders = flaky_orders(h, PermanentVenueError("account suspended"))
    order_id = ClientOrderId("pro:refused")
    with pytest.raises(PermanentVenueError):
        orders.place("pro", order_id, PERP.symbol, Side.BUY, D("0.04"))  # type: ignore[arg-type]
    with h.platform.uow() as uow:
        stored = uow.orders.get(order_id)
        assert stored is not None and stored.status == "rejected"
        assert "account suspended" in (stored.reason or "")
    h.engine.recover()
    assert h.platform.venue.get_order("pro", order_id) is None
    with h.platform.uow() as uow:
        assert uow.decisions.all() == []  # nothing was filled, nothing copied


def test_after_a_temporary_error_the_same_client_order_id_places_the_order_once(
    h: Harness,
) -> None:
    orders = flaky_orders(h, TemporaryVenueError("timeout"))
    key = ClientOrderId(stored_id("pro", "retry-me"))
    with pytest.raises(TemporaryVenueError):
        orders.place("pro", key, PERP.symbol, Side.BUY, D("0.04"))  # type: ignore[arg-type]
    with h.platform.uow() as uow:
        stored = uow.orders.get(key)
        assert stored is not None and stored.status == "new"
    ask = OrderAsk(PERP.symbol, Side.BUY, D("0.04"), OrderType.MARKET, None, D(1), False)
    ProviderTrading(h.platform).place("pro", "retry-me", ask)  # the client's retry
    h.engine.pump()
    ProviderTrading(h.platform).place("pro", "retry-me", ask)  # and once more: a replay
    h.engine.pump()
    with h.platform.uow() as uow:
        stored = uow.orders.get(key)
        assert stored is not None and stored.status == "filled"
        copies = [d for d in uow.decisions.all() if d.action == "placed"]
    assert len(copies) == 1  # copied once
    answer = h.platform.venue.get_order("pro", key)
    assert answer is not None and answer.filled_qty == D("0.04")
