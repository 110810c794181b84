"""The stop-loss / take-profit form on a provider's position on `/trade` (docs/web.md
"Trade", docs/domain.md "The provider's stop-loss and take-profit"), without a browser:
refused with the message and nothing changed, set and shown, cancelled."""

from __future__ import annotations

from ..api.conftest import Api
from ..api.trading_support import price
from ..engine.harness import PERP
from .conftest import ORIGIN
from .test_dashboard import become_provider, signed_up


def _cell(web: Api, name: str) -> str:
    page = web.client.get("/trade").text
    row = page[page.index('id="positions-live"') :]
    row = row[row.index(f'data-symbol="{PERP.symbol}"') :]
    row = row[: row.index("</tr>")]
    start = row.index(f'class="num {name}">') + len(f'class="num {name}">')
    return row[start : row.index("</td>", start)]


def test_a_stop_loss_is_refused_set_shown_and_cancelled(web: Api) -> None:
    signed_up(web, "5000")
    become_provider(web)
    price(web, PERP.symbol, "50000")
    order = {"symbol": PERP.symbol, "side": "buy", "qty": "0.01", "type": "market", "key": "b"}
    assert web.client.post("/trade", data=order, headers=ORIGIN).status_code == 200
    assert _cell(web, "stop-loss") == "—"
    url = "/trade/positions/tp-sl"
    above = {"symbol": PERP.symbol, "stop_loss": "60000", "take_profit": ""}
    refused = web.client.post(url, data=above, headers=ORIGIN)
    assert refused.status_code == 422 and "stop_loss must be below the mark" in refused.text
    assert _cell(web, "stop-loss") == "—"
    both = {"symbol": PERP.symbol, "stop_loss": "45000", "take_profit": "55000"}
    done = web.client.post(url, data=both, headers=ORIGIN, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert (_cell(web, "stop-loss"), _cell(web, "take-profit")) == ("45,000.00", "55,000.00")
    [held] = web.client.get("/api/v1/positions").json()["positions"]  # the same, by the API
    assert (held["stop_loss"], held["take_profit"]) == ("45000", "55000")
    off = {"symbol": PERP.symbol, "stop_loss": "", "take_profit": ""}
    cancelled = web.client.post(url, data=off, headers=ORIGIN, follow_redirects=False)
    assert cancelled.status_code == 303, cancelled.text
    assert (_cell(web, "stop-loss"), _cell(web, "take-profit")) == ("—", "—")
