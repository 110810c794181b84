"""The follower's own protections, checked at every mark (docs/domain.md, "Follower protections").

Per copy (one open position of a relationship), in percent of its entry:
  copy_stop_loss_pct     long: mark ≤ entry × (1 − f), short: mark ≥ entry × (1 + f)
  copy_take_profit_pct   long: mark ≥ entry × (1 + f), short: mark ≤ entry × (1 − f)
Whole relationship, in percent of copy equity against the net allocation:
  take_profit_pct        equity ≥ net_allocated × (1 + f)
  trailing_stop_pct      equity / net_allocated ≤ peak ratio × (1 − f), the peak ratio
                         being the best equity / net_allocated seen at a mark
Each test multiplies instead of dividing (entry × |qty| is the position's cost), so
the boundary is exact: reaching the threshold fires.
The provider's own trigger prices (triggers.py) are checked on the same sweep, on the
provider's position and, mirrored, on every copy after the copy's own stop-loss and
take-profit: whichever the mark reaches closes the copy, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from copytrade.domain.copying.exposure import (
    Exposure,
    HeldPosition,
    Peak,
    Protections,
    book_equity,
)
from copytrade.domain.copying.maxloss import loss_fraction_reached
from copytrade.domain.copying.reasons import ReasonCode
from copytrade.domain.copying.triggers import PositionTriggers, trigger_fired
from copytrade.domain.values import HUNDRED, ONE, ZERO


def copy_trigger(
    position: HeldPosition,
    mark: Decimal,
    stop_loss_pct: Decimal | None,
    take_profit_pct: Decimal | None,
) -> ReasonCode | None:
    """Which of one copy's protections the mark reached (the stop first), or None."""
    if not position.qty or position.entry_cost <= ZERO:
        return None
    value = abs(position.qty) * mark
    cost = position.entry_cost
    long = position.qty > ZERO
    if stop_loss_pct is not None:
        f = stop_loss_pct / HUNDRED
        if (value <= cost * (ONE - f)) if long else (value >= cost * (ONE + f)):
            return ReasonCode.COPY_STOP_LOSS
    if take_profit_pct is not None:
        f = take_profit_pct / HUNDRED
        if (value >= cost * (ONE + f)) if long else (value <= cost * (ONE - f)):
            return ReasonCode.COPY_TAKE_PROFIT
    return None


def copy_trigger_prices(
    qty: Decimal,
    entry_cost: Decimal,
    stop_loss_pct: Decimal | None,
    take_profit_pct: Decimal | None,
) -> PositionTriggers:
    """The marks at which ``copy_trigger`` fires, as prices: the copy's average entry
    × (1 ∓ f). None where not set, and for a short's take-profit of 100 % or more."""
    if not qty or entry_cost <= ZERO:
        return PositionTriggers()
    entry = entry_cost / abs(qty)
    sign = ONE if qty > ZERO else -ONE
    stop = None if stop_loss_pct is None else entry * (ONE - sign * stop_loss_pct / HUNDRED)
    take = None
    if take_profit_pct is not None:
        take = entry * (ONE + sign * take_profit_pct / HUNDRED)
        take = take if take > ZERO else None
    return PositionTriggers(stop, take)


def rises(peak: Peak | None, equity: Decimal, net_allocated: Decimal) -> bool:
    """Whether ``equity / net_allocated`` is above the peak's ratio (no peak yet: yes)."""
    if net_allocated <= ZERO:
        return False
    if peak is None or peak.net_allocated <= ZERO:
        return True
    return equity * peak.net_allocated > peak.equity * net_allocated


def relationship_trigger(
    equity: Decimal,
    net_allocated: Decimal,
    take_profit_pct: Decimal | None,
    trailing_stop_pct: Decimal | None,
    peak: Peak | None,
) -> ReasonCode | None:
    """Which relationship-wide protection the equity reached, or None (never with
    net_allocated ≤ 0: no capital is left to protect, as for the max-loss rule)."""
    if net_allocated <= ZERO:
        return None
    if take_profit_pct is not None and equity >= net_allocated * (ONE + take_profit_pct / HUNDRED):
        return ReasonCode.TAKE_PROFIT
    if trailing_stop_pct is not None and peak is not None and peak.net_allocated > ZERO:
        floor = peak.equity * net_allocated * (ONE - trailing_stop_pct / HUNDRED)
        if equity * peak.net_allocated <= floor:
            return ReasonCode.TRAILING_STOP
    return None


@dataclass(slots=True)
class Sweep:
    """What one mark fired: relationships to stop, single copies to close, new peaks,
    and providers' own positions to close at their trigger prices (book, symbol, reason)."""

    stops: list[tuple[str, ReasonCode]] = field(default_factory=list)
    closes: list[tuple[str, str, ReasonCode]] = field(default_factory=list)
    peaks: dict[str, Peak] = field(default_factory=dict)
    provider_closes: list[tuple[str, str, ReasonCode]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.stops or self.closes or self.peaks or self.provider_closes)


_NONE = Protections()


def sweep_protections(
    exposures: Iterable[Exposure],
    spot: Mapping[str, bool],
    prices: Mapping[str, Decimal],
    providers: Iterable[tuple[str, HeldPosition]] = (),
) -> Sweep:
    """Every protection the prices reached, in the exposures' order. A relationship at
    its max loss is left to that rule; one a relationship-wide protection stops has
    its copies closed by the stop, not one by one. ``providers``: the providers'
    positions with trigger prices set, as (book, position with ``mirrored`` set)."""
    found = Sweep()
    for book, held in providers:
        mark = prices.get(held.symbol)
        fired = None if mark is None else trigger_fired(held.qty, mark, held.mirrored)
        if fired is not None:
            found.provider_closes.append((book, held.symbol, fired))
    for e in exposures:
        p = e.protections
        if p is None:
            if not any(position.mirrored for position in e.positions):
                continue
            p = _NONE
        equity = book_equity(e.cash, e.positions, spot, prices)
        if loss_fraction_reached(equity, e.net_allocated, e.max_loss_pct / HUNDRED):
            continue
        stop = relationship_trigger(
            equity, e.net_allocated, p.take_profit_pct, p.trailing_stop_pct, p.peak
        )
        if stop is not None:
            found.stops.append((e.relationship_id, stop))
            continue
        if p.trailing_stop_pct is not None and rises(p.peak, equity, e.net_allocated):
            found.peaks[e.relationship_id] = Peak(equity, e.net_allocated)
        for position in e.positions:
            mark = prices.get(position.symbol)
            if mark is None or position.detached:
                continue
            close = copy_trigger(position, mark, p.copy_stop_loss_pct, p.copy_take_profit_pct)
            if close is None:
                close = trigger_fired(position.qty, mark, position.mirrored)
            if close is not None:
                found.closes.append((e.relationship_id, position.symbol, close))
    return found
