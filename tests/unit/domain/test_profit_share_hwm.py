"""The high-watermark state: start, top-ups and withdrawals (docs/domain.md, Profit share)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from copytrade.domain.errors import DomainError, InvalidValueError
from copytrade.domain.profit_share import (
    HighWatermark,
    WithdrawalExceedsEquityError,
    WithdrawalExceedsFreeCashError,
)
from copytrade.domain.values import Currency


def test_start_sets_hwm_to_first_allocation() -> None:
    state = HighWatermark.start(D("1000"))
    assert (state.hwm, state.owed) == (D(1000), D(0))


@pytest.mark.parametrize("amount", ["0", "-5", "1000.000000001"])
def test_start_refuses_a_bad_allocation(amount: str) -> None:
    with pytest.raises(InvalidValueError, match="first allocation"):
        HighWatermark.start(D(amount))


def test_top_up_raises_hwm_by_its_amount() -> None:
    assert HighWatermark.start(D(1000)).top_up(D("500.5")).hwm == D("1500.5")


@pytest.mark.parametrize("amount", [D(0), D(-1), 1.5])
def test_top_up_refuses_non_positive_or_float(amount: object) -> None:
    with pytest.raises(InvalidValueError, match="top-up"):
        HighWatermark.start(D(1000)).top_up(amount)  # type: ignore[arg-type]


def test_state_keeps_to_its_currency_precision() -> None:
    cents = Currency("USD", 2)
    assert HighWatermark.start(D("10.25"), cents).top_up(D("0.05")).hwm == D("10.30")
    with pytest.raises(InvalidValueError, match="more decimals than USD keeps"):
        HighWatermark.start(D("10.001"), cents)


WITHDRAWALS = [
    # hwm, owed, w, equity_before, free_cash, new hwm
    # 1000 × (1 - 250/1250) = 800
    ("1000", "0", "250", "1250", "1250", "800"),
    # 1000 × (1 - 1000/3000) = 666.666... -> rounded up 666.66666667
    ("1000", "0", "1000", "3000", "3000", "666.66666667"),
    # everything out: 1000 × (1 - 1000/1000) = 0
    ("1000", "0", "1000", "1000", "1000", "0"),
    # with 50 owed the base is the net equity 1950 - 50 = 1900: 1900 × (1 - 950/1900) = 950
    ("1900", "50", "950", "1950", "1000", "950"),
    # free cash 100, 30 owed: 70 is the most that can go; 1000 × (1 - 70/1070) = 934.57943925...
    # -> 934.57943926
    ("1000", "30", "70", "1100", "100", "934.57943926"),
]


@pytest.mark.parametrize(("hwm", "owed", "w", "equity", "free", "expected"), WITHDRAWALS)
def test_withdrawal_scales_hwm(
    hwm: str, owed: str, w: str, equity: str, free: str, expected: str
) -> None:
    state = HighWatermark(D(hwm), D(owed))
    after = state.withdraw(D(w), D(equity), D(free))
    assert (after.hwm, after.owed) == (D(expected), D(owed))


REFUSED = [
    # hwm, owed, w, equity_before, free_cash, error, message fragment
    ("1000", "0", "150", "1200", "100", WithdrawalExceedsFreeCashError, "exceeds the 100 USDT"),
    # free cash 100 less 30 owed leaves 70
    ("1000", "30", "80", "1200", "100", WithdrawalExceedsFreeCashError, "exceeds the 70 USDT"),
    # owed above free cash: nothing can be withdrawn
    ("1000", "300", "1", "1200", "100", WithdrawalExceedsFreeCashError, "exceeds the 0 USDT"),
    # perp: free cash 500 but unrealised losses leave equity 300
    ("1000", "0", "400", "300", "500", WithdrawalExceedsEquityError, "own equity 300"),
]


@pytest.mark.parametrize(("hwm", "owed", "w", "equity", "free", "error", "message"), REFUSED)
def test_withdrawal_refused_changes_nothing(
    hwm: str, owed: str, w: str, equity: str, free: str, error: type[DomainError], message: str
) -> None:
    state = HighWatermark(D(hwm), D(owed))
    with pytest.raises(error, match=message):
        state.withdraw(D(w), D(equity), D(free))
    assert (state.hwm, state.owed) == (D(hwm), D(owed))


@pytest.mark.parametrize("w", ["0", "-10", "1.000000001"])
def test_withdrawal_amount_must_be_positive_whole_units(w: str) -> None:
    with pytest.raises(InvalidValueError, match="withdrawal"):
        HighWatermark.start(D(1000)).withdraw(D(w), D(1000), D(1000))


def test_withdrawable_is_free_cash_less_owed() -> None:
    state = HighWatermark(D(1000), D(30))
    assert state.withdrawable(D(100)) == D(70)
    assert state.withdrawable(D(10)) == D(0)


@pytest.mark.parametrize(("hwm", "owed"), [("-1", "0"), ("1000", "-1")])
def test_state_refuses_negative_values(hwm: str, owed: str) -> None:
    with pytest.raises(InvalidValueError):
        HighWatermark(D(hwm), D(owed))
