"""A user's notification channels: add, list, remove, test (docs/alerts.md, "Channels").

Secrets (SMTP password, bot token, webhook secret) are sealed with the platform's
secret box, bound to the channel's id, before they are written; no use case returns
or logs them, except a webhook secret generated at ``add``, shown that once so the
receiver can be set up with it.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from copytrade.adapters.db.repositories.channels import secret_context
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.notifications.senders import ChannelSender, DeliveryFailed
from copytrade.adapters.secrets import SecretBox
from copytrade.domain.alerts.channels import Channel, ChannelKind, check_target
from copytrade.domain.alerts.errors import (
    ChannelNotFoundError,
    ChannelTestError,
    InvalidAlertError,
)

_OPTIONS = {
    ChannelKind.EMAIL: {"smtp_host", "smtp_port", "smtp_user", "sender", "starttls"},
    ChannelKind.WEBHOOK: set(),
    ChannelKind.TELEGRAM: set(),
}


def open_secret(box: Callable[[], SecretBox], channel_id: str, sealed: bytes | None) -> str | None:
    return None if sealed is None else box().open(sealed, secret_context(channel_id))


@dataclass(frozen=True)
class ChannelPorts:
    """What the channel use cases and the sender need: storage, the secret box (opened
    only when a secret is read or sealed), the sending adapter and the time."""

    uow_factory: Callable[[], SqlUnitOfWork]
    box: Callable[[], SecretBox]
    sender: ChannelSender
    clock: Callable[[], datetime]


class AlertChannels:
    def __init__(self, ports: ChannelPorts) -> None:
        self._uow_factory = ports.uow_factory
        self._box = ports.box
        self._sender = ports.sender
        self._clock = ports.clock

    def add(
        self, owner: str, kind: str, target: str, *, secret: str | None = None,
        options: Mapping[str, str] | None = None, enabled: bool = True,
    ) -> tuple[Channel, str | None]:
        """Store a channel; returns it and, for a webhook given no secret, the secret
        generated for it (the only time it is shown)."""
        channel_kind = ChannelKind.parse(kind)
        given = _checked_options(channel_kind, options)
        generated = None
        if channel_kind is ChannelKind.WEBHOOK and not secret:
            secret = generated = secrets.token_urlsafe(32)
        if channel_kind is ChannelKind.TELEGRAM and not secret:
            raise InvalidAlertError("a Telegram channel needs its bot token")
        channel = Channel(
            id=f"chan_{uuid.uuid4().hex[:16]}", owner=owner, kind=channel_kind,
            target=check_target(channel_kind, target), options=given, enabled=enabled,
        )
        sealed = None if not secret else self._box().seal(secret, secret_context(channel.id))
        with self._uow_factory() as uow:
            if not uow.accounts.exists(owner):
                raise InvalidAlertError(f"no account {owner!r} to own the channel")
            uow.channels.add(channel, sealed, self._clock())
            uow.commit()
        return channel, generated

    def channels(self, owner: str | None = None) -> list[Channel]:
        with self._uow_factory() as uow:
            return uow.channels.channels(owner)

    def get(self, channel_id: str, owner: str | None = None) -> Channel:
        """The channel; with ``owner``, only if it is that account's (another's is not found)."""
        with self._uow_factory() as uow:
            return _owned(uow, channel_id, owner)[0]

    def remove(self, channel_id: str, owner: str | None = None) -> None:
        """Delete the channel (``owner``'s when given) and what it has not sent yet."""
        with self._uow_factory() as uow:
            _owned(uow, channel_id, owner)
            uow.channels.remove(channel_id)
            uow.commit()

    def edit(
        self, channel_id: str, owner: str | None = None, *, target: str | None = None,
        secret: str | None = None, options: Mapping[str, str] | None = None,
        enabled: bool | None = None,
    ) -> Channel:
        """Change what is given of the channel (``owner``'s when given): its target, its
        secret (sealed again), its options (all of them, replacing the old), whether it
        is switched on. Its kind, health and deliveries stay; the channel as it now is."""
        with self._uow_factory() as uow:
            channel, _ = _owned(uow, channel_id, owner)
        changed = replace(
            channel,
            target=channel.target if target is None else check_target(channel.kind, target),
            options=channel.options if options is None else _checked_options(
                channel.kind, options
            ),
            enabled=channel.enabled if enabled is None else enabled,
        )
        sealed = None if not secret else self._box().seal(secret, secret_context(channel.id))
        with self._uow_factory() as uow:
            if not uow.channels.update(changed, sealed):
                raise ChannelNotFoundError(f"no notification channel {channel_id!r}")
            uow.commit()
        return changed

    def test(self, channel_id: str, owner: str | None = None) -> Channel:
        """Send a test message now; a success marks the channel healthy again (the
        channel as it then is). ``ChannelTestError`` says why it did not go."""
        with self._uow_factory() as uow:
            channel, sealed = _owned(uow, channel_id, owner)
        now = self._clock()
        payload = test_payload(channel, now)
        try:
            self._sender.send(channel, open_secret(self._box, channel.id, sealed),
                              f"test:{channel.id}:{now.isoformat()}", payload)
        except DeliveryFailed as error:
            raise ChannelTestError(f"the test message did not go through: {error}") from None
        with self._uow_factory() as uow:
            uow.channels.set_health(channel.id, healthy=True, failures=0)
            uow.commit()
        return replace(channel, healthy=True, failures=0)


def _owned(
    uow: SqlUnitOfWork, channel_id: str, owner: str | None
) -> tuple[Channel, bytes | None]:
    found = uow.channels.get(channel_id)
    if found is None or (owner is not None and found[0].owner != owner):
        raise ChannelNotFoundError(f"no notification channel {channel_id!r}")
    return found


def _checked_options(kind: ChannelKind, options: Mapping[str, str] | None) -> dict[str, str]:
    given = dict(options or {})
    unknown = sorted(set(given) - _OPTIONS[kind])
    if unknown:
        raise InvalidAlertError(f"a {kind} channel takes no option {', '.join(unknown)}")
    if "smtp_port" in given and not given["smtp_port"].isdigit():
        raise InvalidAlertError(f"the SMTP port must be a number, got {given['smtp_port']!r}")
    return given


def email_options(
    smtp_host: str | None = None, smtp_port: int | None = None, smtp_user: str | None = None,
    sender: str | None = None, starttls: bool = False,
) -> dict[str, str]:
    """An e-mail channel's options from its settings, as ``add`` and ``edit`` take them
    (the CLI's flags, the API's fields and the web form's alike); unset ones left out."""
    options = {
        "smtp_host": smtp_host or None,
        "smtp_port": None if smtp_port is None else str(smtp_port),
        "smtp_user": smtp_user or None, "sender": sender or None,
        "starttls": "true" if starttls else None,
    }
    return {k: v for k, v in options.items() if v is not None}


def test_payload(channel: Channel, now: datetime) -> dict[str, Any]:
    return {
        "to": channel.owner, "rule": "test", "symbol": "TEST", "timeframe": "-",
        "condition": "a test message from copytrade", "fired_at": now.isoformat(),
        "values": {}, "before": {}, "test": True,
    }


def channel_json(channel: Channel) -> dict[str, Any]:
    """A channel as shown to its owner: never its secret."""
    return {
        "id": channel.id, "owner": channel.owner, "kind": channel.kind.value,
        "target": channel.target, "options": dict(channel.options),
        "enabled": channel.enabled, "healthy": channel.healthy, "failures": channel.failures,
    }
