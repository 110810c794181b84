"""My copy-trading risk alerts (/alerts/risk): my subscriptions with their kind, level and
provider, a form to subscribe, switching on and off, deleting (confirmed), and what fired,
through the same use cases as ``/api/v1/alerts/risk`` and ``copytrade alerts risk``
(docs/web.md, "Risk alerts"; the kinds: docs/alerts.md, "Risk alerts")."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from copytrade.api.deps import Runtime
from copytrade.domain.alerts.errors import AlertNotFoundError
from copytrade.domain.alerts.risk import LEVELS, RiskKind
from copytrade.service_layer.alerts.risk import risk_rule_json
from copytrade.service_layer.identity import User
from copytrade.web import forms
from copytrade.web.owned import OwnedThings
from copytrade.web.pages import redirect, render, signed_in

router = APIRouter(include_in_schema=False)
RISK = "/alerts/risk"
FIELDS = ("kind", "level", "provider")
SHOWN_FIRINGS = 50


def _kinds() -> list[dict[str, str]]:
    """Each kind with what its level is, for the form and the list."""
    shown = []
    for kind in RiskKind:
        bounds = LEVELS[kind]
        if bounds is None:
            shown.append({"value": kind.value, "unit": "", "help": "no level"})
            continue
        default, low, high, unit = bounds
        shown.append({"value": kind.value, "unit": unit,
                      "help": f"{unit}, {low} to {high}, default {default}"})  # fmt: skip
    return shown


def risk_page(
    request: Request, runtime: Runtime, user: User, status: int = 200, error: str = "",
    typed: Mapping[str, str] | None = None,
) -> HTMLResponse:
    kinds = _kinds()
    return render(
        request, "risk_alerts.html", status, user=user, error=error, kinds=kinds,
        units={k["value"]: k["unit"] for k in kinds},
        rules=[risk_rule_json(r) for r in runtime.risk_alerts.rules(user.id)],
        firings=runtime.risk_alerts.fired(user.id, SHOWN_FIRINGS),
        typed=dict(typed or {"kind": RiskKind.DRAWDOWN.value}),
    )


@router.get(RISK, response_class=HTMLResponse)
def page(request: Request, runtime: Runtime) -> Response:
    user = signed_in(request)
    return redirect("/login") if user is None else risk_page(request, runtime, user)


def _subscribe(runtime: Runtime, user: User, data: Mapping[str, object]) -> None:
    level = forms.decimal_or_none(data, "level")  # its range is the kind's (RiskAlerts.add)
    provider = forms.text(data, "provider", 128) or None
    kind = forms.text(data, "kind", 40)
    runtime.act(lambda: runtime.risk_alerts.add(user.id, kind, level, provider))


def _shown(request: Request, runtime: Runtime) -> OwnedThings:
    return OwnedThings(
        RISK, AlertNotFoundError,
        lambda user, status, error: risk_page(request, runtime, user, status, error),
    )


@router.post(RISK, response_class=HTMLResponse)
async def subscribe(request: Request, runtime: Runtime) -> Response:
    return await _shown(request, runtime).make(
        request, lambda user, data: _subscribe(runtime, user, data),
        lambda user, status, error, data: risk_page(
            request, runtime, user, status, error, forms.kept(data, *FIELDS)
        ),
    )


@router.post(RISK + "/{rule_id}/enable", response_class=HTMLResponse)
def enable(request: Request, runtime: Runtime, rule_id: str) -> Response:
    return _shown(request, runtime).change(
        request, runtime, lambda user: runtime.risk_alerts.set_enabled(rule_id, True, user.id)
    )


@router.post(RISK + "/{rule_id}/disable", response_class=HTMLResponse)
def disable(request: Request, runtime: Runtime, rule_id: str) -> Response:
    return _shown(request, runtime).change(
        request, runtime, lambda user: runtime.risk_alerts.set_enabled(rule_id, False, user.id)
    )


def _confirm_page(
    request: Request, runtime: Runtime, user: User, rule_id: str, status: int = 200,
    error: str = "",
) -> Response:
    return _shown(request, runtime).confirmation(
        request, user, lambda: risk_rule_json(runtime.risk_alerts.get(rule_id, user.id)),
        "risk_alert_delete.html", status, error,
    )


@router.get(RISK + "/{rule_id}/delete", response_class=HTMLResponse)
def confirm_delete(request: Request, runtime: Runtime, rule_id: str) -> Response:
    user = signed_in(request)
    return redirect("/login") if user is None else _confirm_page(request, runtime, user, rule_id)


@router.post(RISK + "/{rule_id}/delete", response_class=HTMLResponse)
async def delete(request: Request, runtime: Runtime, rule_id: str) -> Response:
    return await _shown(request, runtime).remove(
        request, runtime, lambda user: runtime.risk_alerts.remove(rule_id, user.id),
        lambda user, status, error: _confirm_page(request, runtime, user, rule_id, status, error),
        "tick the box to confirm that the risk alert is deleted",
    )
