"""The signed-in user's page (/me) and the "Copy this provider" form's target."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from copytrade.api.deps import Runtime
from copytrade.domain.disclosures import RISK_DISCLOSURE_VERSION
from copytrade.domain.errors import DomainError
from copytrade.domain.ledger.accounts import LedgerAccount
from copytrade.web import forms
from copytrade.web.discovery import provider_page
from copytrade.web.following import FollowRequest, start_following
from copytrade.web.pages import redirect, refused, render, signed_in

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True, slots=True)
class RelationshipLine:
    id: str
    provider_id: str
    provider_name: str
    status: str
    allocation: Decimal
    created_at: datetime


@router.get("/me", response_class=HTMLResponse)
def me(request: Request, runtime: Runtime) -> Response:
    user = signed_in(request)
    if user is None:
        return redirect("/login")
    with runtime.platform.uow() as uow:
        free = uow.ledger.balance(LedgerAccount.follower_free(user.id))
        lines = [
            RelationshipLine(
                str(rel.id),
                str(rel.provider),
                uow.accounts.display_name(str(rel.provider)),
                rel.state.status.value,
                rel.net_allocated,
                rel.created_at,
            )
            for rel in uow.relationships.for_follower(user.id)
        ]
    lines.sort(key=lambda line: line.created_at, reverse=True)
    return render(request, "me.html", user=user, free=free, relationships=lines)


@router.post("/providers/{provider_id}/copy", response_class=HTMLResponse)
async def copy_provider(request: Request, runtime: Runtime, provider_id: str) -> Response:
    if not forms.same_origin(request):
        return refused(request)
    user = signed_in(request)
    if user is None:
        return redirect("/login")
    data = await request.form()
    shown = forms.kept(data, "allocation", max_length=40)
    try:
        allocation = forms.decimal_or_none(data, "allocation", low=Decimal("0.01"))
        if allocation is None:
            raise forms.FormError("enter the amount to allocate (USDT)")
        if forms.text(data, "acknowledge", 8) != "yes":
            raise forms.FormError(
                "tick the box to confirm you have read and accept the risk disclosure"
            )
        if forms.text(data, "disclosure_version", 32) != RISK_DISCLOSURE_VERSION:
            raise forms.FormError("the risk disclosure has changed: read it again and confirm")
        wanted = FollowRequest(provider_id, allocation, RISK_DISCLOSURE_VERSION)
        runtime.act(lambda: start_following(runtime, user, wanted))
    except (forms.FormError, DomainError) as error:
        return provider_page(
            request,
            runtime,
            provider_id,
            forms.error_status(error),
            follow_error=str(error),
            form=shown,
        )
    return redirect("/me")
