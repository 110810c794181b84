"""The world of the watcher e2e tests: an emulated ETH/USDT spot market with the
provider's own account on it, and a database where ``pro`` is a provider copied by
``alice`` and has that account linked (``venues watch``, ``serve --live-config``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.adapters.db.repositories.linked_accounts import LinkedAccountRepository
from copytrade.adapters.secrets import SecretBox
from copytrade.adapters.venues.ccxt import ApiCredentials
from copytrade.config import Settings
from tests.exchange_emulator import Emulator, MarketSpec
from tests.integration.engine.harness import SPOT, Harness


@contextmanager
def eth_emulator(key: str, secret: str, price: Decimal = Decimal(2_000)) -> Iterator[Emulator]:
    """ETH/USDT spot at ``price``; the account of ``key`` holds 100,000 USDT."""
    emu = Emulator([MarketSpec("ETH", "USDT", step=Decimal("0.0001"), min_qty=Decimal("0.0001"))])
    with emu.running():
        emu.state.add_account(key, secret, {"USDT": Decimal(100_000)})
        emu.state.set_price("ETHUSDT", price)
        yield emu


def linked_provider_db(
    db_file: Path, emu: Emulator, master_key: bytes, credentials: ApiCredentials
) -> Engine:
    """``pro`` (100,000 USDT) copied by ``alice`` (1,000 of 5,000), ``pro``'s account on
    ``emu`` linked a second ago, ETH/USDT marked at 2,000."""
    db = make_engine(Settings(database_url=f"sqlite:///{db_file}"))
    upgrade_database(db)
    h = Harness(db)
    h.tick(SPOT.symbol, "2000")
    h.follow(h.follower("alice", "5000"), h.provider("pro", "100000"), "1000")
    with Session(db) as session, session.begin():
        LinkedAccountRepository(session, SecretBox(master_key)).link(
            "pro", "binance", credentials, datetime.now(UTC) - timedelta(seconds=1),
            api_base=emu.base_url,
        )
    return db
