"""The lifecycle of a copy relationship: active ⇄ paused, any → stopped (final).

State changes only through events, looked up in one explicit transition table,
so a refused change is refused in one place with one message.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from copytrade.domain.copying.choices import parse_choice
from copytrade.domain.errors import InvalidTransitionError, InvalidValueError


class RelationshipStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    STOPPED = "stopped"


class StopReason(StrEnum):
    FOLLOWER = "follower"
    MAX_LOSS = "max_loss"
    PROVIDER = "provider"
    ADMIN = "admin"
    # The follower's relationship-wide protections (docs/domain.md, "Follower protections").
    TAKE_PROFIT = "take_profit"
    TRAILING_STOP = "trailing_stop"


class PauseReason(StrEnum):
    FOLLOWER = "follower"
    SUBSCRIPTION_UNPAID = "subscription_unpaid"  # the period's subscription was not paid
    # A live relationship's fee its follower's platform balance could not pay
    # (docs/settlement.md, "Live relationships").
    FEES_OWED = "fees_owed"
    # A live account's holdings did not match the books (docs/venues.md, "Reconciling
    # live accounts"): copying openings stops until the follower resumes it.
    RECONCILIATION_MISMATCH = "reconciliation_mismatch"


def parse_stop_reason(value: object) -> StopReason:
    return parse_choice(StopReason, value, "stop reason")


def parse_pause_reason(value: object) -> PauseReason:
    return parse_choice(PauseReason, value, "pause reason")


@dataclass(frozen=True, slots=True)
class Paused:
    """No new openings, closes are still mirrored; ``reason`` says who or what paused."""

    reason: PauseReason = PauseReason.FOLLOWER

    def __post_init__(self) -> None:
        object.__setattr__(self, "reason", parse_pause_reason(self.reason))


@dataclass(frozen=True, slots=True)
class Resumed:
    """Copying new openings again. ``subscription_paid``: the billing resumes it after
    the unpaid period was paid; only that lifts a ``subscription_unpaid`` pause."""

    subscription_paid: bool = False
    fees_paid: bool = False  # only paying lifts a ``fees_owed`` pause


@dataclass(frozen=True, slots=True)
class Stopped:
    reason: StopReason

    def __post_init__(self) -> None:
        object.__setattr__(self, "reason", parse_stop_reason(self.reason))


RelationshipEvent = Paused | Resumed | Stopped

_ACTIVE = RelationshipStatus.ACTIVE
_PAUSED = RelationshipStatus.PAUSED
_STOPPED = RelationshipStatus.STOPPED
# Pausing a paused relationship or resuming an active one is a no-op: the state
# asked for already holds, and a re-delivered command must not fail. Nothing
# leaves `stopped`: a stop closes the books (settlement), so it is final.
TRANSITIONS: dict[tuple[RelationshipStatus, type[RelationshipEvent]], RelationshipStatus] = {
    (_ACTIVE, Paused): _PAUSED,
    (_ACTIVE, Resumed): _ACTIVE,
    (_ACTIVE, Stopped): _STOPPED,
    (_PAUSED, Paused): _PAUSED,
    (_PAUSED, Resumed): _ACTIVE,
    (_PAUSED, Stopped): _STOPPED,
}


@dataclass(frozen=True, slots=True)
class RelationshipState:
    """Status plus, once stopped, why. Change it only with ``apply``."""

    status: RelationshipStatus = RelationshipStatus.ACTIVE
    stop_reason: StopReason | None = None
    pause_reason: PauseReason | None = None  # None when paused by the follower

    def __post_init__(self) -> None:
        if (self.status is RelationshipStatus.STOPPED) != (self.stop_reason is not None):
            raise InvalidValueError(
                f"a relationship has a stop reason exactly when it is stopped, got status "
                f"{self.status} with stop reason {self.stop_reason}"
            )
        if self.pause_reason is not None and self.status is not RelationshipStatus.PAUSED:
            raise InvalidValueError(
                f"only a paused relationship has a pause reason, got status {self.status} "
                f"with pause reason {self.pause_reason}"
            )

    @property
    def unpaid(self) -> bool:
        """Paused because its subscription was not paid."""
        return self.pause_reason is PauseReason.SUBSCRIPTION_UNPAID

    @property
    def accepts_openings(self) -> bool:
        return self.status is RelationshipStatus.ACTIVE

    @property
    def mirrors_closes(self) -> bool:
        """Paused relationships still follow the provider out of its positions."""
        return self.status is not RelationshipStatus.STOPPED

    def apply(self, event: RelationshipEvent) -> RelationshipState:
        target = TRANSITIONS.get((self.status, type(event)))
        if target is None:
            # Only `stopped` refuses events (the table covers every other pair).
            raise InvalidTransitionError(
                f"cannot apply {type(event).__name__} to a relationship stopped by "
                f"{self.stop_reason}: a stop is final, start a new copy relationship instead"
            )
        if isinstance(event, Resumed) and self.unpaid and not event.subscription_paid:
            raise InvalidTransitionError(
                "this relationship is paused because its subscription was not paid; "
                "it resumes when the period is paid (top up the free balance, then "
                "retry the subscription charge)"
            )
        if (
            isinstance(event, Resumed)
            and self.pause_reason is PauseReason.FEES_OWED
            and not event.fees_paid
        ):
            raise InvalidTransitionError(
                "this live relationship is paused because its fees could not be charged to "
                "the platform balance; it resumes when they are paid (top up the free "
                "balance, then copytrade venues pay-fees)"
            )
        if isinstance(event, Paused) and target is _PAUSED:
            # A follower's pause keeps no reason (None); an unpaid period outranks
            # it, since paying is then what resumes the relationship.
            asked = None if event.reason is PauseReason.FOLLOWER else event.reason
            pause_reason = self.pause_reason or asked
            if self.status is _PAUSED and pause_reason is self.pause_reason:
                return self
            return RelationshipState(_PAUSED, None, pause_reason)
        if target is self.status:
            return self
        reason = event.reason if isinstance(event, Stopped) else None
        return RelationshipState(target, reason)


def closes_positions_on_stop(reason: StopReason, close_on_stop: bool) -> bool:
    """Whether stopping closes the copied positions at market.

    The max-loss rule, the take-profit and the trailing stop always close them
    (docs/domain.md, Copying and "Follower protections": that is their purpose). Any
    other stop follows the follower's ``close_on_stop``: it is the follower's
    wish for its positions when copying ends, whoever ends it.
    """
    return reason in _CLOSING_STOPS or close_on_stop


_CLOSING_STOPS = frozenset({StopReason.MAX_LOSS, StopReason.TAKE_PROFIT, StopReason.TRAILING_STOP})
