"""A copy relationship as stored: who copies whom, with which settings and money."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from copytrade.domain.copying.relationship import RelationshipEvent, RelationshipState
from copytrade.domain.copying.settings import CopySettings
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import FollowerId, ProviderId, RelationshipId
from copytrade.domain.values import ZERO


@dataclass(frozen=True, slots=True)
class CopyRelationship:
    """One (follower, provider) pair. Its allocation is its own trading book.

    ``net_allocated`` is allocations minus withdrawals (the max-loss base);
    ``hwm`` and ``owed`` are the profit-share high-watermark state (docs/domain.md, Profit share).
    """

    id: RelationshipId
    follower: FollowerId
    provider: ProviderId
    settings: CopySettings
    state: RelationshipState
    net_allocated: Decimal
    hwm: Decimal
    owed: Decimal
    created_at: datetime
    risk_acknowledged_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.owed < ZERO:
            raise InvalidValueError(f"owed profit share cannot be negative, got {self.owed}")
        if str(self.follower) == str(self.provider):
            raise InvalidValueError(f"{self.follower} cannot copy itself")

    @property
    def book(self) -> str:
        """The trading book (venue account) that holds this allocation's positions."""
        return str(self.id)

    def apply(self, event: RelationshipEvent) -> CopyRelationship:
        state = self.state.apply(event)
        return self if state is self.state else replace(self, state=state)
