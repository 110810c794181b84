"""The provider page's "Simulate copying" panel (docs/whatif.md): a signed-in user's form,
answered on the same page, refusals shown in the panel."""

from __future__ import annotations

from ..api.conftest import Api
from .conftest import ORIGIN
from .test_forms import sign_up


def test_the_panel_simulates_copying_the_recorded_history(web: Api, ids: dict[str, str]) -> None:
    pro = ids["pro"]
    signed_out = web.client.get(f"/providers/{pro}")
    assert 'id="simulate"' in signed_out.text and 'id="whatif-form"' not in signed_out.text
    sign_up(web)
    page = web.client.get(f"/providers/{pro}")
    assert 'id="whatif-form"' in page.text and "cdn" not in page.text.lower()
    form = {"start": "2026-01-05", "allocation": "1000", "mode": "proportional"}
    reply = web.client.post(f"/providers/{pro}/whatif", data=form, headers=ORIGIN)
    assert reply.status_code == 200, reply.text
    assert 'id="whatif-result"' in reply.text and 'id="whatif-pnl"' in reply.text
    assert 'id="whatif-curve"' in reply.text
    assert "did not fire" in reply.text
    assert 'value="1000"' in reply.text  # the form keeps what was typed


def test_the_panel_shows_refusals_and_needs_a_signed_in_user(web: Api, ids: dict[str, str]) -> None:
    pro = ids["pro"]
    form = {"start": "2026-01-05", "allocation": "1000"}
    anonymous = web.client.post(
        f"/providers/{pro}/whatif", data=form, headers=ORIGIN, follow_redirects=False
    )
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login"
    sign_up(web)
    bad = web.client.post(f"/providers/{pro}/whatif", data=form | {"start": "5 Jan"},
                          headers=ORIGIN)  # fmt: skip
    assert bad.status_code == 422 and "a date as YYYY-MM-DD" in bad.text
    none = web.client.post(f"/providers/{pro}/whatif", data=form | {"allocation": "0"},
                           headers=ORIGIN)  # fmt: skip
    assert none.status_code == 422 and 'id="whatif-result"' not in none.text


def test_the_panel_takes_every_copy_setting_of_a_follow(web: Api, ids: dict[str, str]) -> None:
    """The protections and the margin mode too (one list of fields with the follow form),
    with ids of their own next to the follow form's; copy_open_positions is not offered."""
    pro = ids["pro"]
    sign_up(web)
    page = web.client.get(f"/providers/{pro}").text
    panel = page[page.index('id="whatif-form"'):]
    panel = panel[:panel.index("</form>")]
    for name in ("copy_stop_loss_pct", "copy_take_profit_pct", "take_profit_pct",
                 "trailing_stop_pct", "margin_mode", "close_on_stop"):  # fmt: skip
        assert f'name="{name}"' in panel, name
    assert 'id="whatif-take_profit_pct"' in panel and 'name="copy_open_positions"' not in panel
    assert page.count('id="take_profit_pct"') == 1  # the follow form's alone
    form = {"start": "2026-01-05", "allocation": "1000", "trailing_stop_pct": "7.5",
            "margin_mode": "cross"}  # fmt: skip
    reply = web.client.post(f"/providers/{pro}/whatif", data=form, headers=ORIGIN)
    assert reply.status_code == 200 and 'id="whatif-result"' in reply.text
    assert 'value="7.5"' in reply.text
    refused = web.client.post(f"/providers/{pro}/whatif", data=form | {"take_profit_pct": "5000"},
                              headers=ORIGIN)  # fmt: skip
    assert refused.status_code == 422 and 'id="whatif-result"' not in refused.text
