"""The percents a provider's profit share is settled with (docs/domain.md)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from copytrade.domain.values import percent

DEFAULT_SHARE_PCT = Decimal(10)
MAX_SHARE_PCT = Decimal(30)
DEFAULT_PLATFORM_FEE_PCT = Decimal(2)


@dataclass(frozen=True, slots=True)
class ProfitShareTerms:
    """``share_pct``: percent of the follower's new profit owed to the provider (0–30).

    ``platform_fee_pct``: percent of the provider's gross share that the platform
    keeps (0–100), so the platform's take never comes on top of the follower's bill.
    """

    share_pct: Decimal = DEFAULT_SHARE_PCT
    platform_fee_pct: Decimal = DEFAULT_PLATFORM_FEE_PCT

    def __post_init__(self) -> None:
        share = percent(self.share_pct, "share_pct", high=MAX_SHARE_PCT)
        fee = percent(self.platform_fee_pct, "platform_fee_pct")
        object.__setattr__(self, "share_pct", share)
        object.__setattr__(self, "platform_fee_pct", fee)
