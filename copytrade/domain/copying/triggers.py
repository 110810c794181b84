"""A provider's stop-loss and take-profit trigger prices on its own position, mirrored
to every copy (docs/domain.md, "The provider's stop-loss and take-profit").

With the position's signed quantity and the mark:
  long:  stop-loss fires at mark ≤ stop_loss,  take-profit at mark ≥ take_profit
  short: stop-loss fires at mark ≥ stop_loss,  take-profit at mark ≤ take_profit
Reaching the price exactly fires it; the stop-loss is tested first.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from copytrade.domain.copying.reasons import ReasonCode
from copytrade.domain.errors import DomainError, InvalidValueError
from copytrade.domain.values import ZERO


class TriggerError(DomainError):
    """A trigger price that cannot be set on the position (no position, wrong side)."""


@dataclass(frozen=True, slots=True)
class PositionTriggers:
    """The trigger prices set on one position; None: not set."""

    stop_loss: Decimal | None = None
    take_profit: Decimal | None = None

    def __bool__(self) -> bool:
        return self.stop_loss is not None or self.take_profit is not None


def trigger_fired(
    qty: Decimal, mark: Decimal, triggers: PositionTriggers | None
) -> ReasonCode | None:
    """Which of the position's trigger prices the mark reached (the stop first), or None."""
    if triggers is None or not qty:
        return None
    long = qty > ZERO
    sl, tp = triggers.stop_loss, triggers.take_profit
    if sl is not None and ((mark <= sl) if long else (mark >= sl)):
        return ReasonCode.PROVIDER_STOP_LOSS
    if tp is not None and ((mark >= tp) if long else (mark <= tp)):
        return ReasonCode.PROVIDER_TAKE_PROFIT
    return None


def check_triggers(qty: Decimal, mark: Decimal | None, triggers: PositionTriggers) -> None:
    """Refuse trigger prices that are not positive, or that the current mark already
    reached (a long's stop-loss must be below the mark and its take-profit above it; a
    short's the other way round), as an exchange refuses an order that would trigger at
    once. No mark yet: only the signs are checked."""
    if not qty:
        raise TriggerError("there is no open position to put a stop-loss or take-profit on")
    for name, price in (("stop_loss", triggers.stop_loss), ("take_profit", triggers.take_profit)):
        if price is not None and price <= ZERO:
            raise InvalidValueError(f"{name} must be a price above 0, got {price}")
    if mark is None:
        return
    long = qty > ZERO
    side = "long" if long else "short"
    sl, tp = triggers.stop_loss, triggers.take_profit
    if sl is not None and ((sl >= mark) if long else (sl <= mark)):
        where = "below" if long else "above"
        raise InvalidValueError(
            f"a {side} position's stop_loss must be {where} the mark {mark}, got {sl}"
        )
    if tp is not None and ((tp <= mark) if long else (tp >= mark)):
        where = "above" if long else "below"
        raise InvalidValueError(
            f"a {side} position's take_profit must be {where} the mark {mark}, got {tp}"
        )
