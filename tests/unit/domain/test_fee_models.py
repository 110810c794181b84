"""Provider fee terms, the ledger side of subscriptions and commissions."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import AccountId, ProviderId, RelationshipId
from copytrade.domain.ledger import (
    InMemoryLedger,
    InsufficientFundsError,
    LedgerAccount,
    allocate,
    deposit,
)
from copytrade.domain.ledger.fees import commission, subscription
from copytrade.domain.profit_share import (
    SubscriptionCharge,
    SubscriptionTerms,
    subscription_charge,
)
from copytrade.domain.profit_share.billing_periods import period_starting
from copytrade.domain.profit_share.fee_model import FeeModel, FeeTerms
from copytrade.domain.profit_share.periods import PeriodKind
from copytrade.domain.values import USDT, Money

TS = datetime(2026, 1, 12, tzinfo=UTC)


def test_fee_terms_default_to_profit_share() -> None:
    terms = FeeTerms()
    assert (terms.fee_model, terms.share_pct, terms.subscription_price) == (
        FeeModel.PROFIT_SHARE,
        D(10),
        None,
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fee_model": "subscription"}, "needs a subscription price"),
        ({"fee_model": "subscription", "subscription_price": D(-1)}, "positive"),
        ({"fee_model": "subscription", "subscription_price": D("0.000000001")}, "decimals"),
        ({"fee_model": "commission", "subscription_price": D(5)}, "only goes with"),
        ({"fee_model": "free"}, "fee model"),
        ({"share_pct": D(31)}, "share_pct"),
        ({"settlement_period": "daily"}, "settlement period"),
    ],
)
def test_fee_terms_refuse_what_cannot_be_charged(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        FeeTerms(**kwargs)  # type: ignore[arg-type]


def _funded(user: str, amount: str) -> InMemoryLedger:
    ledger = InMemoryLedger()
    ledger.post(deposit(AccountId(user), Money(D(amount), USDT), key="d", ts=TS))
    return ledger


@given(
    price=st.decimals(min_value=D("0.01"), max_value=D(10_000), places=2),
    cut=st.decimals(min_value=D(0), max_value=D(100), places=2),
)
def test_a_paid_subscription_moves_exactly_the_price(price: D, cut: D) -> None:
    ledger = _funded("alice", "10000")
    charge = subscription_charge(SubscriptionTerms(price, cut), D(10_000))
    assert isinstance(charge, SubscriptionCharge)
    ledger.post(
        subscription(
            AccountId("alice"),
            ProviderId("pro"),
            charge.provider_part,
            charge.platform_part,
            key="sub:r:p",
            ts=TS,
        )
    )
    assert ledger.balance(LedgerAccount.follower_free("alice")) == D(10_000) - price
    earned = ledger.balance(LedgerAccount.provider_earnings("pro"))
    assert earned + ledger.balance(LedgerAccount.platform_revenue()) == price
    assert set(ledger.sum_by_currency().values()) == {D(0)}


def test_a_subscription_transfer_never_overdraws() -> None:
    ledger = _funded("alice", "10")
    with pytest.raises(InsufficientFundsError):
        ledger.post(subscription(AccountId("alice"), ProviderId("p"), D(24), D(1), key="s", ts=TS))
    assert ledger.balance(LedgerAccount.follower_free("alice")) == D(10)


def test_a_commission_is_keyed_by_its_fill_and_posted_once() -> None:
    ledger = InMemoryLedger()
    ledger.post(deposit(AccountId("r1"), Money(D(100), USDT), key="d", ts=TS))
    ledger.post(
        allocate(AccountId("r1"), RelationshipId("rel"), Money(D(50), USDT), key="a", ts=TS)
    )
    transfer = commission(RelationshipId("rel"), D("0.2"), fill_key="fill:paper:f1", ts=TS)
    first, again = ledger.post(transfer), ledger.post(transfer)
    assert transfer.idempotency_key == "commission:fill:paper:f1"
    assert (first.replayed, again.replayed) == (False, True)
    assert ledger.balance(LedgerAccount.allocation_cash("rel")) == D("49.8")
    assert ledger.balance(LedgerAccount.platform_revenue()) == D("0.2")


@pytest.mark.parametrize(
    ("start", "kind", "period_id", "end"),
    [
        (
            datetime(2026, 1, 12, tzinfo=UTC),
            "weekly",
            "2026-W03",
            datetime(2026, 1, 19, tzinfo=UTC),
        ),
        (
            datetime(2026, 12, 28, tzinfo=UTC),
            "weekly",
            "2026-W53",
            datetime(2027, 1, 4, tzinfo=UTC),
        ),
        (datetime(2026, 2, 1, tzinfo=UTC), "monthly", "2026-02", datetime(2026, 3, 1, tzinfo=UTC)),
        (datetime(2026, 12, 1, tzinfo=UTC), "monthly", "2026-12", datetime(2027, 1, 1, tzinfo=UTC)),
    ],
)
def test_the_period_starting_at_a_boundary(
    start: datetime, kind: str, period_id: str, end: datetime
) -> None:
    period = period_starting(start, PeriodKind(kind))
    assert (period.id, period.start, period.end) == (period_id, start, end)


def test_no_period_starts_off_a_boundary() -> None:
    with pytest.raises(InvalidValueError):
        period_starting(datetime(2026, 1, 13, tzinfo=UTC), PeriodKind.WEEKLY)
