"""Funding through the engine (docs/engine.md "The pipeline", docs/domain.md "Funding"):
the venue pays once, the books record once, a provider and its copy alike, and a
repeat (as after a crash between the venue's answer and the books' commit) books
nothing twice."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import Engine

from copytrade.domain.ledger import LedgerAccount

from .harness import PERP, Harness

D = Decimal


def _cash(h: Harness, account: LedgerAccount) -> Decimal:
    with h.platform.uow() as uow:
        return uow.ledger.balance(account)


def test_funding_is_booked_once_for_the_provider_and_its_copy(db_engine: Engine) -> None:
    h = Harness(db_engine)
    pro = h.provider("pro", "10000")
    rel = h.follow(h.follower("fay", "1000"), pro, "1000")
    h.tick(PERP.symbol, "50000")
    h.trade(pro, "buy", "0.02")  # 10 % of the equity: fay copies 0.002
    pro_before = _cash(h, LedgerAccount.follower_free("pro"))
    fay_before = _cash(h, LedgerAccount.allocation_cash(rel))
    at = h.clock.now().replace(hour=8, minute=0, second=0, microsecond=0) + timedelta(days=1)
    h.clock.set(at)
    assert h.engine.on_funding(PERP.symbol, D("0.0001"), at) == 2
    # longs pay 0.0001 × qty × 50,000: pro 0.1, fay 0.01
    assert _cash(h, LedgerAccount.follower_free("pro")) == pro_before - D("0.1")
    assert _cash(h, LedgerAccount.allocation_cash(rel)) == fay_before - D("0.01")
    # Again at the same time: the venue answers the same payments, nothing is booked twice.
    payments = h.engine.venue.apply_funding(PERP.symbol, D("0.0001"), at)
    assert len(payments) == 2 and h.engine.funding.book(payments) == 0
    assert _cash(h, LedgerAccount.allocation_cash(rel)) == fay_before - D("0.01")
    with h.platform.uow() as uow:
        held = uow.positions.for_books([rel])[(rel, PERP.symbol)].position
        assert held.realized_pnl == D("-0.01")
        assert set(uow.ledger.sum_by_currency().values()) == {D(0)}
