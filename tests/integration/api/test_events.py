"""``/api/v1/events``: each user's own events as server-sent events, resumable by id."""

from __future__ import annotations

import json
import threading
import time
from decimal import Decimal
from itertools import pairwise
from typing import Any

from copytrade.domain.copying import StopReason
from copytrade.domain.ids import ClientOrderId, ProviderId, RelationshipId
from copytrade.domain.instruments import Side

from .conftest import Api
from .trading_support import deposit, follow, market, price, provider, subscribed


def read_events(api: Api, user: dict[str, Any], **params: Any) -> tuple[list[dict[str, Any]], str]:
    headers = dict(user["headers"])
    if "last_event_id" in params:
        headers["Last-Event-ID"] = params.pop("last_event_id")
    params.setdefault("once", "true")
    reply = api.client.get("/api/v1/events", params=params, headers=headers)
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("text/event-stream")
    events = []
    for block in reply.text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "data" in fields and "id" in fields:
            events.append(
                {"id": fields["id"], "event": fields["event"], **json.loads(fields["data"])}
            )
    return events, reply.text


def two_pairs(api: Api) -> dict[str, Any]:
    """Provider P copied by follower A, provider Q copied by follower B."""
    world: dict[str, Any] = {"P": provider(api, "pp"), "Q": provider(api, "qq")}
    for name, lead in (("A", "P"), ("B", "Q")):
        fan = world[name] = api.sign_up(name.lower() * 2)
        deposit(api, fan, "5000")
        world[f"rel{name}"] = follow(api, fan, world[lead], "5000")
    return world


def test_a_follower_sees_its_copies_and_fills_and_nobody_elses(api: Api) -> None:
    w = two_pairs(api)
    assert market(api, w["P"], "buy", "0.5", client_order_id="p1").status_code == 201
    assert market(api, w["Q"], "sell", "0.2", client_order_id="q1").status_code == 201
    a_events, a_text = read_events(api, w["A"])
    assert [e["event"] for e in a_events] == ["copy.placed", "fill"]
    assert a_events[0]["relationship_id"] == w["relA"] and a_events[0]["symbol"] == "BTC/USDT:USDT"
    assert a_events[1]["relationship_id"] == w["relA"] and a_events[1]["side"] == "buy"
    b_events, b_text = read_events(api, w["B"])
    assert [e["event"] for e in b_events] == ["copy.placed", "fill"]
    assert b_events[1]["side"] == "sell"
    for mine, theirs in ((a_text, w["B"]), (b_text, w["A"])):
        assert theirs["id"] not in mine
    assert w["relB"] not in a_text and w["Q"]["id"] not in a_text
    assert w["relA"] not in b_text and w["P"]["id"] not in b_text
    p_events, p_text = read_events(api, w["P"])
    assert [(e["event"], e["book"], e["client_order_id"]) for e in p_events] == [
        ("fill", "own", "p1")
    ]
    assert w["A"]["id"] not in p_text and "q1" not in p_text


def test_resuming_after_an_event_id_sends_only_what_came_after(api: Api) -> None:
    w = two_pairs(api)
    market(api, w["P"], "buy", "0.5")
    first, _ = read_events(api, w["A"])
    last = first[-1]["id"]
    market(api, w["P"], "sell", "0.5")
    again, _ = read_events(api, w["A"], last_event_id=last)
    assert [e["event"] for e in again] == ["copy.placed", "fill"]
    assert again[-1]["side"] == "sell"
    by_query, _ = read_events(api, w["A"], after=last)
    assert by_query == again
    ids = [tuple(int(p) for p in e["id"].split(".")) for e in first + again]
    assert all(all(a <= b for a, b in zip(x, y, strict=True)) and x != y for x, y in pairwise(ids))
    assert read_events(api, w["A"], after=again[-1]["id"])[0] == []


def test_a_stop_and_its_settlement_reach_both_sides_the_provider_without_names(api: Api) -> None:
    w = two_pairs(api)
    market(api, w["P"], "buy", "0.5")
    start = read_events(api, w["P"])[0][-1]["id"]
    actions = api.runtime.platform.actions
    api.runtime.act(lambda: actions.stop(RelationshipId(w["relA"]), StopReason.FOLLOWER))
    a_events, _ = read_events(api, w["A"])
    stops = [e for e in a_events if e["event"] == "relationship.stopped"]
    assert len(stops) == 1 and stops[0]["relationship"] == w["relA"]
    assert stops[0]["reason"] == "follower"
    settled = [e for e in a_events if e["event"] == "settlement.settled"]
    assert [s["period"] for s in settled] == ["stop:follower"]
    p_events, p_text = read_events(api, w["P"], after=start)
    kinds = {e["event"] for e in p_events}
    assert {"relationship.stopped", "settlement.settled"} <= kinds
    assert w["A"]["id"] not in p_text and w["relA"] not in p_text
    b_events, _ = read_events(api, w["B"])
    assert not {"relationship.stopped", "settlement.settled"} & {e["event"] for e in b_events}


def test_a_max_loss_stop_is_an_event_of_the_follower(api: Api) -> None:
    lead = provider(api, "mm")
    fan = api.sign_up("nn")
    deposit(api, fan, "5000")
    rel = follow(api, fan, lead, "5000", max_loss_pct=Decimal(10))
    market(api, lead, "buy", "1")
    price(api, "BTC/USDT:USDT", "35000")
    stops = [e for e in read_events(api, fan)[0] if e["event"] == "relationship.stopped"]
    assert [(s["relationship"], s["reason"]) for s in stops] == [(rel, "max_loss")]


def test_subscription_charges_are_events_of_both_sides(api: Api) -> None:
    lead, fan = subscribed(api, "40", ("ss", "tt"))
    (paid,) = [e for e in read_events(api, fan)[0] if e["event"] == "subscription.charged"]
    (earned,) = [e for e in read_events(api, lead)[0] if e["event"] == "subscription.charged"]
    assert paid["period"] == earned["period"] == "2026-W03"
    assert fan["id"] not in json.dumps(earned)


def test_the_stream_delivers_new_events_while_open(api: Api) -> None:
    w = two_pairs(api)
    orders = api.runtime.platform.provider_orders

    def trade_soon() -> None:
        time.sleep(0.8)
        api.runtime.act(
            lambda: orders.place(
                ProviderId(w["P"]["id"]),
                ClientOrderId(f"{w['P']['id']}:live"),
                "BTC/USDT:USDT",
                Side.BUY,
                Decimal("0.1"),
            )
        )

    worker = threading.Thread(target=trade_soon)
    worker.start()
    began = time.monotonic()
    events, _ = read_events(api, w["A"], once="false", timeout="3")
    worker.join()
    assert 2.5 < time.monotonic() - began < 10
    assert [e["event"] for e in events] == ["copy.placed", "fill"]


def test_bad_cursors_are_422_and_strangers_401(api: Api) -> None:
    user = api.sign_up("uu")
    # The schema states the cursor's form, so a bad one is refused as invalid_request.
    for bad in ("x", "1.2", "1.2.-3", "1.2.3.4"):
        reply = api.client.get(
            "/api/v1/events", params={"once": "true", "after": bad}, headers=user["headers"]
        )
        assert reply.status_code == 422 and reply.json()["error"]["code"] == "invalid_request"
    assert api.client.get("/api/v1/events", params={"once": "true"}).status_code == 401
    assert read_events(api, user) == ([], read_events(api, user)[1])
