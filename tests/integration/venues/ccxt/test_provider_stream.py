"""Watching a provider's account by websocket: trades the emulated exchange pushes are
booked and copied once each; a stream dropped mid-run, or a watcher restarted, catches
up from the stored cursor, none missed, none doubled (docs/venues.md, "Watching a
provider's account")."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from copytrade.adapters.db.schema import ExchangeTradeCursorRow, FillRow
from copytrade.adapters.venues.ccxt.trade_stream import TradeStream
from copytrade.adapters.venues.errors import TemporaryVenueError
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
    """A streaming watcher of ``pro`` in its own thread (as ``venues watch`` runs it);
    as a context, stopped on leaving it."""

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

    def __enter__(self) -> Running:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


class Watched:
    """The platform (alice copies ``pro``) and ``pro``'s account on the emulated
    exchange, linked a second ago (before all its trades), where ``pro`` trades by hand."""

    def __init__(self, db: Engine, emu: Emulator) -> None:
        self.db, self.emu = db, emu
        self.h = Harness(db)
        self.h.tick(SPOT.symbol, "2000")
        pro = self.h.provider("pro", "10000")
        self.rel = self.h.follow(self.h.follower("alice", "5000"), pro, "1000")
        self.linked_at = datetime.now(UTC) - timedelta(seconds=1)
        self.hand = _exchange(emu)

    def running(self) -> Running:
        """A streaming watcher started on the account (use as a context)."""
        return Running(self.h, self.emu, self.linked_at)

    def trade(self, n: int, side: str, qty: str) -> None:
        _trade_by_hand(self.hand, n, side, qty)

    def fills(self) -> int:
        """The provider fills booked."""
        return _counts(self.db)[0]

    def until_booked(self, fills: int, what: str) -> None:
        _until(lambda: self.fills() == fills, what)


@pytest.fixture
def watched(db_engine: Engine, emulator: Emulator) -> Watched:
    return Watched(db_engine, emulator)


def _trades_polled(emu: Emulator) -> int:
    return sum(1 for request in list(emu.requests) if request == ("GET", "/api/v3/myTrades"))


def _booked_once_each(watched: Watched) -> None:
    """Every trade on the account is one fill, one event and one copy; the cursor is
    at the last trade."""
    trades = watched.emu.state.accounts[PROVIDER_KEY].trades
    with watched.db.connect() as conn:
        fill_ids = conn.scalars(select(FillRow.fill_id).where(FillRow.book == "pro")).all()
        [position] = conn.scalars(select(ExchangeTradeCursorRow.position)).all()
    assert sorted(fill_ids) == sorted(f"binance:ETH/USDT:{t.trade_id}" for t in trades)
    assert _counts(watched.db) == (len(trades), len(trades))
    assert position == str(max(t.trade_id for t in trades))
    with watched.h.platform.uow() as uow:
        decisions = uow.decisions.for_relationship(watched.rel)
    assert [d.action for d in decisions] == ["placed"] * len(trades)


def test_pushed_trades_are_booked_and_copied_once_each(watched: Watched) -> None:
    with watched.running():
        polled = _trades_polled(watched.emu)
        for n in range(3):
            watched.trade(n, "buy", "0.25")
        watched.until_booked(3, "3 fills booked")
        assert _trades_polled(watched.emu) == polled  # pushed, not polled
    _booked_once_each(watched)


def test_trades_made_while_the_stream_was_down_are_caught_up_from_the_cursor(
    watched: Watched,
) -> None:
    with watched.running() as running:
        watched.trade(0, "buy", "0.5")
        watched.until_booked(1, "the first fill booked")
        polls = running.watch.polls
        watched.emu.websocket.down()  # the exchange closes the stream and refuses it
        _until(lambda: not running.watch.streaming and running.watch.polls > polls,
               "the drop seen and polled")
        watched.trade(1, "sell", "0.25")
        watched.trade(2, "buy", "0.25")
        assert watched.fills() == 1  # pushed to no one; the next poll is 60 s off
        watched.emu.websocket.up()
        _until(lambda: running.watch.streaming, "streaming again")
        watched.until_booked(3, "the missed trades caught up")
        watched.trade(3, "buy", "0.25")  # pushed on the new stream
        watched.until_booked(4, "the next trade pushed")
    _booked_once_each(watched)


def test_a_restarted_watcher_catches_up_then_streams(watched: Watched) -> None:
    with watched.running():
        watched.trade(0, "buy", "0.5")
        watched.until_booked(1, "the first fill booked")
    watched.trade(1, "sell", "0.25")  # while no watcher runs
    watched.trade(2, "buy", "0.25")
    with watched.running():  # its start poll reads from the cursor
        assert watched.fills() == 3
        watched.trade(3, "buy", "0.25")
        watched.until_booked(4, "the next trade pushed")
    _booked_once_each(watched)
