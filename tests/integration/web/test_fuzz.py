"""Whatever a browser sends to the pages, the answer is an HTML page, never a 500."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
]
PAGE_ANSWERS = {200, 303, 401, 403, 404, 409, 422, 429}
SETTINGS = settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_page(reply_status: int, content_type: str) -> None:
    assert reply_status in PAGE_ANSWERS
    if reply_status != 303:
        assert content_type.startswith("text/html")


@SETTINGS
@given(st.dictionaries(st.sampled_from([*FILTER_FIELDS, "page"]), ODD_TEXT, max_size=5))
def test_leaderboard_queries_always_render(web: Api, params: dict[str, str]) -> None:
    reply = web.client.get("/", params=params)
    assert_page(reply.status_code, reply.headers.get("content-type", ""))


@SETTINGS
@given(
    st.sampled_from(["/signup", "/login", "/providers/pro/copy", "/logout"]),
    st.dictionaries(st.sampled_from(FORM_FIELDS), ODD_TEXT, max_size=6),
)
def test_form_posts_always_render(web: Api, path: str, form: dict[str, str]) -> None:
    reply = web.client.post(path, data=form, headers=ORIGIN, follow_redirects=False)
    assert_page(reply.status_code, reply.headers.get("content-type", ""))
    web.client.cookies.clear()
