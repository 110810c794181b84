"""The "Copy this provider" form's fields as a follow request for the following service.

The service decides (docs/api.md, Rules a follow must pass jurisdiction rules and allocation caps,
the provider's
follower cap, the free balance) and stores the risk acknowledgement with the
relationship; the form only turns text into values, with messages for the user.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from copytrade.domain.copying import CopySettings, SizingMode
from copytrade.domain.copying.edits import plain_setting
from copytrade.domain.copying.settings import (
    DEFAULT_MAX_LOSS_PCT,
    DEFAULT_MAX_OPEN_TRADES,
    DEFAULT_MAX_PER_TRADE_PCT,
    DEFAULT_MULTIPLIER,
    DEFAULT_SLIPPAGE_PCT,
    PROTECTION_LIMITS,
)
from copytrade.domain.margin_mode import MarginMode
from copytrade.service_layer.following.service import FollowRequest
from copytrade.web import forms

# The form's fields, shown again as typed when the page re-renders with a message.
FIELDS = (
    "allocation",
    "mode",
    "fixed_amount",
    "multiplier",
    "leverage",
    "max_per_trade_pct",
    "max_open_trades",
    "max_loss_pct",
    "slippage_pct",
    "whitelist",
    "blacklist",
    "copy_stop_loss_pct",
    "copy_take_profit_pct",
    "take_profit_pct",
    "trailing_stop_pct",
    "margin_mode",
)
CHECKBOXES = ("close_on_stop", "copy_open_positions")
HUNDRED = Decimal(100)

MODES = {
    SizingMode.PROPORTIONAL: "Proportional to the provider's trades",
    SizingMode.MULTIPLIER: "Proportional × a multiplier",
    SizingMode.FIXED_AMOUNT: "A fixed amount per trade",
}


def follow_request(provider_id: str, data: Mapping[str, object]) -> FollowRequest:
    """The request the form asks for; a FormError names the field to correct."""
    allocation = forms.amount(data, "allocation")
    settings = settings_of_form(data)
    if forms.text(data, "acknowledge", 8) != "yes":
        raise forms.FormError(
            "tick the box to confirm you have read and accept the risk disclosure"
        )
    version = forms.text(data, "disclosure_version", 32)
    return FollowRequest(provider_id, allocation, settings, True, version)


def settings_of_form(data: Mapping[str, object]) -> CopySettings:
    """The copy settings a follow form or the edit form asks for (one reading for both:
    docs/web.md, "Editing copy settings"); empty fields take the defaults."""
    mode = forms.choice(data, "mode", SizingMode, SizingMode.PROPORTIONAL)
    fixed = forms.decimal_or_none(data, "fixed_amount", low=Decimal(0))
    multiplier = forms.decimal_or_none(data, "multiplier", low=Decimal(0))
    max_loss = forms.decimal_or_none(data, "max_loss_pct", low=Decimal(0), high=HUNDRED)
    leverage = forms.decimal_or_none(data, "leverage", low=Decimal(1), high=HUNDRED)
    per_trade = forms.decimal_or_none(data, "max_per_trade_pct", low=Decimal(0), high=HUNDRED)
    open_trades = forms.int_or_none(data, "max_open_trades", low=1, high=1000)
    slippage = forms.decimal_or_none(data, "slippage_pct", low=Decimal(0), high=HUNDRED)
    protections = {
        name: forms.decimal_or_none(data, name, low=Decimal(0), high=high)
        for name, high in PROTECTION_LIMITS.items()
    }
    return CopySettings(
        mode=mode or SizingMode.PROPORTIONAL,
        fixed_amount=fixed if mode is SizingMode.FIXED_AMOUNT else None,
        multiplier=multiplier if multiplier is not None else DEFAULT_MULTIPLIER,
        max_loss_pct=max_loss if max_loss is not None else DEFAULT_MAX_LOSS_PCT,
        leverage=leverage,
        max_per_trade_pct=per_trade if per_trade is not None else DEFAULT_MAX_PER_TRADE_PCT,
        max_open_trades=open_trades if open_trades is not None else DEFAULT_MAX_OPEN_TRADES,
        slippage_pct=slippage if slippage is not None else DEFAULT_SLIPPAGE_PCT,
        whitelist=_symbols(data, "whitelist"),
        blacklist=_symbols(data, "blacklist"),
        close_on_stop=forms.text(data, "close_on_stop", 8) == "yes",
        copy_open_positions=forms.text(data, "copy_open_positions", 8) == "yes",
        margin_mode=forms.choice(data, "margin_mode", MarginMode, MarginMode.ISOLATED)
        or MarginMode.ISOLATED,
        **protections,
    )


def form_of_settings(settings: Mapping[str, Any]) -> dict[str, str]:
    """The edit form's fields filled with the relationship's settings as they are (its
    settings as the following views show them)."""
    shown = {name: _field(settings[name]) for name in FIELDS if name != "allocation"}
    for box in CHECKBOXES:
        shown[box] = "yes" if settings[box] else ""
    return shown


def _field(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(value)
    return str(plain_setting(value))


def _symbols(data: Mapping[str, object], name: str) -> frozenset[str]:
    """Symbols separated by commas or spaces (e.g. ``BTC/USDT:USDT, ETH/USDT``)."""
    raw = forms.text(data, name, 1000).replace(",", " ")
    return frozenset(symbol for symbol in raw.split() if symbol)
