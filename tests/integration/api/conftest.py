"""An API over a real database (SQLite and PostgreSQL), driven in-process through httpx."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine

from copytrade.adapters.db.engine import make_engine, make_session_factory
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.adapters.passwords import fast_test_passwords
from copytrade.api.runtime import ServerRuntime
from copytrade.bootstrap import Container
from copytrade.config import Settings
from copytrade.server.assembly import create_http_app
from copytrade.service_layer.exchange_accounts import ExchangeSite
from tests.exchange_emulator import Emulator

from ..engine.harness import PERP, SPOT, Harness

PASSWORD = "correct horse battery"


@dataclass
class Api:
    client: TestClient
    runtime: ServerRuntime
    harness: Harness

    def sign_up(self, name: str, jurisdiction: str = "DE") -> dict[str, Any]:
        """Register and sign in ``name``; returns the user with its auth headers."""
        email = f"{name}@example.com"
        reply = self.client.post(
            "/api/v1/auth/register",
            json={
                "email": email,
                "password": PASSWORD,
                "display_name": name,
                "jurisdiction": jurisdiction,
            },
        )
        assert reply.status_code == 202, reply.text
        session = self.login(email)
        return {**session["user"], "headers": {"Authorization": f"Bearer {session['token']}"}}

    def login(self, email: str, password: str = PASSWORD) -> dict[str, Any]:
        reply = self.client.post("/api/v1/auth/login", json={"email": email, "password": password})
        assert reply.status_code == 200, reply.text
        self.client.cookies.clear()  # each test user authenticates by its own header
        body: dict[str, Any] = reply.json()
        return body


def make_api(db_engine: Engine, db_settings: Settings, harness: Harness) -> Api:
    container = Container(db_settings, db_engine, make_session_factory(db_engine))
    runtime = ServerRuntime.build(
        container, harness.clock, fast_test_passwords(), instruments=list(harness.instruments)
    )
    return Api(TestClient(create_http_app(runtime)), runtime, harness)


def started_api(db_engine: Engine, db_settings: Settings) -> Iterator[Api]:
    """An API with prices for both markets, its app started (lifespan) while in use."""
    harness = Harness(db_engine)
    harness.tick(PERP.symbol, "50000")
    harness.tick(SPOT.symbol, "3000")
    made = make_api(db_engine, db_settings, harness)
    with made.client:
        yield made


@pytest.fixture
def api(db_engine: Engine, db_settings: Settings) -> Iterator[Api]:
    yield from started_api(db_engine, db_settings)


def exchange_api(path: Path | str, emu: Emulator, master_key: str | None) -> Iterator[Api]:
    """An API on a new SQLite file ``path`` (or the empty database at the URL ``path``)
    whose server links Binance accounts on ``emu``, the master key ``master_key`` (None:
    none set), started while in use."""
    settings = Settings(
        database_url=path if isinstance(path, str) else f"sqlite:///{path}",
        secret_key=SecretStr(master_key) if master_key else None,
    )
    engine = make_engine(settings)
    upgrade_database(engine)
    harness = Harness(engine)
    harness.tick(PERP.symbol, "50000")
    harness.tick(SPOT.symbol, "3000")
    made = make_api(engine, settings, harness)
    made.runtime.exchange_sites["binance"] = ExchangeSite("binance", emu.base_url)
    with made.client:
        yield made
    engine.dispose()
