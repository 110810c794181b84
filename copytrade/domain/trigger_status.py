"""A trigger order's trigger, through an explicit transition table (docs/venues.md
"Trigger orders", "On the platform's order records"). Pure.

``pending`` while the trigger waits for the mark, ``triggered`` once it fired (the
order then goes its own way: filled, resting, cancelled), ``cancelled`` if it was
cancelled before it fired. A plain order has none (``None``). The same status twice is
a no-op; every other move not in the table is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from copytrade.domain.errors import InvalidTransitionError


class TriggerStatus(StrEnum):
    PENDING = "pending"  # waiting for the mark
    TRIGGERED = "triggered"  # placed as its market or limit order
    CANCELLED = "cancelled"  # cancelled before it triggered


# None: recorded, not yet answered by the venue (or refused by it: then it stays None).
TRIGGER_TRANSITIONS: Mapping[TriggerStatus | None, frozenset[TriggerStatus]] = {
    None: frozenset(TriggerStatus),  # the first answer may already be a fired trigger
    TriggerStatus.PENDING: frozenset({TriggerStatus.TRIGGERED, TriggerStatus.CANCELLED}),
    TriggerStatus.TRIGGERED: frozenset(),  # final: the order it became goes on alone
    TriggerStatus.CANCELLED: frozenset(),  # final: it never fires
}


def next_trigger_status(
    current: TriggerStatus | None, answer: TriggerStatus | None
) -> TriggerStatus | None:
    """The status after the venue answered ``answer``: no answer (a plain order, a
    refusal) or the same status keeps ``current``; a move the table lacks raises."""
    if answer is None or answer is current:
        return current
    if answer not in TRIGGER_TRANSITIONS[current]:
        raise InvalidTransitionError(
            f"a trigger cannot go from {current or 'unanswered'} to {answer} "
            '(docs/venues.md, "Trigger orders")'
        )
    return answer


__all__ = ["TRIGGER_TRANSITIONS", "TriggerStatus", "next_trigger_status"]
