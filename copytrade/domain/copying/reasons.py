"""What the copy engine decided for one follower and one provider fill, and why.

Every follower ends a fill with exactly one ``CopyDecision``: an order to place
(``placed`` or ``capped``) or a ``skipped`` record carrying a machine-readable
``ReasonCode`` that the follower can see (docs/domain.md, Copying).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_UP, Decimal
from enum import StrEnum

from copytrade.domain.values import ZERO, Quantity, round_to_step


class CopyAction(StrEnum):
    PLACED = "placed"
    CAPPED = "capped"
    SKIPPED = "skipped"


class ReasonCode(StrEnum):
    """Why a copy was skipped or capped. The values are a public contract (RESULT.json)."""

    # Opening checks, in the order the gate applies them.
    NOT_ACTIVE = "not_active"
    MAX_LOSS = "max_loss"
    SYMBOL_NOT_ALLOWED = "symbol_not_allowed"
    INVALID_PRICE = "invalid_price"
    INVALID_FILL = "invalid_fill"
    SLIPPAGE = "slippage"
    MAX_OPEN_TRADES = "max_open_trades"
    NO_COPY_EQUITY = "no_copy_equity"
    NO_PROVIDER_EQUITY = "no_provider_equity"
    MAX_PER_TRADE = "max_per_trade"
    MAX_QUANTITY = "max_quantity"
    INSUFFICIENT_BALANCE = "insufficient_balance"
    BELOW_MINIMUM = "below_minimum"
    # Across relationships: the follower's cap on one symbol (docs/domain.md, "Limits
    # across providers"); capped, or skipped when no room is left.
    SYMBOL_EXPOSURE = "symbol_exposure"
    # Closing.
    DETACHED = "detached"
    LIQUIDATED = "liquidated"
    NO_POSITION = "no_position"
    BELOW_LOT_STEP = "below_lot_step"
    # The follower's protections, fired at a mark (docs/domain.md, "Follower protections").
    COPY_STOP_LOSS = "copy_stop_loss"
    COPY_TAKE_PROFIT = "copy_take_profit"
    TAKE_PROFIT = "take_profit"
    TRAILING_STOP = "trailing_stop"
    # The provider's own trigger prices, mirrored to every copy (docs/domain.md, "The
    # provider's stop-loss and take-profit").
    PROVIDER_STOP_LOSS = "provider_stop_loss"
    PROVIDER_TAKE_PROFIT = "provider_take_profit"


# Each reason in words, for people reading a report or a page (docs/domain.md, Copying).
REASON_WORDS: dict[ReasonCode, str] = {
    ReasonCode.NOT_ACTIVE: "copying paused or stopped",
    ReasonCode.MAX_LOSS: "max-loss stop reached",
    ReasonCode.SYMBOL_NOT_ALLOWED: "symbol not in the follower's list",
    ReasonCode.INVALID_PRICE: "no valid price",
    ReasonCode.INVALID_FILL: "invalid provider fill",
    ReasonCode.SLIPPAGE: "price moved past the slippage limit",
    ReasonCode.MAX_OPEN_TRADES: "max open trades reached",
    ReasonCode.NO_COPY_EQUITY: "no equity left in the allocation",
    ReasonCode.NO_PROVIDER_EQUITY: "provider has no equity to size from",
    ReasonCode.MAX_PER_TRADE: "over the max per trade",
    ReasonCode.MAX_QUANTITY: "over the instrument's max quantity",
    ReasonCode.INSUFFICIENT_BALANCE: "not enough free cash",
    ReasonCode.BELOW_MINIMUM: "copy below the instrument's minimum",
    ReasonCode.SYMBOL_EXPOSURE: "over the follower's cap on one symbol",
    ReasonCode.DETACHED: "position closed by hand (detached)",
    ReasonCode.LIQUIDATED: "the copy was liquidated by the venue",
    ReasonCode.NO_POSITION: "no copied position to close",
    ReasonCode.BELOW_LOT_STEP: "close below one lot step",
    ReasonCode.COPY_STOP_LOSS: "the copy's stop-loss was reached",
    ReasonCode.COPY_TAKE_PROFIT: "the copy's take-profit was reached",
    ReasonCode.TAKE_PROFIT: "the relationship's take-profit was reached",
    ReasonCode.TRAILING_STOP: "the relationship's trailing stop was reached",
    ReasonCode.PROVIDER_STOP_LOSS: "the provider's stop-loss price was reached",
    ReasonCode.PROVIDER_TAKE_PROFIT: "the provider's take-profit price was reached",
}


def reason_words(code: str | None) -> str:
    """``code`` (a ReasonCode value) in words; an unknown one as it is."""
    try:
        return REASON_WORDS[ReasonCode(code or "")]
    except ValueError:
        return code or "unknown"


NO_QTY = Quantity(ZERO)


@dataclass(frozen=True, slots=True)
class CopyDecision:
    """One follower's copy of one provider fill.

    ``qty`` is on the lot step and 0 when skipped. ``notional`` is qty × price,
    ``margin`` the cash it locks (spot: the notional), ``fee`` the taker fee
    estimate; both rounded UP to the quote unit so the cash check is never short.
    ``leverage`` is 0 where it does not apply (skips and closes).
    """

    action: CopyAction
    reason: ReasonCode | None
    qty: Quantity
    notional: Decimal
    margin: Decimal
    fee: Decimal
    leverage: Decimal
    price: Decimal

    @property
    def is_order(self) -> bool:
        return self.action is not CopyAction.SKIPPED

    @property
    def must_stop(self) -> bool:
        """The max-loss rule fired: the relationship must close everything and stop."""
        return self.reason is ReasonCode.MAX_LOSS


def round_up(amount: Decimal, unit: Decimal) -> Decimal:
    """Margin and fee estimates round UP to the quote unit.

    The cash check may then overstate what an order needs, never understate it.
    """
    return round_to_step(amount, unit, ROUND_UP)


def skipped(reason: ReasonCode, price: Decimal) -> CopyDecision:
    return CopyDecision(CopyAction.SKIPPED, reason, NO_QTY, ZERO, ZERO, ZERO, ZERO, price)


def skip_table(price: Decimal) -> dict[ReasonCode, CopyDecision]:
    """One shared skip decision per reason for a fill.

    Skips are identical for every follower of a fill, and decisions are frozen,
    so a 10,000-follower fan-out allocates them once per fill, not per follower.
    """
    return {reason: skipped(reason, price) for reason in ReasonCode if reason not in _NOT_SKIPS}


_NOT_SKIPS = frozenset({ReasonCode.MAX_PER_TRADE, ReasonCode.MAX_QUANTITY})
