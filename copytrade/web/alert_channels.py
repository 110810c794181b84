"""My notification channels (/alerts/channels: add, test, switch, remove after
confirming) and my in-app notifications (/alerts/notifications: what fired and why,
mark read), through the same use cases as ``/api/v1/alerts/channels`` and
``/api/v1/alerts/notifications`` (docs/web.md, "Alert channels and notifications").

A secret typed in the form (SMTP password, bot token, webhook secret) is sealed and
never shown again, nor put back in the form when it is shown with an error; a webhook
secret the platform generated is shown once, on the page that answers the form.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from copytrade.adapters.secrets import SecretsError
from copytrade.api.deps import Runtime
from copytrade.domain.alerts.channels import ChannelKind
from copytrade.domain.alerts.errors import ChannelNotFoundError, ChannelTestError
from copytrade.domain.errors import DomainError
from copytrade.service_layer.alerts.channels import channel_json, email_options
from copytrade.service_layer.identity import User
from copytrade.web import forms
from copytrade.web.owned import OwnedThings
from copytrade.web.pages import poster, redirect, render, signed_in

router = APIRouter(include_in_schema=False)
CHANNELS = "/alerts/channels"
NOTIFICATIONS = "/alerts/notifications"
FIELDS = ("kind", "target", "smtp_host", "smtp_port", "smtp_user", "sender", "starttls")
SHOWN_NOTIFICATIONS = 100


def channels_page(
    request: Request, runtime: Runtime, user: User, status: int = 200, *, error: str = "",
    notice: str = "", typed: Mapping[str, str] | None = None, webhook_secret: str = "",
) -> HTMLResponse:
    return render(
        request, "alert_channels.html", status, user=user, error=error, notice=notice,
        channels=[channel_json(c) for c in runtime.alert_channels.channels(user.id)],
        kinds=[k.value for k in ChannelKind], typed=dict(typed or {"kind": "webhook"}),
        webhook_secret=webhook_secret,
    )


@router.get(CHANNELS, response_class=HTMLResponse)
def page(request: Request, runtime: Runtime) -> Response:
    user = signed_in(request)
    return redirect("/login") if user is None else channels_page(request, runtime, user)


def _add(runtime: Runtime, user: User, data: Mapping[str, Any]) -> str | None:
    kind = forms.text(data, "kind", 16)
    options = email_options(
        forms.text(data, "smtp_host", 255), forms.int_or_none(data, "smtp_port", 1, 65535),
        forms.text(data, "smtp_user", 255), forms.text(data, "sender", 255),
        forms.text(data, "starttls", 8) == "yes",
    )
    if kind != ChannelKind.EMAIL.value and options:
        raise forms.FormError(f"the SMTP settings are for e-mail channels, not {kind}")
    secret = forms.text(data, "secret", 1000, strip=False) or None
    _, generated = runtime.act(lambda: runtime.alert_channels.add(
        user.id, kind, forms.text(data, "target", 512), secret=secret, options=options,
    ))
    return generated


@router.post(CHANNELS, response_class=HTMLResponse)
async def add(request: Request, runtime: Runtime) -> Response:
    user = poster(request)
    if isinstance(user, Response):
        return user
    data = await request.form()
    try:
        generated = _add(runtime, user, data)
    except (forms.FormError, DomainError, SecretsError) as error:
        typed = forms.kept(data, *FIELDS)  # never the secret
        status = forms.error_status(error)
        return channels_page(request, runtime, user, status, error=str(error), typed=typed)
    if generated:  # shown this once: the page answers the form instead of redirecting
        return channels_page(
            request, runtime, user, 201, webhook_secret=generated,
            notice="Channel added. Set its signing secret in your webhook receiver now: "
            "it is not shown again.",
        )
    return redirect(CHANNELS)


def _missing(request: Request, runtime: Runtime, user: User, error: Exception) -> HTMLResponse:
    return channels_page(request, runtime, user, 404, error=str(error))


@router.post(CHANNELS + "/{channel_id}/test", response_class=HTMLResponse)
def test(request: Request, runtime: Runtime, channel_id: str) -> Response:
    """Send a test message now (without the engine lock) and say whether it went."""
    user = poster(request)
    if isinstance(user, Response):
        return user
    try:
        channel = runtime.alert_channels.test(channel_id, user.id)
    except ChannelNotFoundError as missing:
        return _missing(request, runtime, user, missing)
    except (ChannelTestError, SecretsError) as failed:
        return channels_page(request, runtime, user, 200, error=str(failed))
    return channels_page(request, runtime, user, notice=f"Test message sent to {channel.target}.")


@router.post(CHANNELS + "/{channel_id}/enable", response_class=HTMLResponse)
def enable(request: Request, runtime: Runtime, channel_id: str) -> Response:
    return _switch(request, runtime, channel_id, True)


@router.post(CHANNELS + "/{channel_id}/disable", response_class=HTMLResponse)
def disable(request: Request, runtime: Runtime, channel_id: str) -> Response:
    return _switch(request, runtime, channel_id, False)


def _shown(request: Request, runtime: Runtime) -> OwnedThings:
    return OwnedThings(
        CHANNELS, ChannelNotFoundError,
        lambda user, status, error: channels_page(request, runtime, user, status, error=error),
    )


def _switch(request: Request, runtime: Runtime, channel_id: str, enabled: bool) -> Response:
    return _shown(request, runtime).change(
        request, runtime,
        lambda user: runtime.alert_channels.edit(channel_id, user.id, enabled=enabled),
    )


def _confirm_page(
    request: Request, runtime: Runtime, user: User, channel_id: str, status: int = 200,
    error: str = "",
) -> Response:
    return _shown(request, runtime).confirmation(
        request, user, lambda: channel_json(runtime.alert_channels.get(channel_id, user.id)),
        "alert_channel_remove.html", status, error,
    )


@router.get(CHANNELS + "/{channel_id}/remove", response_class=HTMLResponse)
def confirm_remove(request: Request, runtime: Runtime, channel_id: str) -> Response:
    user = signed_in(request)
    if user is None:
        return redirect("/login")
    return _confirm_page(request, runtime, user, channel_id)


@router.post(CHANNELS + "/{channel_id}/remove", response_class=HTMLResponse)
async def remove(request: Request, runtime: Runtime, channel_id: str) -> Response:
    return await _shown(request, runtime).remove(
        request, runtime, lambda user: runtime.alert_channels.remove(channel_id, user.id),
        lambda user, status, error: _confirm_page(
            request, runtime, user, channel_id, status, error
        ),
        "tick the box to confirm that the channel is removed",
    )


@router.get(NOTIFICATIONS, response_class=HTMLResponse)
def notifications(request: Request, runtime: Runtime) -> Response:
    user = signed_in(request)
    if user is None:
        return redirect("/login")
    notes = runtime.alert_notifications
    return render(
        request, "alert_notifications.html", user=user,
        notifications=notes.notifications(user.id, SHOWN_NOTIFICATIONS),
        unread=notes.unread(user.id),
    )


@router.post(NOTIFICATIONS + "/read", response_class=HTMLResponse)
async def mark_read(request: Request, runtime: Runtime) -> Response:
    """One notification (``id``) or, without one, all of them marked read."""
    user = poster(request)
    if isinstance(user, Response):
        return user
    data = await request.form()
    try:
        one = forms.int_or_none(data, "id", 1, 2**53 - 1)
    except forms.FormError:
        one = 0  # no notification has it: nothing is marked
    runtime.alert_notifications.mark_read(user.id, None if one is None else {one})
    return redirect(NOTIFICATIONS)
