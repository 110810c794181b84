"""Editing copy settings (docs/domain.md, "Editing copy settings"): validated like a
follow's settings, and each changed setting named with its old and new value."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from copytrade.domain.copying import CopySettings, SizingMode
from copytrade.domain.copying.edits import edit_settings
from copytrade.domain.errors import InvalidValueError

START = CopySettings(mode=SizingMode.PROPORTIONAL, whitelist=frozenset({"BTC/USDT:USDT"}))


def test_an_edit_names_each_changed_setting() -> None:
    edited, changed = edit_settings(
        START,
        {"mode": "fixed_amount", "fixed_amount": D("50"), "multiplier": D("1"),
         "copy_stop_loss_pct": D("5"), "whitelist": frozenset()},
    )
    assert edited.mode is SizingMode.FIXED_AMOUNT and edited.fixed_amount == D(50)
    assert edited.copy_stop_loss_pct == D(5) and edited.whitelist == frozenset()
    assert changed == {
        "mode": {"old": "proportional", "new": "fixed_amount"},
        "fixed_amount": {"old": None, "new": "50"},
        "copy_stop_loss_pct": {"old": None, "new": "5"},
        "whitelist": {"old": ["BTC/USDT:USDT"], "new": []},
    }  # the multiplier is unchanged, so not named


def test_an_edit_that_changes_nothing_names_nothing() -> None:
    assert edit_settings(START, {"max_open_trades": 10}) == (START, {})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"mode": "fixed_amount"}, "fixed_amount is required"),
        ({"multiplier": D("11")}, "multiplier must be at most 10"),
        ({"copy_stop_loss_pct": D("0")}, "copy_stop_loss_pct must be greater than 0"),
        ({"trailing_stop_pct": D("101")}, "trailing_stop_pct must be between 0 and 100"),
        ({"take_profit_pct": D("1001")}, "take_profit_pct must be between 0 and 1000"),
        ({"allocation": D("5")}, "no copy setting named allocation"),
    ],
)
def test_an_edit_is_validated_like_a_follow(changes: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        edit_settings(START, changes)
