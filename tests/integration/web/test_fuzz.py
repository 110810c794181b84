"""Whatever a browser sends to the pages, the answer is an HTML page, never a 500."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copytrade.api.deps import SESSION_COOKIE
from copytrade.domain.disclosures import RISK_DISCLOSURE_VERSION
from copytrade.web.discovery import FILTER_FIELDS

from ..api.conftest import Api
from ..api.test_fuzz import ODD_TEXT
from .conftest import ORIGIN

FORM_FIELDS = [
    "email",
    "password",
    "password_again",
    "display_name",
    "jurisdiction",
    "allocation",
    "acknowledge",
    "disclosure_version",
    "mode",
    "fixed_amount",
    "multiplier",
    "max_loss_pct",
    "close_on_stop",
    "amount",
    "key",
]
# Values that get a form past its first checks, so the later ones are reached too.
FORM_TEXT = st.one_of(
    ODD_TEXT,
    st.sampled_from(
        [
            "yes",
            "100",
            "0.5",
            "1e3",
            "proportional",
            "fixed_amount",
            "multiplier",
            RISK_DISCLOSURE_VERSION,
            "a@example.com",
            "DE",
        ]
    ),
)
PAGE_ANSWERS = {200, 303, 401, 403, 404, 409, 422, 429}
SETTINGS = settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_page(reply_status: int, content_type: str) -> None:
    assert reply_status in PAGE_ANSWERS
    if reply_status != 303:
        assert content_type.startswith("text/html")


@pytest.fixture
def signed_in_cookie(web: Api) -> dict[str, str]:
    """A follower with money, so follow forms reach the following service."""
    user = web.sign_up(f"fuzz{uuid.uuid4().hex[:8]}")
    web.client.post(
        "/api/v1/accounts/me/deposit",
        json={"amount": "100000", "idempotency_key": "fuzz"},
        headers=user["headers"],
    ).raise_for_status()
    return {SESSION_COOKIE: user["headers"]["Authorization"].removeprefix("Bearer ")}


@SETTINGS
@given(st.dictionaries(st.sampled_from([*FILTER_FIELDS, "page"]), ODD_TEXT, max_size=5))
def test_leaderboard_queries_always_render(web: Api, params: dict[str, str]) -> None:
    reply = web.client.get("/", params=params)
    assert_page(reply.status_code, reply.headers.get("content-type", ""))


@SETTINGS
@given(
    st.sampled_from(["/signup", "/login", "/providers/pro/copy", "/logout", "/me/deposit"]),
    st.dictionaries(st.sampled_from(FORM_FIELDS), FORM_TEXT, max_size=8),
)
def test_form_posts_always_render(
    web: Api, signed_in_cookie: dict[str, str], path: str, form: dict[str, str]
) -> None:
    if path.startswith(("/providers", "/me")):
        web.client.cookies.update(signed_in_cookie)
    reply = web.client.post(path, data=form, headers=ORIGIN, follow_redirects=False)
    assert_page(reply.status_code, reply.headers.get("content-type", ""))
    web.client.cookies.clear()
