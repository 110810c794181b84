"""Whatever a client sends to the provider, order, statement and admin endpoints, the
answer is a JSON success or a 4xx error, never a 500."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import Api
from .test_fuzz import JSON_VALUES, ODD_TEXT, fuzz_api  # noqa: F401  (the fixture)
from .trading_support import deposit

DECIMALS = st.one_of(
    ODD_TEXT, st.sampled_from(["0.1", "1", "50000", "1e-30", "-0", "30.0000001", "1E+5"])
)
ORDER_BODIES = st.fixed_dictionaries(
    {},
    optional={
        "symbol": st.one_of(ODD_TEXT, st.sampled_from(["BTC/USDT:USDT", "ETH/USDT"])),
        "side": st.one_of(ODD_TEXT, st.sampled_from(["buy", "sell"])),
        "qty": DECIMALS,
        "type": st.one_of(ODD_TEXT, st.sampled_from(["market", "limit"])),
        "price": DECIMALS,
        "leverage": DECIMALS,
        "reduce_only": st.one_of(st.booleans(), ODD_TEXT),
        "client_order_id": ODD_TEXT,
    },
)
TERMS_BODIES = st.fixed_dictionaries(
    {},
    optional={
        "fee_model": st.one_of(
            ODD_TEXT, st.sampled_from(["profit_share", "subscription", "commission"])
        ),
        "share_pct": DECIMALS,
        "subscription_price": DECIMALS,
        "follower_cap": st.one_of(st.integers(), ODD_TEXT, st.none()),
        "settlement_period": st.one_of(ODD_TEXT, st.sampled_from(["weekly", "monthly"])),
    },
)
FUZZ = settings(max_examples=120, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def trader(fuzz_api: Api) -> dict[str, Any]:  # noqa: F811
    user = fuzz_api.sign_up("fuzzy")
    deposit(fuzz_api, user, "100000")
    fuzz_api.client.post("/api/v1/providers/me", json={}, headers=user["headers"])
    fuzz_api.runtime.identity.make_admin(user["email"])
    return user


def _send(api: Api, method: str, path: str, user: dict[str, Any], body: object) -> None:
    reply = api.client.request(
        method,
        path,
        content=json.dumps(body),
        headers={**user["headers"], "content-type": "application/json"},
    )
    assert reply.status_code < 500, reply.text
    if reply.status_code >= 400:
        assert set(reply.json()["error"]) == {"code", "message"}


@FUZZ
@given(st.one_of(ORDER_BODIES, JSON_VALUES))
def test_order_bodies_never_fail_on_the_server(
    fuzz_api: Api,  # noqa: F811
    trader: dict[str, Any],
    body: object,
) -> None:
    _send(fuzz_api, "POST", "/api/v1/orders", trader, body)


@FUZZ
@given(st.sampled_from(["POST", "PATCH"]), st.one_of(TERMS_BODIES, JSON_VALUES))
def test_provider_terms_never_fail_on_the_server(
    fuzz_api: Api,  # noqa: F811
    trader: dict[str, Any],
    method: str,
    body: object,
) -> None:
    _send(fuzz_api, method, "/api/v1/providers/me", trader, body)


@FUZZ
@given(
    ODD_TEXT.filter(lambda t: bool(t.strip())),
    st.one_of(
        JSON_VALUES,
        st.fixed_dictionaries(
            {"copying_offered": st.one_of(st.booleans(), ODD_TEXT)},
            optional={"max_allocation": st.one_of(DECIMALS, st.none())},
        ),
    ),
)
def test_jurisdiction_changes_never_fail_on_the_server(
    fuzz_api: Api,  # noqa: F811
    trader: dict[str, Any],
    code: str,
    body: object,
) -> None:
    _send(fuzz_api, "PUT", f"/api/v1/admin/jurisdictions/{quote(code, safe='')}", trader, body)


@FUZZ
@given(
    st.sampled_from(
        [
            "/api/v1/statements",
            "/api/v1/settlements",
            "/api/v1/orders",
            "/api/v1/admin/revenue",
            "/api/v1/events",
        ]
    ),
    st.dictionaries(
        st.sampled_from(["period", "page", "page_size", "since", "until", "after", "once"]),
        ODD_TEXT,
        max_size=3,
    ),
)
def test_queries_never_fail_on_the_server(
    fuzz_api: Api,  # noqa: F811
    trader: dict[str, Any],
    path: str,
    params: dict[str, str],
) -> None:
    params = {**params, "once": "true"} if path == "/api/v1/events" else params
    reply = fuzz_api.client.get(path, params=params, headers=trader["headers"])
    assert reply.status_code < 500, reply.text
