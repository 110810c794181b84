"""Reconciling live accounts: an exchange account that no longer holds what its live
relationships' books say pauses them (reason ``reconciliation_mismatch``), tells the
follower, and ``copytrade reconcile`` shows the difference."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal as D

import pytest
from sqlalchemy import Engine, select

from copytrade.adapters.db.schema import OutboxRow
from copytrade.api.runtime import ServerRuntime
from copytrade.domain.copying import PauseReason
from copytrade.server.live_reconcile import LIVE_RECONCILE_EVERY
from copytrade.server.scheduler import Scheduler, default_jobs
from copytrade.service_layer.events import Cursor, EventFeed
from copytrade.service_layer.live_reconcile import RECONCILIATION_MISMATCH
from tests.exchange_emulator import Emulator
from tests.integration.engine.harness import SPOT
from tests.integration.venues.ccxt.live_world import World, key_of, live_emulator


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with live_emulator() as emu:
        yield emu


def test_a_live_account_short_of_its_books_pauses_its_relationships(
    db_engine: Engine, emulator: Emulator, world: World
) -> None:
    h = world.h
    h.trade(world.pro, "buy", "0.5", symbol=SPOT.symbol)
    agreeing = world.reconcile_live()
    assert agreeing.ok and agreeing.accounts == 3 and not agreeing.paused

    # Outside copytrade's view the follower moves its ETH away (a manual transfer).
    with emulator.state.lock:
        emulator.state.accounts[key_of("f1")[0]].balances["ETH"] = D(0)
    found = world.reconcile_live()
    [difference] = found.differences
    assert (difference.account, difference.what, difference.exchange) == ("f1", "holding ETH", 0)
    assert difference.books > 0
    assert found.paused == (world.rels[1],)
    with h.platform.uow() as uow:
        rel = uow.relationships.get(world.rels[1])
    assert rel.state.pause_reason is PauseReason.RECONCILIATION_MISMATCH
    with db_engine.connect() as conn:
        [payload] = conn.scalars(
            select(OutboxRow.payload).where(OutboxRow.topic == RECONCILIATION_MISMATCH)
        ).all()
    assert json.loads(payload)["to"] == "f1"
    events, _ = EventFeed(h.platform.uow).after("f1", Cursor(), settle_s=5.0)  # its stream
    [told] = [e for e in events if e.type == RECONCILIATION_MISMATCH]
    assert told.data["relationship"] == world.rels[1]
    assert told.data["differences"] == [difference.to_json()]
    # Paused: the next opening is not copied on that account, the others are.
    h.trade(world.pro, "buy", "0.1", symbol=SPOT.symbol)
    assert [len(world.exchange_orders(n)) for n in ("f0", "f1", "f2")] == [2, 1, 2]
    # A second look pauses nothing new; ``copytrade reconcile`` shows the difference.
    assert world.reconcile_live().paused == ()
    code, report = world.reconcile_cli()
    assert code == 1, report
    assert report["ok"] is False
    assert report["live"]["differences"] == [difference.to_json()]


def test_cash_short_of_the_books_and_a_finished_copy_left_open_are_differences(
    emulator: Emulator, world: World
) -> None:
    h = world.h
    h.trade(world.pro, "buy", "0.5", symbol=SPOT.symbol)
    state = emulator.state
    eth = state.market(False, "ETHUSDT")
    # Each follower's own resting order (not copytrade's) is its own business.
    with state.lock:
        for name in ("f0", "f1", "f2"):
            state.place(state.accounts[key_of(name)[0]], eth, {
                "newClientOrderId": f"mine-{name}", "type": "LIMIT", "price": "1000",
                "quantity": "0.01", "side": "BUY", "timeInForce": "GTC"})
    assert world.reconcile_live().ok

    # f0's cash leaves the account; on f2 an order copytrade recorded as filled rests
    # open on the book again.
    with state.lock:
        state.accounts[key_of("f0")[0]].balances["USDT"] = D(100)
        [copy_id] = [c for c in world.exchange_orders("f2") if c.startswith("cp-")]
        state.place(state.accounts[key_of("f2")[0]], eth, {
            "newClientOrderId": copy_id, "type": "LIMIT", "price": "1000",
            "quantity": "0.02", "side": "BUY", "timeInForce": "GTC"})
    found = world.reconcile_live()
    assert [(d.account, d.what, d.exchange) for d in found.differences] == [
        ("f0", "cash USDT", D(100)), ("f2", f"open order {copy_id}", D("0.02")),
    ]
    assert found.differences[0].books > D(100)
    assert found.differences[1].books == 0
    assert set(found.paused) == {world.rels[0], world.rels[2]}


def test_serve_reconciles_live_accounts_at_start_and_then_periodically(
    emulator: Emulator, world: World
) -> None:
    world.h.trade(world.pro, "buy", "0.5", symbol=SPOT.symbol)
    runtime = ServerRuntime.build(world.container, world.clock)
    scheduler = Scheduler(runtime, world.clock, default_jobs(runtime, world.clock, None))
    [job] = [j for j in scheduler.jobs if j.name == "live-reconcile"]
    scheduler.run_due()  # the server's first pass: the accounts agree
    assert (job.runs, job.last_error) == (1, None)
    with runtime.platform.uow() as uow:
        assert uow.relationships.get(world.rels[1]).state.accepts_openings

    with emulator.state.lock:
        emulator.state.accounts[key_of("f1")[0]].balances["ETH"] = D(0)
    scheduler.run_due()  # not due yet: nothing read
    assert job.runs == 1
    world.clock.advance(LIVE_RECONCILE_EVERY)
    scheduler.run_due()
    assert (job.runs, job.last_error) == (2, None)
    with runtime.platform.uow() as uow:
        paused = uow.relationships.get(world.rels[1]).state
        others = [uow.relationships.get(r).state for r in (world.rels[0], world.rels[2])]
    assert paused.pause_reason is PauseReason.RECONCILIATION_MISMATCH
    assert all(s.accepts_openings for s in others)
