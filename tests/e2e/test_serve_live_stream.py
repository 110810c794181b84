"""``serve``'s ``[[watch]]`` job on the emulator's websocket, in process through the
server's assembly (``build_server``): trades pushed while serving are booked and copied
once each under the engine lock, a dropped stream is caught up from the cursor, and
stopping the scheduler closes the stream (docs/venues.md, "Serving live venues")."""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import Engine, select

from copytrade.adapters.db.schema import CopyDecisionRow, FillRow
from copytrade.adapters.venues.ccxt import ApiCredentials, CcxtVenue
from copytrade.adapters.venues.port import OrderRequest
from copytrade.bootstrap.container import Container
from copytrade.config import Settings
from copytrade.domain.ids import ClientOrderId
from copytrade.marketdata.clock import SystemClock
from copytrade.server.assembly import build_server
from copytrade.server.live import load_live_config
from copytrade.server.watch import WatchJob
from tests.exchange_emulator import Emulator
from tests.integration.engine.harness import SPOT

from .test_serve_live import KEY, SECRET, _config, emulator
from .watching import linked_provider_db

__all__ = ["emulator"]  # the fixture, shared with the serve-live process test


def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not {what} in time")
        time.sleep(0.02)


def _booked(db: Engine) -> tuple[list[str], int]:
    with db.connect() as conn:
        fills = list(conn.scalars(select(FillRow.fill_id).where(FillRow.book == "pro")))
        copies = len(list(conn.scalars(select(CopyDecisionRow.id))))
    return fills, copies


def _trades_polled(emu: Emulator) -> int:
    return sum(1 for request in list(emu.requests) if request == ("GET", "/api/v3/myTrades"))


def test_serve_books_pushed_trades_and_catches_up_a_dropped_stream(
    tmp_path: Path, emulator: Emulator
) -> None:
    master_key, db_file = os.urandom(32), tmp_path / "ct.db"
    db = linked_provider_db(db_file, emulator, master_key, ApiCredentials(KEY, SECRET))
    # A minute between polls: what is booked within the test came pushed, or from the
    # catch-up poll of a (re)subscription.
    path = _config(tmp_path / "live.toml", emulator,
                   f'interval_seconds = 60\nws_base = "{emulator.websocket.base_url}"')
    settings = Settings(database_url=f"sqlite:///{db_file}",
                        secret_key=SecretStr(base64.b64encode(master_key).decode()))
    container = Container.from_settings(settings)
    server = build_server(container, SystemClock(), 1, market=False,
                          live_config=load_live_config(path))
    [job] = [j.run for j in server.scheduler.jobs if j.name == "watch:pro"]
    assert isinstance(job, WatchJob)
    hand = CcxtVenue("binance", {"pro": ApiCredentials(KEY, SECRET)}, api_urls=emulator.urls)

    def trade(n: int) -> None:
        cid = ClientOrderId.derive("hand", f"serve-ws-{n}")
        hand.place(OrderRequest(cid, "pro", SPOT.symbol, "buy", "market", Decimal("0.05")))

    server.scheduler.start(poll_s=0.05)
    try:
        _until(lambda: job.streaming is not None and job.streaming.streaming, "streaming")
        polled = _trades_polled(emulator)
        with server.runtime.lock:  # a request or job holding the engine: the push waits
            trade(0)
            time.sleep(0.3)
            assert _booked(db)[0] == []
        _until(lambda: len(_booked(db)[0]) == 1, "the pushed trade booked")
        assert _trades_polled(emulator) == polled  # pushed, not polled

        streaming = job.streaming
        assert streaming is not None
        polls = streaming.polls
        emulator.websocket.down()  # the exchange drops the stream and refuses it
        _until(lambda: not streaming.streaming and streaming.polls > polls, "the drop seen")
        trade(1)
        trade(2)
        emulator.websocket.up()
        _until(lambda: streaming.streaming, "streaming again")
        _until(lambda: len(_booked(db)[0]) == 3, "the missed trades caught up")
        trade(3)
        _until(lambda: len(_booked(db)[0]) == 4, "the next trade pushed")
    finally:
        server.scheduler.stop()
        container.close()
    assert job.streaming is not None and not job.running  # the stream closed
    fills, copies = _booked(db)
    trades = emulator.state.accounts[KEY].trades
    assert sorted(fills) == sorted(f"binance:ETH/USDT:{t.trade_id}" for t in trades)
    assert len(trades) == 4 and copies == 4  # once each
    db.dispose()
