from __future__ import annotations

from decimal import Decimal

import pytest

from copytrade.domain.copying import CopySettings, SizingMode, parse_mode
from copytrade.domain.errors import InvalidValueError
from tests.unit.domain.copying.factories import settings

D = Decimal


def test_defaults_are_the_documented_ones() -> None:
    s = CopySettings(SizingMode.PROPORTIONAL)
    assert (s.multiplier, s.leverage, s.max_per_trade_pct) == (D(1), None, D(100))
    assert (s.max_open_trades, s.max_loss_pct, s.slippage_pct) == (10, D(20), D(1))
    assert (s.whitelist, s.blacklist) == (frozenset(), frozenset())
    assert s.close_on_stop is True
    assert s.copy_open_positions is False
    # Fractions precomputed for the hot path.
    assert (s.max_per_trade_fraction, s.max_loss_fraction, s.slippage_fraction) == (
        D(1),
        D("0.2"),
        D("0.01"),
    )


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("fixed_amount", SizingMode.FIXED_AMOUNT),
        ("proportional", SizingMode.PROPORTIONAL),
        (" Multiplier ", SizingMode.MULTIPLIER),
        (SizingMode.MULTIPLIER, SizingMode.MULTIPLIER),
    ],
)
def test_parse_mode(text: object, mode: SizingMode) -> None:
    assert parse_mode(text) is mode


@pytest.mark.parametrize("text", ["fixed", "", "copy_all", None, 3])
def test_unknown_mode_lists_the_valid_ones(text: object) -> None:
    with pytest.raises(InvalidValueError, match=r"fixed_amount.*proportional.*multiplier"):
        parse_mode(text)


def test_settings_accept_a_mode_name_and_decimal_strings() -> None:
    s = CopySettings("fixed_amount", fixed_amount="250.5", max_loss_pct="15")  # type: ignore[arg-type]
    assert (s.mode, s.fixed_amount, s.max_loss_fraction) == (
        SizingMode.FIXED_AMOUNT,
        D("250.5"),
        D("0.15"),
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"mode": "fixed_amount"}, "fixed_amount"),
        ({"mode": "fixed_amount", "fixed_amount": D(0)}, "fixed_amount"),
        ({"fixed_amount": D(-5)}, "fixed_amount"),
        ({"multiplier": D(0)}, "multiplier"),
        ({"multiplier": D("10.01")}, "multiplier"),
        ({"multiplier": 1.5}, "multiplier"),  # floats refused
        ({"leverage": D("0.5")}, "leverage"),
        ({"max_per_trade_pct": D(0)}, "max_per_trade_pct"),
        ({"max_per_trade_pct": D("100.1")}, "max_per_trade_pct"),
        ({"max_loss_pct": D(0)}, "max_loss_pct"),
        ({"max_loss_pct": D(101)}, "max_loss_pct"),
        ({"slippage_pct": D("-0.1")}, "slippage_pct"),
        ({"max_open_trades": 0}, "max_open_trades"),
        ({"max_open_trades": D(3)}, "max_open_trades"),
        ({"max_open_trades": True}, "max_open_trades"),
        ({"whitelist": "BTC/USDT"}, "whitelist"),
        ({"blacklist": frozenset({""})}, "blacklist"),
        ({"mode": "martingale"}, "sizing mode"),
    ],
)
def test_invalid_settings_name_the_field(overrides: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidValueError, match=field):
        settings(**overrides)


@pytest.mark.parametrize(
    ("multiplier", "max_per_trade", "max_loss", "slippage"),
    [(D("0.01"), D("0.01"), D("0.01"), D(0)), (D(10), D(100), D(100), D(100))],
)
def test_boundaries_are_accepted(
    multiplier: Decimal, max_per_trade: Decimal, max_loss: Decimal, slippage: Decimal
) -> None:
    s = settings(
        multiplier=multiplier,
        max_per_trade_pct=max_per_trade,
        max_loss_pct=max_loss,
        slippage_pct=slippage,
    )
    assert (s.multiplier, s.max_per_trade_pct, s.max_loss_pct, s.slippage_pct) == (
        multiplier,
        max_per_trade,
        max_loss,
        slippage,
    )


@pytest.mark.parametrize(
    ("whitelist", "blacklist", "symbol", "allowed"),
    [
        (set(), set(), "BTC/USDT", True),  # no lists: everything
        ({"BTC/USDT"}, set(), "BTC/USDT", True),
        ({"BTC/USDT"}, set(), "ETH/USDT", False),  # whitelist admits only its own
        (set(), {"ETH/USDT"}, "ETH/USDT", False),
        (set(), {"ETH/USDT"}, "BTC/USDT", True),
        ({"BTC/USDT", "ETH/USDT"}, {"ETH/USDT"}, "ETH/USDT", False),  # blacklist wins
        ({"BTC/USDT", "ETH/USDT"}, {"ETH/USDT"}, "BTC/USDT", True),
    ],
)
def test_symbol_lists(whitelist: set[str], blacklist: set[str], symbol: str, allowed: bool) -> None:
    s = settings(whitelist=whitelist, blacklist=blacklist)
    assert isinstance(s.whitelist, frozenset)
    assert s.allows(symbol) is allowed


def test_settings_are_frozen() -> None:
    s = settings()
    with pytest.raises(AttributeError):
        s.multiplier = D(2)  # type: ignore[misc]
