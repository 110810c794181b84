"""The risk alerts page: a subscription made with the form, refused with the part named,
firing from a real skipped copy on serve's risk-alerts job, switched, deleted after
confirming, another user's id a 404 (docs/web.md, "Risk alerts")."""

from __future__ import annotations

import re

from copytrade.domain.instruments import Side

from ..api.conftest import Api
from ..api.test_serve_jobs import again, serve_jobs
from .conftest import ORIGIN
from .test_dashboard import CONFIRMED, follow, provider_trades, signed_up

RISK = "/alerts/risk"
SKIPPED = "copy skipped: copying paused or stopped (not_active)"


def risk_id(page: str) -> str:
    found = re.search(r'data-risk="(risk_[0-9a-f]{16})"', page)
    assert found, page
    return found.group(1)


def post(web: Api, path: str, **form: str) -> int:
    return web.client.post(path, data=form, headers=ORIGIN, follow_redirects=False).status_code


def test_a_risk_alert_made_on_the_page_fires_from_a_skipped_copy_and_is_deleted(
    web: Api, ids: dict[str, str]
) -> None:
    assert web.client.get(RISK, follow_redirects=False).headers["location"] == "/login"
    signed_up(web, "3000")
    assert 'href="/alerts/risk"' in web.client.get("/alerts").text
    assert "No risk alerts yet" in web.client.get(RISK).text
    assert post(web, RISK, kind="copy_skipped", level="", provider="") == 303
    page = web.client.get(RISK).text
    rid = risk_id(page)
    assert ">copy_skipped<" in page and "every provider I follow" in page and ">enabled<" in page
    rel = follow(web, ids["pro"], "1000")
    assert post(web, f"/dashboard/relationships/{rel}/pause", **CONFIRMED) == 303
    scheduler = serve_jobs(web)
    provider_trades(web, ids["pro"], Side.BUY, "0.01")
    assert again(scheduler, "risk-alerts").last_error is None
    page = web.client.get(RISK).text
    assert SKIPPED in page and f"relationship = {rel}" in page
    assert post(web, f"{RISK}/{rid}/disable") == 303
    assert ">disabled<" in web.client.get(RISK).text
    confirm = web.client.get(f"{RISK}/{rid}/delete")
    assert 'class="danger"' in confirm.text and "copy_skipped" in confirm.text
    unticked = web.client.post(f"{RISK}/{rid}/delete", data={}, headers=ORIGIN)
    assert unticked.status_code == 422 and "tick the box" in unticked.text
    assert post(web, f"{RISK}/{rid}/delete", confirm="yes") == 303
    page = web.client.get(RISK).text
    assert "No risk alerts yet" in page and SKIPPED in page  # what fired stays


def test_a_wrong_kind_level_or_provider_is_shown_again_and_another_users_id_is_404(
    web: Api,
) -> None:
    signed_up(web)
    for form, words in [
        ({"kind": "drawdwn"}, "unknown risk alert kind &#39;drawdwn&#39;"),
        ({"kind": "drawdown", "level": "150"}, "from 0.01 to 100; got 150"),
        ({"kind": "jump", "level": "3x"}, "level must be a number"),
        ({"kind": "inactive", "provider": "nobody"}, "no provider &#39;nobody&#39; to watch"),
    ]:
        bad = web.client.post(RISK, data=form, headers=ORIGIN)
        assert bad.status_code == 422 and words in bad.text, (form, bad.text)
        assert f'value="{form.get("level", "")}"' in bad.text  # what was typed stays
    assert "No risk alerts yet" in web.client.get(RISK).text
    assert post(web, RISK, kind="drawdown", level="12.5") == 303
    rid = risk_id(web.client.get(RISK).text)
    assert ">12.5 percent<" in web.client.get(RISK).text
    signed_up(web, name="Other")
    for path in (f"{RISK}/{rid}/disable", f"{RISK}/{rid}/delete"):
        assert post(web, path, confirm="yes") == 404
    assert web.client.get(f"{RISK}/{rid}/delete").status_code == 404
    assert web.client.post(RISK, data={"kind": "account"}).status_code == 403  # no Origin
