"""The follower's dashboard (/dashboard) and the provider's (/provider).

Read from the following views, the provider service and the user's statements;
pause and resume go through the following service under the engine lock
(``runtime.act``), exactly as the JSON API's relationship routes.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from copytrade.api.deps import FollowerContext, Runtime, follower_context
from copytrade.domain.copying import RelationshipStatus
from copytrade.domain.errors import DomainError
from copytrade.service_layer.fill_quality import FillQualityReads
from copytrade.service_layer.my_statements import MyStatements, paid_total
from copytrade.service_layer.providers import ProviderService
from copytrade.service_layer.statements import FollowerLine
from copytrade.web import forms
from copytrade.web.pages import poster, redirect, render, signed_in
from copytrade.web.svg import line_chart

router = APIRouter(include_in_schema=False)

DECISIONS_SHOWN = 10
SETTLEMENTS_READ = 200


def follower_dashboard(
    request: Request, me: FollowerContext, status_code: int = 200, error: str | None = None
) -> HTMLResponse:
    account = me.views.account(me.id)
    lines, _ = MyStatements(me.runtime.platform.uow).settlements(me.id, SETTLEMENTS_READ, 0)
    settlements: dict[str, list[FollowerLine]] = defaultdict(list)
    for role, line in lines:
        if role == "follower" and isinstance(line, FollowerLine):
            settlements[line.relationship_id].append(line)
    platform = me.runtime.platform
    fills = FillQualityReads(platform.uow, platform.engine.prices.snapshot).follower(me.id)
    quality = {r.relationship_id: r for r in fills.relationships}
    cards = [
        {
            "detail": me.views.relationship(me.id, summary.id, 1, DECISIONS_SHOWN),
            "settlements": settlements.get(summary.id, []),
            "fills": quality.get(summary.id),
        }
        for summary in reversed(account.relationships)  # newest first
    ]
    today = me.runtime.platform.clock.now().date()
    chart = line_chart(me.views.equity_history(me.id, today)) if account.relationships else None
    return render(
        request,
        "dashboard.html",
        status_code,
        user=me.user,
        account=account,
        chart=chart,
        live=True,
        cards=cards,
        fills=fills,
        stopped=RelationshipStatus.STOPPED,
        paused=RelationshipStatus.PAUSED,
        error=error,
    )


@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, runtime: Runtime) -> Response:
    user = signed_in(request)
    if user is None:
        return redirect("/login")
    return follower_dashboard(request, follower_context(user, runtime))


@router.post("/dashboard/relationships/{rel_id}/{action}", response_class=HTMLResponse)
async def change_relationship(
    request: Request, runtime: Runtime, rel_id: str, action: str
) -> Response:
    """Pause or resume one of the signed-in follower's relationships (stopping asks for a
    confirmation first: ``relationship.stop``).

    Someone else's (or an unknown) relationship answers a 404 page and changes nothing.
    """
    user = poster(request)
    if isinstance(user, Response):
        return user
    me = follower_context(user, runtime)
    commands = {
        "pause": lambda: me.commands.pause(me.id, rel_id),
        "resume": lambda: me.commands.resume(me.id, rel_id),
    }
    change = commands.get(action)
    if change is None:
        return render(request, "message.html", 404, title="Not found", message="No such action.")
    try:
        me.act(change)
    except DomainError as error:
        status = forms.error_status(error)
        if status == 404:
            return render(request, "message.html", 404, title="Not found", message=str(error))
        return follower_dashboard(request, me, status, str(error))
    return redirect("/dashboard")


@router.get("/provider", response_class=HTMLResponse)
def provider_dashboard(request: Request, runtime: Runtime) -> Response:
    """A provider's aggregate figures: followers by status, AUM, copier PnL, earnings.

    Never a follower's identity or balance: the service and the statements give sums.
    """
    user = signed_in(request)
    if user is None:
        return redirect("/login")
    service = ProviderService(runtime.platform)
    terms = service.terms(user.id)
    context: dict[str, Any] = {"terms": terms}
    if terms is not None:
        mine = MyStatements(runtime.platform.uow).statement(user.id, [])
        statement = mine.provider
        context.update(
            followers=service.followers(user.id),
            lines=statement.lines if statement is not None else (),
            credits=statement.total("provider_credit") if statement is not None else None,
            subscriptions=paid_total(mine.subscriptions_earned, "provider_part"),
            live=True,
        )
    return render(request, "provider_dashboard.html", user=user, **context)
