"""Shards on the in-memory pipeline: each copies its own relationships, together all of them."""

from __future__ import annotations

from decimal import Decimal as D

from copytrade.domain.instruments import Side
from copytrade.domain.ledger import LedgerAccount
from copytrade.engine.shards import Shard, shard_of

from .memory_pipeline import MemoryPipeline

FOLLOWERS = [f"f{i:02}" for i in range(12)]


def _scenario(shards: int) -> MemoryPipeline:
    p = MemoryPipeline(shards=shards)
    for i, name in enumerate(FOLLOWERS):
        # Some too small to copy 0.1 BTC at all: skips as well as copies in every shard.
        p.follow(name, allocation=str(100 + 400 * i))
    p.handle(p.provider_fill(Side.BUY, "0.1"))
    p.set_price(D(51000))
    p.handle(p.provider_fill(Side.SELL, "0.05", number=2, position_before="0.1"))
    return p


def _rows(p: MemoryPipeline) -> dict[str, object]:
    state = p.store.state
    books = sorted(str(rel.id) for rel in state.relationships.values())
    return {
        "decisions": sorted(state.decisions, key=lambda d: (d.provider_fill_id, d.relationship_id)),
        "orders": sorted(state.orders.values(), key=lambda o: o.client_order_id),
        "positions": sorted(state.positions.items()),
        "cash": [state.ledger.balance(LedgerAccount.allocation_cash(book)) for book in books],
    }


def test_a_shard_copies_only_its_own_relationships() -> None:
    p = MemoryPipeline(shards=4)
    for name in FOLLOWERS:
        p.follow(name)
    event = p.provider_fill(Side.BUY, "0.1")

    p.fanouts[2].handle(event.message_id, event.to_payload())

    mine = {f"{name}:prov" for name in FOLLOWERS if shard_of(f"{name}:prov", 4) == 2}
    assert 0 < len(mine) < len(FOLLOWERS)
    assert {d.relationship_id for d in p.store.state.decisions} == mine
    assert p.store.state.processed == {(Shard(2, 4).consumer, event.message_id)}


def test_four_shards_give_the_same_rows_as_one() -> None:
    one, four = _scenario(1), _scenario(4)

    rows = _rows(one)
    assert _rows(four) == rows
    assert {d.action for d in one.store.state.decisions} == {"placed", "skipped"}
