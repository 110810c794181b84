"""``copytrade serve --live-config`` as a real process against the local Binance
emulator: the provider's trade on its own (emulated) exchange account is booked and
copied by the server's watcher job, and the marks follow the exchange's tickers
(docs/venues.md, "Serving live venues")."""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from copytrade.adapters.db.schema import CopyDecisionRow, FillRow
from copytrade.adapters.venues.ccxt import ApiCredentials, CcxtVenue
from copytrade.adapters.venues.port import OrderRequest
from copytrade.cli.app import app
from copytrade.domain.ids import ClientOrderId
from tests.exchange_emulator import Emulator
from tests.integration.engine.harness import SPOT

from .serving import free_port, start, stop
from .watching import eth_emulator, linked_provider_db

KEY, SECRET = "emu-key-pro-serve", "emu-secret-pro-serve-0123456789"
USER_KEY, USER_SECRET = "emu-key-web-user-Lk2", "emu-secret-web-user-9a8b7c6d5e4f"
WAIT_S = 60.0


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with eth_emulator(KEY, SECRET, Decimal(2_010)) as emu:
        yield emu


def _config(path: Path, emu: Emulator, watch: str = "interval_seconds = 0.2") -> Path:
    """The live configuration on ``emu``; ``watch``: the [[watch]]'s keys past its
    account and symbols."""
    path.write_text(
        f"""
[exchanges.binance]
api_base = "{emu.base_url}"

[tickers]
exchange = "binance"
symbols = ["{SPOT.symbol}"]
interval_seconds = 0.2

[[watch]]
account = "pro"
symbols = ["{SPOT.symbol}"]
{watch}
"""
    )
    return path


def _until(what: str, check: object, deadline: float) -> None:
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_serve_watches_the_provider_and_marks_at_the_tickers(
    tmp_path: Path, emulator: Emulator
) -> None:
    master_key, db_file = os.urandom(32), tmp_path / "ct.db"
    db = linked_provider_db(db_file, emulator, master_key, ApiCredentials(KEY, SECRET))
    config = _config(tmp_path / "live.toml", emulator)
    port = free_port()
    base, process = start(
        ["serve", "--database", str(db_file), "--port", str(port), "--no-market",
         "--live-config", str(config), "--log-level", "debug"],
        port, env_extra={"COPYTRADE_SECRET_KEY": base64.b64encode(master_key).decode()},
    )
    try:
        deadline = time.monotonic() + WAIT_S

        def marked() -> bool:
            return httpx.get(f"{base}/api/v1/prices").json().get(SPOT.symbol) == "2010"

        _until("the ticker's price as the mark", marked, deadline)
        credentials = {"pro": ApiCredentials(KEY, SECRET)}
        provider = CcxtVenue("binance", credentials, api_urls=emulator.urls)
        cid = ClientOrderId.derive("hand", "serve-1")
        buy = OrderRequest(cid, "pro", SPOT.symbol, "buy", "market", Decimal("0.5"))
        order = provider.place(buy)
        assert order.filled_qty == Decimal("0.5")

        def booked() -> bool:
            with db.connect() as conn:
                fills = list(conn.scalars(select(FillRow.fill_id).where(FillRow.book == "pro")))
                copies = list(conn.scalars(select(CopyDecisionRow.id)))
            return len(fills) == 1 and len(copies) == 1

        _until("the provider's trade booked and copied", booked, deadline)
        with db.connect() as conn:
            [fill_id] = conn.scalars(select(FillRow.fill_id).where(FillRow.book == "pro"))
        assert fill_id.startswith("binance:ETH/USDT:")

        _link_through_the_api(base, emulator)

        emulator.state.set_price("ETHUSDT", Decimal("1990.5"))
        _until(
            "the new mark",
            lambda: httpx.get(f"{base}/api/v1/prices").json().get(SPOT.symbol) == "1990.5",
            deadline,
        )
    finally:
        stop(process)
        output = process.stdout.read().decode() if process.stdout else ""
        db.dispose()
    # Logged at DEBUG the whole time: no key, whether stored or sent through the API.
    assert all(s not in output for s in (KEY, SECRET, USER_KEY, USER_SECRET)), output[-2000:]
    assert "exchange-accounts" in output  # the access log did see the request


def _link_through_the_api(base: str, emulator: Emulator) -> None:
    """A user signs up and links its own account on the server, which offers Binance at
    the emulator (the live configuration's [exchanges.binance])."""
    emulator.state.add_account(USER_KEY, USER_SECRET, {"USDT": Decimal(700)})
    password = "correct horse battery staple"
    body = {"email": "linker@example.com", "password": password, "jurisdiction": "DE"}
    assert httpx.post(f"{base}/api/v1/auth/register", json=body).status_code == 202
    login = httpx.post(f"{base}/api/v1/auth/login", json={"email": body["email"],
                                                         "password": password})
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    link = {"exchange": "binance", "api_key": USER_KEY, "secret": USER_SECRET}
    linked = httpx.post(
        f"{base}/api/v1/exchange-accounts", json=link, headers=headers, timeout=30
    )
    assert linked.status_code == 201, linked.text
    assert linked.json()["check"]["balances"] == {"USDT": "700"}


def test_a_live_config_with_an_unknown_key_stops_serve(tmp_path: Path) -> None:
    bad = tmp_path / "live.toml"
    bad.write_text('[exchanges.binance]\napi_bsae = "http://127.0.0.1:1"\n')
    result = CliRunner().invoke(
        app, ["serve", "--database", str(tmp_path / "ct.db"), "--live-config", str(bad)]
    )
    assert result.exit_code == 2
    assert "configuration error" in result.output and "api_bsae" in result.output
    unknown = tmp_path / "kraken.toml"
    unknown.write_text("[exchanges.kraken]\n")
    result = CliRunner().invoke(
        app, ["serve", "--database", str(tmp_path / "ct.db"), "--live-config", str(unknown)]
    )
    assert result.exit_code == 2 and "not supported" in result.output
