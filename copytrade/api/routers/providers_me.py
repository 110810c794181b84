"""Becoming a provider, changing its terms, and its followers (docs/domain.md, docs/fees.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.api.deps import CurrentUser, Runtime
from copytrade.api.encode import plain
from copytrade.api.errors import NotFoundError, answer, errors
from copytrade.api.inputs import Amount, Bounded, Price
from copytrade.api.paths import API_V1
from copytrade.api.wire import Money, Out, wire_model
from copytrade.service_layer.providers import FollowerSummary, ProviderService

router = APIRouter(prefix=f"{API_V1}/providers/me", tags=["providers"], responses=errors(401, 404))
CHANGE = errors(403, 409, 413, 422)

FeeModelName = Literal["profit_share", "subscription", "commission"]
PeriodName = Literal["weekly", "monthly"]
MarginModeName = Literal["isolated", "cross"]
SharePct = Annotated[Decimal, Bounded(0, 30, 10)]


class BecomeProviderBody(BaseModel):
    fee_model: FeeModelName = "profit_share"
    share_pct: SharePct = Decimal(10)
    subscription_price: Price | None = None
    follower_cap: int | None = Field(default=None, ge=1, le=1_000_000)
    settlement_period: PeriodName = "weekly"
    min_allocation: Amount | None = None
    margin_mode: MarginModeName | None = Field(
        default=None,
        description="Your own book's margin: isolated (the default) or cross (docs/domain.md "
        "\"Margin\"); a position keeps the mode it opened with until flat.",
    )


class ChangeTermsBody(BaseModel):
    fee_model: FeeModelName | None = None
    share_pct: SharePct | None = None
    subscription_price: Price | None = None
    follower_cap: int | None = Field(default=None, ge=1, le=1_000_000)
    settlement_period: PeriodName | None = None
    min_allocation: Amount | None = None
    margin_mode: MarginModeName | None = Field(
        default=None,
        description="Your own book's margin: isolated (the default) or cross (docs/domain.md "
        "\"Margin\"); a position keeps the mode it opened with until flat.",
    )


class TermsOut(Out):
    id: str
    fee_model: FeeModelName
    share_pct: Money
    subscription_price: Money | None
    follower_cap: int | None
    settlement_period: PeriodName
    min_allocation: Money | None
    margin_mode: MarginModeName


FollowersOut = wire_model(FollowerSummary, open_to_new_followers=(bool, ...))


def terms_view(terms: ProviderTerms) -> dict[str, Any]:
    return {
        "id": terms.provider_id,
        "fee_model": terms.fee_model,
        "share_pct": plain(terms.share_pct),
        "subscription_price": plain(terms.subscription_price),
        "follower_cap": terms.follower_cap,
        "settlement_period": terms.settlement_period,
        "min_allocation": plain(terms.min_allocation),
        "margin_mode": terms.margin_mode,
    }


@router.get("", response_model=TermsOut)
def my_terms(user: CurrentUser, runtime: Runtime) -> dict[str, Any]:
    terms = ProviderService(runtime.platform).terms(user.id)
    if terms is None:
        raise NotFoundError("you are not a provider: POST /api/v1/providers/me to become one")
    return terms_view(terms)


@router.post(
    "",
    status_code=201,
    response_model=TermsOut,
    responses=answer(200, model=TermsOut, description="The terms were replaced.") | CHANGE,
)
def become_provider(
    body: BecomeProviderBody, user: CurrentUser, runtime: Runtime, response: Response
) -> dict[str, Any]:
    """Become a provider with these terms (201), or replace all of them (200)."""
    service = ProviderService(runtime.platform)
    terms = ProviderTerms(
        user.id,
        body.share_pct,
        body.subscription_price,
        body.follower_cap,
        body.settlement_period,
        body.fee_model,
        body.min_allocation,
        body.margin_mode or "isolated",
    )
    existed = service.terms(user.id) is not None
    stored = runtime.act(lambda: service.become(terms))
    if existed:
        response.status_code = 200
    return terms_view(stored)


@router.patch("", response_model=TermsOut, responses=CHANGE)
def change_terms(body: ChangeTermsBody, user: CurrentUser, runtime: Runtime) -> dict[str, Any]:
    """Change some terms; the fee model is locked while followers copy (409)."""
    service = ProviderService(runtime.platform)
    if service.terms(user.id) is None:
        raise NotFoundError("you are not a provider: POST /api/v1/providers/me to become one")
    changes = body.model_dump(exclude_unset=True)
    for name in ("fee_model", "share_pct", "settlement_period", "margin_mode"):
        if name in changes and changes[name] is None:
            del changes[name]  # an explicit null keeps these as they are
    stored = runtime.act(lambda: service.change(user.id, changes))
    return terms_view(stored)


@router.get("/followers", response_model=FollowersOut)
def my_followers(user: CurrentUser, runtime: Runtime) -> dict[str, Any]:
    """How many follow (active, paused, stopped), the cap, AUM (copy equity) and copier PnL."""
    service = ProviderService(runtime.platform)
    if service.terms(user.id) is None:
        raise NotFoundError("you are not a provider: POST /api/v1/providers/me to become one")
    summary = service.followers(user.id)
    view: dict[str, Any] = plain(summary)
    view["open_to_new_followers"] = (
        summary.follower_cap is None or summary.active < summary.follower_cap
    )
    return view
