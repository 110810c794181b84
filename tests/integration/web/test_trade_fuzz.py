"""Whatever the order form and the dashboard's buttons are sent, the answer is a page."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ..api.conftest import Api
from ..api.test_fuzz import ODD_TEXT
from ..engine.harness import PERP, SPOT
from . import test_fuzz
from .conftest import ORIGIN
from .test_fuzz import SETTINGS, assert_page

ORDER_FIELDS = ["symbol", "side", "qty", "type", "price", "leverage", "key"]
ORDER_TEXT = st.one_of(
    ODD_TEXT,
    st.sampled_from(
        [PERP.symbol, SPOT.symbol, "buy", "sell", "market", "limit", "0.001", "5", "1e2", "k1"]
    ),
)


signed_in_cookie = test_fuzz.signed_in_cookie  # a funded user's session cookie


@pytest.fixture
def provider_cookie(web: Api, signed_in_cookie: dict[str, str]) -> dict[str, str]:
    """The funded user become a provider, so order forms reach the trading service."""
    web.client.cookies.update(signed_in_cookie)
    web.client.post("/api/v1/providers/me", json={}, headers=ORIGIN).raise_for_status()
    return signed_in_cookie


@SETTINGS
@given(st.dictionaries(st.sampled_from(ORDER_FIELDS), ORDER_TEXT, max_size=7))
def test_order_forms_always_render(
    web: Api, provider_cookie: dict[str, str], form: dict[str, str]
) -> None:
    web.client.cookies.update(provider_cookie)
    reply = web.client.post("/trade", data=form, headers=ORIGIN, follow_redirects=False)
    assert_page(reply.status_code, reply.headers.get("content-type", ""))


@SETTINGS
@given(
    st.sampled_from(["pause", "resume", "stop"]),
    st.text(alphabet="abcdef0123456789-_~:", min_size=1, max_size=60),
)
def test_relationship_buttons_always_render(
    web: Api, provider_cookie: dict[str, str], action: str, rel_id: str
) -> None:
    web.client.cookies.update(provider_cookie)
    reply = web.client.post(
        f"/dashboard/relationships/{rel_id}/{action}", headers=ORIGIN, follow_redirects=False
    )
    assert_page(reply.status_code, reply.headers.get("content-type", ""))
