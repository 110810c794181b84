"""A live relationship paused for fees it owes resumes only when they are paid
(docs/settlement.md, "Live relationships")."""

from __future__ import annotations

import pytest

from copytrade.domain.copying import Paused, PauseReason, RelationshipState, Resumed
from copytrade.domain.errors import InvalidTransitionError


def test_only_paying_lifts_a_fees_owed_pause() -> None:
    owed = RelationshipState().apply(Paused(PauseReason.FEES_OWED))
    assert owed.pause_reason is PauseReason.FEES_OWED and not owed.accepts_openings
    with pytest.raises(InvalidTransitionError, match="pay-fees"):
        owed.apply(Resumed())
    with pytest.raises(InvalidTransitionError):
        owed.apply(Resumed(subscription_paid=True))
    assert owed.apply(Resumed(fees_paid=True)).accepts_openings


def test_a_follower_pause_takes_the_fees_owed_reason() -> None:
    by_follower = RelationshipState().apply(Paused())
    assert by_follower.apply(Paused(PauseReason.FEES_OWED)).pause_reason is PauseReason.FEES_OWED


def test_a_reconciliation_mismatch_pause_is_resumed_by_the_follower() -> None:
    paused = RelationshipState().apply(Paused(PauseReason.RECONCILIATION_MISMATCH))
    assert paused.apply(Resumed()).accepts_openings
