"""How a provider is paid (docs/domain.md): profit share, a subscription, or nothing per trade.

``profit_share`` (the default): the high-watermark share at each settlement.
``subscription``: a fixed price per settlement period, from the follower's free
balance; no profit share. ``commission``: the provider takes nothing from its
followers and the platform charges a commission per copied trade instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from copytrade.domain.copying.choices import parse_choice
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.profit_share.amounts import ledger_amount
from copytrade.domain.profit_share.terms import DEFAULT_SHARE_PCT, MAX_SHARE_PCT
from copytrade.domain.values import USDT, percent


class FeeModel(StrEnum):
    PROFIT_SHARE = "profit_share"
    SUBSCRIPTION = "subscription"
    COMMISSION = "commission"


SETTLEMENT_PERIODS = ("weekly", "monthly")


def parse_fee_model(value: object) -> FeeModel:
    return parse_choice(FeeModel, value, "fee model")


@dataclass(frozen=True, slots=True)
class FeeTerms:
    """A provider's validated fee choice: what it charges and how often."""

    fee_model: FeeModel = FeeModel.PROFIT_SHARE
    share_pct: Decimal = DEFAULT_SHARE_PCT
    subscription_price: Decimal | None = None
    settlement_period: str = "weekly"

    def __post_init__(self) -> None:
        model = parse_fee_model(self.fee_model)
        object.__setattr__(self, "fee_model", model)
        object.__setattr__(
            self, "share_pct", percent(self.share_pct, "share_pct", high=MAX_SHARE_PCT)
        )
        if self.settlement_period not in SETTLEMENT_PERIODS:
            raise InvalidValueError(
                f"settlement period must be one of {list(SETTLEMENT_PERIODS)}, "
                f"got {self.settlement_period!r}"
            )
        price = self.subscription_price
        if model is FeeModel.SUBSCRIPTION:
            if price is None:
                raise InvalidValueError("a subscription provider needs a subscription price")
            price = ledger_amount(price, "subscription price", USDT, positive=True)
        elif price is not None:
            raise InvalidValueError(
                f"a subscription price only goes with the subscription fee model, not {model}"
            )
        object.__setattr__(self, "subscription_price", price)
