"""Subscriptions and per-trade commissions: the alternatives to profit share (docs/domain.md,
Profit share)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.profit_share import (
    SubscriptionCharge,
    SubscriptionTerms,
    SubscriptionUnpaid,
    subscription_charge,
    trade_commission,
)

CHARGES = [
    # price, platform cut %, free balance, provider part, platform part
    # 50 × 20 % = 10 to the platform, 40 to the provider
    ("50", "20", "100", "40", "10"),
    # 9.99999999 × 15 % = 1.4999999985 -> 1.49999999 (down); provider 8.5 (the rest)
    ("9.99999999", "15", "10", "8.5", "1.49999999"),
    # a balance of exactly the price pays it
    ("50", "0", "50", "50", "0"),
    ("50", "100", "50", "0", "50"),
]


@pytest.mark.parametrize(("price", "cut", "balance", "provider", "platform"), CHARGES)
def test_subscription_is_split(
    price: str, cut: str, balance: str, provider: str, platform: str
) -> None:
    outcome = subscription_charge(SubscriptionTerms(D(price), D(cut)), D(balance))
    assert outcome == SubscriptionCharge(D(price), D(provider), D(platform))
    assert outcome.provider_part + outcome.platform_part == D(price)


@pytest.mark.parametrize("balance", ["49.99999999", "0", "-3"])
def test_subscription_unpaid_pauses_without_charging(balance: str) -> None:
    outcome = subscription_charge(SubscriptionTerms(D(50), D(20)), D(balance))
    assert outcome == SubscriptionUnpaid(D(50), D(balance), "insufficient_balance")


@pytest.mark.parametrize(
    ("price", "cut", "field"),
    [
        ("0", "20", "subscription price"),
        ("-1", "20", "subscription price"),
        ("10.000000001", "20", "subscription price"),
        ("10", "101", "platform_cut_pct"),
    ],
)
def test_subscription_terms_validated(price: str, cut: str, field: str) -> None:
    with pytest.raises(InvalidValueError, match=field):
        SubscriptionTerms(D(price), D(cut))


COMMISSIONS = [
    # notional, commission %, commission
    ("12345.678", "0.05", "6.172839"),  # 12345.678 × 0.05 % = 6.172839 exactly
    ("1234.56789012", "0.1", "1.23456789"),  # 1.23456789012 -> rounded down
    ("0.00000003", "10", "0"),  # 0.000000003 -> 0
    ("0", "0.1", "0"),
    ("1000", "0", "0"),
]


@pytest.mark.parametrize(("notional", "pct", "expected"), COMMISSIONS)
def test_trade_commission_rounds_down(notional: str, pct: str, expected: str) -> None:
    assert trade_commission(D(notional), D(pct)) == D(expected)


@pytest.mark.parametrize(
    ("notional", "pct", "field"),
    [
        (D(-1), D("0.1"), "notional"),
        (100.0, D("0.1"), "notional"),
        (D(100), D(101), "commission_pct"),
        (D(100), D(-1), "commission_pct"),
    ],
)
def test_trade_commission_refuses_bad_input(notional: object, pct: D, field: str) -> None:
    with pytest.raises(InvalidValueError, match=field):
        trade_commission(notional, pct)  # type: ignore[arg-type]
