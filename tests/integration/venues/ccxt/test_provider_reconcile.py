"""A watched provider's exchange account against its books (docs/venues.md, "Watching a
provider's account" and "Reconciling live accounts"): the paper comparison leaves its
book out, the live one pauses its relationships when the account no longer holds what
was booked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal as D

import pytest
from sqlalchemy import Engine, select

from copytrade.adapters.db.engine import make_session_factory
from copytrade.adapters.db.schema import OutboxRow
from copytrade.adapters.venues.ccxt import ApiCredentials, CcxtVenue
from copytrade.adapters.venues.port import OrderRequest
from copytrade.bootstrap import Container
from copytrade.config import Settings
from copytrade.domain.copying import PauseReason
from copytrade.domain.ids import ClientOrderId
from copytrade.service_layer.live_reconcile import RECONCILIATION_MISMATCH, reconcile_live
from tests.exchange_emulator import Emulator
from tests.integration.engine.harness import PERP, SPOT
from tests.integration.venues.ccxt.live_world import (
    FOLLOWERS,
    World,
    key_of,
    ledger_agrees,
    live_emulator,
)

WATCHED = (*FOLLOWERS, "pro")  # the followers copy on paper; pro's account is watched


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with live_emulator(accounts=WATCHED) as emu:
        yield emu


@pytest.fixture
def perp_emulator() -> Iterator[Emulator]:
    with live_emulator(perps=True, accounts=WATCHED) as emu:
        yield emu


def _watched(
    db: Engine, settings: Settings, emu: Emulator, symbol: str = SPOT.symbol, qty: str = "0.5"
) -> World:
    """Paper followers of ``pro``, whose linked account bought ``qty`` by hand, booked."""
    world = World(db, settings, emu, live=False)
    world.h.tick(PERP.symbol, "50000")
    world.container.exchange_accounts(world.clock).add(
        "pro", "binance", ApiCredentials(*key_of("pro")), api_base=emu.base_url
    )
    hand = CcxtVenue("binance", {"pro": ApiCredentials(*key_of("pro"))}, api_urls=emu.urls)
    cid = ClientOrderId.derive("hand", "0")
    hand.place(OrderRequest(cid, "pro", symbol, "buy", "market", D(qty)))
    assert world.container.provider_watcher(world.h.platform, "pro").poll() == 1
    world.h.engine.pump()
    return world


def test_a_watched_providers_account_short_of_its_books_pauses_its_copying(
    db_engine: Engine, db_settings: Settings, emulator: Emulator
) -> None:
    world = _watched(db_engine, db_settings, emulator)
    h = world.h
    ledger_agrees(h)  # the outside trade is booked, yet the paper comparison agrees
    assert list(world.container.watched_providers(world.clock)) == ["pro"]
    agreeing = world.reconcile_live(watched=True)
    assert agreeing.ok and agreeing.accounts == 1 and not agreeing.paused

    # Outside copytrade's view the provider moves 0.2 of its ETH away.
    with emulator.state.lock:
        emulator.state.accounts[key_of("pro")[0]].balances["ETH"] -= D("0.2")
    found = world.reconcile_live(watched=True)
    [difference] = found.differences
    assert (difference.account, difference.what) == ("pro", "holding ETH")
    assert difference.exchange < difference.books
    assert sorted(found.paused) == sorted(world.rels)
    with h.platform.uow() as uow:
        reasons = {uow.relationships.get(r).state.pause_reason for r in world.rels}
    assert reasons == {PauseReason.RECONCILIATION_MISMATCH}
    with db_engine.connect() as conn:
        told = conn.scalars(
            select(OutboxRow.payload).where(OutboxRow.topic == RECONCILIATION_MISMATCH)
        ).all()
    assert sorted(json.loads(p)["to"] for p in told) == ["f0", "f1", "f2"]
    code, report = world.reconcile_cli()
    assert code == 1, report
    assert report["differences"] == []  # the paper side agrees
    assert report["live"]["differences"] == [difference.to_json()]
    # A link that cannot be opened (here: no master key) is unreachable, no mismatch.
    blind = Container(
        db_settings.model_copy(update={"secret_key": None}), db_engine,
        make_session_factory(db_engine),
    )
    gone = reconcile_live(
        h.platform.uow, {}, world.clock.now, providers=blind.watched_providers(world.clock)
    )
    assert [account for account, _ in gone.unreachable] == ["pro"]
    assert not gone.differences and not gone.paused


def test_a_watched_providers_perpetual_closed_outside_copytrade_pauses_its_copying(
    db_engine: Engine, db_settings: Settings, perp_emulator: Emulator
) -> None:
    world = _watched(db_engine, db_settings, perp_emulator, PERP.symbol, "0.02")
    h, state = world.h, perp_emulator.state
    with h.platform.uow() as uow:
        [booked] = uow.positions.for_book("pro")
    assert booked.position.qty == D("0.02")
    assert world.reconcile_live(watched=True).ok

    # The exchange closes the position (a liquidation): the platform still books it.
    with state.lock:
        state.accounts[key_of("pro")[0]].positions.clear()
    found = world.reconcile_live(watched=True)
    [difference] = found.differences
    assert (difference.what, difference.books, difference.exchange) == (
        f"position {PERP.symbol}", D("0.02"), D(0)
    )
    assert sorted(found.paused) == sorted(world.rels)
