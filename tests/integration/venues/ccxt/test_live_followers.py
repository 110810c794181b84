"""Followers on their own exchange accounts: a provider's fill on the platform is copied
to each live follower's emulated account through the real ccxt client, once each, also
across a restart; every error class ends in an order or a recorded reason."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from copytrade.adapters.db.schema import CopyDecisionRow
from copytrade.domain.ledger import LedgerAccount
from copytrade.engine.execution import VenueUnavailableError
from tests.exchange_emulator import Emulator, Fault
from tests.integration.engine.harness import SPOT
from tests.integration.venues.ccxt.live_world import (
    FOLLOWERS,
    SLIPPAGE,
    World,
    key_of,
    ledger_agrees,
    live_emulator,
)


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with live_emulator() as emu:
        yield emu


def test_a_provider_fill_is_one_ioc_order_on_each_follower_account(world: World) -> None:
    h = world.h
    with h.platform.uow() as uow:
        free = uow.ledger.balance(LedgerAccount.follower_free("f0"))
    assert free == D(5000)  # the paper allocation went back to the platform balance
    h.trade(world.pro, "buy", "0.5", symbol=SPOT.symbol)  # 1,000 of 10,000: 10 %
    for name in FOLLOWERS:
        [order] = world.emu.state.accounts[key_of(name)[0]].orders
        assert (order.type, order.time_in_force, order.status) == ("LIMIT", "IOC", "FILLED")
        # At most the tolerance price above the provider's 2,000 (docs/venues.md).
        assert D(2000) < order.price <= D(2000) * (1 + SLIPPAGE) and order.executed > 0
    with h.platform.uow() as uow:
        [position] = uow.positions.for_book(world.rels[0])
    assert position.position.qty > 0
    # The copy was booked from the order's answer: one call per copy, no trade fetch.
    posts = [r for r in world.emu.requests if r == ("POST", "/api/v3/order")]
    trade_reads = [r for r in world.emu.requests if r[1] == "/api/v3/myTrades"]
    assert len(posts) == len(FOLLOWERS) and not trade_reads
    ledger_agrees(h)

    # A restart: recovery finds nothing to send again; the next fill is copied once more.
    h = world.restart()
    h.trade(world.pro, "sell", "0.5", symbol=SPOT.symbol)  # the provider closes
    for name in FOLLOWERS:
        orders = world.emu.state.accounts[key_of(name)[0]].orders
        assert [o.side for o in orders] == ["BUY", "SELL"]
        assert orders[1].type == "MARKET"  # closes go at market
    with h.platform.uow() as uow:
        assert all(p.position.is_flat for p in uow.positions.for_book(world.rels[0]))
    assert [a for _, a in world.decisions()] == ["placed"] * 6
    ledger_agrees(h)


def test_a_lost_answer_is_looked_up_by_client_id_after_a_restart(world: World) -> None:
    # Each order is taken but its answer lost, and the exchange then stays unreachable
    # for lookups: the copies stay recorded but unanswered (a crash would leave the same).
    world.emu.faults.arm(Fault.DROP_AFTER_ACCEPT, method="POST", path="/api/v3/order", times=3)
    world.emu.faults.arm(Fault.SERVER_ERROR, method="GET", path="/api/v3/order", times=100)
    h = world.h
    with pytest.raises(VenueUnavailableError):
        h.trade(world.pro, "buy", "0.5", symbol=SPOT.symbol)
    taken = {name: world.exchange_orders(name) for name in FOLLOWERS}
    assert all(len(ids) == 1 for ids in taken.values())  # the exchange has each once
    world.emu.faults.clear()
    h = world.restart()  # recovery asks by client order id before sending anything
    h.engine.pump()
    assert {name: world.exchange_orders(name) for name in FOLLOWERS} == taken
    for rel in world.rels:
        [order] = world.orders_of(rel)
        assert order.status == "filled"
    ledger_agrees(h)


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (Fault.INSUFFICIENT_BALANCE, "insufficient_balance"),
        (Fault.INVALID_QUANTITY, "invalid_quantity"),
    ],
)
def test_a_refused_copy_is_recorded_with_its_reason(
    world: World, fault: Fault, reason: str
) -> None:
    world.emu.faults.arm(fault, method="POST", path="/api/v3/order", times=1)
    world.h.trade(world.pro, "buy", "0.5", symbol=SPOT.symbol)
    actions = [a for _, a in world.decisions()]
    assert sorted(actions) == ["placed", "placed", "skipped"]  # the refused one, with why
    with world.db.connect() as conn:
        [why] = conn.scalars(
            select(CopyDecisionRow.reason).where(CopyDecisionRow.action == "skipped")
        ).all()
    assert why == f"venue:{reason}"


@pytest.mark.parametrize(
    "fault",
    [Fault.RATE_LIMITED, Fault.SERVER_ERROR, Fault.TIMEOUT, Fault.DROP_BEFORE_ACCEPT,
     Fault.DROP_AFTER_ACCEPT],
)
def test_temporary_errors_are_retried_into_one_order(world: World, fault: Fault) -> None:
    world.emu.faults.arm(fault, method="POST", path="/api/v3/order", times=1)
    world.h.trade(world.pro, "buy", "0.5", symbol=SPOT.symbol)
    for name in FOLLOWERS:
        assert len(world.exchange_orders(name)) == 1
    assert [a for _, a in world.decisions()] == ["placed"] * 3


def test_a_partial_ioc_fill_is_booked_as_what_it_is(world: World) -> None:
    world.emu.state.set_price("ETHUSDT", D(2_000), depth=D("0.02"))
    world.h.trade(world.pro, "buy", "0.5", symbol=SPOT.symbol)
    [order] = world.orders_of(world.rels[0])
    assert order.status == "cancelled" and order.filled_qty == D("0.02")
    with world.h.platform.uow() as uow:
        [position] = uow.positions.for_book(world.rels[0])
    assert position.position.qty == D("0.02")
    ledger_agrees(world.h)


def test_a_revoked_key_rejects_only_its_own_copy_with_the_reason(world: World) -> None:
    with world.emu.state.lock:
        del world.emu.state.accounts[key_of("f1")[0]]  # the follower revoked its key
    world.h.trade(world.pro, "buy", "0.5", symbol=SPOT.symbol)
    assert len(world.exchange_orders("f0")) == 1 and len(world.exchange_orders("f2")) == 1
    by_rel = dict(world.decisions())
    assert by_rel[world.rels[0]] == by_rel[world.rels[2]] == "placed"
    assert by_rel[world.rels[1]] == "skipped"
    with world.db.connect() as conn:
        [why] = conn.scalars(
            select(CopyDecisionRow.reason).where(CopyDecisionRow.action == "skipped")
        ).all()
    assert why is not None and why.startswith("venue:authentication_failed: ")
    assert key_of("f1")[1] not in why  # never the secret
    ledger_agrees(world.h)



def test_a_stopped_live_relationship_closes_on_the_exchange_and_hands_back_to_it(
    world: World,
) -> None:
    h, rel = world.h, world.rels[0]
    h.trade(world.pro, "buy", "0.5", symbol=SPOT.symbol)
    free_before = _balance(world, LedgerAccount.follower_free("f0"))
    h.platform.actions.stop(rel, close_on_stop=True)
    orders = world.emu.state.accounts[key_of("f0")[0]].orders
    assert [(o.side, o.type) for o in orders] == [("BUY", "LIMIT"), ("SELL", "MARKET")]
    with h.platform.uow() as uow:
        assert all(p.position.is_flat for p in uow.positions.for_book(rel))
        assert not uow.relationships.get(rel).state.mirrors_closes
    # The allocation's cash went back to the exchange account, not the platform balance.
    assert _balance(world, LedgerAccount.allocation_cash(rel)) == 0
    assert _balance(world, LedgerAccount.follower_free("f0")) == free_before
    ledger_agrees(h)


def _balance(world: World, account: LedgerAccount) -> D:
    with world.h.platform.uow() as uow:
        return uow.ledger.balance(account)
