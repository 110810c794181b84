"""Watching a provider's account by websocket: trades the emulated exchange pushes are
booked and copied once each; a stream dropped mid-run, or a watcher restarted, catches
up from the stored cursor, none missed, none doubled (docs/venues.md, "Watching a
provider's account")."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from copytrade.adapters.db.schema import ExchangeTradeCursorRow, FillRow
from copytrade.adapters.venues.ccxt.trade_stream import TradeStream
from copytrade.adapters.venues.errors import TemporaryVenueError
from copytrade.domain.ids import RelationshipId
from copytrade.engine.provider_stream import StreamingWatch
from tests.exchange_emulator import Emulator
from tests.integration.engine.harness import SPOT, Harness
from tests.integration.venues.ccxt.test_provider_watch import (
    PROVIDER_KEY,
    _counts,
    _exchange,
    _trade_by_hand,
    _watcher,
    emulator,
)

__all__ = ["emulator"]  # the fixture, shared with the polling watcher's tests


def _until(condition: Callable[[], bool], what: str, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not {what} within {seconds} s")
        time.sleep(0.02)


class Running:
    """A streaming watcher of ``pro`` in its own thread (as ``venues watch`` runs it)."""

    def __init__(self, h: Harness, emu: Emulator, linked_at: datetime) -> None:
        exchange = _exchange(emu)
        stream = TradeStream.open(exchange, "pro", [SPOT.symbol], emu.ws_urls, 0.05)
        assert stream is not None  # ccxt pro's binance watches an account's trades
        self.watch = StreamingWatch(
            _watcher(h, exchange, linked_at, page=500), stream, interval=60.0,
            booked=lambda n: h.engine.pump(),
            is_temporary=lambda e: isinstance(e, TemporaryVenueError),
        )
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self.watch.run, args=(self._stop,))
        self._thread.start()
        _until(lambda: self.watch.streaming, "streaming")

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)
        assert not self._thread.is_alive()


@pytest.fixture
def platform(db_engine: Engine) -> Iterator[tuple[Harness, RelationshipId]]:
    h = Harness(db_engine)
    h.tick(SPOT.symbol, "2000")
    pro = h.provider("pro", "10000")
    yield h, h.follow(h.follower("alice", "5000"), pro, "1000")


def _trades_polled(emu: Emulator) -> int:
    return sum(1 for request in list(emu.requests) if request == ("GET", "/api/v3/myTrades"))


def _booked_once_each(db: Engine, h: Harness, rel: RelationshipId, emu: Emulator) -> None:
    """Every trade on the account is one fill, one event and one copy; the cursor is
    at the last trade."""
    trades = emu.state.accounts[PROVIDER_KEY].trades
    with db.connect() as conn:
        fill_ids = conn.scalars(select(FillRow.fill_id).where(FillRow.book == "pro")).all()
        [position] = conn.scalars(select(ExchangeTradeCursorRow.position)).all()
    assert sorted(fill_ids) == sorted(f"binance:ETH/USDT:{t.trade_id}" for t in trades)
    assert _counts(db) == (len(trades), len(trades))
    assert position == str(max(t.trade_id for t in trades))
    with h.platform.uow() as uow:
        decisions = uow.decisions.for_relationship(rel)
    assert [d.action for d in decisions] == ["placed"] * len(trades)


def test_pushed_trades_are_booked_and_copied_once_each(
    db_engine: Engine, emulator: Emulator, platform: tuple[Harness, RelationshipId]
) -> None:
    h, rel = platform
    linked_at = datetime.now(UTC) - timedelta(seconds=1)
    running = Running(h, emulator, linked_at)
    try:
        polled = _trades_polled(emulator)
        hand = _exchange(emulator)
        for n in range(3):
            _trade_by_hand(hand, n, "buy", "0.25")
        _until(lambda: _counts(db_engine)[0] == 3, "3 fills booked")
        assert _trades_polled(emulator) == polled  # pushed, not polled
    finally:
        running.stop()
    _booked_once_each(db_engine, h, rel, emulator)


def test_trades_made_while_the_stream_was_down_are_caught_up_from_the_cursor(
    db_engine: Engine, emulator: Emulator, platform: tuple[Harness, RelationshipId]
) -> None:
    h, rel = platform
    running = Running(h, emulator, datetime.now(UTC) - timedelta(seconds=1))
    hand = _exchange(emulator)
    try:
        _trade_by_hand(hand, 0, "buy", "0.5")
        _until(lambda: _counts(db_engine)[0] == 1, "the first fill booked")
        polls = running.watch.polls
        emulator.websocket.down()  # the exchange closes the stream and refuses it
        _until(lambda: not running.watch.streaming and running.watch.polls > polls,
               "the drop seen and polled")
        _trade_by_hand(hand, 1, "sell", "0.25")
        _trade_by_hand(hand, 2, "buy", "0.25")
        assert _counts(db_engine)[0] == 1  # pushed to no one; the next poll is 60 s off
        emulator.websocket.up()
        _until(lambda: running.watch.streaming, "streaming again")
        _until(lambda: _counts(db_engine)[0] == 3, "the missed trades caught up")
        _trade_by_hand(hand, 3, "buy", "0.25")  # pushed on the new stream
        _until(lambda: _counts(db_engine)[0] == 4, "the next trade pushed")
    finally:
        running.stop()
    _booked_once_each(db_engine, h, rel, emulator)


def test_a_restarted_watcher_catches_up_then_streams(
    db_engine: Engine, emulator: Emulator, platform: tuple[Harness, RelationshipId]
) -> None:
    h, rel = platform
    linked_at = datetime.now(UTC) - timedelta(seconds=1)
    hand = _exchange(emulator)
    first = Running(h, emulator, linked_at)
    _trade_by_hand(hand, 0, "buy", "0.5")
    _until(lambda: _counts(db_engine)[0] == 1, "the first fill booked")
    first.stop()
    _trade_by_hand(hand, 1, "sell", "0.25")  # while no watcher runs
    _trade_by_hand(hand, 2, "buy", "0.25")
    restarted = Running(h, emulator, linked_at)  # its start poll reads from the cursor
    try:
        assert _counts(db_engine)[0] == 3
        _trade_by_hand(hand, 3, "buy", "0.25")
        _until(lambda: _counts(db_engine)[0] == 4, "the next trade pushed")
    finally:
        restarted.stop()
    _booked_once_each(db_engine, h, rel, emulator)
