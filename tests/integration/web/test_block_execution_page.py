"""A provider's block-execution setting on its terms page, and the provider page saying
whether its orders and their copies fill as one block (docs/engine.md, docs/web.md)."""

from __future__ import annotations

from ..api.conftest import Api
from .conftest import ORIGIN
from .test_dashboard import become_provider, signed_up


def test_the_provider_sets_block_execution_and_its_page_shows_it(web: Api) -> None:
    signed_up(web, "3000")
    become_provider(web)
    provider_id = web.client.get("/api/v1/auth/me").json()["id"]
    form = web.client.get("/provider/terms").text
    assert 'id="block-form"' in form and 'id="block-state">off<' in form
    page = web.client.get(f"/providers/{provider_id}").text
    assert 'id="block-execution">Copies placed after' in page
    saved = web.client.post(
        "/provider/block-execution", data={"block_execution": "on"}, headers=ORIGIN,
        follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303 and saved.headers["location"] == "/provider/terms"
    assert 'id="block-state">on<' in web.client.get("/provider/terms").text
    assert 'id="block-execution">One block' in web.client.get(f"/providers/{provider_id}").text
    assert web.client.get("/api/v1/providers/me/block-execution").json()["own"] is True
    bad = web.client.post(
        "/provider/block-execution", data={"block_execution": "maybe"}, headers=ORIGIN
    )
    assert bad.status_code == 422 and "default, on or off" in bad.text
    no_origin = web.client.post("/provider/block-execution", data={"block_execution": "off"})
    assert no_origin.status_code == 403
