"""A settlement and a top-up or withdrawal of the same relationship, interleaved.

Each test puts the other writer at one controlled point, through a hook the
code under test takes anyway (the settlement's price source, the top-up's
``within``, the withdrawal's price source), on its own connection. Whatever the
interleaving, the result must be that of one order or the other: the
settlement charges from the HWM and the book as they were committed together,
and neither side's HWM change is lost (docs/settlement.md, "Concurrent writers").
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from decimal import Decimal as D

import pytest
from sqlalchemy import Engine

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.copying import CopyRelationship
from copytrade.domain.ids import RelationshipId
from copytrade.domain.profit_share import HighWatermark
from copytrade.service_layer.following.actions import FollowerActions
from copytrade.service_layer.settlement.run import RunSummary, SettlementRun

from .harness import Harness
from .settlement_support import (
    balances,
    expected_gross,
    expected_hwm_after,
    gained_copier,
    hwm_of,
    monday,
    past,
    racing_run,
    record,
    run_at,
)

SHARE = D(20)
WEEK = "2026-W02"
AMOUNT = D("100")


def _top_up(h: Harness, rel: RelationshipId) -> None:
    h.platform.actions.top_up(rel, AMOUNT, key="racing-top-up")


def _withdraw(h: Harness, rel: RelationshipId) -> None:
    h.platform.actions.withdraw(rel, AMOUNT, key="racing-withdrawal")


OPERATIONS = {"top-up": _top_up, "withdrawal": _withdraw}


def _assert_settled_from(h: Harness, rel: str, hwm: D, cash: D) -> None:
    """The week's settlement charged from this committed state (HWM, cash-only book),
    and its HWM is the relationship's now."""
    s = record(h, rel, WEEK).settlement
    assert (s.hwm_before, s.owed_before, s.equity) == (hwm, D(0), cash)
    gross = expected_gross(cash, hwm, SHARE)
    assert gross > 0 and s.gross == gross
    assert hwm_of(h, rel) == (expected_hwm_after(cash, hwm, gross), s.owed_after)


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_a_top_up_or_withdrawal_committed_before_the_batch_is_not_charged(
    db_engine: Engine, operation: str
) -> None:
    h = Harness(db_engine)
    (rel,) = gained_copier(h, SHARE)
    hwm_before, _ = hwm_of(h, rel)
    seen: dict[str, D] = {}

    def meanwhile() -> None:  # after the run listed what is due, before its batch
        if not seen:
            OPERATIONS[operation](h, rel)
            seen["hwm"] = hwm_of(h, rel)[0]
            seen["cash"] = balances(h, rel, "pro")["allocation"]

    summary = racing_run(h, monday(12), meanwhile)

    assert summary.settled == 1
    if operation == "top-up":
        assert seen["hwm"] == hwm_before + AMOUNT  # the top-up's raise, not charged
    else:
        assert seen["hwm"] < hwm_before  # scaled down with the withdrawal
    _assert_settled_from(h, rel, seen["hwm"], seen["cash"])


class SettlementThread:
    """The week's run on another thread, started from inside another writer's
    transaction: it must wait for that transaction to end."""

    def __init__(self, h: Harness) -> None:
        run = SettlementRun(h.engine.uow_factory, h.platform.settlements, h.clock.now)
        self._summaries: list[RunSummary] = []
        self._thread = threading.Thread(target=lambda: self._summaries.append(run.run(monday(12))))
        self.waited: bool | None = None

    def start(self) -> None:
        """Start it, give it a second, and note whether it is still waiting."""
        if self.waited is None:
            self._thread.start()
            self._thread.join(timeout=1)
            self.waited = self._thread.is_alive()

    def finish(self) -> RunSummary:
        self._thread.join()
        (summary,) = self._summaries
        return summary


def _top_up_in_flight(h: Harness, rel: RelationshipId, settlement: SettlementThread) -> None:
    def within(_uow: SqlUnitOfWork, _rel: CopyRelationship) -> None:
        settlement.start()  # inside the top-up's transaction, after it read the row

    h.platform.actions.top_up(rel, AMOUNT, key="in-flight", within=within)


def _withdraw_in_flight(h: Harness, rel: RelationshipId, settlement: SettlementThread) -> None:
    def prices() -> Mapping[str, D]:
        settlement.start()  # the withdrawal marks the book in its transaction, after the read
        return h.engine.prices.snapshot()

    e = h.engine
    actions = FollowerActions(
        e.uow_factory, e.executor, e.relationships, h.platform.venue, e.venue_cash,
        h.platform.settlements, prices, h.clock.now,
    )  # fmt: skip
    actions.withdraw(rel, AMOUNT, key="in-flight")


IN_FLIGHT = {  # the operation, and the (HWM, cash) it leaves from the ones before it
    "top-up": (_top_up_in_flight, lambda hwm, cash: (hwm + AMOUNT, cash + AMOUNT)),
    "withdrawal": (
        _withdraw_in_flight,
        lambda hwm, cash: (HighWatermark(hwm).withdraw(AMOUNT, cash, cash).hwm, cash - AMOUNT),
    ),
}


@pytest.mark.parametrize("operation", list(IN_FLIGHT))
def test_a_settlement_waits_for_a_top_up_or_withdrawal_in_flight(
    db_engine: Engine, operation: str
) -> None:
    h = Harness(db_engine)
    (rel,) = gained_copier(h, SHARE)
    past(h, monday(12))
    hwm_before, _ = hwm_of(h, rel)
    cash_before = balances(h, rel, "pro")["allocation"]
    settlement = SettlementThread(h)
    act, after = IN_FLIGHT[operation]

    act(h, rel, settlement)

    assert settlement.finish().settled == 1
    assert settlement.waited is True  # for the row's lock (SQLite: the database's)
    _assert_settled_from(h, rel, *after(hwm_before, cash_before))


def test_pairs_a_concurrent_run_settled_meanwhile_count_as_settled_before(
    db_engine: Engine,
) -> None:
    h = Harness(db_engine)
    rels = gained_copier(h, SHARE, followers=3)
    other: list[RunSummary] = []

    def meanwhile() -> None:  # another run settles the whole week first
        if not other:
            other.append(run_at(h, monday(12)))

    summary = racing_run(h, monday(12), meanwhile)

    assert other[0].settled == 3
    assert (summary.candidates, summary.settled, summary.already_settled) == (3, 0, 3)
    assert summary.failed == []
    assert [record(h, rel, WEEK).settlement.gross > 0 for rel in rels] == [True] * 3
