"""End to end through the real engine, venue and ledger, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from decimal import Decimal as D

from sqlalchemy import Engine, select

from copytrade.adapters.db.schema import OutboxRow
from copytrade.domain.copying import SizingMode
from copytrade.domain.ledger import LedgerAccount
from copytrade.engine.messages import PROVIDER_FILLED

from .harness import PERP, Harness


def test_proportional_open_and_close_are_copied_and_books_balance(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("pro", "10000")
    alice = h.follower("alice", "5000")
    rel = h.follow(alice, pro, "1000")

    # Provider opens 0.04 BTC at 50,000 = 2,000 notional on 10,000 equity: usage 20 %.
    h.trade(pro, "buy", "0.04")
    with h.platform.uow() as uow:
        decisions = uow.decisions.for_relationship(rel)
        positions = uow.positions.for_book(rel)
    assert [(d.action, d.reason) for d in decisions] == [("placed", None)]
    # Alice: 1,000 × 20 % = 200 notional → 0.004 BTC.
    assert [(p.position.instrument.symbol, p.position.qty) for p in positions] == [
        (PERP.symbol, D("0.004"))
    ]

    h.tick(PERP.symbol, "55000")
    h.trade(pro, "sell", "0.04")
    with h.platform.uow() as uow:
        assert uow.positions.for_book(rel) == []
        trades = uow.trades.for_book(rel)
        cash = uow.ledger.balance(LedgerAccount.allocation_cash(rel))
        sums = uow.ledger.sum_by_currency()
        assert uow.ledger.reconcile().ok
    # 0.004 × (55,000 − 50,000) = 20 gross; fees 0.004 × 50,000 × 0.0005 = 0.1 and
    # 0.004 × 55,000 × 0.0005 = 0.11 → net 19.79.
    assert [t.pnl for t in trades] == [D("19.79")]
    assert cash == D("1019.79")
    assert set(sums.values()) == {D(0)}


def test_redelivered_provider_fill_places_nothing_new(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("pro", "10000")
    rel = h.follow(
        h.follower("bob", "5000"), pro, "1000", mode=SizingMode.MULTIPLIER, multiplier=D(2)
    )
    h.trade(pro, "buy", "0.04")
    with h.platform.uow() as uow:
        before = len(uow.orders.all())
        message = uow.outbox.pending(10)
    assert message == []  # delivered
    # Deliver the same message again straight to the fan-out.
    with h.platform.uow() as uow:
        row = uow.session.scalars(select(OutboxRow).where(OutboxRow.topic == PROVIDER_FILLED)).one()
        payload, message_id = json.loads(row.payload), row.message_id
    h.engine.fanout.handle(message_id, payload)
    with h.platform.uow() as uow:
        assert len(uow.orders.all()) == before
        positions = uow.positions.for_book(rel)
    # Multiplier 2: 1,000 × 20 % × 2 = 400 → 0.008 BTC, once.
    assert [p.position.qty for p in positions] == [D("0.008")]


def test_day_close_records_time_weighted_series(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("pro", "10000")
    rel = h.follow(h.follower("carol", "5000"), pro, "1000")
    h.trade(pro, "buy", "0.04")
    h.tick(PERP.symbol, "51000")
    h.engine.close_day(h.clock.now().date())
    with h.platform.uow() as uow:
        provider_series = uow.equity.series(pro)
        follower_series = uow.equity.series(rel)
    # Provider: 10,000 − fee 1 (0.04 × 50,000 × 0.0005) + 0.04 × 1,000 unrealized = 10,039.
    assert [(p.equity, p.net_flow) for p in provider_series] == [(D("10039"), D("10000"))]
    # Follower: 1,000 − fee 0.1 + 0.004 × 1,000 = 1,003.9, with its 1,000 allocation as flow.
    assert [(p.equity, p.net_flow) for p in follower_series] == [(D("1003.9"), D("1000"))]


def test_copy_open_positions_on_start_opens_in_proportion(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("pro", "10000")
    h.trade(pro, "buy", "0.04")  # 2,000 of 10,000 − fee 1 equity ≈ 20 % usage
    h.tick(PERP.symbol, "50000")
    late = h.follow(h.follower("dave", "5000"), pro, "1000", copy_open_positions=True)
    plain = h.follow(h.follower("erin", "5000"), pro, "1000")
    with h.platform.uow() as uow:
        late_positions = [p.position.qty for p in uow.positions.for_book(late)]
        plain_positions = uow.positions.for_book(plain)
        decisions = uow.decisions.for_relationship(late)
    # Provider equity 9,999 (fee 1): usage 2,000 / 9,999; 1,000 × that = 200.02 → 0.004 BTC.
    assert late_positions == [D("0.004")]
    assert plain_positions == []
    assert [(d.provider_fill_id, d.action) for d in decisions] == [
        (f"start:{late}:{PERP.symbol}", "placed")
    ]
    # The provider's close is then mirrored to the late follower like any copy.
    h.trade(pro, "sell", "0.04")
    with h.platform.uow() as uow:
        assert uow.positions.for_book(late) == []
