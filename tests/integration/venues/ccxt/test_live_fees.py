"""Fees of live relationships come from the follower's platform balance: what it cannot
pay is owed and pauses copying until paid (docs/settlement.md, "Live relationships")."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal as D

import pytest
from sqlalchemy import Engine

from copytrade.config import Settings
from copytrade.domain.copying import PauseReason
from copytrade.domain.errors import InvalidTransitionError
from copytrade.domain.ids import AccountId
from copytrade.domain.ledger import LedgerAccount
from copytrade.domain.values import ZERO
from copytrade.service_layer.events import Cursor, EventFeed
from copytrade.service_layer.live_fees import FEES_OWED
from tests.exchange_emulator import Emulator
from tests.integration.engine.harness import SPOT
from tests.integration.venues.ccxt.live_world import World, ledger_agrees, live_emulator


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with live_emulator() as emu:
        yield emu


def _free(world: World, user: str) -> D:
    with world.h.platform.uow() as uow:
        return uow.ledger.balance(LedgerAccount.follower_free(user))


def _cash(world: World, rel: str) -> D:
    with world.h.platform.uow() as uow:
        return uow.ledger.balance(LedgerAccount.allocation_cash(rel))


def _rise(world: World, price: str) -> None:
    world.emu.state.set_price("ETHUSDT", D(price))
    world.h.tick(SPOT.symbol, price)


def test_profit_share_is_charged_to_the_platform_balance_or_owed_and_paused(
    db_engine: Engine, db_settings: Settings, emulator: Emulator
) -> None:
    world = World(db_engine, db_settings, emulator)
    h, (paying, broke, _) = world.h, world.rels
    h.trade(world.pro, "buy", "0.5", symbol=SPOT.symbol)
    _rise(world, "2400")
    h.platform.accounts.withdraw(AccountId("f1"), _free(world, "f1"), key="out:f1")
    cash_before = _cash(world, paying)
    [paid] = [h.platform.settlements.settle(paying, "2026-W02")]
    assert paid is not None and paid.settlement.debit > ZERO
    assert _free(world, "f0") == D(5000) - paid.settlement.debit  # the platform balance
    assert _cash(world, paying) == cash_before  # the exchange account is untouched
    with h.platform.uow() as uow:
        assert uow.relationships.get(paying).state.accepts_openings

    owed = h.platform.settlements.settle(broke, "2026-W02")
    assert owed is not None and owed.settlement.debit == ZERO
    with h.platform.uow() as uow:
        rel = uow.relationships.get(broke)
    assert rel.owed > ZERO and rel.state.pause_reason is PauseReason.FEES_OWED
    with pytest.raises(InvalidTransitionError):
        h.platform.actions.resume(broke)
    h.trade(world.pro, "buy", "0.1", symbol=SPOT.symbol)  # a paused copy opens nothing
    assert len(world.exchange_orders("f1")) == 1 and len(world.exchange_orders("f0")) == 2
    ledger_agrees(h)

    fees = world.container.live_fees(h.platform)
    h.platform.accounts.deposit(AccountId("f1"), D(100), key="in:f1")
    done = fees.pay(broke)
    assert done.resumed and done.profit_share == rel.owed
    with h.platform.uow() as uow:
        assert uow.relationships.get(broke).owed == ZERO
    assert _free(world, "f1") == D(100) - rel.owed
    ledger_agrees(h)


def test_commission_is_charged_to_the_platform_balance_or_owed_and_paused(
    db_engine: Engine, db_settings: Settings, emulator: Emulator
) -> None:
    world = World(
        db_engine, db_settings, emulator, commission_pct="0.1", share_pct="0",
        fee_model="commission",
    )
    h, (paying, broke, _) = world.h, world.rels
    h.platform.accounts.withdraw(AccountId("f1"), _free(world, "f1"), key="out:f1")
    cash_before = _cash(world, paying)
    h.trade(world.pro, "buy", "0.5", symbol=SPOT.symbol)
    charged = D(5000) - _free(world, "f0")
    assert charged > ZERO  # 0.1 % of the copy's notional, from the platform balance
    with h.platform.uow() as uow:
        [position] = uow.positions.for_book(paying)
        assert uow.relationships.get(paying).state.accepts_openings
        rel = uow.relationships.get(broke)
        [owed] = uow.live.owed(broke)
    notional = position.position.qty * position.position.avg_entry_price
    assert charged == (notional * D("0.001")).quantize(D("0.01"), rounding="ROUND_DOWN")
    # The allocation paid only its fill: cost and the exchange's fee, no commission.
    [order] = world.orders_of(paying)
    assert _cash(world, paying) == cash_before - notional - order.fees
    assert rel.state.pause_reason is PauseReason.FEES_OWED and owed.amount > ZERO
    events, _ = EventFeed(h.platform.uow).after("f1", Cursor(), settle_s=5.0)  # told
    [told] = [e for e in events if e.type == FEES_OWED]
    assert told.data["kind"] == "commission" and D(told.data["amount"]) == owed.amount
    ledger_agrees(h)

    fees = world.container.live_fees(h.platform)
    h.platform.accounts.deposit(AccountId("f1"), D(10), key="in:f1")
    done = fees.pay(broke)
    assert done.resumed and done.commissions == owed.amount
    assert _free(world, "f1") == D(10) - owed.amount
    with h.platform.uow() as uow:
        assert uow.live.owed(broke) == []
    ledger_agrees(h)
