"""The alerts page: a rule made with the form, switched, deleted after confirming, and
what fired with its values (docs/web.md, "Alerts")."""

from __future__ import annotations

import re

from ..api.conftest import Api
from ..api.test_serve_jobs import again, serve_jobs
from ..engine.harness import SPOT, Harness
from .conftest import ORIGIN
from .test_dashboard import signed_up

FORM = {"symbol": SPOT.symbol, "timeframe": "1m", "condition": "price crosses above 3100",
        "mode": "once"}


def rule_id(page: str) -> str:
    found = re.search(r'data-rule="(alert_[0-9a-f]{16})"', page)
    assert found, page
    return found.group(1)


def test_a_rule_made_on_the_page_fires_shows_its_values_and_is_deleted(web: Api) -> None:
    signed_up(web)
    assert "No alert rules yet" in web.client.get("/alerts").text
    made = web.client.post("/alerts", data=FORM, headers=ORIGIN, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"] == "/alerts"
    page = web.client.get("/alerts").text
    rid = rule_id(page)
    assert "price crosses above 3100" in page and ">active<" in page
    scheduler, market = serve_jobs(web), Harness.over(web.runtime.platform, web.harness.clock)
    again(scheduler, "alerts")
    for price in ("3000", "3200", "3200"):
        market.tick(SPOT.symbol, price)
        again(scheduler, "alerts")
    page = web.client.get("/alerts").text
    assert ">spent<" in page
    assert "close = 3200; price = 3200" in page and "price = 3000" in page
    off = web.client.post(f"/alerts/{rid}/disable", headers=ORIGIN, follow_redirects=False)
    assert off.status_code == 303 and ">disabled<" in web.client.get("/alerts").text
    confirm = web.client.get(f"/alerts/{rid}/delete")
    assert 'class="danger"' in confirm.text and "Delete the rule" in confirm.text
    unticked = web.client.post(f"/alerts/{rid}/delete", data={}, headers=ORIGIN)
    assert unticked.status_code == 422 and "tick the box" in unticked.text
    assert f'data-rule="{rid}"' in web.client.get("/alerts").text
    gone = web.client.post(
        f"/alerts/{rid}/delete", data={"confirm": "yes"}, headers=ORIGIN, follow_redirects=False
    )
    assert gone.status_code == 303
    page = web.client.get("/alerts").text
    assert "No alert rules yet" in page and "close = 3200" in page  # the firing stays


def test_a_wrong_condition_is_shown_again_with_the_parsers_message(web: Api) -> None:
    signed_up(web)
    bad = web.client.post(
        "/alerts", data=FORM | {"condition": "RSI(14) crosses abve 70"}, headers=ORIGIN
    )
    assert bad.status_code == 422
    assert "column 17, &#39;abve&#39;" in bad.text and 'value="RSI(14) crosses abve 70"' in bad.text
    assert "No alert rules yet" in bad.text


def test_a_form_from_another_site_makes_nothing_and_others_rules_are_not_found(
    web: Api,
) -> None:
    signed_up(web)
    elsewhere = web.client.post("/alerts", data=FORM, headers={"Origin": "https://evil.example"})
    assert elsewhere.status_code == 403
    web.client.post("/alerts", data=FORM, headers=ORIGIN)
    rid = rule_id(web.client.get("/alerts").text)
    signed_up(web, name="Other")
    assert web.client.get(f"/alerts/{rid}/delete").status_code == 404
    taken = web.client.post(f"/alerts/{rid}/delete", data={"confirm": "yes"}, headers=ORIGIN)
    assert taken.status_code == 404
    assert web.runtime.alert_rules.get(rid).symbol == SPOT.symbol
