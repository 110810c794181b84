"""The platform's per-copied-trade commission (docs/domain.md)."""

from __future__ import annotations

from decimal import Decimal

from copytrade.domain.errors import InvalidValueError
from copytrade.domain.profit_share.amounts import cut
from copytrade.domain.values import USDT, Currency, percent


def trade_commission(
    notional: Decimal, commission_pct: Decimal, currency: Currency = USDT
) -> Decimal:
    """``notional × commission_pct / 100`` rounded down to the currency unit.

    Runs once per copied order on the fan-out path, so it stays a handful of
    Decimal operations. Rounded down: a user is never charged a fraction more.
    """
    if not isinstance(notional, Decimal) or not notional.is_finite() or notional < 0:
        raise InvalidValueError(
            f"trade notional must be a finite Decimal, zero or positive, got {notional!r}"
        )
    return cut(notional, percent(commission_pct, "commission_pct"), currency)
