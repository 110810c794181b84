from __future__ import annotations

from collections.abc import Callable

import pytest

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ledger import LedgerAccount, LedgerAccountKind
from copytrade.domain.values import USDT

from .support import BTC, REL

# Counterparties stand for parties outside the platform's books; everything else is
# money someone inside owns and must stay >= 0.
MAY_GO_NEGATIVE = [
    (LedgerAccountKind.WORLD, True),
    (LedgerAccountKind.MARKET, True),
    (LedgerAccountKind.TRADING_FEES, True),
    (LedgerAccountKind.INSURANCE_FUND, True),  # a venue's: takes fees, pays shortfalls
    (LedgerAccountKind.LIVE_ACCOUNT, True),  # a follower's exchange account, outside
    (LedgerAccountKind.FOLLOWER_FREE, False),
    (LedgerAccountKind.ALLOCATION_CASH, False),
    (LedgerAccountKind.PROVIDER_EARNINGS, False),
    (LedgerAccountKind.PLATFORM_REVENUE, False),
]


@pytest.mark.parametrize(("kind", "expected"), MAY_GO_NEGATIVE)
def test_which_kinds_may_go_negative(kind: LedgerAccountKind, expected: bool) -> None:
    assert kind.may_go_negative is expected


def test_every_kind_is_classified() -> None:
    assert {kind for kind, _ in MAY_GO_NEGATIVE} == set(LedgerAccountKind)


@pytest.mark.parametrize(
    ("account", "key"),
    [
        (LedgerAccount.world(), "world:world:USDT"),
        (LedgerAccount.follower_free("alice"), "follower_free:alice:USDT"),
        (LedgerAccount.allocation_cash(REL), "allocation_cash:rel-1:USDT"),
        (LedgerAccount.provider_earnings("p:1", BTC), "provider_earnings:p:1:BTC"),
        (LedgerAccount.platform_revenue(), "platform_revenue:platform:USDT"),
        (LedgerAccount.trading_fees(), "trading_fees:paper:USDT"),
        (LedgerAccount.market("paper", BTC), "market:paper:BTC"),
        (LedgerAccount.insurance_fund(), "insurance_fund:paper:USDT"),
        (LedgerAccount.live_account("f1"), "live_account:f1:USDT"),
    ],
)
def test_key_is_stable_and_parses_back(account: LedgerAccount, key: str) -> None:
    assert account.key == key == str(account)
    assert LedgerAccount.from_key(key, {"USDT": USDT, "BTC": BTC}) == account


def test_in_currency_keeps_the_holder() -> None:
    assert LedgerAccount.allocation_cash(REL).in_currency(BTC).key == "allocation_cash:rel-1:BTC"


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: LedgerAccount("nope", "alice"), "unknown account kind 'nope'"),
        (lambda: LedgerAccount(LedgerAccountKind.FOLLOWER_FREE, ""), "non-empty owner"),
        (lambda: LedgerAccount(LedgerAccountKind.FOLLOWER_FREE, " a"), "non-empty owner"),
        (lambda: LedgerAccount.from_key("world:world:EUR", {"USDT": USDT}), "unknown currency"),
        (lambda: LedgerAccount.from_key("worldUSDT", {"USDT": USDT}), "kind:owner:CURRENCY"),
    ],
)
def test_malformed_accounts_are_refused(build: Callable[[], object], message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        build()
