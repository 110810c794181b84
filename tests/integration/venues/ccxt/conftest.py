"""The exchange emulator on 127.0.0.1 and a ccxt venue pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from copytrade.adapters.venues.ccxt import ApiCredentials, CcxtVenue
from copytrade.config import Settings
from tests.exchange_emulator import Emulator, MarketSpec
from tests.integration.venues.ccxt.live_world import World

KEY, SECRET = "emu-key-alice", "emu-secret-alice-0123456789"
MARKETS = [
    MarketSpec("BTC", "USDT"),
    MarketSpec("ETH", "USDT", step=Decimal("0.01"), min_qty=Decimal("0.01")),
    MarketSpec("BTC", "USDT", futures=True, taker_fee=Decimal("0.0004"), max_leverage=50),
]


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    emu = Emulator(MARKETS, slow_seconds=1.5)
    with emu.running():
        emu.state.add_account(KEY, SECRET, {"USDT": Decimal(10_000)})
        emu.state.set_price("BTCUSDT", Decimal(50_000))
        emu.state.set_price("ETHUSDT", Decimal(3_000))
        emu.state.set_price("BTCUSDT", Decimal(50_000), futures=True)
        yield emu


def venue_for(emu: Emulator, secret: str = SECRET) -> CcxtVenue:
    return CcxtVenue(
        "binance",
        {"alice": ApiCredentials(KEY, secret)},
        api_urls=emu.urls,
        timeout_ms=700,
    )


@pytest.fixture
def venue(emulator: Emulator) -> CcxtVenue:
    return venue_for(emulator)


@pytest.fixture
def world(db_engine: Engine, db_settings: Settings, emulator: Emulator) -> World:
    """Followers f0..f2 copying ``pro`` live on their emulated accounts (live_world.py):
    for the modules whose ``emulator`` is a ``live_emulator``."""
    return World(db_engine, db_settings, emulator)
