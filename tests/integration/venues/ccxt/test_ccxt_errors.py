"""Each failure of the exchange ends in the right temporary or permanent answer."""

from __future__ import annotations

from decimal import Decimal

import pytest

from copytrade.adapters.venues.ccxt import CcxtVenue
from copytrade.adapters.venues.errors import (
    PermanentVenueError,
    TemporaryVenueError,
    UnsupportedOperationError,
)
from copytrade.adapters.venues.port import OrderRequest, RejectReason
from copytrade.domain.ids import ClientOrderId
from copytrade.domain.instruments import Side
from copytrade.domain.orders import OrderStatus, OrderType
from tests.exchange_emulator import Emulator, Fault

from .conftest import KEY, SECRET, venue_for


def _buy(n: int, qty: str = "0.01", symbol: str = "BTC/USDT") -> OrderRequest:
    return OrderRequest(ClientOrderId.derive("cp", f"err-{n}"), "alice", symbol, Side.BUY,
                        OrderType.MARKET, Decimal(qty))


@pytest.mark.parametrize("fault", [Fault.RATE_LIMITED, Fault.SERVER_ERROR, Fault.TIMEOUT])
def test_rate_limits_server_errors_and_timeouts_are_temporary(
    venue: CcxtVenue, emulator: Emulator, fault: Fault
) -> None:
    venue.instruments()
    emulator.faults.arm(fault, method="POST", path="/order")
    with pytest.raises(TemporaryVenueError) as caught:
        venue.place(_buy(1))
    assert "signature" not in str(caught.value) and SECRET not in str(caught.value)
    retried = venue.place(_buy(1))  # the retry the pipeline makes succeeds
    assert retried.status is OrderStatus.FILLED


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (Fault.INSUFFICIENT_BALANCE, RejectReason.INSUFFICIENT_BALANCE),
        (Fault.INVALID_QUANTITY, RejectReason.INVALID_QUANTITY),
    ],
)
def test_an_order_the_exchange_refuses_is_a_rejection_with_its_reason(
    venue: CcxtVenue, emulator: Emulator, fault: Fault, reason: RejectReason
) -> None:
    venue.instruments()
    emulator.faults.arm(fault, method="POST", path="/order")
    answer = venue.place(_buy(2))
    assert answer.status is OrderStatus.REJECTED and answer.reject_reason is reason
    assert emulator.state.orders_of(KEY) == []


def test_the_exchanges_balance_check_and_our_lot_check_reject(
    venue: CcxtVenue, emulator: Emulator
) -> None:
    too_big = venue.place(_buy(3, qty="1"))  # 50,000 USDT of BTC with 10,000
    assert too_big.reject_reason is RejectReason.INSUFFICIENT_BALANCE
    # Off the lot step: refused before sending, where ccxt would round it down silently.
    off_step = venue.place(_buy(4, qty="0.015", symbol="ETH/USDT"))
    assert off_step.reject_reason is RejectReason.INVALID_QUANTITY
    assert off_step.reason is not None and "lot step 0.01" in off_step.reason
    assert emulator.state.orders_of(KEY) == []
    unknown = venue.place(_buy(5, symbol="DOGE/USDT"))
    assert unknown.reject_reason is RejectReason.UNKNOWN_SYMBOL


def test_a_wrong_secret_is_a_permanent_authentication_error_without_the_secret(
    emulator: Emulator,
) -> None:
    wrong = "not-the-secret-at-all-42"
    venue = venue_for(emulator, secret=wrong)
    with pytest.raises(PermanentVenueError) as caught:
        venue.place(_buy(6))
    assert caught.value.reason == "authentication_failed"
    assert wrong not in str(caught.value) and KEY not in str(caught.value)


def test_a_dropped_connection_after_the_exchange_took_the_order_finds_it_by_client_id(
    venue: CcxtVenue, emulator: Emulator
) -> None:
    venue.instruments()
    emulator.faults.arm(Fault.DROP_AFTER_ACCEPT, method="POST", path="/order")
    with pytest.raises(TemporaryVenueError):
        venue.place(_buy(7))
    assert len(emulator.state.orders_of(KEY)) == 1  # the exchange has it
    # A restarted platform asks by client order id before sending anything again.
    found = venue_for(emulator).get_order("alice", _buy(7).client_order_id, symbol="BTC/USDT")
    assert found is not None and found.status is OrderStatus.FILLED
    # The same process retrying looks the order up first: still one order.
    assert venue.place(_buy(7)) == found
    assert len(emulator.state.orders_of(KEY)) == 1


def test_a_dropped_connection_before_the_exchange_took_it_finds_it_absent_and_sends_it(
    venue: CcxtVenue, emulator: Emulator
) -> None:
    venue.instruments()
    emulator.faults.arm(Fault.DROP_BEFORE_ACCEPT, method="POST", path="/order")
    with pytest.raises(TemporaryVenueError):
        venue.place(_buy(8))
    assert venue_for(emulator).get_order("alice", _buy(8).client_order_id, "BTC/USDT") is None
    assert venue.place(_buy(8)).status is OrderStatus.FILLED
    assert len(emulator.state.orders_of(KEY)) == 1


def test_a_batch_with_one_temporary_failure_places_the_others_once(
    venue: CcxtVenue, emulator: Emulator
) -> None:
    venue.instruments()
    batch = [_buy(10 + n) for n in range(4)]
    emulator.faults.arm(Fault.SERVER_ERROR, method="POST", path="/order")
    with pytest.raises(TemporaryVenueError):
        venue.place_batch(batch)
    answers = venue.place_batch(batch)
    assert [a.client_order_id for a in answers] == [r.client_order_id for r in batch]
    assert len(emulator.state.orders_of(KEY)) == 4


def test_paper_only_operations_are_refused_clearly(venue: CcxtVenue) -> None:
    with pytest.raises(UnsupportedOperationError, match="only the paper venue"):
        venue.deposit("alice", "USDT", Decimal(1))
    with pytest.raises(UnsupportedOperationError):
        venue.move_cash_once([])
