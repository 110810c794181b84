"""A trigger order's trigger status through its transition table (docs/venues.md
"Trigger orders")."""

from __future__ import annotations

import pytest

from copytrade.domain.errors import InvalidTransitionError
from copytrade.domain.trigger_status import TriggerStatus, next_trigger_status

PENDING, TRIGGERED, CANCELLED = TriggerStatus


def test_pending_then_triggered_or_cancelled_and_the_same_twice_is_a_no_op() -> None:
    assert next_trigger_status(None, PENDING) is PENDING
    assert next_trigger_status(PENDING, TRIGGERED) is TRIGGERED
    assert next_trigger_status(PENDING, CANCELLED) is CANCELLED
    assert next_trigger_status(TRIGGERED, TRIGGERED) is TRIGGERED
    assert next_trigger_status(None, TRIGGERED) is TRIGGERED  # recovery read it after it fired


def test_an_answer_without_a_trigger_keeps_the_status() -> None:
    assert next_trigger_status(PENDING, None) is PENDING  # e.g. a rejected placement
    assert next_trigger_status(None, None) is None


@pytest.mark.parametrize(
    ("current", "answer"),
    [(TRIGGERED, PENDING), (TRIGGERED, CANCELLED), (CANCELLED, TRIGGERED), (CANCELLED, PENDING)],
)
def test_a_final_status_never_moves(current: TriggerStatus, answer: TriggerStatus) -> None:
    with pytest.raises(InvalidTransitionError, match=f"from {current} to {answer}"):
        next_trigger_status(current, answer)
