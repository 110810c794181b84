"""Reconciling the cash of perpetual books: a live book holding a perpetual keeps its cash
and margin in the exchange account's futures wallet, which must hold them (docs/venues.md,
"Reconciling live accounts")."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal as D

import pytest

from copytrade.domain.copying import PauseReason
from tests.exchange_emulator import Emulator
from tests.integration.engine.harness import PERP
from tests.integration.venues.ccxt.live_world import FOLLOWERS, World, key_of, live_emulator


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with live_emulator(perps=True) as emu:
        yield emu


def test_a_futures_wallet_short_of_its_perpetual_books_pauses_them(
    emulator: Emulator, world: World
) -> None:
    h = world.h
    h.tick(PERP.symbol, "50000")
    h.trade(world.pro, "buy", "0.02", symbol=PERP.symbol)  # 1,000 of 10,000: 10 %
    state = emulator.state
    for name in FOLLOWERS:
        [(qty, _)] = state.accounts[key_of(name)[0]].positions.values()
        assert qty > 0  # each follower's copy is open on its futures account
    assert world.reconcile_live().ok

    # The perpetual books' cash is in the futures wallet: f0's spot wallet emptied is no
    # difference; f1's futures wallet short of its book's cash plus margin is.
    with state.lock:
        state.accounts[key_of("f0")[0]].balances["USDT"] = D(0)
        state.accounts[key_of("f1")[0]].futures_wallet["USDT"] = D(500)
    found = world.reconcile_live()
    [difference] = found.differences
    assert (difference.account, difference.what, difference.exchange) == (
        "f1", "futures cash USDT", D(500)
    )
    # The book's 1,000 allocation, less the copy's fee, as cash and margin.
    assert D(999) < difference.books <= D(1000)
    assert found.paused == (world.rels[1],)
    with h.platform.uow() as uow:
        rel = uow.relationships.get(world.rels[1])
    assert rel.state.pause_reason is PauseReason.RECONCILIATION_MISMATCH
