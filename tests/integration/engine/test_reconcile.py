"""Reconciliation (service_layer/reconcile.py): ledger vs venue for every book, both backends.

A healthy platform reports nothing; a book made to differ through the venue's own
API (a deposit, an order the platform never booked) is reported exactly.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy import Engine

from copytrade.domain.ids import ProviderId
from copytrade.domain.ledger import LedgerAccount
from copytrade.domain.values import USDT
from copytrade.engine.execution import Checkpoints
from copytrade.service_layer.reconcile import Difference, ReconcileReport, reconcile

from .harness import PERP, SPOT, Harness
from .settlement_support import monday, run_at

RELS = ["f0:pro", "f1:pro", "f2:pro"]


def check(h: Harness) -> ReconcileReport:
    return reconcile(h.engine.uow_factory, h.platform.venue, h.clock.now)


def busy(db: Engine) -> Harness:
    """Perp and spot copies, a partial close, a top-up, a withdrawal and a settlement."""
    h = Harness(db)
    h.tick(PERP.symbol, "50000")
    h.tick(SPOT.symbol, "3000")
    pro = h.provider("pro", "10000", share_pct="20")
    rels = [h.follow(h.follower(f"f{i}", "5000"), pro, str(700 + 300 * i)) for i in range(3)]
    h.trade(pro, "buy", "0.1", leverage="10")
    h.trade(pro, "buy", "1.5", symbol=SPOT.symbol)
    h.tick(PERP.symbol, "53000")
    h.tick(SPOT.symbol, "3300")
    h.trade(pro, "sell", "0.04", leverage="10")
    h.trade(pro, "sell", "0.5", symbol=SPOT.symbol)
    h.platform.actions.top_up(rels[0], D("250"), key="t1")
    h.platform.actions.withdraw(rels[1], D("100"), key="w1")
    h.platform.accounts.deposit(pro, D("500"), key="dep:pro:2")
    run_at(h, monday(12))
    h.engine.pump()
    return h


def test_a_busy_healthy_platform_reconciles_clean(db_engine: Engine) -> None:
    h = busy(db_engine)
    report = check(h)
    assert report.differences == ()
    assert report.ok and report.ledger_problems() == []
    assert (report.books, report.venue_accounts) == (4, 4)  # the provider and three copies
    assert (report.outbox_pending, report.orders_pending) == (0, 0)
    with h.platform.uow() as uow:
        settled = [r for r in uow.settlements.all() if r.settlement.debit > 0]
    margin_locked = h.platform.venue.positions("f0:pro")[0].margin
    assert settled and margin_locked > 0  # settlement debits and perp margin were compared


def test_a_loss_beyond_the_cash_leaves_both_books_at_zero(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("pro", "10000")
    h.trade(pro, "buy", "1", leverage="20")  # 50,000 notional on 2,500 margin
    h.tick(PERP.symbol, "30000")
    h.trade(pro, "sell", "1", leverage="20")  # loses 20,000 of a 10,000 account
    with h.platform.uow() as uow:
        assert uow.ledger.balance(LedgerAccount.follower_free("pro")) == 0
    assert h.platform.venue.balances("pro")[USDT.code] == 0
    h.platform.accounts.deposit(pro, D("300"), key="dep:pro:2")
    assert check(h).differences == ()
    assert h.platform.venue.balances("pro")[USDT.code] == D(300)


def test_books_changed_at_the_venue_are_reported_exactly(db_engine: Engine) -> None:
    h = busy(db_engine)
    venue = h.platform.venue
    with h.platform.uow() as uow:
        rel_cash = uow.ledger.balance(LedgerAccount.allocation_cash("f1:pro"))
        pro_cash = uow.ledger.balance(LedgerAccount.follower_free("pro"))
    venue.deposit("f1:pro", USDT.code, D("5"))
    venue.withdraw("pro", USDT.code, D("0.5"))
    venue.deposit("stranger", USDT.code, D("1"))
    report = check(h)
    assert report.differences == (
        Difference("f1:pro", "relationship", "cash USDT", rel_cash, rel_cash + 5),
        Difference("pro", "provider", "cash USDT", pro_cash, pro_cash - D("0.5")),
        Difference("stranger", "venue only", "cash USDT", D(0), D(1)),
    )
    assert not report.ok and report.ledger_problems() == []
    assert report.to_json()["differences"][2] == {
        "book": "stranger",
        "role": "venue only",
        "what": "cash USDT",
        "ledger": "0",
        "venue": "1",
    }
    venue.withdraw("f1:pro", USDT.code, D("5"))
    venue.deposit("pro", USDT.code, D("0.5"))
    venue.withdraw("stranger", USDT.code, D("1"))
    assert check(h).ok


class Crash(Exception):
    """Stands for the process dying between the venue's answer and its recording."""


def crash() -> None:
    raise Crash


def test_copies_filled_but_not_recorded_differ_until_recovery(db_engine: Engine) -> None:
    h = busy(db_engine)
    with h.platform.uow() as uow:
        cash = {r: uow.ledger.balance(LedgerAccount.allocation_cash(r)) for r in RELS}
    h.engine.executor.checkpoints = Checkpoints(after_submit=crash)
    with pytest.raises(Crash):
        h.trade(ProviderId("pro"), "buy", "0.06", leverage="10")
    h.engine.executor.checkpoints = Checkpoints()
    report = check(h)
    assert report.orders_pending == len(RELS)
    assert {(d.book, d.what) for d in report.differences} == {
        (rel, what) for rel in RELS for what in ("cash USDT", f"position {PERP.symbol}")
    }
    for d in report.differences:
        if d.what == "cash USDT":  # the venue locked the copy's margin and took its fee
            assert d.ledger == cash[d.book] and d.venue < d.ledger
        else:
            assert d.venue > d.ledger > 0
    h.engine.recover()
    assert check(h).ok
