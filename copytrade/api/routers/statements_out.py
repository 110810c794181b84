"""The schemas of the statement answers (docs/settlement.md)."""

from __future__ import annotations

from typing import Literal

from copytrade.api.wire import Money, Out, wire_model
from copytrade.service_layer.my_statements import FollowerCharge, ProviderCharge
from copytrade.service_layer.statements import FollowerLine, ProviderLine


class FollowerTotals(Out):
    gross: Money
    provider_credit: Money
    platform_fee: Money
    paid: Money
    subscriptions_paid: Money


class ProviderTotals(Out):
    gross: Money
    provider_credit: Money
    platform_fee: Money
    subscriptions_earned: Money


class FollowerStatementOut(Out):
    role: Literal["follower"]
    id: str
    periods: list[str]
    settlements: list[wire_model(FollowerLine)]  # type: ignore[valid-type]
    totals: FollowerTotals
    subscriptions: list[wire_model(FollowerCharge)]  # type: ignore[valid-type]


class ProviderStatementOut(Out):
    role: Literal["provider"]
    id: str
    periods: list[str]
    settlements: list[wire_model(ProviderLine)]  # type: ignore[valid-type]
    totals: ProviderTotals
    subscriptions: list[wire_model(ProviderCharge)]  # type: ignore[valid-type]


class StatementOut(Out):
    period: str | None
    follower: FollowerStatementOut
    provider: ProviderStatementOut | None


FollowerItem = wire_model(FollowerLine, role=(Literal["follower"], ...))
ProviderItem = wire_model(ProviderLine, role=(Literal["provider"], ...))


class SettlementsPage(Out):
    page: int
    page_size: int
    total: int
    items: list[FollowerItem | ProviderItem]  # type: ignore[valid-type]
