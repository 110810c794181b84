"""Margin modes, maintenance, liquidation prices and funding payments of perpetuals.

Pure arithmetic on positions (docs/domain.md "Margin", "Liquidation", "Funding"):

- initial margin = entry cost / leverage, rounded up to the quote unit
  (``ledger.fills.locked_margin``);
- maintenance margin = the instrument's tiered rate × notional at the mark;
- isolated: a position is liquidated when its margin + unrealized PnL ≤ its
  maintenance margin; cross: when the book's cash + Σ (margin + unrealized PnL)
  ≤ Σ maintenance over the book's perps in that currency, and then all of them go;
- funding: payment = rate × |qty| × mark, paid by longs to shorts when the rate is
  positive (the other way when negative).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from copytrade.domain.ledger.fills import locked_margin as locked
from copytrade.domain.margin_mode import MarginMode
from copytrade.domain.margin_tiers import brackets
from copytrade.domain.positions import Position
from copytrade.domain.values import ZERO, round_down, round_to_step

FUNDING_INTERVAL_HOURS = 8
MAX_FUNDING_RATE = Decimal("0.05")  # 5 % an interval: beyond any exchange's cap


def maintenance(position: Position, mark: Decimal) -> Decimal:
    return position.instrument.maintenance_margin(position.notional(mark))


def position_equity(position: Position, mark: Decimal) -> Decimal:
    """What the position is worth to its book: its margin + unrealized PnL."""
    return locked(position) + position.unrealized_pnl(mark)


def isolated_breached(position: Position, mark: Decimal) -> bool:
    """An isolated perp at or below its maintenance margin at ``mark``."""
    if not position.instrument.liquidates or position.is_flat:
        return False
    return position_equity(position, mark) <= maintenance(position, mark)


def perps_in(positions: Iterable[Position], currency: str) -> list[Position]:
    return [
        p
        for p in positions
        if p.qty and not p.instrument.is_spot and p.instrument.quote.code == currency
    ]


def cross_breached(
    cash: Decimal, positions: Iterable[Position], marks: Mapping[str, Decimal]
) -> bool:
    """A cross book whose cash + Σ position equity ≤ Σ maintenance (marks for each)."""
    held = [p for p in positions if p.instrument.symbol in marks and p.instrument.liquidates]
    if not held:
        return False
    equity = cash + sum((position_equity(p, marks[p.instrument.symbol]) for p in held), ZERO)
    needed = sum((maintenance(p, marks[p.instrument.symbol]) for p in held), ZERO)
    return equity <= needed


def liquidation_price(position: Position, buffer: Decimal) -> Decimal | None:
    """The mark at which the position's ``buffer`` + unrealized PnL meets its maintenance.

    ``buffer`` is what stands behind the position: isolated, its own locked margin;
    cross, the book's cash + this position's margin + Σ (margin + unrealized PnL −
    maintenance) of the book's other perps at their marks. Long (q > 0, cost C):
    p = (C − buffer − d) / (q (1 − r)); short: p = (C + buffer + d) / (|q| (1 + r)), for
    the tier line (rate r, deduction d) the solution falls in. Rounded to the tick
    towards the entry (long up, short down), so the shown price is never past the real
    one. None when flat, on an instrument without margin rules (spot included), or for
    a long that no price above 0 liquidates.
    """
    if not position.instrument.liquidates or position.is_flat:
        return None
    instrument = position.instrument
    qty, cost = abs(position.qty), position.entry_cost
    long = position.qty > ZERO
    lines = brackets(instrument.margin_tiers, instrument.maintenance_rate)
    for line in lines:
        if long:
            denominator = qty * (1 - line.rate)
            price = (cost - buffer - line.deduction) / denominator if denominator else None
        else:
            price = (cost + buffer + line.deduction) / (qty * (1 + line.rate))
        if price is None:
            continue
        notional = qty * price
        if notional >= line.low and (line.high is None or notional < line.high):
            if price <= ZERO:
                return None
            mode = ROUND_CEILING if long else ROUND_FLOOR
            return round_to_step(price, instrument.tick, mode)
    return None


def cross_buffer(
    position: Position, cash: Decimal, others: Iterable[Position], marks: Mapping[str, Decimal]
) -> Decimal:
    """The buffer of ``position`` in a cross book (see ``liquidation_price``)."""
    buffer = cash + locked(position)
    for other in others:
        if other is position or other.instrument.symbol not in marks:
            continue
        mark = marks[other.instrument.symbol]
        buffer += position_equity(other, mark) - maintenance(other, mark)
    return buffer


def liquidation_fee(position: Position, mark: Decimal, available: Decimal) -> Decimal:
    """The fee a liquidation at ``mark`` charges: rate × notional, rounded down to the
    quote unit, and never more than the ``available`` value left (never below 0)."""
    instrument = position.instrument
    fee = round_down(position.notional(mark) * instrument.liquidation_fee, instrument.quote.unit)
    return max(ZERO, min(fee, available))


def funding_payment(position: Position, rate: Decimal, mark: Decimal) -> Decimal:
    """What the position's book receives (> 0) or pays (< 0) for one funding interval:
    −rate × qty × mark (qty signed), rounded towards the payer's side: a payment is
    rounded up to the quote unit, a receipt down (a user never receives a fraction
    more than owed, never pays less)."""
    if position.instrument.is_spot or position.is_flat:
        return ZERO
    amount = -rate * position.qty * mark
    return round_to_step(amount, position.instrument.quote.unit, ROUND_FLOOR)


__all__ = [
    "FUNDING_INTERVAL_HOURS",
    "MAX_FUNDING_RATE",
    "MarginMode",
    "cross_breached",
    "cross_buffer",
    "funding_payment",
    "isolated_breached",
    "liquidation_fee",
    "liquidation_price",
    "locked",
    "maintenance",
    "perps_in",
    "position_equity",
]
