"""The platform's commission per copied fill, on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy import Engine

from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ledger import LedgerAccount, TransferKind
from copytrade.domain.profit_share.fee_settings import FeeSettings
from copytrade.engine.commission import VenueCommissions, debits_payload
from copytrade.service_layer.accounts import FeeModelLockedError

from .harness import PERP, Harness

FEES = FeeSettings(commission_pct=D("0.1"))


def _commissions(h: Harness) -> list[D]:
    with h.platform.uow() as uow:
        lines = uow.ledger.entries_for(LedgerAccount.platform_revenue())
    return [line.amount for line in lines if line.kind is TransferKind.COMMISSION]


def test_commission_is_taken_at_each_copied_fill_and_the_venue_follows(db_engine: Engine) -> None:
    h = Harness(db_engine, FEES)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("compro", "10000", fee_model="commission")
    ps = h.provider("pspro", "10000")  # profit share: its copies pay no commission
    rel = h.follow(h.follower("alice", "5000"), pro, "1000")
    other = h.follow(h.follower("bob", "5000"), ps, "1000")

    h.trade(pro, "buy", "0.04")
    h.trade(ps, "buy", "0.04")
    h.tick(PERP.symbol, "55000")
    h.trade(pro, "sell", "0.04")
    h.trade(ps, "sell", "0.04")

    # Alice's copy: 0.004 BTC bought at 50,000 (200) and sold at 55,000 (220);
    # 0.1 % of each notional: 0.2 and 0.22. Bob's copies and the providers pay none.
    assert _commissions(h) == [D("0.2"), D("0.22")]
    with h.platform.uow() as uow:
        cash = uow.ledger.balance(LedgerAccount.allocation_cash(rel))
        other_cash = uow.ledger.balance(LedgerAccount.allocation_cash(other))
        assert set(uow.ledger.sum_by_currency().values()) == {D(0)}
        assert uow.ledger.reconcile().ok
    assert cash == D("1019.79") - D("0.42")  # net PnL 19.79 (see test_copy_flow)
    assert other_cash == D("1019.79")
    assert h.platform.venue.balances(rel)["USDT"] == cash
    assert h.platform.venue.balances(other)["USDT"] == other_cash


def test_a_fill_booked_twice_is_charged_once(db_engine: Engine) -> None:
    h = Harness(db_engine, FEES)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("compro", "10000", fee_model="commission")
    h.follow(h.follower("alice", "5000"), pro, "1000")
    h.trade(pro, "buy", "0.04")
    fills, _ = h.platform.venue.fills_since(0, 100)

    with h.platform.uow() as uow:
        again = h.engine.bookkeeper.record(uow, fills, {}, h.clock.now())
        uow.commit()

    assert again.fills == [] and again.commissions == []
    assert _commissions(h) == [D("0.2")]


def test_commission_off_by_default(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("compro", "10000", fee_model="commission")
    h.follow(h.follower("alice", "5000"), pro, "1000")
    h.trade(pro, "buy", "0.04")
    assert _commissions(h) == []


def test_provider_terms_are_validated_and_the_model_locked_while_copied(
    db_engine: Engine,
) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    with pytest.raises(InvalidValueError, match="subscription price"):
        h.provider("a", "100", fee_model="subscription")
    with pytest.raises(InvalidValueError, match="positive"):
        h.provider("b", "100", fee_model="subscription", subscription_price=D(0))
    with pytest.raises(InvalidValueError, match="fee model"):
        h.provider("c", "100", fee_model="tips")
    pro = h.provider("d", "100", fee_model="subscription", subscription_price=D("9.99"))
    h.follow(h.follower("alice", "5000"), pro, "1000")
    with pytest.raises(FeeModelLockedError, match="cannot change"):
        h.platform.accounts.make_provider(ProviderTerms("d", D(10)))
    # The price may change (from the next period on).
    h.platform.accounts.make_provider(ProviderTerms("d", D(10), D("12"), fee_model="subscription"))
    with h.platform.uow() as uow:
        terms = uow.accounts.terms("d")
    assert (terms.fee_model, terms.subscription_price) == ("subscription", D("12"))


def test_a_commission_message_redelivered_after_a_crash_debits_the_venue_once(
    db_engine: Engine,
) -> None:
    h = Harness(db_engine, FEES)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("compro2", "10000", fee_model="commission")
    rel = h.follow(h.follower("cara", "5000"), pro, "1000")
    before = h.platform.venue.balances(str(rel))["USDT"]
    consumer = VenueCommissions(h.platform.venue)
    payload = debits_payload([(str(rel), D("1.5")), (str(rel), D("0.25"))])
    for _ in range(3):  # the relay died after the venue applied it, then redelivered it
        consumer.handle("venue-commissions:test", payload)
    assert h.platform.venue.balances(str(rel))["USDT"] == before - D("1.75")
