"""The signed-in user's page (/me), paper deposits, and the follow form.

Every change goes through the following service under the engine lock, exactly as
the JSON API's (``copytrade.api.deps.follower_context``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from copytrade.api.deps import FollowerContext, Runtime, follower_context
from copytrade.domain.errors import DomainError
from copytrade.web import forms
from copytrade.web.discovery import provider_page
from copytrade.web.following import CHECKBOXES, FIELDS, follow_request
from copytrade.web.pages import poster, redirect, render, signed_in

router = APIRouter(include_in_schema=False)

def account_page(
    request: Request,
    me: FollowerContext,
    status_code: int = 200,
    error: str | None = None,
    new_key: str | None = None,
) -> HTMLResponse:
    return render(
        request,
        "me.html",
        status_code,
        user=me.user,
        account=me.views.account(me.id),
        deposit_key=uuid.uuid4().hex,  # one per form shown: a resubmission deposits once
        error=error,
        api_keys=me.runtime.api_keys.of_user(me.id),
        new_key=new_key,  # shown once: the answer to the form that made it
    )


async def _posted(request: Request, runtime: Runtime) -> FollowerContext | Response:
    """The signed-in follower behind a form POST from our own pages, or the answer to give."""
    user = poster(request)
    return user if isinstance(user, Response) else follower_context(user, runtime)


@router.get("/me", response_class=HTMLResponse)
def me_page(request: Request, runtime: Runtime) -> Response:
    user = signed_in(request)
    if user is None:
        return redirect("/login")
    return account_page(request, follower_context(user, runtime))


def _then_account(request: Request, me: FollowerContext, change: Callable[[], None]) -> Response:
    """Do ``change``, then show /me; a refusal shows /me again with the message."""
    try:
        change()
    except (forms.FormError, DomainError) as error:
        return account_page(request, me, forms.error_status(error), str(error))
    return redirect("/me")


@router.post("/me/deposit", response_class=HTMLResponse)
async def deposit(request: Request, runtime: Runtime) -> Response:
    me = await _posted(request, runtime)
    if isinstance(me, Response):
        return me
    data = await request.form()

    def paper_deposit() -> None:
        amount = forms.amount(data, "amount")
        key = forms.once_key(data)
        me.act(lambda: me.commands.deposit_funds(me.id, amount, key))

    return _then_account(request, me, paper_deposit)


@router.post("/providers/{provider_id}/copy", response_class=HTMLResponse)
async def copy_provider(request: Request, runtime: Runtime, provider_id: str) -> Response:
    me = await _posted(request, runtime)
    if isinstance(me, Response):
        return me
    data = await request.form()
    shown = forms.kept(data, *FIELDS, max_length=200)
    for box in CHECKBOXES:
        shown[box] = "yes" if forms.kept(data, box)[box] else ""
    try:
        wanted = follow_request(provider_id, data)
        me.act(lambda: me.commands.follow(me.id, wanted))
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
