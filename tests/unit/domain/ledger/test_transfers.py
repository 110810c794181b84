from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ledger import (
    LedgerAccount,
    Posting,
    Transfer,
    TransferKind,
    UnbalancedTransferError,
)
from copytrade.domain.values import Currency

from .support import BTC, CASH, FREE, TS, WORLD

JPY = Currency("JPY", 0)


def transfer(*entries: Posting) -> Transfer:
    return Transfer("t-1", TransferKind.DEPOSIT, entries, TS)


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        # 100 leaves the world, 90 arrives: 10 USDT would vanish (-100 + 90 = -10).
        ((Posting(WORLD, Decimal(-100)), Posting(FREE, Decimal(90))), "sum to -10, not 0"),
        # One posting alone never balances.
        ((Posting(FREE, Decimal(5)),), "does not balance in USDT"),
        # USDT balances, BTC does not: sums are per currency, never across currencies.
        (
            (
                Posting(WORLD, Decimal(-1)),
                Posting(FREE, Decimal(1)),
                Posting(FREE.in_currency(BTC), Decimal("0.5")),
            ),
            "does not balance in BTC",
        ),
        ((), "has no entries"),
    ],
)
def test_unbalanced_transfers_are_refused(entries: tuple[Posting, ...], message: str) -> None:
    with pytest.raises(UnbalancedTransferError, match=message):
        transfer(*entries)


@pytest.mark.parametrize(
    ("account", "amount", "message"),
    [
        (FREE, Decimal("0.000000001"), "more decimals than USDT keeps \\(8\\)"),
        (LedgerAccount.follower_free("a", JPY), Decimal("1.5"), "more decimals than JPY"),
        (FREE, Decimal(0), "non-zero amount"),
        (FREE, 0.1, "not float"),
        (FREE, Decimal("NaN"), "finite"),
    ],
)
def test_bad_posting_amounts_are_refused(
    account: LedgerAccount, amount: Decimal, message: str
) -> None:
    with pytest.raises(InvalidValueError, match=message):
        Posting(account, amount)


def test_a_posting_needs_a_ledger_account() -> None:
    with pytest.raises(InvalidValueError, match="needs a LedgerAccount, got 'alice'"):
        Posting("alice", Decimal(1))


def test_trailing_zeros_within_precision_are_accepted() -> None:
    # 1.0000000000 has 10 decimal places but is a whole 8-decimal amount.
    assert Posting(FREE, Decimal("1.0000000000")).amount == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"key": ""}, "idempotency key"),
        ({"key": " k"}, "idempotency key"),
        ({"ts": datetime(2024, 1, 1)}, "timezone-aware"),
        ({"ts": "2024-01-01T00:00Z"}, "timezone-aware"),
        ({"reverses": "t-0"}, "only a reversal"),
        ({"kind": "bogus"}, "unknown transfer kind"),
    ],
)
def test_malformed_transfers_are_refused(fields: dict[str, object], message: str) -> None:
    values: dict[str, object] = {"key": "t-1", "kind": TransferKind.DEPOSIT, "ts": TS}
    values.update(fields)
    entries = (Posting(WORLD, Decimal(-1)), Posting(FREE, Decimal(1)))
    with pytest.raises(InvalidValueError, match=message):
        Transfer(
            values["key"],
            values["kind"],
            entries,
            values["ts"],
            reverses=values.get("reverses"),
        )


def test_two_postings_to_one_account_are_refused() -> None:
    with pytest.raises(InvalidValueError, match="posts to follower_free:alice:USDT twice"):
        transfer(Posting(FREE, Decimal(1)), Posting(FREE, Decimal(1)), Posting(WORLD, Decimal(-2)))


def test_same_movement_ignores_time_memo_and_entry_order() -> None:
    first = transfer(Posting(WORLD, Decimal(-1)), Posting(FREE, Decimal(1)))
    retried = Transfer(
        "t-1",
        TransferKind.DEPOSIT,
        (Posting(FREE, Decimal("1.00")), Posting(WORLD, Decimal(-1))),
        datetime(2030, 1, 1, tzinfo=TS.tzinfo),
        memo="retry",
    )
    other_amount = transfer(Posting(WORLD, Decimal(-2)), Posting(FREE, Decimal(2)))
    other_account = transfer(Posting(WORLD, Decimal(-1)), Posting(CASH, Decimal(1)))
    assert first.same_movement(retried)
    assert not first.same_movement(other_amount)
    assert not first.same_movement(other_account)


def test_describe_lists_every_entry() -> None:
    assert transfer(Posting(WORLD, Decimal(-1)), Posting(FREE, Decimal(1))).describe() == (
        "deposit: world:world:USDT -1, follower_free:alice:USDT +1"
    )


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        # On the unit (the one-exponent-test path) but beyond the amount limit.
        (Decimal("1E+16"), "at most"),
        (Decimal("-1000000000000000.00000001"), "at most"),
        (Decimal("-0.00000000"), "non-zero amount"),
        (Decimal("Infinity"), "finite"),
    ],
)
def test_amounts_on_the_unit_still_meet_every_rule(amount: Decimal, message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        Posting(FREE, amount)


def test_an_amount_on_the_unit_is_kept_as_given() -> None:
    amount = Decimal("-5.05000000")
    assert Posting(FREE, amount).amount is amount
    assert Posting(FREE, Decimal("1E+3")).amount == 1000
