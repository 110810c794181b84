"""One copy against the provider fill it mirrors: prices, slippage, delay, outcome."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, localcontext

from copytrade.domain.copying.closing import split_flip
from copytrade.domain.instruments import Side
from copytrade.domain.statistics.numeric import STATS_CONTEXT, to_places
from copytrade.domain.values import ZERO

BPS = Decimal(10_000)


@dataclass(frozen=True, slots=True)
class ProviderFill:
    fill_id: str
    symbol: str
    side: Side
    qty: Decimal
    price: Decimal
    fee: Decimal
    ts: datetime


@dataclass(frozen=True, slots=True)
class CopyFill:
    """One venue fill of a copy order (a copy order may fill in parts)."""

    side: Side
    qty: Decimal
    price: Decimal
    fee: Decimal
    ts: datetime


@dataclass(frozen=True, slots=True)
class LegRecord:
    """One leg (close or open) of one provider fill, for one relationship: the gate's
    decision and the fills of the copy order it placed (none when skipped)."""

    relationship_id: str
    provider_fill: ProviderFill
    leg: str
    leg_qty: Decimal  # the provider's quantity in this leg (a flip: close part, open part)
    action: str
    reason: str | None
    fills: tuple[CopyFill, ...] = ()


@dataclass(frozen=True, slots=True)
class CopyQuality:
    """``copy_price`` is the volume-weighted price of the copy's fills; ``slippage_bps``
    signed, adverse positive; ``delay_s`` from the provider's fill to the copy's last
    fill, in seconds. The three are None when nothing filled."""

    relationship_id: str
    provider_fill_id: str
    leg: str
    symbol: str
    side: Side
    action: str
    reason: str | None
    provider_price: Decimal
    copy_qty: Decimal
    copy_price: Decimal | None
    slippage_bps: Decimal | None
    delay_s: Decimal | None


def slippage_bps(side: Side, provider_price: Decimal, copy_price: Decimal) -> Decimal:
    """sign × (copy − provider) / provider × 10,000, sign +1 for a buy and −1 for a sell:
    buying dearer or selling cheaper than the provider is adverse, so positive."""
    with localcontext(STATS_CONTEXT):
        raw = side.sign * (copy_price - provider_price) / provider_price * BPS
    return to_places(raw)


def copy_quality(leg: LegRecord) -> CopyQuality:
    provider = leg.provider_fill
    side = leg.fills[0].side if leg.fills else provider.side
    qty = sum((f.qty for f in leg.fills), ZERO)
    price = slip = delay = None
    if qty > ZERO:
        with localcontext(STATS_CONTEXT):
            price = sum((f.qty * f.price for f in leg.fills), ZERO) / qty
        slip = slippage_bps(side, provider.price, price)
        last = max(f.ts for f in leg.fills)
        delay = Decimal((last - provider.ts).total_seconds()).quantize(Decimal("0.000001"))
    return CopyQuality(
        relationship_id=leg.relationship_id,
        provider_fill_id=provider.fill_id,
        leg=leg.leg,
        symbol=provider.symbol,
        side=side,
        action=leg.action,
        reason=leg.reason,
        provider_price=provider.price,
        copy_qty=qty,
        copy_price=price,
        slippage_bps=slip,
        delay_s=delay,
    )


def legs_of(fills: Iterable[ProviderFill]) -> Iterator[tuple[ProviderFill, Decimal, Decimal]]:
    """(fill, close qty, open qty) of each provider fill in order, replaying its signed
    position per symbol from flat: the split the copy pipeline made (``split_flip``)."""
    held: dict[str, Decimal] = {}
    for fill in fills:
        before = held.get(fill.symbol, ZERO)
        signed = fill.qty * fill.side.sign
        close_qty, open_qty = split_flip(before, signed)
        held[fill.symbol] = before + signed
        yield fill, close_qty, open_qty


def leg_qty(split: Sequence[Decimal], leg: str) -> Decimal:
    """The provider quantity of ``leg`` ("close" or "open") in a (close, open) split."""
    return split[0] if leg == "close" else split[1]
