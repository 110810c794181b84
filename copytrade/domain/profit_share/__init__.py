"""Monetization arithmetic: high-watermark profit share, subscriptions, commissions.

Pure functions and frozen values (docs/domain.md, Profit share); the ledger moves the money and the
application layer makes each settlement happen exactly once per period.
"""

from copytrade.domain.profit_share.commission import trade_commission
from copytrade.domain.profit_share.hwm import (
    HighWatermark,
    WithdrawalExceedsEquityError,
    WithdrawalExceedsFreeCashError,
    WithdrawalRefusedError,
)
from copytrade.domain.profit_share.settlement import Settlement
from copytrade.domain.profit_share.subscription import (
    SubscriptionCharge,
    SubscriptionTerms,
    SubscriptionUnpaid,
    subscription_charge,
)
from copytrade.domain.profit_share.terms import ProfitShareTerms

__all__ = [
    "HighWatermark",
    "ProfitShareTerms",
    "Settlement",
    "SubscriptionCharge",
    "SubscriptionTerms",
    "SubscriptionUnpaid",
    "WithdrawalExceedsEquityError",
    "WithdrawalExceedsFreeCashError",
    "WithdrawalRefusedError",
    "subscription_charge",
    "trade_commission",
]
