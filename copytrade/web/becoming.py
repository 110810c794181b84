"""Becoming a provider from the web UI (/provider/become): the terms form's POST.

The provider service decides (fee model, share 0–30 %, subscription price, follower
cap, settlement period: docs/domain.md, docs/fees.md) and funds the new provider's venue
account; the form only turns text into terms, with messages for the user.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.api.deps import Runtime
from copytrade.domain.errors import DomainError
from copytrade.service_layer.providers import ProviderService
from copytrade.web import forms
from copytrade.web.pages import poster, redirect, render

router = APIRouter(include_in_schema=False)

FIELDS = ("fee_model", "share_pct", "subscription_price", "follower_cap", "settlement_period")
FEE_MODELS = ("profit_share", "subscription", "commission")
PERIODS = ("weekly", "monthly")


def terms_asked(user_id: str, data: Mapping[str, object]) -> ProviderTerms:
    fee_model = forms.text(data, "fee_model", 16) or "profit_share"
    period = forms.text(data, "settlement_period", 16) or "weekly"
    if fee_model not in FEE_MODELS or period not in PERIODS:
        raise forms.FormError(
            f"choose a fee model ({', '.join(FEE_MODELS)}) and a period ({', '.join(PERIODS)})"
        )
    share = forms.decimal_or_none(data, "share_pct", low=Decimal(0), high=Decimal(30))
    price = forms.decimal_or_none(data, "subscription_price", low=Decimal(0))
    cap = forms.int_or_none(data, "follower_cap", low=1, high=1_000_000)
    return ProviderTerms(
        user_id,
        share if share is not None else Decimal(10),
        price,
        cap,
        period,
        fee_model,
    )


@router.post("/provider/become", response_class=HTMLResponse)
async def become(request: Request, runtime: Runtime) -> Response:
    user = poster(request)
    if isinstance(user, Response):
        return user
    data = await request.form()
    shown = forms.kept(data, *FIELDS, max_length=40)
    service = ProviderService(runtime.platform)
    try:
        terms = terms_asked(user.id, data)
        runtime.act(lambda: service.become(terms))
    except (forms.FormError, DomainError) as error:
        return render(
            request,
            "provider_dashboard.html",
            forms.error_status(error),
            user=user,
            terms=None,
            become_error=str(error),
            form=shown,
        )
    return redirect("/provider")
