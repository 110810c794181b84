"""Fill quality through the real engine, venue and ledger (docs/statistics.md, "Fill quality").

Provider "pro" (10,000) buys 0.04 BTC at 50,000 and sells it at 55,000; three followers
with 1,000 each: alice proportional, bob blocking the symbol, carl with multiplier 2.
k = 1,000 / 10,000 = 0.1. Provider: 0.04 × 5,000 = 200 less fees 1 + 1.1 → r_P = 0.01979.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

from sqlalchemy import Engine, select, update

from copytrade.adapters.db.schema import FillRow, OrderRow
from copytrade.domain.ledger import LedgerAccount
from copytrade.service_layer.fill_quality import FillQualityReads

from ..engine.harness import PERP, Harness
from ..engine.settlement_support import monday, run_at
from .world import play_fills_world


def test_fill_reports_on_the_engine(db_engine: Engine) -> None:
    h = play_fills_world(db_engine)
    reads = FillQualityReads(h.platform.uow, h.engine.prices.snapshot)

    alice = reads.relationship("alice:pro")
    [rel] = alice.relationships
    assert [(c.leg, c.action, c.copy_qty, c.slippage_bps, c.delay_s) for c in rel.copies] == [
        ("open", "placed", D("0.004"), D(0), D(0)),
        ("close", "placed", D("0.004"), D(0), D(0)),
    ]
    gap = rel.gap
    assert gap is not None
    assert gap.provider_return == D("0.01979")
    # 0.004 × 5,000 = 20 less fees 0.1 + 0.11: the 1,019.79 the copy's cash holds.
    assert gap.copy_return == D("0.01979")
    assert gap.gap == 0 and all(v == 0 for v in gap.parts().values())
    assert rel.kept_pct == D(100)

    [bob] = reads.relationship("bob:pro").relationships
    assert [(c.action, c.reason) for c in bob.copies] == [
        ("skipped", "symbol_not_allowed"),
        ("skipped", "no_position"),
    ]
    assert bob.summary.skipped_pct == {"no_position": D(50), "symbol_not_allowed": D(50)}
    assert bob.gap is not None
    # skipped: 0.1 × 0.04 × 5,000 / 1,000 = 0.02; fees: (0 − 0.1 × 2.1) / 1,000.
    assert (bob.gap.skipped, bob.gap.fees, bob.gap.copy_return) == (
        D("0.02"),
        D("-0.00021"),
        D(0),
    )
    assert bob.gap.gap == D("0.01979") == sum(bob.gap.parts().values())
    assert bob.kept_pct == D(0)

    [carl] = reads.relationship("carl:pro").relationships
    assert carl.gap is not None
    # 0.008 × 5,000 = 40 less fees 0.42: r = 0.03958; sizing (0.1 × 0.04 − 0.008) × 5,000 / 1,000
    assert carl.gap.copy_return == D("0.03958")
    assert (carl.gap.sizing, carl.gap.fees) == (D("-0.02"), D("0.00021"))
    assert carl.gap.gap == D("-0.01979") == sum(carl.gap.parts().values())
    assert carl.kept_pct == D(200)

    provider = reads.provider("pro")
    assert [r.relationship_id for r in provider.relationships] == [
        "alice:pro",
        "bob:pro",
        "carl:pro",
    ]
    assert provider.kept_pct == D(100)  # the median of 100, 0 and 200
    assert provider.median_slippage_bps == D(0)
    assert provider.summary.legs == 6 and provider.summary.filled == 4

    follower = reads.follower("alice")
    assert follower.scope == "follower" and follower.kept_pct == D(100)


def test_profit_share_paid_is_its_own_part_of_the_gap(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("pro", "10000", share_pct="20")
    h.follow(h.follower("dana", "5000"), pro, "1000")
    h.trade(pro, "buy", "0.04")
    h.tick(PERP.symbol, "55000")
    h.trade(pro, "sell", "0.04")
    assert not run_at(h, monday(12)).failed
    with h.platform.uow() as uow:
        [settled] = uow.settlements.all()
        equity = uow.ledger.balance(LedgerAccount.allocation_cash("dana:pro"))
    assert settled.settlement.debit > 0
    [rel] = (
        FillQualityReads(h.platform.uow, h.engine.prices.snapshot)
        .relationship("dana:pro")
        .relationships
    )
    gap = rel.gap
    assert gap is not None
    debit = settled.settlement.debit
    assert gap.profit_share == debit / D(1000)
    # the copy's return is what its cash says: 1,019.79 less the settlement's debit
    assert gap.copy_return == (equity - D(1000)) / D(1000) == (D("19.79") - debit) / 1000
    assert gap.gap == gap.profit_share == sum(gap.parts().values())


def test_a_worse_and_later_copy_fill_is_read_back_as_slippage_and_delay(db_engine: Engine) -> None:
    """As a live venue could fill it: alice's opening copy at 50,025 (+5 bps), 1.5 s late."""
    h = play_fills_world(db_engine)
    with db_engine.begin() as connection:
        key = connection.scalar(
            select(OrderRow.id).where(
                OrderRow.relationship_id == "alice:pro", OrderRow.side == "buy"
            )
        )
        ts = connection.scalar(select(FillRow.ts).where(FillRow.order_id == key))
        connection.execute(
            update(FillRow).where(FillRow.order_id == key)
            .values(price=D(50025), ts=ts + timedelta(seconds=1.5))
        )  # fmt: skip
    [rel] = (
        FillQualityReads(h.platform.uow, h.engine.prices.snapshot)
        .relationship("alice:pro")
        .relationships
    )
    opening = rel.copies[0]
    assert (opening.copy_price, opening.slippage_bps, opening.delay_s) == (
        D(50025),
        D(5),
        D("1.5"),
    )
    assert rel.summary.slippage_bps.mean == D("2.5") and rel.summary.delay_s.maximum == D("1.5")
    gap = rel.gap
    assert gap is not None
    # 0.004 × 25 = 0.1 of slippage on 1,000: the whole gap
    assert gap.slippage == D("0.0001") == gap.gap == sum(gap.parts().values())
    assert gap.copy_return == D("0.01979") - D("0.0001")
