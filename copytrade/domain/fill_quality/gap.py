"""The tracking gap: the provider's return less the relationship's, split into its causes
(docs/statistics.md, "Tracking gap"). Every term is exact and they sum to the gap.

Each fill is marked at the period's end price P: a fill of signed quantity s·q at price
p made s·q·(P − p) by the end. The provider's fills scaled by k = A / E (allocation
over the provider's equity at the start) are the ideal copy; the copy's real fills
differ from it by slippage (its prices), sizing (its quantities) and skips (none).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from copytrade.domain.fill_quality.copies import CopyFill, LegRecord
from copytrade.domain.statistics.numeric import STATS_CONTEXT
from copytrade.domain.values import ZERO

# Returns and the gap's parts are fractions published to 18 places (NUMERIC(38, 18)).
RETURN_PLACES = Decimal("1e-18")


@dataclass(frozen=True, slots=True)
class GapInputs:
    allocation: Decimal  # A: the relationship's net allocation
    provider_equity: Decimal  # E: the provider's equity at the period's start
    provider_fees: Decimal  # F_P: the provider's trading fees on the period's fills
    profit_share: Decimal  # S: what the relationship paid in settlements (debits)
    legs: Sequence[LegRecord]  # the provider's fills of the period, leg by leg
    unlinked: Sequence[tuple[str, CopyFill]]  # copy fills mirroring no provider fill
    end_prices: Mapping[str, Decimal]  # P per symbol


@dataclass(frozen=True, slots=True)
class TrackingGap:
    """Returns as fractions (0.01 = 1 %), to 18 places. gap = provider_return −
    copy_return = fees + profit_share + slippage + sizing + skipped + other, exactly."""

    provider_return: Decimal
    copy_return: Decimal
    gap: Decimal
    fees: Decimal
    profit_share: Decimal
    slippage: Decimal
    sizing: Decimal
    skipped: Decimal
    other: Decimal

    def parts(self) -> dict[str, Decimal]:
        return {
            "fees": self.fees,
            "profit_share": self.profit_share,
            "slippage": self.slippage,
            "sizing": self.sizing,
            "skipped": self.skipped,
            "other": self.other,
        }


def tracking_gap(inputs: GapInputs) -> TrackingGap | None:
    """None without an allocation or a provider equity to scale by."""
    a, e = inputs.allocation, inputs.provider_equity
    if a <= ZERO or e <= ZERO:
        return None
    with localcontext(STATS_CONTEXT):
        k = a / e
        provider_gross = copy_gross = copy_fees = slippage = sizing = skipped = other = ZERO
        for leg in inputs.legs:
            fill = leg.provider_fill
            end = inputs.end_prices.get(fill.symbol, fill.price)
            ideal = k * fill.side.sign * leg.leg_qty * (end - fill.price)
            provider_gross += fill.side.sign * leg.leg_qty * (end - fill.price)
            if not leg.fills:
                skipped += ideal
                continue
            held = ZERO
            for copy in leg.fills:
                signed = copy.side.sign * copy.qty
                copy_gross += signed * (end - copy.price)
                copy_fees += copy.fee
                slippage += signed * (copy.price - fill.price)
                held += signed
            sizing += ideal - held * (end - fill.price)
        for symbol, copy in inputs.unlinked:
            end = inputs.end_prices.get(symbol, copy.price)
            made = copy.side.sign * copy.qty * (end - copy.price)
            copy_gross += made
            copy_fees += copy.fee
            other -= made
        provider_return = _q((provider_gross - inputs.provider_fees) / e)
        copy_return = _q((copy_gross - copy_fees - inputs.profit_share) / a)
        gap = provider_return - copy_return
        parts = {
            "fees": _q((copy_fees - k * inputs.provider_fees) / a),
            "profit_share": _q(inputs.profit_share / a),
            "slippage": _q(slippage / a),
            "sizing": _q(sizing / a),
            "skipped": _q(skipped / a),
            "other": _q(other / a),
        }
        # Rounding each part to RETURN_PLACES may leave a residual of a few units in the
        # last place: the largest part takes it, so the parts sum to the gap exactly.
        residual = gap - sum(parts.values(), ZERO)
        if residual:
            largest = max(parts, key=lambda name: (abs(parts[name]), name))
            parts[largest] += residual
        return TrackingGap(provider_return, copy_return, gap, **parts)


def _q(value: Decimal) -> Decimal:
    return value.quantize(RETURN_PLACES, ROUND_HALF_EVEN)
