"""``copytrade venues watch`` as a real process, killed with SIGKILL between and during
polls while the provider keeps trading on the emulated exchange: when the last life has
caught up, every trade was booked and copied exactly once."""

from __future__ import annotations

import base64
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from copytrade.adapters.db.schema import CopyDecisionRow, FillRow, OutboxRow
from copytrade.adapters.venues.ccxt import ApiCredentials, CcxtVenue
from copytrade.adapters.venues.port import OrderRequest
from copytrade.cli.app import app
from copytrade.domain.ids import ClientOrderId
from copytrade.engine.messages import PROVIDER_FILLED
from tests.e2e.watching import eth_emulator, linked_provider_db
from tests.exchange_emulator import Emulator, Fault
from tests.integration.engine.harness import SPOT

KEY, SECRET = "emu-key-pro-watch", "emu-secret-pro-watch-0123456789"
WAIT_S = 90.0


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with eth_emulator(KEY, SECRET) as emu:
        yield emu


def _world(tmp_path: Path, emu: Emulator) -> tuple[bytes, Path, Engine, CcxtVenue]:
    """The master key, the database file and engine, and the provider's own exchange
    account (through which the test trades by hand)."""
    master_key, db_file = os.urandom(32), tmp_path / "ct.db"
    db = linked_provider_db(db_file, emu, master_key, ApiCredentials(KEY, SECRET))
    provider = CcxtVenue("binance", {"pro": ApiCredentials(KEY, SECRET)}, api_urls=emu.urls)
    return master_key, db_file, db, provider


def _start(db_file: Path, master_key: bytes) -> subprocess.Popen[bytes]:
    env = {**os.environ, "COPYTRADE_SECRET_KEY": base64.b64encode(master_key).decode()}
    return subprocess.Popen(
        [sys.executable, "-m", "copytrade.cli", "venues", "watch", "pro",
         "--database", str(db_file), "--interval", "0.05"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def _booked(db: Engine) -> list[str]:
    with db.connect() as conn:
        return list(conn.scalars(select(FillRow.fill_id).where(FillRow.book == "pro")))


def _wait_for(db: Engine, count: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + WAIT_S
    while len(_booked(db)) < count:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        if time.monotonic() > deadline:
            process.kill()
            errors = process.stderr.read() if process.stderr else b""
            raise AssertionError(f"{len(_booked(db))} of {count} fills booked: {errors!r}")
        time.sleep(0.05)


def test_a_killed_watcher_misses_and_doubles_nothing(
    tmp_path: Path, emulator: Emulator
) -> None:
    master_key, db_file, db, provider = _world(tmp_path, emulator)
    rng = random.Random(15)
    made = 0

    def trade(n: int) -> None:
        nonlocal made
        for _ in range(n):
            cid = ClientOrderId.derive("hand", str(made))
            side = "sell" if made % 3 == 2 else "buy"
            qty = Decimal("0.05") if side == "buy" else Decimal("0.02")
            order = provider.place(OrderRequest(cid, "pro", SPOT.symbol, side, "market", qty))
            assert order.filled_qty == qty, order
            made += 1

    trade(4)  # buy, buy, sell, buy...: every sell sells what was bought before
    first = _start(db_file, master_key)
    _wait_for(db, made, first)
    first.send_signal(signal.SIGKILL)
    assert first.wait() == -signal.SIGKILL
    for _life in range(4):
        trade(rng.randint(1, 4))
        life = _start(db_file, master_key)
        time.sleep(rng.uniform(0.5, 3.0))  # killed anywhere: starting, reading, booking
        trade(rng.randint(0, 2))
        life.send_signal(signal.SIGKILL)
        assert life.wait() == -signal.SIGKILL
    trade(2)
    last = _start(db_file, master_key)
    _wait_for(db, made, last)
    last.send_signal(signal.SIGTERM)
    assert last.wait(timeout=WAIT_S) == 0

    trades = emulator.state.accounts[KEY].trades
    assert len(trades) == made
    booked = _booked(db)
    assert sorted(booked) == sorted(f"binance:ETH/USDT:{t.trade_id}" for t in trades)
    with db.connect() as conn:
        events = conn.scalar(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.topic == PROVIDER_FILLED)
        )
        decisions = conn.scalar(select(func.count()).select_from(CopyDecisionRow))
    assert events == made  # each trade announced once
    assert decisions == made  # and copied once: one decision per (provider fill, follower)
    db.dispose()


def test_an_outage_is_retried_and_caught_up_from_the_cursor(
    tmp_path: Path, emulator: Emulator
) -> None:
    master_key, db_file, db, provider = _world(tmp_path, emulator)
    for n in range(2):
        cid = ClientOrderId.derive("hand", str(n))
        provider.place(OrderRequest(cid, "pro", SPOT.symbol, "buy", "market", Decimal("0.05")))
    env = {"COPYTRADE_SECRET_KEY": base64.b64encode(master_key).decode()}
    once = ["venues", "watch", "pro", "--once", "--database", str(db_file)]
    emulator.faults.arm(Fault.RATE_LIMITED, method="GET", path="/api/v3/myTrades")
    limited = CliRunner().invoke(app, once, env=env)
    assert limited.exit_code == 0, limited.output
    assert "exchange unavailable, retrying" in limited.output and _booked(db) == []
    caught_up = CliRunner().invoke(app, once, env=env)
    assert caught_up.exit_code == 0, caught_up.output
    assert "2 new fill(s) of pro booked and copied" in caught_up.output
    assert len(_booked(db)) == 2
    db.dispose()


def test_the_watcher_takes_pushed_trades_from_the_websocket(
    tmp_path: Path, emulator: Emulator
) -> None:
    """``--ws-base``: the account linked at the emulator's REST base is watched on its
    websocket too; a trade is booked as pushed (no poll: the interval is a minute). In
    this process (a second process would pay ccxt's import): the provider trades from a
    thread, which then stops the watcher with SIGTERM, as an operator would."""
    master_key, db_file, db, provider = _world(tmp_path, emulator)
    env = {"COPYTRADE_SECRET_KEY": base64.b64encode(master_key).decode()}
    polled: list[int] = []

    def provider_trades() -> None:
        try:
            _until(lambda: emulator.websocket.connections >= 1)  # the handlers are set
            for n in range(2):
                polled.append(emulator.requests.count(("GET", "/api/v3/myTrades")))
                cid = ClientOrderId.derive("hand", str(n))
                provider.place(
                    OrderRequest(cid, "pro", SPOT.symbol, "buy", "market", Decimal("0.05"))
                )
                _until(lambda n=n: len(_booked(db)) == n + 1)
            polled.append(emulator.requests.count(("GET", "/api/v3/myTrades")))
        finally:
            os.kill(os.getpid(), signal.SIGTERM)

    trading = threading.Thread(target=provider_trades)
    trading.start()
    run = CliRunner().invoke(app, [
        "venues", "watch", "pro", "--database", str(db_file), "--interval", "60",
        "--ws-base", emulator.websocket.base_url,
    ], env=env)
    trading.join(WAIT_S)
    assert run.exit_code == 0, run.output
    assert "(pushed trades)" in run.output and len(_booked(db)) == 2
    # The second trade came while the stream was caught up: pushed, not polled.
    assert len(polled) == 3 and polled[2] == polled[1]
    db.dispose()


def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.02)
