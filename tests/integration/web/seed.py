"""A SQLite file holding the stats world, played and refreshed: what the web tests serve."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import Engine

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.config import Settings

from ..api.conftest import Api, make_api
from ..engine.harness import Harness
from ..stats.world import play_world, stats_service


@dataclass
class SeededWorld:
    engine: Engine
    settings: Settings
    harness: Harness
    ids: dict[str, str]

    def api(self) -> Api:
        """A runtime and app over the world (a TestClient that is not yet started)."""
        return make_api(self.engine, self.settings, self.harness)


def seeded_world(directory: Path) -> SeededWorld:
    # A master key, so that alert channels with secrets can be added (docs/alerts.md);
    # the browser suite signs up more than the default 10 users an hour from 127.0.0.1.
    key = SecretStr(base64.b64encode(os.urandom(32)).decode())
    settings = Settings(
        database_url=f"sqlite:///{directory / 'copytrade.db'}", secret_key=key,
        sign_up_rate_limit=50,
    )
    engine = make_engine(settings)
    upgrade_database(engine)
    harness = Harness(engine)
    ids = play_world(harness)
    stats_service(harness).full_refresh()
    return SeededWorld(engine, settings, harness, {k: str(v) for k, v in ids.items()})
