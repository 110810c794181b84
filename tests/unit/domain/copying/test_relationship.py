from __future__ import annotations

import pytest

from copytrade.domain.copying import (
    Paused,
    RelationshipEvent,
    RelationshipState,
    RelationshipStatus,
    Resumed,
    Stopped,
    StopReason,
    closes_positions_on_stop,
)
from copytrade.domain.errors import InvalidTransitionError, InvalidValueError

ACTIVE = RelationshipState()
PAUSED = RelationshipState(RelationshipStatus.PAUSED)


def stopped(reason: StopReason) -> RelationshipState:
    return RelationshipState(RelationshipStatus.STOPPED, reason)


@pytest.mark.parametrize(
    ("start", "event", "end"),
    [
        (ACTIVE, Paused(), PAUSED),
        (PAUSED, Resumed(), ACTIVE),
        (PAUSED, Paused(), PAUSED),  # idempotent: the state asked for already holds
        (ACTIVE, Resumed(), ACTIVE),  # idempotent
        (ACTIVE, Stopped(StopReason.FOLLOWER), stopped(StopReason.FOLLOWER)),
        (ACTIVE, Stopped(StopReason.MAX_LOSS), stopped(StopReason.MAX_LOSS)),
        (PAUSED, Stopped(StopReason.PROVIDER), stopped(StopReason.PROVIDER)),
        (PAUSED, Stopped(StopReason.ADMIN), stopped(StopReason.ADMIN)),
    ],
)
def test_allowed_transitions(
    start: RelationshipState, event: RelationshipEvent, end: RelationshipState
) -> None:
    assert start.apply(event) == end


def test_an_idempotent_event_returns_the_same_state() -> None:
    assert PAUSED.apply(Paused()) is PAUSED


@pytest.mark.parametrize("event", [Paused(), Resumed(), Stopped(StopReason.FOLLOWER)])
@pytest.mark.parametrize("reason", list(StopReason))
def test_stopped_is_terminal(event: RelationshipEvent, reason: StopReason) -> None:
    with pytest.raises(InvalidTransitionError, match=f"stopped by {reason}.*final"):
        stopped(reason).apply(event)


def test_stop_reason_parsed_from_text() -> None:
    assert Stopped("max_loss") == Stopped(StopReason.MAX_LOSS)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match=r"stop reason.*'bored'"):
        Stopped("bored")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "reason"),
    [(RelationshipStatus.STOPPED, None), (RelationshipStatus.ACTIVE, StopReason.ADMIN)],
)
def test_stop_reason_exactly_when_stopped(
    status: RelationshipStatus, reason: StopReason | None
) -> None:
    with pytest.raises(InvalidValueError, match="stop reason exactly when"):
        RelationshipState(status, reason)


@pytest.mark.parametrize(
    ("state", "openings", "closes"),
    [(ACTIVE, True, True), (PAUSED, False, True), (stopped(StopReason.ADMIN), False, False)],
)
def test_what_each_status_copies(state: RelationshipState, openings: bool, closes: bool) -> None:
    assert (state.accepts_openings, state.mirrors_closes) == (openings, closes)


@pytest.mark.parametrize(
    ("reason", "close_on_stop", "closes"),
    [
        (StopReason.MAX_LOSS, False, True),  # the max-loss rule always closes
        (StopReason.MAX_LOSS, True, True),
        (StopReason.FOLLOWER, True, True),
        (StopReason.FOLLOWER, False, False),
        (StopReason.PROVIDER, False, False),
        (StopReason.ADMIN, True, True),
    ],
)
def test_closes_positions_on_stop(reason: StopReason, close_on_stop: bool, closes: bool) -> None:
    assert closes_positions_on_stop(reason, close_on_stop) is closes
