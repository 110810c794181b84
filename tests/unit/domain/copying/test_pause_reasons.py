"""Pause reasons: an unpaid subscription pauses, and only paying resumes."""

from __future__ import annotations

import pytest

from copytrade.domain.copying import (
    Paused,
    PauseReason,
    RelationshipState,
    RelationshipStatus,
    Resumed,
    Stopped,
    StopReason,
)
from copytrade.domain.errors import InvalidTransitionError, InvalidValueError

ACTIVE = RelationshipState()
UNPAID = RelationshipState(RelationshipStatus.PAUSED, None, PauseReason.SUBSCRIPTION_UNPAID)


def test_an_unpaid_subscription_pauses_with_its_reason() -> None:
    assert ACTIVE.apply(Paused(PauseReason.SUBSCRIPTION_UNPAID)) == UNPAID
    assert UNPAID.unpaid and not UNPAID.accepts_openings and UNPAID.mirrors_closes


def test_a_follower_pause_keeps_no_reason_and_is_outranked_by_an_unpaid_period() -> None:
    paused = ACTIVE.apply(Paused())
    assert paused == RelationshipState(RelationshipStatus.PAUSED)
    assert paused.apply(Paused(PauseReason.SUBSCRIPTION_UNPAID)) == UNPAID
    assert UNPAID.apply(Paused()) == UNPAID  # pausing again does not lift the unpaid reason


def test_only_paying_resumes_an_unpaid_pause() -> None:
    with pytest.raises(InvalidTransitionError, match="not paid"):
        UNPAID.apply(Resumed())
    assert UNPAID.apply(Resumed(subscription_paid=True)) == ACTIVE


def test_an_unpaid_relationship_may_still_stop() -> None:
    stopped = UNPAID.apply(Stopped(StopReason.FOLLOWER))
    assert (stopped.status, stopped.pause_reason) == (RelationshipStatus.STOPPED, None)


def test_a_pause_reason_needs_a_paused_status() -> None:
    with pytest.raises(InvalidValueError, match="pause reason"):
        RelationshipState(RelationshipStatus.ACTIVE, None, PauseReason.SUBSCRIPTION_UNPAID)
    with pytest.raises(InvalidValueError, match="pause reason"):
        Paused("vacation")  # type: ignore[arg-type]
