"""The signed-in user's notification channels and in-app notifications (docs/api.md,
"Alert channels and notifications"; the rules: docs/alerts.md, "Channels" and
"Notifications").

A channel is its owner's alone: another user's id answers 404, as an unknown one.
Secrets (the SMTP password, the bot token, the webhook secret) are taken on create
and edit and never returned, except a webhook secret the server generated, answered
once by the create. The checks are the service layer's (``AlertChannels``), the same
the CLI runs; a server without a master key answers 503 ``secrets_unavailable`` when
a secret must be sealed or opened.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from copytrade.api.deps import CurrentUser, Runtime
from copytrade.api.errors import ErrorBody, answer, errors
from copytrade.api.paths import API_V1
from copytrade.api.wire import Out, Timestamp
from copytrade.domain.alerts.errors import ChannelTestError
from copytrade.service_layer.alerts.channels import channel_json, email_options
from copytrade.service_layer.alerts.notifications import MAX_LIMIT, MAX_MARKED

router = APIRouter(prefix=f"{API_V1}/alerts", tags=["alerts"], responses=errors(401, 403))

CHANNEL_ID = Path(pattern=r"^chan_[0-9a-f]{16}$", examples=["chan_0123456789abcdef"])
KindText = Literal["email", "webhook", "telegram"]
MAX_ID = 2**53 - 1  # the largest integer every JSON reader holds exactly
NotificationId = Annotated[int, Field(ge=1, le=MAX_ID)]
NO_KEY = answer(503, model=ErrorBody, description=(
    "`secrets_unavailable`: the server has no master key (COPYTRADE_SECRET_KEY) to seal "
    "or open the channel's secret; an operator must set it."
))


class EmailSettings(BaseModel):
    """How an e-mail channel reaches its SMTP server (all optional)."""

    model_config = ConfigDict(extra="forbid")

    smtp_host: str | None = Field(default=None, max_length=255,
                                  description="Default `localhost`.")
    smtp_port: int | None = Field(default=None, ge=1, le=65535, description="Default 25.")
    smtp_user: str | None = Field(
        default=None, max_length=255, description="Log in as this user, with `secret`."
    )
    sender: str | None = Field(default=None, max_length=255, description="The From address.")
    starttls: bool = Field(default=False, description="Upgrade the connection to TLS.")


class NewChannelBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: KindText
    target: str = Field(
        min_length=1, max_length=512, examples=["https://example.org/hooks/copytrade"],
        description="E-mail: the address; webhook: an http(s):// URL; Telegram: a chat id "
        "(a number) or @channelname.",
    )
    secret: str | None = Field(
        default=None, min_length=1, max_length=1000, description="E-mail: the SMTP password "
        "(with `email.smtp_user`); Telegram: the bot token (required); webhook: the signing "
        "secret (generated and answered once when left out). Never returned.",
    )
    email: EmailSettings | None = Field(default=None, description="E-mail channels only.")
    enabled: bool = True


class EditChannelBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target: str | None = Field(default=None, min_length=1, max_length=512)
    secret: str | None = Field(
        default=None, min_length=1, max_length=1000,
        description="A new secret, sealed in place of the old one. Never returned.",
    )
    email: EmailSettings | None = Field(
        default=None, description="E-mail channels only: replaces all the SMTP settings."
    )
    enabled: bool | None = Field(
        default=None, description="`false`: nothing is sent through it until `true`."
    )


class ChannelOut(Out):
    id: str
    owner: str
    kind: KindText
    target: str
    options: dict[str, str] = Field(description="E-mail: the SMTP settings; else empty.")
    enabled: bool
    healthy: bool = Field(description="False after 5 failures in a row; a passed test "
                          "makes it healthy again.")
    failures: int = Field(description="Failed tries in a row.")


class NewChannelOut(ChannelOut):
    webhook_secret: str | None = Field(
        description="A webhook's signing secret when the server generated it: shown this "
        "once, never again."
    )


class ChannelsOut(Out):
    channels: list[ChannelOut]


class ChannelTestOut(Out):
    sent: bool = Field(description="Whether the channel took the test message.")
    error: str | None = Field(description="Why not (never a secret).")
    channel: ChannelOut = Field(description="The channel after the test.")


class FiringNoticeOut(Out):
    rule: str
    symbol: str
    timeframe: str
    condition: str
    fired_at: Timestamp = Field(description="The candle's close.")
    candle_open: Timestamp
    values: dict[str, str | None] = Field(
        description="The close and every series the rule reads on the candle that fired."
    )
    before: dict[str, str | None] = Field(description="The same on the candle before.")


class ChannelNoticeOut(Out):
    channel: str
    kind: str
    target: str
    failures: int
    error: str | None


class NotificationOut(Out):
    id: int = Field(description="Also the notice's place on the event stream.")
    type: Literal["alert.fired", "alert.channel_unhealthy"]
    created_at: Timestamp
    read: bool
    firing: FiringNoticeOut | None = Field(description="For `alert.fired`.")
    channel: ChannelNoticeOut | None = Field(description="For `alert.channel_unhealthy`.")


class NotificationsOut(Out):
    notifications: list[NotificationOut]
    unread: int = Field(description=f"How many are unread (counted up to {MAX_LIMIT}).")


class MarkReadBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[NotificationId] | None = Field(
        default=None, max_length=MAX_MARKED,
        description="The notifications to mark read; left out, all of them.",
    )


class MarkedOut(Out):
    marked: int = Field(description="How many were unread and are now read.")
    unread: int


def _options(email: EmailSettings | None) -> dict[str, str] | None:
    if email is None:
        return None
    return email_options(email.smtp_host, email.smtp_port, email.smtp_user, email.sender,
                         email.starttls)


@router.get("/channels", response_model=ChannelsOut)
def my_channels(user: CurrentUser, runtime: Runtime) -> dict[str, object]:
    """My notification channels, oldest first, with their health (never a secret)."""
    return {"channels": [channel_json(c) for c in runtime.alert_channels.channels(user.id)]}


@router.post(
    "/channels", status_code=201, response_model=NewChannelOut,
    responses=errors(413, 422) | NO_KEY,
)
def add_channel(body: NewChannelBody, user: CurrentUser, runtime: Runtime) -> dict[str, object]:
    """A new channel of mine: each alert that fires from now on is sent through it too."""
    channel, generated = runtime.act(lambda: runtime.alert_channels.add(
        user.id, body.kind, body.target, secret=body.secret,
        options=_options(body.email), enabled=body.enabled,
    ))
    return channel_json(channel) | {"webhook_secret": generated}


@router.get("/channels/{channel_id}", response_model=ChannelOut, responses=errors(404, 422))
def one_channel(
    user: CurrentUser, runtime: Runtime, channel_id: str = CHANNEL_ID
) -> dict[str, object]:
    """One of my channels."""
    return channel_json(runtime.alert_channels.get(channel_id, user.id))


@router.patch(
    "/channels/{channel_id}", response_model=ChannelOut,
    responses=errors(404, 413, 422) | NO_KEY,
)
def edit_channel(
    body: EditChannelBody, user: CurrentUser, runtime: Runtime, channel_id: str = CHANNEL_ID
) -> dict[str, object]:
    """Change one of my channels: what is given (target, secret, e-mail settings, on/off)."""
    channel = runtime.act(lambda: runtime.alert_channels.edit(
        channel_id, user.id, target=body.target, secret=body.secret,
        options=_options(body.email), enabled=body.enabled,
    ))
    return channel_json(channel)


@router.delete(
    "/channels/{channel_id}", status_code=204, response_class=Response,
    responses=errors(404, 422),
)
def delete_channel(user: CurrentUser, runtime: Runtime, channel_id: str = CHANNEL_ID) -> Response:
    """Delete one of my channels; what it has not sent yet is dropped."""
    runtime.act(lambda: runtime.alert_channels.remove(channel_id, user.id))
    return Response(status_code=204)


@router.post(
    "/channels/{channel_id}/test", response_model=ChannelTestOut,
    responses=errors(404, 422) | NO_KEY,
)
def test_channel(
    user: CurrentUser, runtime: Runtime, channel_id: str = CHANNEL_ID
) -> dict[str, object]:
    """Send a test message through one of my channels now, and answer whether it went.
    A passed test makes an unhealthy channel healthy again. The engine lock is not held
    while the message is sent (a slow channel holds nothing else)."""
    channels = runtime.alert_channels
    try:
        channel = channels.test(channel_id, user.id)
    except ChannelTestError as error:
        return {"sent": False, "error": str(error),
                "channel": channel_json(channels.get(channel_id, user.id))}
    return {"sent": True, "error": None, "channel": channel_json(channel)}


@router.get("/notifications", response_model=NotificationsOut, responses=errors(422))
def my_notifications(
    user: CurrentUser, runtime: Runtime,
    limit: int = Query(default=100, ge=1, le=MAX_LIMIT),
    unread: bool = Query(default=False, description="Only the unread ones."),
    before: int | None = Query(
        default=None, ge=1, le=MAX_ID, description="Only older than this id."
    ),
) -> dict[str, object]:
    """My in-app alert notifications, newest first: what fired, with the indicator values
    at the time, and channels switched off after failing."""
    notes = runtime.alert_notifications
    return {
        "notifications": notes.notifications(user.id, limit, unread_only=unread, before=before),
        "unread": notes.unread(user.id),
    }


@router.post(
    "/notifications/read", response_model=MarkedOut, responses=errors(413, 422)
)
def mark_read(body: MarkReadBody, user: CurrentUser, runtime: Runtime) -> dict[str, object]:
    """Mark some of my notifications (`ids`), or all of them, read. Ids that are not my
    notifications change nothing."""
    notes = runtime.alert_notifications
    marked = notes.mark_read(user.id, None if body.ids is None else set(body.ids))
    return {"marked": marked, "unread": notes.unread(user.id)}
