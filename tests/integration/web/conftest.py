"""The web UI over the small stats world on SQLite, in-process through TestClient."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ..api.conftest import Api
from .seed import SeededWorld, seeded_world

ORIGIN = {"Origin": "http://testserver"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededWorld]:
    """One played and refreshed world per module (the pages only add users to it)."""
    made = seeded_world(tmp_path_factory.mktemp("web"))
    yield made
    made.engine.dispose()


@pytest.fixture
def web(world: SeededWorld) -> Iterator[Api]:
    made = world.api()
    with made.client:
        yield made


@pytest.fixture
def ids(world: SeededWorld) -> dict[str, str]:
    return world.ids
