"""Watching a provider's real account: its trades on the emulated exchange become
provider fills, copied once, and a new watcher catches up from the stored cursor."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select

from copytrade.adapters.db.schema import ExchangeTradeCursorRow, FillRow, OutboxRow
from copytrade.adapters.venues.ccxt import ApiCredentials, CcxtVenue
from copytrade.adapters.venues.port import OrderRequest
from copytrade.domain.ids import ClientOrderId
from copytrade.engine.messages import PROVIDER_FILLED
from copytrade.engine.provider_watch import ProviderWatcher
from tests.exchange_emulator import Emulator, MarketSpec
from tests.integration.engine.harness import SPOT, Harness

PROVIDER_KEY, PROVIDER_SECRET = "emu-key-pro", "emu-secret-pro-0123456789"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    emu = Emulator([MarketSpec("ETH", "USDT", step=Decimal("0.0001"), min_qty=Decimal("0.0001"))])
    with emu.running():
        emu.state.add_account(PROVIDER_KEY, PROVIDER_SECRET, {"USDT": Decimal(10_000)})
        emu.state.set_price("ETHUSDT", Decimal(2_000))
        yield emu


def _exchange(emu: Emulator) -> CcxtVenue:
    """The provider's own account on the exchange (the watcher reads it with these keys)."""
    return CcxtVenue(
        "binance", {"pro": ApiCredentials(PROVIDER_KEY, PROVIDER_SECRET)}, api_urls=emu.urls
    )


def _trade_by_hand(exchange: CcxtVenue, n: int, side: str, qty: str) -> None:
    """The provider trades on its exchange account, outside copytrade."""
    cid = ClientOrderId.derive("hand", str(n))
    order = exchange.place(OrderRequest(cid, "pro", SPOT.symbol, side, "market", Decimal(qty)))
    assert order.filled_qty == Decimal(qty), order


def _platform(db: Engine) -> Harness:
    h = Harness(db)
    h.tick(SPOT.symbol, "2000")
    h.provider("pro", "10000")
    return h


def _watcher(h: Harness, exchange: CcxtVenue, since: datetime, page: int) -> ProviderWatcher:
    return ProviderWatcher(
        exchange, "binance", h.engine.uow_factory, h.engine.ingestor, "pro", [SPOT.symbol], since,
        h.clock.now, page=page,
    )


def _counts(db: Engine) -> tuple[int, int]:
    with db.connect() as conn:
        fills = conn.scalar(select(func.count()).select_from(FillRow).where(FillRow.book == "pro"))
        events = conn.scalar(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.topic == PROVIDER_FILLED)
        )
    return int(fills or 0), int(events or 0)


def test_trades_are_copied_once_and_a_new_watcher_catches_up(
    db_engine: Engine, emulator: Emulator
) -> None:
    h = Harness(db_engine)
    h.tick(SPOT.symbol, "2000")
    pro = h.provider("pro", "10000")
    rel = h.follow(h.follower("alice", "5000"), pro, "1000")
    exchange = _exchange(emulator)
    linked_at = datetime.now(UTC) - timedelta(seconds=1)

    for n in range(3):
        _trade_by_hand(exchange, n, "buy", "0.5")  # 1,000 of 10,000 each: 10 %
    watcher = _watcher(h, exchange, linked_at, page=2)  # pages of 2: 3 trades = 2 pages
    assert watcher.poll() == 3
    h.engine.pump()
    assert watcher.poll() == 0  # read again: nothing new
    assert _counts(db_engine) == (3, 3)
    with h.platform.uow() as uow:
        [position] = uow.positions.for_book(rel)
    # Each copy ~ 1,000 × 10 % / 2,000 = 0.05 ETH; the provider's fees lower its equity
    # a little, so the usage is a hair above 10 % and the lot step rounds down.
    assert Decimal("0.149") <= position.position.qty <= Decimal("0.15")

    # The watcher stops (a restart, an outage); the provider keeps trading.
    del watcher
    _trade_by_hand(exchange, 3, "sell", "0.5")
    _trade_by_hand(exchange, 4, "buy", "0.25")
    restarted = _watcher(h, _exchange(emulator), linked_at, page=2)
    assert restarted.poll() == 2  # exactly the missing ones
    h.engine.pump()
    assert restarted.poll() == 0
    assert _counts(db_engine) == (5, 5)
    with h.platform.uow() as uow:
        decisions = uow.decisions.for_relationship(rel)
    assert [d.action for d in decisions] == ["placed"] * 5
    with db_engine.connect() as conn:
        fill_ids = conn.scalars(select(FillRow.fill_id).where(FillRow.book == "pro")).all()
    trades = emulator.state.accounts[PROVIDER_KEY].trades
    assert sorted(fill_ids) == sorted(f"binance:ETH/USDT:{t.trade_id}" for t in trades)
    with db_engine.connect() as conn:
        [(position_text,)] = conn.execute(select(ExchangeTradeCursorRow.position)).all()
    assert position_text == str(max(t.trade_id for t in trades))


def test_two_watchers_of_one_account_book_each_trade_once(
    db_engine: Engine, emulator: Emulator
) -> None:
    h, exchange = _platform(db_engine), _exchange(emulator)
    linked_at = datetime.now(UTC) - timedelta(seconds=1)
    _trade_by_hand(exchange, 0, "buy", "0.5")
    first, second = _watcher(h, exchange, linked_at, 500), _watcher(h, exchange, linked_at, 500)
    assert first.poll() + second.poll() == 1
    assert _counts(db_engine) == (1, 1)


def test_trades_before_the_account_was_linked_are_history(
    db_engine: Engine, emulator: Emulator
) -> None:
    h, exchange = _platform(db_engine), _exchange(emulator)
    _trade_by_hand(exchange, 0, "buy", "0.5")
    time.sleep(0.01)
    linked_at = datetime.now(UTC)
    time.sleep(0.01)
    _trade_by_hand(exchange, 1, "buy", "0.25")
    assert _watcher(h, exchange, linked_at, 500).poll() == 1
    with db_engine.connect() as conn:
        sides = conn.scalars(select(FillRow.side).where(FillRow.book == "pro")).all()
    assert sides == ["buy"]  # the later one only
