"""The web UI over the small stats world on SQLite, in-process through TestClient."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.config import Settings

from ..api.conftest import Api, make_api
from ..engine.harness import Harness
from ..stats.world import play_world, stats_service

ORIGIN = {"Origin": "http://testserver"}


@pytest.fixture(scope="module")
def world_db(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Engine, Settings, Harness, dict[str, str]]]:
    """One played and refreshed world per module (the pages only add users to it)."""
    path = tmp_path_factory.mktemp("web") / "copytrade.db"
    settings = Settings(database_url=f"sqlite:///{path}")
    engine = make_engine(settings)
    upgrade_database(engine)
    harness = Harness(engine)
    ids = play_world(harness)
    stats_service(harness).full_refresh()
    yield engine, settings, harness, {k: str(v) for k, v in ids.items()}
    engine.dispose()


@pytest.fixture
def web(world_db: tuple[Engine, Settings, Harness, dict[str, str]]) -> Iterator[Api]:
    engine, settings, harness, _ = world_db
    made = make_api(engine, settings, harness)
    with made.client:
        yield made


@pytest.fixture
def ids(world_db: tuple[Engine, Settings, Harness, dict[str, str]]) -> dict[str, str]:
    return world_db[3]
