"""A signed-in user's own statements: what it paid as a follower and earned as a provider.

Built on ``StatementService`` (settlements) plus subscription charges. As
everywhere, a provider's side shows amounts only, never which follower paid.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.db.repositories.fees import PAID, ChargeRecord
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.values import ZERO
from copytrade.service_layer.statements import (
    FollowerLine,
    ProviderLine,
    Statement,
    StatementService,
    follower_line,
    provider_line,
)


@dataclass(frozen=True, slots=True)
class FollowerCharge:
    relationship_id: str
    provider_id: str
    period: str
    status: str
    price: Decimal
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ProviderCharge:
    period: str
    status: str
    price: Decimal
    provider_part: Decimal
    platform_part: Decimal
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class MyStatement:
    periods: tuple[str, ...]
    follower: Statement
    subscriptions_paid: tuple[FollowerCharge, ...]
    provider: Statement | None  # None: the user is no provider
    subscriptions_earned: tuple[ProviderCharge, ...]


class MyStatements:
    def __init__(self, uow_factory: Callable[[], SqlUnitOfWork]) -> None:
        self._uow_factory = uow_factory
        self._statements = StatementService(uow_factory)

    def statement(self, user_id: str, periods: Sequence[str]) -> MyStatement:
        """The follower side always; the provider side when the user is a provider."""
        with self._uow_factory() as uow:
            is_provider = uow.accounts.is_provider(user_id)
            charges = uow.fees.charges_of(user_id, periods)
        return MyStatement(
            tuple(periods),
            self._statements.follower(user_id, periods),
            tuple(_as_follower(c) for c in charges if c.follower_id == user_id),
            self._statements.provider(user_id, periods) if is_provider else None,
            tuple(_as_provider(c) for c in charges if c.provider_id == user_id),
        )

    def settlements(
        self, user_id: str, limit: int, offset: int
    ) -> tuple[list[tuple[str, FollowerLine | ProviderLine]], int]:
        """A page of the user's settlements, newest first, each as its role sees it."""
        with self._uow_factory() as uow:
            records = uow.settlements.latest_of_account(user_id, limit, offset)
            total = uow.settlements.count_of_account(user_id)
        items: list[tuple[str, FollowerLine | ProviderLine]] = [
            ("follower", follower_line(r))
            if r.follower_id == user_id
            else ("provider", provider_line(r))
            for r in records
        ]
        return items, total


def paid_total(charges: Sequence[FollowerCharge] | Sequence[ProviderCharge], part: str) -> Decimal:
    """The sum of ``part`` over the paid charges."""
    return sum((getattr(c, part) for c in charges if c.status == PAID), ZERO)


def _as_follower(c: ChargeRecord) -> FollowerCharge:
    return FollowerCharge(
        c.relationship_id, c.provider_id, c.period, c.status, c.price, c.updated_at
    )


def _as_provider(c: ChargeRecord) -> ProviderCharge:
    return ProviderCharge(
        c.period, c.status, c.price, c.provider_part, c.platform_part, c.updated_at
    )
