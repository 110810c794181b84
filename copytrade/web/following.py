"""The "Copy this provider" form's fields as a follow request for the following service.

The service decides (docs/api.md, Rules a follow must pass jurisdiction rules and allocation caps,
the provider's
follower cap, the free balance) and stores the risk acknowledgement with the
relationship; the form only turns text into values, with messages for the user.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from copytrade.domain.copying import CopySettings, SizingMode
from copytrade.domain.copying.settings import (
    DEFAULT_MAX_LOSS_PCT,
    DEFAULT_MAX_OPEN_TRADES,
    DEFAULT_MAX_PER_TRADE_PCT,
    DEFAULT_MULTIPLIER,
    DEFAULT_SLIPPAGE_PCT,
)
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
    settings = copy_settings(data)
    if forms.text(data, "acknowledge", 8) != "yes":
        raise forms.FormError(
            "tick the box to confirm you have read and accept the risk disclosure"
        )
    version = forms.text(data, "disclosure_version", 32)
    return FollowRequest(provider_id, allocation, settings, True, version)


def copy_settings(data: Mapping[str, object]) -> CopySettings:
    """The copy settings a form's fields ask for (empty fields: the defaults); also the
    "simulate copying" form's (docs/whatif.md)."""
    mode = forms.choice(data, "mode", SizingMode, SizingMode.PROPORTIONAL)
    fixed = forms.decimal_or_none(data, "fixed_amount", low=Decimal(0))
    multiplier = forms.decimal_or_none(data, "multiplier", low=Decimal(0))
    max_loss = forms.decimal_or_none(data, "max_loss_pct", low=Decimal(0), high=HUNDRED)
    leverage = forms.decimal_or_none(data, "leverage", low=Decimal(1), high=HUNDRED)
    per_trade = forms.decimal_or_none(data, "max_per_trade_pct", low=Decimal(0), high=HUNDRED)
    open_trades = forms.int_or_none(data, "max_open_trades", low=1, high=1000)
    slippage = forms.decimal_or_none(data, "slippage_pct", low=Decimal(0), high=HUNDRED)
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
    )


def _symbols(data: Mapping[str, object], name: str) -> frozenset[str]:
    """Symbols separated by commas or spaces (e.g. ``BTC/USDT:USDT, ETH/USDT``)."""
    raw = forms.text(data, name, 1000).replace(",", " ")
    return frozenset(symbol for symbol in raw.split() if symbol)
