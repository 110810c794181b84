"""A big batch sent by the venue's order worker processes (docs/venues.md, "Order worker
processes"): each order once, an error only its own orders', temporary errors retried."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from decimal import Decimal

import pytest

from copytrade.adapters.venues.ccxt import ApiCredentials, CcxtVenue
from copytrade.adapters.venues.ccxt.workers import WORKER_MIN_BATCH, group_of
from copytrade.adapters.venues.errors import TemporaryVenueError
from copytrade.adapters.venues.port import OrderRequest
from copytrade.domain.ids import ClientOrderId
from copytrade.domain.instruments import Side
from copytrade.domain.orders import OrderStatus, OrderType
from tests.exchange_emulator import Emulator, Fault

ACCOUNTS = 6
ORDERS = 24
assert ORDERS >= WORKER_MIN_BATCH  # the batch goes to the workers


def _keys(n: int) -> ApiCredentials:
    return ApiCredentials(f"emu-key-w{n}", f"emu-secret-w{n}-0123456789")


@pytest.fixture
def workers_venue(emulator: Emulator) -> Iterator[CcxtVenue]:
    for n in range(ACCOUNTS):
        emulator.state.add_account(_keys(n).api_key, _keys(n).secret, {"USDT": Decimal(10_000)})
    venue = CcxtVenue(
        "binance", {f"w{n}": _keys(n) for n in range(ACCOUNTS)}, api_urls=emulator.urls,
        timeout_ms=700, max_concurrency=4, order_processes=2,
    )
    # The keys land in both workers' groups.
    assert {group_of(_keys(n).api_key, 2) for n in range(ACCOUNTS)} == {0, 1}
    yield venue
    venue.close()


def _batch(tag: str) -> list[OrderRequest]:
    return [
        OrderRequest(ClientOrderId.derive("cp", f"{tag}-{i}"), f"w{i % ACCOUNTS}", "ETH/USDT",
                     Side.BUY, OrderType.MARKET, Decimal("0.01"))
        for i in range(ORDERS)
    ]


def _orders_on_exchange(emulator: Emulator) -> dict[str, int]:
    return {f"w{n}": len(emulator.state.orders_of(_keys(n).api_key)) for n in range(ACCOUNTS)}


def test_each_order_is_placed_once_and_answered_in_order(
    workers_venue: CcxtVenue, emulator: Emulator
) -> None:
    batch = _batch("once")
    answers = workers_venue.place_batch(batch)
    assert [a.client_order_id for a in answers] == [r.client_order_id for r in batch]
    assert [a.account for a in answers] == [r.account for r in batch]
    assert all(a.status is OrderStatus.FILLED and a.fills for a in answers)
    assert len(workers_venue.order_worker_pids()) == 2
    assert _orders_on_exchange(emulator) == {f"w{n}": ORDERS // ACCOUNTS for n in range(ACCOUNTS)}
    # The same batch again (the executor's retry) is answered from memory: nothing sent.
    served = len(emulator.requests)
    assert workers_venue.place_batch(batch) == answers
    assert len(emulator.requests) == served


def test_a_refused_key_rejects_only_its_orders(
    workers_venue: CcxtVenue, emulator: Emulator
) -> None:
    workers_venue.instruments()  # markets loaded with a good key first
    workers_venue.add_account("w0", ApiCredentials(_keys(0).api_key, "a-wrong-secret-0000"))
    answers = workers_venue.place_batch(_batch("refused"))
    refused = [a for a in answers if a.status is OrderStatus.REJECTED]
    assert {a.account for a in refused} == {"w0"} and len(refused) == ORDERS // ACCOUNTS
    assert all((a.reason or "").startswith("authentication_failed") for a in refused)
    assert all(a.status is OrderStatus.FILLED for a in answers if a.account != "w0")
    assert _orders_on_exchange(emulator)["w0"] == 0


def test_temporary_errors_are_raised_and_the_retry_places_each_order_once(
    workers_venue: CcxtVenue, emulator: Emulator
) -> None:
    batch = _batch("temporary")
    emulator.faults.arm(Fault.SERVER_ERROR, method="POST", path="/order")
    emulator.faults.arm(Fault.DROP_AFTER_ACCEPT, method="POST", path="/order")
    with pytest.raises(TemporaryVenueError):
        workers_venue.place_batch(batch)
    taken = sum(_orders_on_exchange(emulator).values())
    assert taken == ORDERS - 1  # the server error's order was not taken; the dropped one was
    answers = workers_venue.place_batch(batch)
    assert all(a.status is OrderStatus.FILLED for a in answers)
    assert sum(_orders_on_exchange(emulator).values()) == ORDERS  # each exactly once


def test_a_worker_that_dies_fails_only_its_orders_and_the_retry_places_them_once(
    workers_venue: CcxtVenue, emulator: Emulator
) -> None:
    workers_venue.place_batch(_batch("warm"))  # both workers running
    pids = workers_venue.order_worker_pids()
    os.kill(pids[0], signal.SIGKILL)
    batch = _batch("died")
    with pytest.raises(TemporaryVenueError):
        workers_venue.place_batch(batch)
    placed = sum(_orders_on_exchange(emulator).values()) - ORDERS
    assert 0 < placed < ORDERS  # the living worker's orders stand
    answers = workers_venue.place_batch(batch)  # a new worker looks its orders up first
    assert all(a.status is OrderStatus.FILLED for a in answers)
    assert sum(_orders_on_exchange(emulator).values()) == 2 * ORDERS
    assert pids[0] not in workers_venue.order_worker_pids()
