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
    reply = fuzz_api.client.get("/api/v1/leaderboard", params=params)
    assert reply.status_code in (200, 422), reply.text
    assert "error" in reply.json() or "cards" in reply.json()


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(["/api/v1/auth/register", "/api/v1/auth/login"]),
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


@pytest.fixture(scope="module")
def fuzz_follower(fuzz_api: Api) -> dict[str, str]:
    user = fuzz_api.sign_up("fuzzer")
    headers: dict[str, str] = user["headers"]
    return headers


MONEY = st.one_of(
    ODD_TEXT,
    st.integers(),
    st.floats(),
    st.booleans(),
    st.none(),
    st.decimals(allow_nan=True).map(str),
)
MONEY_BODY = st.fixed_dictionaries({"amount": MONEY, "idempotency_key": ODD_TEXT})
FOLLOW_BODY = st.fixed_dictionaries(
    {"provider_id": ODD_TEXT, "allocation": MONEY, "risk_acknowledged": st.booleans()},
    optional={
        "mode": ODD_TEXT,
        "fixed_amount": MONEY,
        "multiplier": MONEY,
        "leverage": MONEY,
        "max_open_trades": st.one_of(st.integers(), ODD_TEXT),
        "slippage_pct": MONEY,
        "whitelist": JSON_VALUES,
        "disclosure_version": ODD_TEXT,
    },
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(
        [
            "/api/v1/accounts/me/deposit",
            "/api/v1/accounts/me/withdraw",
            "/api/v1/relationships",
            "/api/v1/relationships/r-none/top-up",
            "/api/v1/relationships/r-none/stop",
        ]
    ),
    st.one_of(JSON_VALUES, MONEY_BODY, FOLLOW_BODY),
)
def test_following_bodies_never_fail_on_the_server(
    fuzz_api: Api, fuzz_follower: dict[str, str], path: str, body: object
) -> None:
    reply = fuzz_api.client.post(
        path,
        content=json.dumps(body),
        headers={**fuzz_follower, "content-type": "application/json"},
    )
    assert reply.status_code < 500, reply.text
    if reply.status_code >= 400:
        assert set(reply.json()["error"]) == {"code", "message"}
