"""Exchange accounts (/me/exchange): link the signed-in user's trading book to a live
exchange account, check it, unlink it, through the same use case as
``/api/v1/exchange-accounts`` and ``copytrade venues`` (docs/web.md; docs/venues.md,
"Linking accounts"). The keys typed in are never shown again, not even in a refused
form: it comes back with the exchange and the testnet box only."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from copytrade.adapters.secrets import SecretsError
from copytrade.adapters.venues.ccxt.credentials import ApiCredentials
from copytrade.adapters.venues.errors import VenueError
from copytrade.api.deps import Runtime
from copytrade.api.runtime import ServerRuntime
from copytrade.domain.errors import DomainError
from copytrade.service_layer.exchange_accounts import CheckReport, ExchangeAccountError
from copytrade.service_layer.identity import User
from copytrade.web import forms
from copytrade.web.pages import poster, redirect, render, signed_in

router = APIRouter(include_in_schema=False)
REFUSALS = (forms.FormError, DomainError, ExchangeAccountError, SecretsError, VenueError)


def exchange_page(
    request: Request,
    user: User,
    runtime: ServerRuntime,
    status_code: int = 200,
    error: str | None = None,
    report: CheckReport | None = None,
    notice: str | None = None,
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "exchange.html",
        status_code,
        user=user,
        linked=runtime.exchange_accounts.of_owner(user.id),
        offered=sorted(runtime.exchange_sites),
        error=error,
        report=report,
        notice=notice,
        typed=typed or {},
    )


@router.get("/me/exchange", response_class=HTMLResponse)
def exchange_accounts_page(request: Request, runtime: Runtime) -> Response:
    user = signed_in(request)
    if user is None:
        return redirect("/login")
    return exchange_page(request, user, runtime)


async def _reported(
    request: Request, user: User, runtime: ServerRuntime, work: Callable[[], CheckReport],
    notice: str, typed: dict[str, str] | None = None,
) -> Response:
    """Run ``work`` (it reaches the exchange: off the event loop), then show the page with
    its report, or with the refusal's message and status."""
    try:
        report = await run_in_threadpool(work)
    except REFUSALS as error:
        return exchange_page(
            request, user, runtime, forms.error_status(error), str(error), typed=typed
        )
    return exchange_page(request, user, runtime, 201, report=report, notice=notice)


@router.post("/me/exchange", response_class=HTMLResponse)
async def link_account(request: Request, runtime: Runtime) -> Response:
    user = poster(request)
    if isinstance(user, Response):
        return user
    data = await request.form()
    exchange = forms.text(data, "exchange", 32)
    sandbox = data.get("sandbox") == "on"
    typed = {"exchange": exchange, "sandbox": "on" if sandbox else ""}  # never the keys
    accounts = runtime.exchange_accounts

    def link() -> CheckReport:
        credentials = ApiCredentials(
            forms.text(data, "api_key", 512),
            forms.text(data, "secret", 512),
            forms.text(data, "password", 512) or None,
        )
        return accounts.link_own(
            user.id, credentials, runtime.exchange_sites.get(exchange),
            exchange=exchange, sandbox=sandbox,
        )

    return await _reported(request, user, runtime, link, f"linked to {exchange}", typed)


@router.post("/me/exchange/{account}/check", response_class=HTMLResponse)
async def check_account(request: Request, runtime: Runtime, account: str) -> Response:
    user = poster(request)
    if isinstance(user, Response):
        return user
    accounts = runtime.exchange_accounts
    response = await _reported(
        request, user, runtime, lambda: accounts.check_own(user.id, account), "checked"
    )
    if response.status_code == 201:
        response.status_code = 200  # a check makes nothing
    return response


@router.post("/me/exchange/{account}/unlink", response_class=HTMLResponse)
async def unlink_account(request: Request, runtime: Runtime, account: str) -> Response:
    user = poster(request)
    if isinstance(user, Response):
        return user
    try:
        runtime.exchange_accounts.remove_own(user.id, account)
    except REFUSALS as error:
        return exchange_page(request, user, runtime, forms.error_status(error), str(error))
    return redirect("/me/exchange")
