"""The edit-settings form of a copy's page (docs/web.md, "Editing copy settings"): filled
with the settings as they are, read like the follow form, refused like a follow, and
every change listed with its time."""

from __future__ import annotations

import re

from ..api.conftest import Api
from .conftest import ORIGIN
from .test_dashboard import follow, signed_up
from .test_relationship_page import page_of


def _field(html: str, name: str) -> str:
    form = html[html.index('id="settings-form"'):]
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', form)
    assert found, name
    return found.group(1)


def _form(html: str, **changes: str) -> dict[str, str]:
    names = ("mode", "fixed_amount", "multiplier", "leverage", "max_per_trade_pct",
             "max_open_trades", "max_loss_pct", "slippage_pct", "whitelist", "blacklist",
             "copy_stop_loss_pct", "copy_take_profit_pct", "take_profit_pct",
             "trailing_stop_pct")
    data = {name: _field(html, name) for name in names if name != "mode"}
    data.update(mode="proportional", close_on_stop="yes", **changes)
    return data


def test_the_edit_form_changes_the_settings_and_lists_each_change(
    web: Api, ids: dict[str, str]
) -> None:
    signed_up(web, "2000")
    rel = follow(web, ids["pro"], "1000")
    html = page_of(web, rel)
    assert _field(html, "max_loss_pct") == "20" and _field(html, "copy_stop_loss_pct") == ""
    assert "no-settings-changes" in html
    url = f"/dashboard/relationships/{rel}/settings"

    sent = _form(html, copy_stop_loss_pct="7.5", max_open_trades="3")
    reply = web.client.post(url, data=sent, headers=ORIGIN, follow_redirects=False)
    assert reply.status_code == 303, reply.text
    html = page_of(web, rel)
    assert _field(html, "copy_stop_loss_pct") == "7.5" and _field(html, "max_open_trades") == "3"
    table = html[html.index('class="settings-changes"'):]
    assert re.search(r"<td>copy stop loss pct</td>\s*<td>—</td><td>7.5</td>", table)
    assert re.search(r"<td>max open trades</td>\s*<td>10</td><td>3</td>", table)
    assert "1 edit in all" in html

    refused = web.client.post(url, data=_form(html, multiplier="11"), headers=ORIGIN)
    assert refused.status_code == 422 and "multiplier must be at most 10" in refused.text
    assert 'value="11"' in refused.text  # what was typed, shown again
    assert "1 edit in all" in page_of(web, rel)  # nothing changed

    # Leverage and margin mode too (docs/domain.md "Editing copy settings").
    terms = _form(html, leverage="3", margin_mode="cross")
    reply = web.client.post(url, data=terms, headers=ORIGIN, follow_redirects=False)
    assert reply.status_code == 303, reply.text
    html = page_of(web, rel)
    table = html[html.index('class="settings-changes"'):]
    assert re.search(r"<td>margin mode</td>\s*<td>isolated</td><td>cross</td>", table)
    assert re.search(r"<td>leverage</td>\s*<td>—</td><td>3</td>", table)
    assert "2 edits in all" in html
    assert web.client.post(url, data=sent).status_code == 403  # no origin: refused
