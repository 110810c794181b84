"""API keys on the account page (/me): make one (shown once, on the page that answers
the form) and revoke one, through the same service as ``/api/v1/auth/keys``
(docs/api.md, API keys; docs/web.md)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from copytrade.api.deps import Runtime, follower_context
from copytrade.domain.errors import DomainError
from copytrade.service_layer.api_keys import Scope
from copytrade.web import forms
from copytrade.web.account import account_page
from copytrade.web.pages import poster, redirect

router = APIRouter(include_in_schema=False)
SCOPES: dict[str, Scope] = {"read": "read", "trade": "trade"}


@router.post("/me/api-keys", response_class=HTMLResponse)
async def create_key(request: Request, runtime: Runtime) -> Response:
    user = poster(request)
    if isinstance(user, Response):
        return user
    me = follower_context(user, runtime)
    data = await request.form()
    try:
        name = forms.text(data, "name", 100)
        scope = SCOPES.get(forms.text(data, "scope", 8))
        if not name or scope is None:
            raise forms.FormError("name the key and choose read-only or trade")
        made = runtime.api_keys.create(user.id, name, scope)
    except (forms.FormError, DomainError) as error:
        return account_page(request, me, forms.error_status(error), str(error))
    return account_page(request, me, 201, new_key=made.key)


@router.post("/me/api-keys/{key_id}/revoke", response_class=HTMLResponse)
async def revoke_key(request: Request, runtime: Runtime, key_id: str) -> Response:
    user = poster(request)
    if isinstance(user, Response):
        return user
    try:
        runtime.api_keys.revoke(user.id, key_id)
    except DomainError as error:
        me = follower_context(user, runtime)
        return account_page(request, me, forms.error_status(error), str(error))
    return redirect("/me")
