"""The copy risk gate: one decision per follower per opening provider fill.

Checks run in docs/domain.md, Copying order, each returning at once with its reason:
  1  not_active            relationship paused or stopped
  1b max_loss              drawdown ≥ max_loss_pct: skip, and the relationship must stop
  2  symbol_not_allowed    whitelist / blacklist
  -  invalid_price/_fill   fill data no copy can be sized from (same for all followers)
  3  slippage              |current − fill price| / fill price > tolerance
  4  max_open_trades       new symbol while already holding max_open_trades positions
  -  sizing skips          no_copy_equity, no_provider_equity, invalid_fill
  5  caps                  notional ≤ max_per_trade_pct × copy_equity (capped: max_per_trade),
                           qty ≤ the instrument's max (capped: max_quantity)
  6  insufficient_balance  margin + taker fee > the allocation's free cash
  7  below_minimum         qty = notional / price rounded down to the lot step,
                           below min qty or min notional
Then, where the platform caps one follower's exposure to a symbol, ``cap_symbol_exposure``
(capped or skipped: symbol_exposure).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from copytrade.domain.copying.fill import FillContext
from copytrade.domain.copying.maxloss import loss_fraction_reached
from copytrade.domain.copying.reasons import CopyAction, CopyDecision, ReasonCode, round_up
from copytrade.domain.copying.relationship import RelationshipStatus
from copytrade.domain.copying.settings import CopySettings
from copytrade.domain.copying.sizing import copy_leverage, notional_for
from copytrade.domain.values import ZERO, Quantity, round_down


@dataclass(frozen=True, slots=True)
class FollowerBook:
    """One relationship's numbers at the moment of the fill.

    ``open_positions`` counts the relationship's copied (not detached)
    positions; ``holds_symbol`` says whether one of them is in the fill's symbol.
    """

    status: RelationshipStatus
    copy_equity: Decimal
    net_allocated: Decimal
    free_cash: Decimal
    open_positions: int = 0
    holds_symbol: bool = False


def gate_opening(settings: CopySettings, fill: FillContext, book: FollowerBook) -> CopyDecision:
    """Decide one follower's copy of an opening fill. Never raises on numbers."""
    if book.status is not RelationshipStatus.ACTIVE:
        return fill.skip(ReasonCode.NOT_ACTIVE)
    if loss_fraction_reached(book.copy_equity, book.net_allocated, settings.max_loss_fraction):
        return fill.skip(ReasonCode.MAX_LOSS)
    if not settings.allows(fill.instrument.symbol):
        return fill.skip(ReasonCode.SYMBOL_NOT_ALLOWED)
    if fill.invalid is not None:
        return fill.skip(fill.invalid)
    if fill.deviation > settings.slippage_fraction:
        return fill.skip(ReasonCode.SLIPPAGE)
    if not book.holds_symbol and book.open_positions >= settings.max_open_trades:
        return fill.skip(ReasonCode.MAX_OPEN_TRADES)
    notional = notional_for(settings, fill, book.copy_equity)
    if isinstance(notional, ReasonCode):
        return fill.skip(notional)

    cap_reason = None
    cap = book.copy_equity * settings.max_per_trade_fraction
    if notional > cap:
        notional, cap_reason = cap, ReasonCode.MAX_PER_TRADE
    price = fill.price
    if notional > fill.max_qty * price:
        notional, cap_reason = fill.max_qty * price, ReasonCode.MAX_QUANTITY

    leverage = copy_leverage(settings, fill)
    margin, fee = _margin_and_fee(fill, notional, leverage)
    if margin + fee > book.free_cash:
        return fill.skip(ReasonCode.INSUFFICIENT_BALANCE)

    instrument = fill.instrument
    qty = round_down(notional / price, instrument.lot_step)
    if qty * price > notional:
        # notional / price was rounded up in its last digit onto a lot boundary.
        qty -= instrument.lot_step
    qty = min(qty, fill.max_qty)
    if not instrument.meets_minimums(qty, price):
        return fill.skip(ReasonCode.BELOW_MINIMUM)
    # The order is smaller than the checked notional, so its margin and fee are too.
    final = qty * price
    margin, fee = _margin_and_fee(fill, final, leverage)
    action = CopyAction.PLACED if cap_reason is None else CopyAction.CAPPED
    return CopyDecision(action, cap_reason, Quantity(qty), final, margin, fee, leverage, price)


def cap_symbol_exposure(fill: FillContext, decision: CopyDecision, room: Decimal) -> CopyDecision:
    """An opening copy within the follower's room on the symbol (the cap less what all its
    relationships hold in it, docs/domain.md "Limits across providers"): unchanged when it
    fits, else capped to the room on the lot step, skipped when that is below the minimum."""
    if not decision.is_order or decision.notional <= room:
        return decision
    price = decision.price
    instrument = fill.instrument
    qty = round_down(max(room, ZERO) / price, instrument.lot_step)
    if qty * price > room:
        qty -= instrument.lot_step
    if qty <= ZERO or not instrument.meets_minimums(qty, price):
        return fill.skip(ReasonCode.SYMBOL_EXPOSURE)
    final = qty * price
    margin, fee = _margin_and_fee(fill, final, decision.leverage)
    return CopyDecision(
        CopyAction.CAPPED, ReasonCode.SYMBOL_EXPOSURE, Quantity(qty), final, margin, fee,
        decision.leverage, price,
    )


def _margin_and_fee(
    fill: FillContext, notional: Decimal, leverage: Decimal
) -> tuple[Decimal, Decimal]:
    unit = fill.money_unit
    return round_up(notional / leverage, unit), round_up(notional * fill.fee_rate, unit)
