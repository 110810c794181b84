"""Becoming a provider (/provider/become) and changing one's terms (/provider/terms).

The provider service decides (fee model, share 0–30 %, subscription price, follower
cap, settlement period, minimum allocation, the own book's margin mode: docs/domain.md,
docs/fees.md) and funds the new provider's venue
account; the form only turns text into terms, with messages for the user.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from decimal import Decimal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from copytrade.adapters.db.repositories.accounts import ProviderTerms
from copytrade.api.deps import Runtime
from copytrade.domain.errors import DomainError
from copytrade.service_layer.identity import User
from copytrade.service_layer.providers import ProviderService
from copytrade.web import forms
from copytrade.web.block_execution import block_shown
from copytrade.web.pages import poster, redirect, render, signed_in

router = APIRouter(include_in_schema=False)

FIELDS = (
    "fee_model",
    "share_pct",
    "subscription_price",
    "follower_cap",
    "settlement_period",
    "min_allocation",
    "margin_mode",
)
FEE_MODELS = ("profit_share", "subscription", "commission")
PERIODS = ("weekly", "monthly")
MARGIN_MODES = ("isolated", "cross")


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
    minimum = forms.decimal_or_none(data, "min_allocation", low=Decimal(0))
    margin_mode = forms.text(data, "margin_mode", 16) or "isolated"
    if margin_mode not in MARGIN_MODES:
        raise forms.FormError(f"choose a margin mode ({', '.join(MARGIN_MODES)})")
    return ProviderTerms(
        user_id,
        share if share is not None else Decimal(10),
        price,
        cap,
        period,
        fee_model,
        minimum if minimum else None,  # empty or 0: no minimum
        margin_mode,
    )


async def _posted_terms(request: Request) -> tuple[User, FormData, dict[str, str]] | Response:
    """The poster, the form, and its fields to show again; or the answer to give."""
    user = poster(request)
    if isinstance(user, Response):
        return user
    data = await request.form()
    return user, data, forms.kept(data, *FIELDS, max_length=40)


@router.post("/provider/become", response_class=HTMLResponse)
async def become(request: Request, runtime: Runtime) -> Response:
    posted = await _posted_terms(request)
    if isinstance(posted, Response):
        return posted
    user, data, shown = posted
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


def terms_shown(terms: ProviderTerms) -> dict[str, str]:
    """The stored terms as the form's fields."""
    found = asdict(terms)
    return {name: "" if found[name] is None else str(found[name]) for name in FIELDS}


def _terms_page(
    request: Request, form: dict[str, str], status_code: int = 200, error: str | None = None
) -> HTMLResponse:
    return render(
        request, "provider_terms.html", status_code, form=form, error=error,
        block=block_shown(request),
    )  # fmt: skip


@router.get("/provider/terms", response_class=HTMLResponse)
def terms_form(request: Request, runtime: Runtime) -> Response:
    user = signed_in(request)
    if user is None:
        return redirect("/login")
    terms = ProviderService(runtime.platform).terms(user.id)
    if terms is None:
        return redirect("/provider")  # the form to become one
    return _terms_page(request, terms_shown(terms))


@router.post("/provider/terms", response_class=HTMLResponse)
async def change_terms(request: Request, runtime: Runtime) -> Response:
    """Change the terms through the provider service, as ``PATCH /api/v1/providers/me``:
    the fee model is refused (409) while followers copy under it."""
    posted = await _posted_terms(request)
    if isinstance(posted, Response):
        return posted
    user, data, shown = posted
    service = ProviderService(runtime.platform)
    if service.terms(user.id) is None:
        return redirect("/provider")
    try:
        asked = asdict(terms_asked(user.id, data))
        changes = {name: asked[name] for name in FIELDS}
        runtime.act(lambda: service.change(user.id, changes))
    except (forms.FormError, DomainError) as error:
        return _terms_page(request, shown, forms.error_status(error), str(error))
    return redirect("/provider")
