"""Both sides of every settlement are notified through the outbox, once (docs/domain.md, Profit
share)."""

from __future__ import annotations

import json

from sqlalchemy import Engine, select

from copytrade.adapters.db.repositories.outbox import OutboxMessage
from copytrade.adapters.db.schema import OutboxRow
from copytrade.adapters.jsonable import decimal_text
from copytrade.service_layer.settlement.service import SETTLED, VENUE_DEBIT

from .harness import SPOT, Harness
from .settlement_support import monday, record, run_at


def test_a_batch_writes_one_message_with_a_notice_per_side_and_pair(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.tick(SPOT.symbol, "2000")
    provider = h.provider("pro", "10000")
    rels = [h.follow(h.follower(name, "2000"), provider, "1000") for name in ("a", "b")]
    h.trade(provider, "buy", "1", symbol=SPOT.symbol)
    h.tick(SPOT.symbol, "3000")  # a gain: both pay
    before = len(_written(h))

    run_at(h, monday(12))
    run_at(h, monday(12))  # a rerun writes no message

    written = _written(h)[before:]  # the debits are applied and marked delivered at once
    assert sorted(m.topic for m in written) == [SETTLED, VENUE_DEBIT]
    notices = next(m for m in written if m.topic == SETTLED).payload["notices"]
    ids = [n["id"] for n in notices]
    assert len(ids) == len(set(ids)) == 4
    for rel, follower in zip(rels, ("a", "b"), strict=True):
        s = record(h, rel, "2026-W02").settlement
        to_follower = [n for n in notices if n["to"] == follower]
        to_provider = [n for n in notices if n["to"] == "pro" and n["id"].startswith(
            f"settled:{rel}:")]  # fmt: skip
        assert [n["relationship"] for n in to_follower] == [rel]
        assert [n["debit"] for n in to_follower + to_provider] == [decimal_text(s.debit)] * 2
        assert "relationship" not in to_provider[0]
        assert follower not in to_provider[0].values()
    moves = next(m for m in written if m.topic == VENUE_DEBIT).payload["moves"]
    assert sorted(m["account"] for m in moves) == sorted(rels)


def _written(h: Harness) -> list[OutboxMessage]:
    """Every outbox message, delivered or not, in the order written."""
    with h.platform.uow() as uow:
        rows = uow.session.execute(
            select(OutboxRow.id, OutboxRow.message_id, OutboxRow.topic, OutboxRow.payload).order_by(
                OutboxRow.id
            )
        ).all()
    return [OutboxMessage(r.id, r.message_id, r.topic, json.loads(r.payload)) for r in rows]
