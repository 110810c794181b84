"""The watcher's batched reads (docs/alerts.md, "Risk alerts"; docs/benchmarks.md, "The
demo's alerts, accounts and fill figures") give what the one-at-a-time reads give, on
SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Engine

from tests.integration.engine.harness import PERP, SPOT, Harness


def _copied_and_skipped(h: Harness) -> None:
    h.tick(PERP.symbol, "50000")
    h.tick(SPOT.symbol, "2000")
    pro = h.provider("pro", "10000")
    alice, bob = h.follower("alice", "5000"), h.follower("bob", "5000")
    h.follow(alice, pro, "1000", whitelist=frozenset({PERP.symbol}))
    h.follow(bob, pro, "1000", whitelist=frozenset({PERP.symbol}))
    h.trade(pro, "buy", "0.04")  # copied by both
    h.trade(pro, "buy", "1", symbol=SPOT.symbol)  # skipped by both
    h.trade(pro, "buy", "0.04")


def test_the_skipped_copies_read_are_those_of_the_whole_batch(db_engine: Engine) -> None:
    h = Harness(db_engine)
    _copied_and_skipped(h)
    with h.platform.uow() as uow:
        every = uow.risk_alerts.decisions_after(0, 1000)
        assert {row.action for row in every} >= {"skipped", "placed"}
        for after in (0, every[1].id):
            for limit in range(1, len(every) + 2):
                batch = uow.risk_alerts.decisions_after(after, limit)
                last, rows = uow.risk_alerts.decisions_read(after, limit, {"alice"})
                assert last == (batch[-1].id if batch else None)
                assert [r.id for r in rows] == [
                    r.id for r in batch
                    if r.action in ("skipped", "capped") and r.follower_id == "alice"
                ]  # fmt: skip
        assert uow.risk_alerts.decisions_read(0, 1000, set()) == (every[-1].id, [])
        assert uow.risk_alerts.decisions_read(every[-1].id, 1000, {"alice"}) == (None, [])


def test_the_relationships_of_many_followers_are_each_ones(db_engine: Engine) -> None:
    h = Harness(db_engine)
    _copied_and_skipped(h)
    with h.platform.uow() as uow:
        found = uow.relationships.for_followers({"alice", "bob", "nobody"})
        assert set(found) == {"alice", "bob", "nobody"} and found["nobody"] == []
        for follower in ("alice", "bob"):
            assert found[follower] == uow.relationships.for_follower(follower)
            assert len(found[follower]) == 1


def test_cursors_read_together_are_read_one_by_one(db_engine: Engine) -> None:
    h = Harness(db_engine)
    with h.platform.uow() as uow:
        uow.cursors.set("a", 7)
        assert uow.cursors.get_many(("a", "b")) == {"a": 7, "b": 0}
        uow.commit()
    with h.platform.uow() as uow:
        assert uow.cursors.get_many(("a", "b")) == {"a": uow.cursors.get("a"), "b": 0}
