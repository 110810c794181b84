"""Sizing a copy: the notional and leverage for one follower (docs/domain.md, Copying).

usage = fill_qty × fill_price / provider_equity_before_fill
  fixed_amount:  notional = fixed_amount × fill_qty / provider_order_qty
  proportional:  notional = copy_equity × usage
  multiplier:    notional = copy_equity × usage × multiplier
Leverage: the follower's own, else the provider's, capped by the instrument
(spot: 1). Every input gives an answer: a notional, or a reason to skip.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from copytrade.domain.copying.fill import FillContext
from copytrade.domain.copying.reasons import ReasonCode
from copytrade.domain.copying.settings import CopySettings, SizingMode
from copytrade.domain.instruments import Instrument
from copytrade.domain.values import ONE, ZERO


@dataclass(frozen=True, slots=True)
class SizedCopy:
    """A notional (position size, quote currency) and leverage, or a skip reason."""

    notional: Decimal
    leverage: Decimal
    reason: ReasonCode | None = None


def copy_leverage(settings: CopySettings, fill: FillContext) -> Decimal:
    if settings.leverage is None:
        return fill.leverage
    return fill.instrument.cap_leverage(settings.leverage)


def notional_for(
    settings: CopySettings, fill: FillContext, copy_equity: Decimal
) -> Decimal | ReasonCode:
    """The uncapped notional for one follower, or why there is none.

    Returns a bare Decimal or reason (no wrapper object): it runs per follower.
    """
    if fill.invalid is not None:
        return fill.invalid
    if copy_equity <= ZERO:
        return ReasonCode.NO_COPY_EQUITY
    mode = settings.mode
    if mode is SizingMode.FIXED_AMOUNT:
        if fill.order_fraction is None or settings.fixed_amount is None:
            return ReasonCode.INVALID_FILL
        return settings.fixed_amount * fill.order_fraction
    if fill.usage is None:
        return ReasonCode.NO_PROVIDER_EQUITY
    if mode is SizingMode.MULTIPLIER:
        return copy_equity * fill.usage * settings.multiplier
    return copy_equity * fill.usage


def size_copy(
    settings: CopySettings,
    instrument: Instrument,
    *,
    fill_qty: Decimal,
    fill_price: Decimal,
    provider_order_qty: Decimal,
    provider_equity: Decimal,
    copy_equity: Decimal,
    provider_leverage: Decimal = ONE,
) -> SizedCopy:
    """Size one copy from scratch (the gate uses a shared ``FillContext`` instead)."""
    fill = FillContext(
        instrument, fill_qty, fill_price, provider_order_qty, provider_equity, provider_leverage
    )
    leverage = copy_leverage(settings, fill)
    notional = notional_for(settings, fill, copy_equity)
    if isinstance(notional, ReasonCode):
        return SizedCopy(ZERO, leverage, notional)
    return SizedCopy(notional, leverage)
