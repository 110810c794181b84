"""Notification channels and deliveries (docs/alerts.md, "Channels"): pure rules.

A channel is where a user is told of a firing: e-mail, a signed webhook or Telegram.
Each ``alert.fired`` message becomes one delivery per enabled, healthy channel of its
owner, identified by ``<message id>/<channel id>`` (the idempotency key a receiver
deduplicates by). A failed delivery is retried later, each wait twice the one before;
a channel failing ``UNHEALTHY_AFTER`` times in a row is marked unhealthy.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from copytrade.domain.alerts.errors import InvalidAlertError

UNHEALTHY_AFTER = 5  # consecutive failures that mark a channel unhealthy
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)
CHANNEL_UNHEALTHY = "alert.channel_unhealthy"  # the outbox topic of the in-app notice
SIGNATURE_HEADER = "X-Copytrade-Signature"
DELIVERY_HEADER = "X-Copytrade-Delivery"

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CHAT = re.compile(r"^(-?\d{1,20}|@[A-Za-z0-9_]{5,32})$")


class ChannelKind(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"
    TELEGRAM = "telegram"

    @classmethod
    def parse(cls, text: str) -> ChannelKind:
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise InvalidAlertError(
                f"unknown channel kind {text!r}; use email, webhook or telegram"
            ) from None


@dataclass(frozen=True, slots=True)
class Channel:
    """A user's channel; ``target`` is the address, URL or chat id, never a secret."""

    id: str
    owner: str
    kind: ChannelKind
    target: str
    options: Mapping[str, str]  # e-mail: smtp_host, smtp_port, smtp_user, sender, tls
    enabled: bool = True
    healthy: bool = True
    failures: int = 0  # consecutive


def check_target(kind: ChannelKind, target: str) -> str:
    """The target if it is well formed for the kind, else InvalidAlertError saying why."""
    target = target.strip()
    if kind is ChannelKind.EMAIL and not _EMAIL.match(target):
        raise InvalidAlertError(f"an e-mail channel needs an address like a@b.org, got {target!r}")
    if kind is ChannelKind.WEBHOOK and not target.startswith(("https://", "http://")):
        raise InvalidAlertError(f"a webhook channel needs an http(s):// URL, got {target!r}")
    if kind is ChannelKind.TELEGRAM and not _CHAT.match(target):
        raise InvalidAlertError(
            f"a Telegram channel needs a chat id (a number) or @channelname, got {target!r}"
        )
    return target


def delivery_id(message_id: str, channel_id: str) -> str:
    return f"{message_id}/{channel_id}"


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try: 30 s, 1 min, 2 min … at most 1 h."""
    doublings = min(max(attempts - 1, 0), 20)
    return min(FIRST_RETRY * (1 << doublings), LONGEST_RETRY)


def next_attempt(failed_at: datetime, attempts: int) -> datetime:
    return failed_at + retry_delay(attempts)


def signature(secret: str, body: bytes) -> str:
    """The webhook signature header's value: ``sha256=`` and the hex HMAC of the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_matches(secret: str, body: bytes, header: str) -> bool:
    """What a receiver checks (constant time)."""
    return hmac.compare_digest(signature(secret, body), header)


def message_text(payload: Mapping[str, object]) -> str:
    """The human text of a firing, for e-mail and Telegram."""
    values = payload.get("values")
    shown = ", ".join(f"{k}={v}" for k, v in values.items()) if isinstance(values, Mapping) else ""
    if payload.get("kind") == "risk":  # a copy-trading risk alert: its text says it all
        text = (
            f"Risk alert {payload.get('rule')}: {payload.get('condition')} "
            f"at {payload.get('fired_at')}"
        )
    else:
        text = (
            f"Alert {payload.get('rule')}: {payload.get('symbol')} {payload.get('timeframe')} "
            f"{payload.get('condition')} at {payload.get('fired_at')}"
        )
    return f"{text} ({shown})" if shown else text
