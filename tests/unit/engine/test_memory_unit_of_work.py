"""The in-memory unit of work keeps the SQL one's promises: commit or nothing."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from copytrade.adapters.db.repositories.orders import OrderIntent
from copytrade.adapters.memory.state import DuplicateKeyError, MemoryState, MemoryStoreError
from copytrade.domain.ids import AccountId
from copytrade.domain.ledger import (
    InsufficientFundsError,
    LedgerAccount,
    deposit,
    reversal_of,
    withdraw,
)
from copytrade.domain.orders import Side
from copytrade.domain.values import USDT, Money

from ..domain.fills_factory import PERP
from .memory_pipeline import START, MemoryPipeline

PROVIDER_CASH = LedgerAccount.follower_free("prov")


def _intent(cid: str) -> OrderIntent:
    return OrderIntent(cid, "ann:prov", PERP.symbol, "buy", "market", D("0.01"), D(1), START)


def test_a_change_is_seen_by_the_next_unit_of_work_only_after_commit() -> None:
    store = MemoryPipeline().store
    with store.unit_of_work() as writer:
        writer.orders.add_intents([_intent("c1")])
        with store.unit_of_work() as reader:
            assert reader.orders.get("c1") is None
        writer.commit()
    with store.unit_of_work() as reader:
        assert reader.orders.get("c1") is not None


def test_leaving_without_commit_discards_every_change() -> None:
    store = MemoryPipeline().store
    with store.unit_of_work() as uow:
        uow.orders.add_intents([_intent("c1")])
        uow.outbox.add("topic", "m1", {"x": 1}, START)
        uow.processed.first_time("consumer", "m1", START)
    with store.unit_of_work() as uow:
        assert uow.orders.get("c1") is None
        assert uow.outbox.pending(10) == []
        assert uow.processed.first_time("consumer", "m1", START)


def test_the_ledger_posts_with_the_domain_rules_and_a_refusal_keeps_nothing() -> None:
    store = MemoryPipeline().store
    out = withdraw(AccountId("prov"), Money(D(4000), USDT), key="w1", ts=START)
    too_much = withdraw(AccountId("prov"), Money(D(7000), USDT), key="w2", ts=START)
    with pytest.raises(InsufficientFundsError), store.unit_of_work() as uow:
        uow.ledger.post_all([out, too_much])
        uow.commit()
    assert store.balance(PROVIDER_CASH) == D(10000)
    with store.unit_of_work() as uow:
        uow.ledger.post_all([out])
        uow.commit()
    assert store.balance(PROVIDER_CASH) == D(6000)
    assert store.state.ledger.sum_by_currency() == {"USDT": D(0)}


def test_keys_the_schema_keeps_unique_are_refused_twice() -> None:
    store = MemoryPipeline().store
    with store.unit_of_work() as uow:
        uow.orders.add_intents([_intent("c1")])
        with pytest.raises(DuplicateKeyError):
            uow.orders.add_intents([_intent("c1")])
        uow.outbox.add("topic", "m1", {}, START)
        with pytest.raises(DuplicateKeyError):
            uow.outbox.add("topic", "m1", {}, START)


def _tables(state: MemoryState) -> dict[str, object]:
    """Every table of the state as plain values (the ledger by what it answers)."""
    found: dict[str, object] = {
        name: getattr(state, name) for name in MemoryState.__slots__ if name != "ledger"
    }
    copied = {name: type(table)(table) for name, table in found.items()}  # type: ignore[call-arg]
    ledger = state.ledger
    accounts = [PROVIDER_CASH, LedgerAccount.follower_free("new")]
    copied["ledger"] = (
        ledger.balances(),
        [ledger.entries_for(account) for account in accounts],
        ledger.transfer("d1"),
        ledger.transfer("d1-back"),
    )
    return copied


def test_leaving_without_commit_takes_back_every_write_in_place() -> None:
    p = MemoryPipeline()
    p.follow("ann")
    p.handle(p.provider_fill(Side.BUY, "0.1"))  # decisions, orders, fills, positions, ...
    store = p.store
    before = _tables(store.state)
    fresh = deposit(AccountId("new"), Money(D(5), USDT), key="d1", ts=START)
    with store.unit_of_work() as uow:
        uow.ledger.post_all([fresh, reversal_of(fresh, "d1-back", START)])
        uow.ledger.post_all([withdraw(AccountId("prov"), Money(D(1), USDT), key="w", ts=START)])
        uow.orders.add_intents([_intent("c9")])
        uow.decisions.mark_rejected({cid: "gone" for cid in store.state.orders})
        (rel,) = uow.relationships.all()
        uow.positions.save_many(uow.positions.for_books([rel.book]).values())
        uow.outbox.add("topic", "m9", {}, START)
        uow.cursors.set("stream", 3)
        assert _tables(store.state) != before  # written in place, not on a copy
    assert _tables(store.state) == before
    assert store.state.ledger.sum_by_currency() == {"USDT": D(0)}


def test_one_opened_inside_another_sees_only_what_is_committed() -> None:
    store = MemoryPipeline().store
    with store.unit_of_work() as writer:
        writer.orders.add_intents([_intent("c1")])
        with store.unit_of_work() as reader:
            writer.orders.add_intents([_intent("c2")])
            assert reader.orders.get("c1") is None and reader.orders.get("c2") is None
            with pytest.raises(MemoryStoreError):
                reader.commit()  # one writer at a time
        writer.commit()
    with store.unit_of_work() as outer, store.unit_of_work() as inner:
        inner.orders.add_intents([_intent("c3")])
        inner.commit()
        assert outer.orders.get("c3") is not None
    with store.unit_of_work() as uow:
        assert {"c1", "c2", "c3"} <= set(store.state.orders)
        assert uow.orders.get("c2") is not None
