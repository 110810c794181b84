"""The one amount limit (MAX_AMOUNT): checked before anything is written, on both books.

Amounts up to the limit go through the ledger and the paper venue alike; one above
it, or with more decimals than its currency keeps, is refused with a domain error
and leaves every table as it was (docs/domain.md, "Amount limits").
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal as D

import pytest
from sqlalchemy import Engine

from copytrade.domain.copying import CopySettings, SizingMode
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import AccountId, ClientOrderId, RelationshipId
from copytrade.domain.instruments import Side
from copytrade.domain.ledger import LedgerAccount
from copytrade.domain.values import MAX_AMOUNT, USDT

from ..rows import every_row
from .harness import PERP, Harness

TOO_LARGE = MAX_AMOUNT + USDT.unit
TOO_PRECISE = D("100.000000001")  # 9 decimals: USDT keeps 8


def _both_books(h: Harness, book: LedgerAccount) -> tuple[D, D]:
    """The book's USDT in the ledger and at the paper venue (whose account is its owner)."""
    with h.platform.uow() as uow:
        ledger = uow.ledger.balance(book)
    return ledger, h.platform.venue.balances(book.owner).get(USDT.code, D(0))


def test_ten_billion_is_within_the_limit_on_both_books(db_engine: Engine) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("pro", "10000000000")
    assert _both_books(h, LedgerAccount.follower_free(pro)) == (D("1e10"), D("1e10"))
    alice = h.follower("alice", "10000000000")
    rel = h.follow(alice, pro, "10000000000")
    assert _both_books(h, LedgerAccount.allocation_cash(rel)) == (D("1e10"), D("1e10"))
    h.platform.accounts.deposit(AccountId("pro"), MAX_AMOUNT - D("1e10"), key="to-the-limit")
    assert _both_books(h, LedgerAccount.follower_free(pro)) == (MAX_AMOUNT, MAX_AMOUNT)


REFUSALS: dict[str, Callable[[Harness], object]] = {
    "deposit too large": lambda h: h.platform.accounts.deposit(
        AccountId("pro"), TOO_LARGE, key="d"
    ),
    "deposit too precise": lambda h: h.platform.accounts.deposit(
        AccountId("pro"), TOO_PRECISE, key="d"
    ),
    "withdraw too large": lambda h: h.platform.accounts.withdraw(
        AccountId("pro"), TOO_LARGE, key="w"
    ),
    "follow too large": lambda h: h.follow("bob", "pro", str(TOO_LARGE)),  # type: ignore[arg-type]
    "follow too precise": lambda h: h.follow("bob", "pro", str(TOO_PRECISE)),  # type: ignore[arg-type]
    "top-up too large": lambda h: h.platform.actions.top_up(
        RelationshipId("alice:pro"), TOO_LARGE, "t"
    ),
    "top-up too precise": lambda h: h.platform.actions.top_up(
        RelationshipId("alice:pro"), TOO_PRECISE, "t"
    ),
    "relationship withdraw too large": lambda h: h.platform.actions.withdraw(
        RelationshipId("alice:pro"), TOO_LARGE, "w"
    ),
    "fixed amount too large": lambda h: CopySettings(SizingMode.FIXED_AMOUNT, TOO_LARGE),
    "order quantity too large": lambda h: h.platform.provider_orders.place(
        "pro",
        ClientOrderId("big"),
        PERP.symbol,
        Side.BUY,
        TOO_LARGE,  # type: ignore[arg-type]
    ),
    "order price too large": lambda h: h.platform.provider_orders.place(
        "pro",
        ClientOrderId("big"),
        PERP.symbol,
        Side.BUY,
        D(1),
        price=TOO_LARGE,  # type: ignore[arg-type]
    ),
}


@pytest.mark.parametrize("action", sorted(REFUSALS))
def test_an_amount_beyond_the_limit_is_refused_and_writes_nothing(
    db_engine: Engine, action: str
) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    pro = h.provider("pro", "1000")
    h.follow(h.follower("alice", "1000"), pro, "500")
    h.platform.accounts.register(AccountId("bob"), "bob")
    h.platform.accounts.deposit(AccountId("bob"), D(10), key="dep:bob")
    before = every_row(db_engine)
    with pytest.raises(InvalidValueError, match=r"at most 1,000,000,000,000,000|decimals"):
        REFUSALS[action](h)
    assert every_row(db_engine) == before
