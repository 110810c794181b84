"""The platform's fee settings: commission on copied volume and the cut of subscriptions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from copytrade.domain.values import ZERO


@dataclass(frozen=True, slots=True)
class FeeSettings:
    """The platform's side of the alternatives to profit share (Settings, docs/fees.md)."""

    commission_pct: Decimal = ZERO
    subscription_platform_cut_pct: Decimal = Decimal(2)
