"""Instruments and builders shared by the copying tests."""

from __future__ import annotations

from decimal import Decimal

from copytrade.domain.copying import (
    CopySettings,
    FillContext,
    FollowerBook,
    RelationshipStatus,
    SizingMode,
)
from copytrade.domain.instruments import Instrument, InstrumentKind
from copytrade.domain.values import USDT

D = Decimal
PERP_SYMBOL = "BTC/USDT:USDT"


def perp(**overrides: object) -> Instrument:
    """BTC perp: lot 0.001, min 0.001 / 5 USDT, max 100, taker 0.05 %, leverage ≤ 20."""
    fields: dict[str, object] = {
        "symbol": PERP_SYMBOL,
        "kind": InstrumentKind.PERP,
        "base": "BTC",
        "quote": USDT,
        "tick": D("0.1"),
        "lot_step": D("0.001"),
        "min_qty": D("0.001"),
        "min_notional": D("5"),
        "max_qty": D("100"),
        "maker_fee": D("0.0002"),
        "taker_fee": D("0.0005"),
        "max_leverage": D("20"),
    }
    fields.update(overrides)
    return Instrument(**fields)


def spot(**overrides: object) -> Instrument:
    """BTC spot: lot 0.0001, min 0.0001 / 10 USDT, max 1000, taker 0.1 %."""
    fields: dict[str, object] = {
        "symbol": "BTC/USDT",
        "kind": InstrumentKind.SPOT,
        "lot_step": D("0.0001"),
        "min_qty": D("0.0001"),
        "min_notional": D("10"),
        "max_qty": D("1000"),
        "maker_fee": D("0.001"),
        "taker_fee": D("0.001"),
        "max_leverage": D("1"),
    }
    fields.update(overrides)
    return perp(**fields)


def settings(**overrides: object) -> CopySettings:
    fields: dict[str, object] = {"mode": SizingMode.PROPORTIONAL}
    fields.update(overrides)
    return CopySettings(**fields)


def fill(**overrides: object) -> FillContext:
    """0.05 BTC at 20,000 on a 10,000 equity (usage 0.1), 10x, now at 20,100 (+0.5 %)."""
    fields: dict[str, object] = {
        "instrument": perp(),
        "fill_qty": D("0.05"),
        "fill_price": D("20000"),
        "provider_order_qty": D("0.05"),
        "provider_equity": D("10000"),
        "provider_leverage": D("10"),
        "current_price": D("20100"),
    }
    fields.update(overrides)
    return FillContext(**fields)


def book(**overrides: object) -> FollowerBook:
    """An active relationship: 2,000 allocated, 2,000 equity, all of it free cash."""
    fields: dict[str, object] = {
        "status": RelationshipStatus.ACTIVE,
        "copy_equity": D("2000"),
        "net_allocated": D("2000"),
        "free_cash": D("2000"),
        "open_positions": 0,
        "holds_symbol": False,
    }
    fields.update(overrides)
    return FollowerBook(**fields)
