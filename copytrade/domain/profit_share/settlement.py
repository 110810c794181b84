"""One profit-share settlement of one relationship (docs/domain.md, Profit share), as pure
arithmetic."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, localcontext

from copytrade.domain.profit_share.amounts import EXACT, cut
from copytrade.domain.profit_share.terms import ProfitShareTerms
from copytrade.domain.values import ZERO, Currency, round_down, round_to_step


@dataclass(frozen=True, slots=True)
class Settlement:
    """What one settlement decided; every amount but ``equity`` is on the currency unit.

    ``gross`` is the new share charged for gain above ``hwm_before``; ``debit`` is
    what leaves the allocation now (owed first, then gross, as far as cash goes),
    and it is split exactly into ``provider_credit + platform_fee``. What cash
    could not cover is ``owed_after``, collected first next time.
    """

    equity: Decimal
    hwm_before: Decimal
    hwm_after: Decimal
    gross: Decimal
    platform_fee: Decimal
    provider_credit: Decimal
    debit: Decimal
    owed_before: Decimal
    owed_after: Decimal

    @property
    def net_equity(self) -> Decimal:
        """The follower's own equity before the settlement: equity less what was owed."""
        return self.equity - self.owed_before


def compute_settlement(
    hwm: Decimal,
    owed: Decimal,
    equity: Decimal,
    cash: Decimal,
    terms: ProfitShareTerms,
    currency: Currency,
) -> Settlement:
    """Settle at copy equity ``equity`` with ``cash`` in the allocation.

    The HWM is compared with the net equity ``equity - owed``: the owed amount
    still sits in the allocation but belongs to the provider, so counting it
    would charge it again as profit.
    """
    unit = currency.unit
    with localcontext(EXACT):
        net = equity - owed
        if net > hwm:
            gross = cut(net - hwm, terms.share_pct, currency)
            # The follower's equity after paying the gross (now or as owed); ceiling
            # so a sub-unit remainder of gain is forgiven, never charged later.
            hwm_after = round_to_step(net - gross, unit, ROUND_CEILING)
        else:
            gross, hwm_after = ZERO, hwm
        due = owed + gross
        debit = min(round_down(cash, unit), due) if cash > 0 else ZERO
        platform_fee = cut(debit, terms.platform_fee_pct, currency)
        return Settlement(
            equity=equity,
            hwm_before=hwm,
            hwm_after=hwm_after,
            gross=gross,
            platform_fee=platform_fee,
            provider_credit=debit - platform_fee,
            debit=debit,
            owed_before=owed,
            owed_after=due - debit,
        )
