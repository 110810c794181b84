"""The fixed-subscription alternative to profit share (docs/domain.md, Profit share): charge or
pause."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from copytrade.domain.profit_share.amounts import cut, ledger_amount
from copytrade.domain.values import USDT, Currency, percent, to_decimal


@dataclass(frozen=True, slots=True)
class SubscriptionTerms:
    """``price`` charged per period; the platform keeps ``platform_cut_pct`` percent of it."""

    price: Decimal
    platform_cut_pct: Decimal
    currency: Currency = USDT

    def __post_init__(self) -> None:
        price = ledger_amount(self.price, "subscription price", self.currency, positive=True)
        object.__setattr__(self, "price", price)
        cut_pct = percent(self.platform_cut_pct, "platform_cut_pct")
        object.__setattr__(self, "platform_cut_pct", cut_pct)


@dataclass(frozen=True, slots=True)
class SubscriptionCharge:
    """The period is paid: ``provider_part + platform_part == price`` exactly."""

    price: Decimal
    provider_part: Decimal
    platform_part: Decimal


@dataclass(frozen=True, slots=True)
class SubscriptionUnpaid:
    """The balance cannot pay the period: nothing is charged, the relationship pauses."""

    price: Decimal
    free_balance: Decimal
    reason: str = "insufficient_balance"


def subscription_charge(
    terms: SubscriptionTerms, free_balance: Decimal
) -> SubscriptionCharge | SubscriptionUnpaid:
    """Charge one period in full, or not at all: a balance is never driven negative.

    The platform's cut rounds down and the provider gets the rest, so the two
    parts always add up to the price and no unit is lost or invented.
    """
    balance = to_decimal(free_balance, "free balance")
    if balance < terms.price:
        return SubscriptionUnpaid(terms.price, balance)
    platform_part = cut(terms.price, terms.platform_cut_pct, terms.currency)
    return SubscriptionCharge(terms.price, terms.price - platform_part, platform_part)
