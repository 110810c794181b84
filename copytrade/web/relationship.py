"""One copy relationship's page (/dashboard/relationships/{id}): its equity chart, positions,
settings and every copy decision, page by page; top-up, withdraw, close a position by
hand and stop copying, the last two after a confirmation step that needs no script.

Every change goes through the following service under the engine lock, as the JSON
API's relationship routes do. Someone else's (or an unknown) relationship answers a
404 page and changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from copytrade.api.deps import FollowerContext, Runtime, follower_context
from copytrade.domain.copying import CopySettings, SizingMode
from copytrade.domain.copying.edits import SETTING_NAMES
from copytrade.domain.copying.settings import DEFAULT_MAX_LOSS_PCT
from copytrade.domain.errors import DomainError
from copytrade.web import forms
from copytrade.web.following import FIELDS, MODES, form_of_settings, settings_of_form
from copytrade.web.pages import poster, redirect, render, signed_in
from copytrade.web.paging import Paging, page_asked
from copytrade.web.svg import line_chart

router = APIRouter(include_in_schema=False)

DECISIONS_PAGE = 25
SETTINGS_CHANGES = 20  # the newest edits shown; the API pages through all of them
CONFIRM = "confirm"


def not_found(request: Request, message: str) -> HTMLResponse:
    return render(request, "message.html", 404, title="Not found", message=message)


def relationship_page(
    request: Request,
    me: FollowerContext,
    rel_id: str,
    page: int = 1,
    status_code: int = 200,
    error: str | None = None,
    form: dict[str, str] | None = None,
    settings_form: dict[str, str] | None = None,
) -> HTMLResponse:
    try:
        detail = me.views.relationship(me.id, rel_id, page, DECISIONS_PAGE)
        changes, changes_total = me.commands.settings_history(me.id, rel_id, SETTINGS_CHANGES)
        live_state = me.live.state(me.id, rel_id)
    except DomainError as error_found:
        return not_found(request, str(error_found))
    today = me.runtime.platform.clock.now().date()
    decisions = detail.decisions
    context: dict[str, Any] = {
        "d": detail,
        "r": detail.relationship,
        "chart": line_chart(me.views.equity_history(me.id, today, rel_id)),
        "paging": Paging(page, DECISIONS_PAGE, len(decisions.items), decisions.total),
        "money_key": uuid.uuid4().hex,  # one per form shown: a resubmission moves money once
        "error": error,
        "form": form or {},
        "live": True,
        "settings_form": settings_form or form_of_settings(detail.settings),
        "settings_changes": changes,
        "settings_changes_total": changes_total,
        "editing": True,
        "modes": {mode.value: label for mode, label in MODES.items()},
        "defaults": CopySettings(SizingMode.PROPORTIONAL),
        "default_max_loss": DEFAULT_MAX_LOSS_PCT,
        "symbols": ", ".join(sorted(me.runtime.platform.engine.instruments)),
        "live_state": live_state,  # docs/web.md, "Copying on my exchange account"
        "linked": me.runtime.exchange_accounts.of_owner(me.id),
    }
    return render(request, "relationship.html", status_code, user=me.user, **context)


def _viewer(request: Request, runtime: Runtime) -> FollowerContext | Response:
    """The signed-in follower behind a GET, or the way to the sign-in page."""
    user = signed_in(request)
    return redirect("/login") if user is None else follower_context(user, runtime)


@router.get("/dashboard/relationships/{rel_id}", response_class=HTMLResponse)
def show(request: Request, runtime: Runtime, rel_id: str) -> Response:
    me = _viewer(request, runtime)
    if isinstance(me, Response):
        return me
    try:
        page = page_asked(request.query_params)
    except forms.FormError as error:
        return relationship_page(request, me, rel_id, 1, 422, str(error))
    return relationship_page(request, me, rel_id, page)


def posted(request: Request, runtime: Runtime) -> FollowerContext | Response:
    """The signed-in follower behind a POST from one of our pages, or the refusal."""
    user = poster(request)
    return user if isinstance(user, Response) else follower_context(user, runtime)


def then_show(
    request: Request,
    me: FollowerContext,
    rel_id: str,
    change: Callable[[], None],
    done: str,
    form: dict[str, str] | None = None,
    settings_form: dict[str, str] | None = None,
    refusals: tuple[type[Exception], ...] = (),
) -> Response:
    """Do ``change``, then show ``done``; a refusal (a form error, a domain error, one of
    ``refusals``) shows the relationship page again, with what was typed into ``form``
    (money) or ``settings_form`` (the settings)."""
    caught: tuple[type[Exception], ...] = (forms.FormError, DomainError, *refusals)
    try:
        change()
    except caught as error:
        status = forms.error_status(error)
        if status == 404:
            return not_found(request, str(error))
        return relationship_page(
            request, me, rel_id, 1, status, str(error), form, settings_form
        )
    return redirect(done)


async def _move_money(request: Request, runtime: Runtime, rel_id: str, way: str) -> Response:
    me = posted(request, runtime)
    if isinstance(me, Response):
        return me
    data = await request.form()
    shown = {f"{way}_amount": forms.kept(data, "amount", max_length=40)["amount"]}

    def move() -> None:
        amount = forms.amount(data, "amount")
        key = forms.once_key(data)
        command = me.commands.top_up if way == "top_up" else me.commands.withdraw
        me.act(lambda: command(me.id, rel_id, amount, key))

    return then_show(request, me, rel_id, move, f"/dashboard/relationships/{rel_id}", shown)


@router.post("/dashboard/relationships/{rel_id}/settings", response_class=HTMLResponse)
async def edit_settings(request: Request, runtime: Runtime, rel_id: str) -> Response:
    """Change the copy settings as the form asks (docs/web.md, "Editing copy settings"):
    read like a follow form, checked by the service like a follow, recorded with the time."""
    me = posted(request, runtime)
    if isinstance(me, Response):
        return me
    data = await request.form()
    shown = forms.kept(data, *(name for name in FIELDS if name != "allocation"), max_length=200)
    shown["close_on_stop"] = "yes" if forms.kept(data, "close_on_stop")["close_on_stop"] else ""

    def change() -> None:
        wanted = settings_of_form(data)
        changes = {name: getattr(wanted, name) for name in SETTING_NAMES}
        changes.pop("copy_open_positions")  # a choice made at the follow only
        me.act(lambda: me.commands.edit_settings(me.id, rel_id, changes))

    done = f"/dashboard/relationships/{rel_id}#rel-edit"
    return then_show(request, me, rel_id, change, done, settings_form=shown)


@router.post("/dashboard/relationships/{rel_id}/top-up", response_class=HTMLResponse)
async def top_up(request: Request, runtime: Runtime, rel_id: str) -> Response:
    return await _move_money(request, runtime, rel_id, "top_up")


@router.post("/dashboard/relationships/{rel_id}/withdraw", response_class=HTMLResponse)
async def withdraw(request: Request, runtime: Runtime, rel_id: str) -> Response:
    return await _move_money(request, runtime, rel_id, "withdraw")


def confirm_page(
    request: Request,
    me: FollowerContext,
    rel_id: str,
    what: str,
    symbol: str = "",
    status_code: int = 200,
    error: str | None = None,
) -> HTMLResponse:
    """The confirmation step of a stop or a close by hand: what it does, a required box."""
    try:
        detail = me.views.relationship(me.id, rel_id, 1, 1)
    except DomainError as error_found:
        return not_found(request, str(error_found))
    position = next((p for p in detail.positions if p.symbol == symbol), None)
    if what == "close" and position is None:
        return not_found(request, f"this copy holds no open {symbol or 'such'} position")
    context = {
        "what": what,
        "r": detail.relationship,
        "d": detail,
        "position": position,
        "close_on_stop": detail.settings["close_on_stop"],
        "error": error,
    }
    return render(request, "confirm.html", status_code, user=me.user, **context)


@router.get("/dashboard/relationships/{rel_id}/stop", response_class=HTMLResponse)
def confirm_stop(request: Request, runtime: Runtime, rel_id: str) -> Response:
    me = _viewer(request, runtime)
    return me if isinstance(me, Response) else confirm_page(request, me, rel_id, "stop")


@router.get("/dashboard/relationships/{rel_id}/close", response_class=HTMLResponse)
def confirm_close(request: Request, runtime: Runtime, rel_id: str) -> Response:
    me = _viewer(request, runtime)
    if isinstance(me, Response):
        return me
    symbol = forms.kept(request.query_params, "symbol", max_length=64)["symbol"]
    return confirm_page(request, me, rel_id, "close", symbol)


def _unconfirmed(data: Any) -> bool:
    return forms.text(data, CONFIRM, 8) != "yes"


@router.post("/dashboard/relationships/{rel_id}/stop", response_class=HTMLResponse)
async def stop(request: Request, runtime: Runtime, rel_id: str) -> Response:
    """Stop copying for good once the box is ticked; positions closed or kept as chosen."""
    me = posted(request, runtime)
    if isinstance(me, Response):
        return me
    data = await request.form()
    if _unconfirmed(data):
        message = "tick the box to confirm that you want to stop copying"
        return confirm_page(request, me, rel_id, "stop", status_code=422, error=message)
    choice = forms.text(data, "close_on_stop", 8)
    close_on_stop = {"yes": True, "no": False}.get(choice)

    def change() -> None:
        me.act(lambda: me.commands.stop(me.id, rel_id, close_on_stop))

    return then_show(request, me, rel_id, change, "/dashboard")


@router.post("/dashboard/relationships/{rel_id}/close", response_class=HTMLResponse)
async def close(request: Request, runtime: Runtime, rel_id: str) -> Response:
    """Close one copied position at market once the box is ticked; it is then detached."""
    me = posted(request, runtime)
    if isinstance(me, Response):
        return me
    data = await request.form()
    symbol = forms.text(data, "symbol", 64)
    if _unconfirmed(data):
        message = "tick the box to confirm that you want to close this position"
        return confirm_page(request, me, rel_id, "close", symbol, 422, message)

    def change() -> None:
        me.act(lambda: me.commands.close_position(me.id, rel_id, symbol))

    return then_show(request, me, rel_id, change, f"/dashboard/relationships/{rel_id}")
