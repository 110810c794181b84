"""Subscription billing through the real platform, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest
from sqlalchemy import Engine, select

from copytrade.adapters.db.schema import OutboxRow
from copytrade.domain.copying import PauseReason, RelationshipStatus
from copytrade.domain.errors import InvalidTransitionError
from copytrade.domain.ids import AccountId, FollowerId, ProviderId, RelationshipId
from copytrade.domain.ledger import LedgerAccount
from copytrade.service_layer.subscriptions import CHARGED, UNPAID_NOTICE, SubscriptionError

from .harness import PERP, Harness

MONDAY = datetime(2026, 1, 12, tzinfo=UTC)  # the first boundary after the harness's start


def _world(db: Engine, follower_deposit: str) -> tuple[Harness, str]:
    h = Harness(db)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("subpro", "10000", fee_model="subscription", subscription_price=D("25"))
    rel = h.follow(h.follower("alice", follower_deposit), pro, "500")
    h.clock.advance(MONDAY - h.clock.now())
    return h, str(rel)


def _free(h: Harness, user: str) -> D:
    with h.platform.uow() as uow:
        return uow.ledger.balance(LedgerAccount.follower_free(user))


def _messages(db: Engine, topic: str) -> list[dict[str, str]]:
    with db.connect() as conn:
        rows = conn.execute(
            select(OutboxRow.payload).where(OutboxRow.topic == topic).order_by(OutboxRow.id)
        )
        return [json.loads(payload) for (payload,) in rows]


def test_a_period_is_charged_once_to_provider_and_platform(db_engine: Engine) -> None:
    h, rel = _world(db_engine, "1000")
    billing = h.platform.subscriptions

    first = billing.charge_due(MONDAY)
    again = billing.charge_due(MONDAY)

    # 25 from alice's free 500; the platform keeps 2 % = 0.5, the provider 24.5.
    assert (first.charged, first.provider_total, first.platform_total) == (1, D("24.5"), D("0.5"))
    assert (again.charged, again.already) == (0, 1)
    assert first.periods == ["2026-W03"]  # the week starting Monday 12 January
    assert _free(h, "alice") == D("475")
    with h.platform.uow() as uow:
        assert uow.ledger.balance(LedgerAccount.provider_earnings("subpro")) == D("24.5")
        assert uow.ledger.balance(LedgerAccount.platform_revenue()) == D("0.5")
        assert set(uow.ledger.sum_by_currency().values()) == {D(0)}
        assert [c.status for c in uow.fees.all()] == ["paid"]
        transfer = uow.ledger.transfer(f"sub:{rel}:2026-W03")
    assert transfer is not None
    follower, provider = _messages(db_engine, CHARGED)
    assert follower["relationship"] == rel and follower["to"] == "alice"
    assert provider["to"] == "subpro" and "relationship" not in provider
    assert "alice" not in json.dumps(provider)


def test_a_follower_who_cannot_pay_is_paused_then_resumed_by_paying(db_engine: Engine) -> None:
    h, rel = _world(db_engine, "510")  # 10 left free after allocating 500: 25 is too much

    unpaid = h.platform.subscriptions.charge_due(MONDAY)
    rerun = h.platform.subscriptions.charge_due(MONDAY)

    assert (unpaid.unpaid, rerun.unpaid, rerun.charged) == (1, 0, 0)
    assert _free(h, "alice") == D("10")  # never charged into the negative
    with h.platform.uow() as uow:
        state = uow.relationships.get(rel).state
        assert set(uow.ledger.sum_by_currency().values()) == {D(0)}
    assert state.status is RelationshipStatus.PAUSED
    assert state.pause_reason is PauseReason.SUBSCRIPTION_UNPAID
    assert len(_messages(db_engine, UNPAID_NOTICE)) == 2  # told once, both sides
    with pytest.raises(InvalidTransitionError, match="subscription"):
        h.platform.actions.resume(RelationshipId(rel))
    # A paused copy skips new openings.
    h.trade(ProviderId("subpro"), "buy", "0.04")
    with h.platform.uow() as uow:
        assert [d.reason for d in uow.decisions.for_relationship(rel)] == ["not_active"]

    h.platform.accounts.deposit(AccountId("alice"), D("100"), key="dep:alice:2")
    paid = h.platform.subscriptions.pay_unpaid(rel)

    assert paid is not None and paid.status == "paid"
    assert h.platform.subscriptions.pay_unpaid(rel) is None
    assert _free(h, "alice") == D("85")
    with h.platform.uow() as uow:
        assert uow.relationships.get(rel).state.status is RelationshipStatus.ACTIVE
        assert set(uow.ledger.sum_by_currency().values()) == {D(0)}


def test_the_next_period_resumes_a_follower_who_can_pay_again(db_engine: Engine) -> None:
    h, rel = _world(db_engine, "510")
    h.platform.subscriptions.charge_due(MONDAY)
    h.platform.accounts.deposit(AccountId("alice"), D("100"), key="dep:alice:2")
    h.clock.advance(timedelta(days=7))

    summary = h.platform.subscriptions.charge_due(MONDAY + timedelta(days=7))

    assert (summary.charged, summary.periods) == (1, ["2026-W04"])
    with h.platform.uow() as uow:
        assert uow.relationships.get(rel).state.status is RelationshipStatus.ACTIVE
        assert [c.status for c in uow.fees.all()] == ["unpaid", "paid"]


def test_a_subscription_relationship_is_not_charged_profit_share(db_engine: Engine) -> None:
    h, rel = _world(db_engine, "1000")
    h.trade(ProviderId("subpro"), "buy", "0.04")
    h.tick(PERP.symbol, "60000")

    assert h.platform.settlements.settle(rel, "2026-W03") is None

    with h.platform.uow() as uow:
        assert uow.settlements.all() == []


def test_billing_refuses_a_time_that_starts_no_period(db_engine: Engine) -> None:
    h, _ = _world(db_engine, "1000")
    with pytest.raises(SubscriptionError, match="starts no period"):
        h.platform.subscriptions.charge_due(MONDAY - timedelta(hours=1))
    with pytest.raises(SubscriptionError, match="future"):
        h.platform.subscriptions.charge_due(MONDAY + timedelta(days=7))


def test_a_provider_who_subscribes_pays_from_its_venue_account(db_engine: Engine) -> None:
    # Its free balance is its venue account's cash: the charge leaves both books.
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("subpro", "10000", fee_model="subscription", subscription_price=D("25"))
    me = h.provider("me", "1000")
    h.follow(FollowerId("me"), pro, "500")
    h.clock.advance(MONDAY - h.clock.now())
    summary = h.platform.subscriptions.charge_due(MONDAY)
    assert summary.charged == 1
    assert _free(h, str(me)) == D(475)
    assert h.platform.venue.balances(str(me))["USDT"] == D(475)
    with h.platform.uow() as uow:
        assert uow.outbox.pending(10, ["venue.cash_moves"]) == []


def test_a_provider_who_subscribes_pays_only_from_its_free_cash_at_the_venue(
    db_engine: Engine,
) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("subpro", "10000", fee_model="subscription", subscription_price=D("25"))
    me = h.provider("me", "1000")
    h.follow(FollowerId("me"), pro, "500")
    h.trade(me, "buy", "0.009")  # 450 margin at 1×, 0.225 fee: 49.775 cash left
    h.tick(PERP.symbol, "45000")  # 45 unrealized loss: 4.775 free at the venue
    h.clock.advance(MONDAY - h.clock.now())
    summary = h.platform.subscriptions.charge_due(MONDAY)
    assert (summary.charged, summary.unpaid) == (0, 1)  # paused, not charged into the venue
    assert h.platform.venue.balances(str(me))["USDT"] == _free(h, str(me))
