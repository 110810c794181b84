"""Whatever a client sends, the answer is a JSON error or success, never a 500."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.config import Settings

from ..engine.harness import Harness
from .conftest import Api, make_api

PARAMS = [
    "period",
    "sort",
    "min_aum",
    "min_followers",
    "max_drawdown",
    "risk_level",
    "strategy",
    "min_track_record_days",
    "page",
    "page_size",
]
ODD_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["NaN", "Infinity", "-1", "1e999", "0x10", "", " ", "30d", "all", "1" * 400]),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@pytest.fixture(scope="module")
def fuzz_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    path: Path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    settings_ = Settings(database_url=f"sqlite:///{path}")
    engine: Engine = make_engine(settings_)
    upgrade_database(engine)
    made = make_api(engine, settings_, Harness(engine))
    with made.client:
        yield made
    engine.dispose()


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(PARAMS), ODD_TEXT, max_size=5))
def test_leaderboard_queries_never_fail_on_the_server(
    fuzz_api: Api, params: dict[str, str]
) -> None:
    reply = fuzz_api.client.get("/api/leaderboard", params=params)
    assert reply.status_code in (200, 422), reply.text
    assert "error" in reply.json() or "cards" in reply.json()


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(["/api/auth/register", "/api/auth/login"]),
    st.one_of(
        JSON_VALUES,
        st.fixed_dictionaries({"email": ODD_TEXT, "password": ODD_TEXT, "jurisdiction": ODD_TEXT}),
    ),
)
def test_auth_bodies_never_fail_on_the_server(fuzz_api: Api, path: str, body: object) -> None:
    reply = fuzz_api.client.post(
        path, content=json.dumps(body), headers={"content-type": "application/json"}
    )
    assert reply.status_code < 500, reply.text
    if reply.status_code >= 400:
        assert set(reply.json()["error"]) == {"code", "message"}
