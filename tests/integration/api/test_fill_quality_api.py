"""The fill-quality endpoints (docs/statistics.md, "Fill quality"; docs/api.md)."""

from __future__ import annotations

from decimal import Decimal as D

from .conftest import Api
from .trading_support import deposit, follow, market, price, provider


def test_fill_quality_of_a_follower_and_a_provider(api: Api) -> None:
    lead = provider(api, "fq-lead", cash="10000")
    alice = api.sign_up("fq-alice")
    deposit(api, alice, "5000")
    rel = follow(api, alice, lead, "1000")
    assert market(api, lead, "buy", "0.04").status_code == 201
    price(api, "BTC/USDT:USDT", "55000")
    assert market(api, lead, "sell", "0.04").status_code == 201

    reply = api.client.get(f"/api/v1/relationships/{rel}/fills", headers=alice["headers"])
    assert reply.status_code == 200, reply.text
    body = reply.json()
    [one] = body["relationships"]
    assert [(c["leg"], c["action"], c["copy_qty"], c["slippage_bps"]) for c in one["copies"]] == [
        ("open", "placed", "0.004", "0"),
        ("close", "placed", "0.004", "0"),
    ]
    # 0.04 × 5,000 = 200 less fees 1 + 1.1 on 10,000; the copy the same at a tenth.
    assert one["gap"]["provider_return"] == one["gap"]["copy_return"] == "0.01979"
    assert D(one["gap"]["gap"]) == 0 and one["kept_pct"] == "100"
    assert body["slippage_buckets_bps"] == ["-10", "-1", "1", "10", "50"]

    mine = api.client.get("/api/v1/accounts/me/fills", headers=alice["headers"]).json()
    assert mine["scope"] == "follower" and mine["kept_pct"] == "100"
    assert mine["summary"]["legs"] == 2

    # someone else's relationship is not found, as one that does not exist
    other = api.sign_up("fq-other")
    assert api.client.get(f"/api/v1/relationships/{rel}/fills",
                          headers=other["headers"]).status_code == 404  # fmt: skip

    public = api.client.get(f"/api/v1/providers/{lead['id']}/fill-quality")
    assert public.status_code == 200, public.text
    figures = public.json()
    assert (figures["relationships"], figures["kept_pct"], figures["median_slippage_bps"]) == (
        1,
        "100",
        "0",
    )
    assert figures["summary"]["filled"] == 2
    assert rel not in public.text and alice["id"] not in public.text
    assert api.client.get("/api/v1/providers/nobody/fill-quality").status_code == 404
