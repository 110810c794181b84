"""One message through one channel: SMTP (smtplib), webhook and Telegram (httpx).

No notification library is used: apprise, the one that covers all three, hard-codes
Telegram's address (a class attribute, so tests could not point it at a local stand-in)
and builds the webhook body itself, so the body could not be signed before it is sent
(docs/alerts.md, "Channels"). Errors are ``DeliveryFailed`` with a message that never
holds a secret (httpx's own messages carry the URL, which holds the bot token).
"""

from __future__ import annotations

import json
import smtplib
import ssl
from collections.abc import Mapping
from email import policy
from email.message import EmailMessage
from typing import Any

from copytrade.domain.alerts.channels import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    Channel,
    ChannelKind,
    message_text,
    signature,
)

TELEGRAM_API = "https://api.telegram.org"
# A delivery id is one long word: folding it would put a space in front of it.
_MAIL_POLICY = policy.SMTP.clone(max_line_length=998)


class DeliveryFailed(Exception):
    """A channel did not take the message; the text is safe to store and show."""


def webhook_body(delivery_id: str, payload: Mapping[str, Any]) -> bytes:
    return json.dumps(
        {"delivery_id": delivery_id, "alert": dict(payload)}, sort_keys=True, default=str
    ).encode()


class ChannelSender:
    def __init__(self, telegram_api: str = TELEGRAM_API, timeout: float = 10.0) -> None:
        self._telegram_api = telegram_api.rstrip("/")
        self._timeout = timeout

    def send(
        self, channel: Channel, secret: str | None, delivery_id: str,
        payload: Mapping[str, Any],
    ) -> None:
        if channel.kind is ChannelKind.EMAIL:
            self._email(channel, secret, delivery_id, payload)
        elif channel.kind is ChannelKind.WEBHOOK:
            self._webhook(channel, secret or "", delivery_id, payload)
        else:
            self._telegram(channel, secret or "", payload)

    def _email(self, channel: Channel, password: str | None, delivery_id: str,
               payload: Mapping[str, Any]) -> None:
        options = channel.options
        message = EmailMessage(policy=_MAIL_POLICY)
        message["From"] = options.get("sender", "alerts@copytrade.invalid")
        message["To"] = channel.target
        message["Subject"] = f"copytrade alert: {payload.get('symbol')} {payload.get('condition')}"
        message[DELIVERY_HEADER] = delivery_id
        message.set_content(message_text(payload) + "\n")
        host, port = options.get("smtp_host", "localhost"), int(options.get("smtp_port", "25"))
        try:
            with smtplib.SMTP(host, port, timeout=self._timeout) as smtp:
                if options.get("starttls") == "true":
                    smtp.starttls(context=ssl.create_default_context())
                if options.get("smtp_user"):
                    smtp.login(options["smtp_user"], password or "")
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryFailed(f"SMTP {host}:{port}: {type(error).__name__}: {error}") from None

    def _webhook(self, channel: Channel, secret: str, delivery_id: str,
                 payload: Mapping[str, Any]) -> None:
        import httpx  # loaded by the first webhook or Telegram message, not at start-up

        body = webhook_body(delivery_id, payload)
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: signature(secret, body),
            DELIVERY_HEADER: delivery_id,
        }
        try:
            answer = httpx.post(channel.target, content=body, headers=headers,
                                timeout=self._timeout)
        except httpx.HTTPError as error:
            raise DeliveryFailed(f"webhook unreachable: {type(error).__name__}") from None
        if not answer.is_success:
            raise DeliveryFailed(f"webhook answered HTTP {answer.status_code}")

    def _telegram(self, channel: Channel, token: str, payload: Mapping[str, Any]) -> None:
        import httpx  # loaded by the first webhook or Telegram message, not at start-up

        url = f"{self._telegram_api}/bot{token}/sendMessage"
        body = {"chat_id": channel.target, "text": message_text(payload)}
        try:
            answer = httpx.post(url, json=body, timeout=self._timeout)
        except httpx.HTTPError as error:
            raise DeliveryFailed(f"Telegram unreachable: {type(error).__name__}") from None
        if not answer.is_success:
            raise DeliveryFailed(f"Telegram answered HTTP {answer.status_code}")
