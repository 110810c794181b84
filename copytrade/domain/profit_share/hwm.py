"""The high-watermark of one copy relationship and what moves it (docs/domain.md, Profit share).

A value: every operation returns a new state and leaves the old one alone, so
a caller can compute, persist and only then adopt the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

from copytrade.domain.errors import DomainError
from copytrade.domain.profit_share.amounts import EXACT, ledger_amount
from copytrade.domain.profit_share.settlement import Settlement, compute_settlement
from copytrade.domain.profit_share.terms import ProfitShareTerms
from copytrade.domain.values import USDT, ZERO, Currency, to_decimal


class WithdrawalRefusedError(DomainError):
    """A withdrawal from an allocation was refused; nothing was changed."""


class WithdrawalExceedsFreeCashError(WithdrawalRefusedError):
    """The withdrawal is above the allocation's free cash less what it owes."""


class WithdrawalExceedsEquityError(WithdrawalRefusedError):
    """The withdrawal is above the follower's own equity in the relationship."""


@dataclass(frozen=True, slots=True)
class HighWatermark:
    """``hwm``: the net equity above which gain is charged; ``owed``: share not yet paid.

    Both are kept on the currency unit. The HWM is compared with the *net*
    equity (copy equity less ``owed``), the part of the allocation that is the
    follower's own.
    """

    hwm: Decimal
    owed: Decimal = ZERO
    currency: Currency = USDT

    def __post_init__(self) -> None:
        object.__setattr__(self, "hwm", ledger_amount(self.hwm, "high-watermark", self.currency))
        owed = ledger_amount(self.owed, "owed profit share", self.currency)
        object.__setattr__(self, "owed", owed)

    @classmethod
    def start(cls, first_allocation: Decimal, currency: Currency = USDT) -> HighWatermark:
        """The HWM starts at the first allocation: that money is not gain."""
        return cls(
            ledger_amount(first_allocation, "first allocation", currency, positive=True),
            ZERO,
            currency,
        )

    def top_up(self, amount: Decimal) -> HighWatermark:
        """A top-up raises the HWM by its amount, so a deposit is never charged as profit."""
        added = ledger_amount(amount, "top-up", self.currency, positive=True)
        return HighWatermark(self.hwm + added, self.owed, self.currency)

    def withdrawable(self, free_cash: Decimal) -> Decimal:
        """Free cash the follower may take out: money owed to the provider stays in."""
        return max(ZERO, to_decimal(free_cash, "free cash") - self.owed)

    def withdraw(
        self, amount: Decimal, copy_equity_before: Decimal, free_cash: Decimal
    ) -> HighWatermark:
        """Scale the HWM by ``1 - w / net equity before``, rounded up to the unit.

        The net equity (copy equity less owed) is the base, since the HWM is a
        level of the net equity: the withdrawn slice carries away its pro-rata
        part of both the gain and the loss, and the rest stays where it was
        relative to the HWM. Rounding up favours the follower by under one unit
        (the HWM is where charging starts).
        """
        w = ledger_amount(amount, "withdrawal", self.currency, positive=True)
        available = self.withdrawable(free_cash)
        if w > available:
            raise WithdrawalExceedsFreeCashError(
                f"withdrawal of {w} {self.currency} exceeds the {available} {self.currency} "
                f"that can be withdrawn (free cash {free_cash} less {self.owed} owed as "
                f"profit share); withdraw at most {available} or close positions first"
            )
        net = to_decimal(copy_equity_before, "copy equity before the withdrawal") - self.owed
        if w > net:
            raise WithdrawalExceedsEquityError(
                f"withdrawal of {w} {self.currency} exceeds the follower's own equity "
                f"{net} {self.currency} in this relationship (copy equity "
                f"{copy_equity_before} less {self.owed} owed)"
            )
        return HighWatermark(self._scaled_up(net - w, net), self.owed, self.currency)

    def _scaled_up(self, kept: Decimal, whole: Decimal) -> Decimal:
        """``hwm × kept / whole`` rounded up to the unit, exactly (integer divmod)."""
        unit = self.currency.unit
        with localcontext(EXACT):
            units, remainder = divmod(self.hwm * kept, whole * unit)
            return (units + (1 if remainder else 0)) * unit

    def settle(
        self, equity: Decimal, cash: Decimal, terms: ProfitShareTerms
    ) -> tuple[Settlement, HighWatermark]:
        """Settle at copy ``equity`` with ``cash`` in the allocation; see ``Settlement``."""
        settlement = compute_settlement(
            self.hwm,
            self.owed,
            to_decimal(equity, "copy equity at settlement"),
            to_decimal(cash, "allocation cash at settlement"),
            terms,
            self.currency,
        )
        return settlement, HighWatermark(settlement.hwm_after, settlement.owed_after, self.currency)
