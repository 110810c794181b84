"""The signed-in user's statements and settlements (docs/domain.md, Profit share,
docs/settlement.md)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from copytrade.api.deps import CurrentUser, Runtime
from copytrade.api.encode import plain
from copytrade.api.errors import errors
from copytrade.api.paths import API_V1
from copytrade.api.routers.statements_out import SettlementsPage, StatementOut
from copytrade.service_layer.my_statements import MyStatements, paid_total

router = APIRouter(prefix=f"{API_V1}", tags=["statements"], responses=errors(401, 422))

# 2026-W47 (weekly), 2026-11 (monthly), stop:follower (a settlement at a stop)
PERIOD = r"^(\d{4}-W\d{2}|\d{4}-\d{2}|stop:[a-z_]{1,32})$"


@router.get("/statements", response_model=StatementOut)
def my_statement(
    user: CurrentUser,
    runtime: Runtime,
    period: str | None = Query(None, pattern=PERIOD, examples=["2026-W47"]),
) -> dict[str, Any]:
    """What I paid as a follower and, if I am a provider, what I earned, in one period
    (all periods without ``period``): settlements, subscriptions, fees and totals."""
    mine = MyStatements(runtime.platform.uow).statement(user.id, [period] if period else [])
    follower = mine.follower.to_json()
    follower["subscriptions"] = plain(mine.subscriptions_paid)
    follower["totals"]["subscriptions_paid"] = plain(paid_total(mine.subscriptions_paid, "price"))
    provider = None
    if mine.provider is not None:
        provider = mine.provider.to_json()
        provider["subscriptions"] = plain(mine.subscriptions_earned)
        provider["totals"]["subscriptions_earned"] = plain(
            paid_total(mine.subscriptions_earned, "provider_part")
        )
    return {"period": period, "follower": follower, "provider": provider}


@router.get("/settlements", response_model=SettlementsPage)
def my_settlements(
    user: CurrentUser,
    runtime: Runtime,
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(50, ge=1, le=200),
) -> dict[str, Any]:
    """My settlements as a follower or a provider, newest first, one page."""
    items, total = MyStatements(runtime.platform.uow).settlements(
        user.id, page_size, (page - 1) * page_size
    )
    return {
        "page": page,
        "page_size": page_size,
        "total": total,
        "items": [{"role": role, **plain(line)} for role, line in items],
    }
