"""Every money, quantity, price, leverage and percent field of every router takes a
JSON string of a plain decimal only: a clear 422 naming the field otherwise, and
nothing recorded (docs/api.md, Conventions)."""

from __future__ import annotations

from typing import Any

from copytrade.domain.disclosures import RISK_DISCLOSURE_VERSION

from .conftest import Api
from .trading_support import deposit, provider

# Each would be read as a number by Python's Decimal() or by JSON, and each is refused.
NOT_PLAIN: list[object] = [
    "1_0",
    "1e3",
    "1E+2",
    "1e400",
    "NaN",
    "-Infinity",
    " 1",
    "1 ",
    "1.",
    ".5",
    "0x10",
    "١٢",  # Arabic-Indic digits: Decimal() reads them as 12
    "1" * 41,
    0.5,
    10,
    True,
    None,
    ["1"],
]


def _refused(reply: Any, field: str, value: object) -> None:
    assert reply.status_code == 422, (field, value, reply.text)
    error = reply.json()["error"]
    assert error["code"] == "invalid_request", (field, value)
    assert field in error["message"], (field, value, error["message"])


def test_order_quantities_prices_and_leverage_are_plain_decimal_strings(api: Api) -> None:
    lead = provider(api, "ada")
    base = {"symbol": "BTC/USDT:USDT", "side": "buy", "qty": "0.01"}
    for field, extra in (("qty", {}), ("price", {"type": "limit"}), ("leverage", {})):
        for value in NOT_PLAIN:
            if value is None and field != "qty":
                continue  # an explicit null means "none" for the optional ones
            body = {**base, **extra, field: value}
            reply = api.client.post("/api/v1/orders", json=body, headers=lead["headers"])
            _refused(reply, f"body.{field}", value)
    assert api.client.get("/api/v1/orders", headers=lead["headers"]).json()["total"] == 0
    placed = api.client.post(
        "/api/v1/orders", json={**base, "qty": "0.010", "leverage": "2"}, headers=lead["headers"]
    )
    assert placed.status_code == 201 and placed.json()["qty"] == "0.01", placed.text


def test_money_of_accounts_relationships_providers_and_admin_is_plain_decimal_strings(
    api: Api,
) -> None:
    lead = provider(api, "pro")
    ana = api.sign_up("ana")
    deposit(api, ana, "1000")
    root = api.sign_up("root")
    api.runtime.identity.make_admin(root["email"])
    follow = {
        "provider_id": lead["id"],
        "allocation": "100",
        "risk_acknowledged": True,
        "disclosure_version": RISK_DISCLOSURE_VERSION,
    }
    cases: list[tuple[str, str, dict[str, Any], str, dict[str, Any]]] = [
        ("POST", "/api/v1/accounts/me/deposit", {"idempotency_key": "k"}, "amount", ana),
        ("POST", "/api/v1/accounts/me/withdraw", {"idempotency_key": "k"}, "amount", ana),
        ("POST", "/api/v1/relationships", follow, "allocation", ana),
        ("POST", "/api/v1/relationships", follow, "multiplier", ana),
        ("POST", "/api/v1/relationships", follow, "max_loss_pct", ana),
        ("PATCH", "/api/v1/providers/me", {}, "share_pct", lead),
        ("PATCH", "/api/v1/providers/me", {}, "subscription_price", lead),
        (
            "PUT",
            "/api/v1/admin/jurisdictions/FR",
            {"copying_offered": True},
            "max_allocation",
            root,
        ),
    ]
    for method, path, body, field, user in cases:
        for value in NOT_PLAIN:
            if value is None and field not in ("amount", "allocation"):
                continue
            reply = api.client.request(
                method, path, json={**body, field: value}, headers=user["headers"]
            )
            _refused(reply, f"body.{field}", value)
    mine = api.client.get("/api/v1/accounts/me", headers=ana["headers"]).json()
    assert (mine["free_balance"], mine["relationships"]) == ("1000", [])
    terms = api.client.get("/api/v1/providers/me", headers=lead["headers"]).json()
    assert terms["share_pct"] == "10"
    jurisdictions = api.client.get("/api/v1/admin/jurisdictions", headers=root["headers"]).json()
    assert "FR" not in str(jurisdictions)


def test_leaderboard_number_filters_are_plain_decimals(api: Api) -> None:
    for value in ("1_000", "1e3", "NaN", " 5", "0x10"):
        reply = api.client.get("/api/v1/leaderboard", params={"min_aum": value})
        _refused(reply, "query.min_aum", value)
    assert api.client.get("/api/v1/leaderboard", params={"min_aum": "1000.50"}).status_code == 200
