"""The alerts page (/alerts): my technical-indicator rules with their status and last
firing, a form to make one, switching on and off, deleting (confirmed), and what fired
with the indicator values, through the same service as ``/api/v1/alerts``
(docs/web.md, "Alerts"; docs/alerts.md)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from copytrade.api.deps import Runtime
from copytrade.domain.alerts.errors import AlertNotFoundError
from copytrade.domain.alerts.parser import MAX_LENGTH
from copytrade.domain.alerts.rules import MAX_COOLDOWN
from copytrade.domain.alerts.timeframes import Timeframe
from copytrade.domain.errors import DomainError
from copytrade.service_layer.alerts.rules import rule_json
from copytrade.service_layer.identity import User
from copytrade.web import forms
from copytrade.web.owned import OwnedThings
from copytrade.web.pages import poster, redirect, render, signed_in

router = APIRouter(include_in_schema=False)
FIELDS = ("symbol", "timeframe", "condition", "mode", "cooldown_minutes", "expires_at")
SHOWN_FIRINGS = 50


def alerts_page(
    request: Request, runtime: Runtime, user: User, status: int = 200, error: str = "",
    typed: Mapping[str, str] | None = None, editing: str = "",
    edit_typed: Mapping[str, str] | None = None,
) -> HTMLResponse:
    now = runtime.platform.clock.now()
    return render(
        request, "alerts.html", status, user=user, error=error, editing=editing,
        edit_typed=dict(edit_typed or {}),
        rules=[rule_json(r, now) for r in runtime.alert_rules.rules(user.id)],
        firings=runtime.alert_rules.firings(user.id, SHOWN_FIRINGS),
        symbols=sorted(runtime.platform.engine.instruments),
        timeframes=[t.value for t in Timeframe], typed=dict(typed or {"timeframe": "1h"}),
        max_condition=MAX_LENGTH,
    )


@router.get("/alerts", response_class=HTMLResponse)
def page(request: Request, runtime: Runtime) -> Response:
    user = signed_in(request)
    return redirect("/login") if user is None else alerts_page(request, runtime, user)


def _expiry(raw: str) -> datetime | None:
    """The form's ``datetime-local`` value, read as UTC (the page says so)."""
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise forms.FormError(f"expiry must be a date and time, got {raw!r}") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def _mode_and_cooldown(data: Mapping[str, Any]) -> tuple[str, timedelta]:
    mode = "every" if forms.text(data, "mode", 8) == "every" else "once"
    minutes = forms.int_or_none(data, "cooldown_minutes", 0, MAX_COOLDOWN.days * 24 * 60)
    return mode, timedelta(minutes=minutes or 0)


def _new_rule(runtime: Runtime, user: User, data: Mapping[str, Any]) -> None:
    mode, cooldown = _mode_and_cooldown(data)
    runtime.act(
        lambda: runtime.alert_rules.add(
            user.id, forms.text(data, "symbol", 40), forms.text(data, "timeframe", 8),
            forms.text(data, "condition", MAX_LENGTH), mode=mode, cooldown=cooldown,
            expires_at=_expiry(forms.text(data, "expires_at", 40)),
        )
    )


@router.post("/alerts", response_class=HTMLResponse)
async def create(request: Request, runtime: Runtime) -> Response:
    user = poster(request)
    if isinstance(user, Response):
        return user
    data = await request.form()
    try:
        _new_rule(runtime, user, data)
    except (forms.FormError, DomainError) as error:
        typed = forms.kept(data, *FIELDS, max_length=MAX_LENGTH)
        return alerts_page(request, runtime, user, forms.error_status(error), str(error), typed)
    return redirect("/alerts")


EDIT_FIELDS = ("condition", "mode", "cooldown_minutes", "expires_at", "enabled")


@router.post("/alerts/{rule_id}/edit", response_class=HTMLResponse)
async def edit(request: Request, runtime: Runtime, rule_id: str) -> Response:
    """The rule's edit form (on /alerts): every field it shows, changed in place."""
    user = poster(request)
    if isinstance(user, Response):
        return user
    data = await request.form()
    try:
        mode, cooldown = _mode_and_cooldown(data)
        expires_at = _expiry(forms.text(data, "expires_at", 40))
        runtime.act(lambda: runtime.alert_rules.edit(
            rule_id, user.id, condition=forms.text(data, "condition", MAX_LENGTH), mode=mode,
            cooldown=cooldown, expires_at=expires_at,
            enabled=forms.text(data, "enabled", 8) == "yes",
        ))
    except AlertNotFoundError as missing:
        return alerts_page(request, runtime, user, 404, str(missing))
    except (forms.FormError, DomainError) as error:
        typed = forms.kept(data, *EDIT_FIELDS, max_length=MAX_LENGTH)
        return alerts_page(request, runtime, user, forms.error_status(error), str(error),
                           editing=rule_id, edit_typed=typed)
    return redirect("/alerts")


@router.post("/alerts/{rule_id}/enable", response_class=HTMLResponse)
def enable(request: Request, runtime: Runtime, rule_id: str) -> Response:
    return _switch(request, runtime, rule_id, True)


@router.post("/alerts/{rule_id}/disable", response_class=HTMLResponse)
def disable(request: Request, runtime: Runtime, rule_id: str) -> Response:
    return _switch(request, runtime, rule_id, False)


def _shown(request: Request, runtime: Runtime) -> OwnedThings:
    return OwnedThings(
        "/alerts", AlertNotFoundError,
        lambda user, status, error: alerts_page(request, runtime, user, status, error),
    )


def _switch(request: Request, runtime: Runtime, rule_id: str, enabled: bool) -> Response:
    return _shown(request, runtime).change(
        request, runtime, lambda user: runtime.alert_rules.set_enabled(rule_id, enabled, user.id)
    )


def _confirm_page(
    request: Request, runtime: Runtime, user: User, rule_id: str, status: int = 200,
    error: str = "",
) -> Response:
    return _shown(request, runtime).confirmation(
        request, user,
        lambda: rule_json(runtime.alert_rules.get(rule_id, user.id), runtime.platform.clock.now()),
        "alert_delete.html", status, error,
    )


@router.get("/alerts/{rule_id}/delete", response_class=HTMLResponse)
def confirm_delete(request: Request, runtime: Runtime, rule_id: str) -> Response:
    user = signed_in(request)
    return redirect("/login") if user is None else _confirm_page(request, runtime, user, rule_id)


@router.post("/alerts/{rule_id}/delete", response_class=HTMLResponse)
async def delete(request: Request, runtime: Runtime, rule_id: str) -> Response:
    return await _shown(request, runtime).remove(
        request, runtime, lambda user: runtime.alert_rules.remove(rule_id, user.id),
        lambda user, status, error: _confirm_page(request, runtime, user, rule_id, status, error),
        "tick the box to confirm that the rule is deleted",
    )
