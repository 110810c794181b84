"""A settlement run racing top-ups and withdrawals on many relationships.

Three threads top up and withdraw (each on its own relationships, in a known
order) while a run settles the week in small batches. Afterwards every
settlement must be the one of *some* point in its relationship's sequence of
operations: replayed with the domain's rule from the committed start, with
the settlement at that point, it gives the stored settlement row and the
stored HWM, owed amount and cash. A lost HWM update, or a settlement computed
from a HWM and a book of different moments, matches no point.
"""

from __future__ import annotations

import random
import threading
from decimal import Decimal as D

from sqlalchemy import Engine

from copytrade.adapters.db.repositories.settlements import SettlementRecord
from copytrade.domain.ids import RelationshipId
from copytrade.domain.profit_share import HighWatermark, ProfitShareTerms
from copytrade.domain.values import ZERO

from .harness import Harness
from .settlement_support import balances, gained_copier, hwm_of, monday, past, record, run_at

SHARE = D(20)
FOLLOWERS = 30
WORKERS = 3
OPS_EACH = 5  # per relationship
Op = tuple[str, D]


def _work(h: Harness, rels: list[RelationshipId], ops: dict[str, list[Op]], seed: int) -> None:
    rng = random.Random(seed)
    for round_ in range(OPS_EACH):
        for rel in rels:
            amount = D(rng.randint(100, 5_000_000_000)) / D(10**8)  # 1 to 50 USDT, 8 places
            key = f"race:{rel}:{round_}"
            if rng.random() < 0.5:
                h.platform.actions.top_up(rel, amount, key=key)
                ops[rel].append(("top-up", amount))
            else:
                h.platform.actions.withdraw(rel, amount, key=key)
                ops[rel].append(("withdrawal", amount))


def _apply(hwm: HighWatermark, cash: D, op: Op) -> tuple[HighWatermark, D]:
    """One operation on a cash-only book (its equity is its cash)."""
    kind, amount = op
    if kind == "top-up":
        return hwm.top_up(amount), cash + amount
    return hwm.withdraw(amount, cash, cash), cash - amount


def _replay(
    start: tuple[HighWatermark, D], ops: list[Op], at: int, stored: SettlementRecord
) -> tuple[HighWatermark, D] | None:
    """The end state if the settlement came after ``ops[:at]``; None if the stored
    settlement is not the one of that point."""
    hwm, cash = start
    for op in ops[:at]:
        hwm, cash = _apply(hwm, cash, op)
    settlement, hwm = hwm.settle(cash, cash, ProfitShareTerms(SHARE, D(2)))
    if settlement != stored.settlement:
        return None
    cash -= settlement.debit
    for op in ops[at:]:
        hwm, cash = _apply(hwm, cash, op)
    return hwm, cash


def test_settlement_racing_top_ups_and_withdrawals_loses_no_update(db_engine: Engine) -> None:
    h = Harness(db_engine)
    rels = gained_copier(h, SHARE, followers=FOLLOWERS)
    past(h, monday(12))
    start = {rel: (HighWatermark(*hwm_of(h, rel)), _cash(h, rel)) for rel in rels}
    ops: dict[str, list[Op]] = {rel: [] for rel in rels}
    workers = [
        threading.Thread(target=_work, args=(h, rels[i::WORKERS], ops, i)) for i in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    summary = run_at(h, monday(12), batch_size=2)
    for worker in workers:
        worker.join()

    assert (summary.settled, summary.already_settled, summary.failed) == (FOLLOWERS, 0, [])
    for rel in rels:
        assert len(ops[rel]) == OPS_EACH
        stored = record(h, rel, "2026-W02")
        ends = [_replay(start[rel], ops[rel], at, stored) for at in range(OPS_EACH + 1)]
        found = HighWatermark(*hwm_of(h, rel)), _cash(h, rel)
        assert found in ends, f"{rel}: {stored.settlement}, {found} fit no order of {ops[rel]}"
        assert stored.settlement.gross > ZERO


def _cash(h: Harness, rel: str) -> D:
    """The book's ledger cash, equal to its venue cash; the ledger sums to zero."""
    moved = balances(h, rel, "pro")
    assert moved["allocation"] == moved["venue"]
    return moved["allocation"]
