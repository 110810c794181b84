"""A relationship's life through the API while its provider trades: pause, resume,
stop, top-up and withdraw, with the copy decisions and the HWM of docs/domain.md."""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from typing import Any

from copytrade.domain.values import USDT

from ..engine.harness import PERP, Harness
from .conftest import Api
from .copying import account, detail, follow, funded, market_of


def _post(api: Api, user: dict[str, Any], path: str, **body: Any) -> Any:
    reply = api.client.post(path, json=body or None, headers=user["headers"])
    assert reply.status_code == 200, reply.text
    return reply.json()


def _qty(rel: dict[str, Any]) -> str | None:
    held = [p["qty"] for p in rel["positions"] if p["symbol"] == PERP.symbol]
    return held[0] if held else None


def _ana_copies_pro(api: Api) -> tuple[Harness, dict[str, Any], str]:
    """A provider with 10,000 USDT and ana copying it with all of her 1,000."""
    market = market_of(api)
    market.provider("pro", "10000")
    ana = funded(api, "ana", "1000")
    return market, ana, follow(api, ana, "pro", "1000")["relationship"]["id"]


def test_pause_resume_stop_while_the_provider_trades(api: Api) -> None:
    market, ana, rel_id = _ana_copies_pro(api)
    base = f"/api/v1/relationships/{rel_id}"

    market.trade("pro", "buy", "0.02")  # 10 % of the provider's equity → 100 USDT copied
    rel = detail(api, ana, rel_id)
    assert _qty(rel) == "0.002" and rel["decisions"]["items"][0]["action"] == "placed"

    paused = _post(api, ana, f"{base}/pause")
    assert paused["relationship"]["status"] == "paused"
    market.trade("pro", "buy", "0.02")
    rel = detail(api, ana, rel_id)
    newest = rel["decisions"]["items"][0]
    assert (newest["action"], newest["reason"]) == ("skipped", "not_active")
    assert _qty(rel) == "0.002"  # no new opening while paused
    market.trade("pro", "sell", "0.02")  # half the provider's position: closes still mirrored
    assert _qty(detail(api, ana, rel_id)) == "0.001"

    assert _post(api, ana, f"{base}/resume")["relationship"]["status"] == "active"
    market.trade("pro", "buy", "0.02")
    rel = detail(api, ana, rel_id)
    assert rel["decisions"]["items"][0]["action"] == "placed"
    assert Decimal(_qty(rel) or "0") > Decimal("0.001")

    stopped = _post(api, ana, f"{base}/stop")
    summary = stopped["relationship"]
    assert (summary["status"], summary["stop_reason"]) == ("stopped", "follower")
    assert stopped["positions"] == [] and summary["equity"] == "0"
    mine = account(api, ana)
    assert Decimal(mine["free_balance"]) == Decimal(mine["total_equity"]) > Decimal(990)
    assert mine["allocated"] == "0"
    again = api.client.post(f"{base}/resume", headers=ana["headers"])
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_state"

    actions = [d["action"] for d in detail(api, ana, rel_id)["decisions"]["items"]]
    page = detail(api, ana, rel_id, decisions_page=2, decisions_page_size=2)["decisions"]
    assert (
        page["total"] == len(actions) >= 4
        and page["items"] == (detail(api, ana, rel_id)["decisions"]["items"][2:4])
    )
    mine_only = api.client.get(
        "/api/v1/relationships", params={"status": "stopped"}, headers=ana["headers"]
    )
    assert [r["id"] for r in mine_only.json()["relationships"]] == [rel_id]


def test_stop_can_keep_the_positions_open(api: Api) -> None:
    market, ana, rel_id = _ana_copies_pro(api)
    market.trade("pro", "buy", "0.02")
    stopped = _post(api, ana, f"/api/v1/relationships/{rel_id}/stop", close_on_stop=False)
    assert stopped["relationship"]["status"] == "stopped"
    assert stopped["settings"]["close_on_stop"] is False
    assert _qty(stopped) == "0.002"  # kept as the follower's own
    market.trade("pro", "sell", "0.02")
    assert _qty(detail(api, ana, rel_id)) == "0.002"  # no longer mirrored


def test_a_position_closed_by_hand_is_detached_from_the_providers(api: Api) -> None:
    market, ana, rel_id = _ana_copies_pro(api)
    market.trade("pro", "buy", "0.02")
    url = f"/api/v1/relationships/{rel_id}/close-position"
    closed = _post(api, ana, url, symbol=PERP.symbol)
    assert _qty(closed) is None and Decimal(closed["relationship"]["cash"]) > 990
    nothing = api.client.post(url, json={"symbol": PERP.symbol}, headers=ana["headers"])
    assert nothing.status_code == 422 and "no BTC/USDT:USDT position" in nothing.text
    market.trade("pro", "sell", "0.02")
    newest = detail(api, ana, rel_id)["decisions"]["items"][0]
    assert (newest["action"], newest["reason"]) == ("skipped", "detached")


def _hwm_after_withdrawal(hwm: Decimal, withdrawn: Decimal, equity: Decimal) -> Decimal:
    """docs/domain.md, Profit share: scaled by (1 − w / copy equity before), rounded up to the USDT
    unit."""
    return (hwm * (1 - withdrawn / equity)).quantize(USDT.unit, rounding=ROUND_CEILING)


def test_top_up_and_withdraw_move_the_hwm_as_spec_7_says(api: Api) -> None:
    market = market_of(api)
    market.provider("pro", "10000")
    ana = funded(api, "ana", "2000")
    rel_id = follow(api, ana, "pro", "1000")["relationship"]["id"]
    base = f"/api/v1/relationships/{rel_id}"

    topped = _post(api, ana, f"{base}/top-up", amount="500", idempotency_key="t-1")
    assert topped["relationship"]["hwm"] == "1500"
    replay = _post(api, ana, f"{base}/top-up", amount="500", idempotency_key="t-1")
    assert replay["relationship"]["hwm"] == "1500" and replay["relationship"]["cash"] == "1500"
    assert account(api, ana)["free_balance"] == "500"  # moved once

    market.trade("pro", "buy", "0.02")
    market.tick(PERP.symbol, "55000")  # the copied long gains: equity above cash
    before = detail(api, ana, rel_id)["relationship"]
    equity, cash = Decimal(before["equity"]), Decimal(before["cash"])
    assert equity > cash and Decimal(before["pnl"]) == equity - Decimal("1500")

    too_much = api.client.post(
        f"{base}/withdraw",
        json={"amount": str(cash + 1), "idempotency_key": "w-big"},
        headers=ana["headers"],
    )
    assert too_much.status_code == 422
    assert too_much.json()["error"]["code"] == "insufficient_funds"
    assert detail(api, ana, rel_id)["relationship"] == before  # nothing changed

    after = _post(api, ana, f"{base}/withdraw", amount="300", idempotency_key="w-1")["relationship"]
    expected = _hwm_after_withdrawal(Decimal(1500), Decimal(300), equity)
    # the withdrawn slice takes its share of the gain: the HWM falls by less than 300
    assert Decimal(after["hwm"]) == expected > Decimal(1200)
    assert after["net_allocated"] == "1200"
    replay = _post(api, ana, f"{base}/withdraw", amount="300", idempotency_key="w-1")
    assert replay["relationship"]["hwm"] == after["hwm"]
    assert account(api, ana)["free_balance"] == "800"
