"""``copytrade alerts channels add|list|remove|test`` and ``alerts deliver``
(docs/alerts.md, "Channels").

Thin, like ``alerts``: each verb calls one use case and prints a line, a table or,
with ``--json``, one JSON object. A secret (SMTP password, bot token, webhook secret)
is read from an environment variable or a prompt, never from the command line where
other users' ``ps`` would see it, and is never printed, except a webhook secret the
platform generated, shown once by ``add``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

import typer

from copytrade.bootstrap import Container
from copytrade.cli.common import DATABASE, JSON, open_container
from copytrade.domain.alerts.errors import InvalidAlertError
from copytrade.marketdata.clock import SystemClock
from copytrade.service_layer.alerts.channels import AlertChannels, channel_json, email_options

channels_app = typer.Typer(
    help="Where alerts are sent: e-mail, signed webhooks, Telegram (docs/alerts.md).",
    no_args_is_help=True,
)

SECRET_ENV = "ALERT_CHANNEL_SECRET"  # read by `channels add` only (COPYTRADE_* are settings)


@contextmanager
def _container(database: str | None) -> Iterator[Container]:
    with open_container(database) as container:
        container.migrate()
        yield container


@contextmanager
def _channels(database: str | None) -> Iterator[AlertChannels]:
    with _container(database) as container:
        yield container.alert_channels(SystemClock())


def _secret(kind: str, prompt: bool) -> str | None:
    """The secret from $ALERT_CHANNEL_SECRET, else a hidden prompt when asked for."""
    given = os.environ.get(SECRET_ENV)
    if given:
        return given
    if not prompt:
        return None
    what = {"telegram": "bot token", "email": "SMTP password"}.get(kind, "secret")
    return str(typer.prompt(what.capitalize(), hide_input=True))


@channels_app.command("add")
def add(
    kind: str = typer.Argument(..., help="email, webhook or telegram."),
    target: str = typer.Argument(
        ..., help="E-mail address, webhook URL, or Telegram chat id (number or @channel)."
    ),
    owner: str = typer.Option(..., "--owner", help="Account that is told."),
    smtp_host: str | None = typer.Option(None, "--smtp-host", help="E-mail: SMTP server."),
    smtp_port: int | None = typer.Option(None, "--smtp-port", min=1, max=65535,
                                         help="E-mail: SMTP port (default 25)."),
    smtp_user: str | None = typer.Option(
        None, "--smtp-user", help="E-mail: SMTP login; the password from "
        f"${SECRET_ENV} or a prompt."
    ),
    sender: str | None = typer.Option(None, "--from", help="E-mail: the From address."),
    starttls: bool = typer.Option(False, "--starttls", help="E-mail: upgrade to TLS."),
    database: str | None = DATABASE,
    as_json: bool = JSON,
) -> None:
    """Add a channel. Secrets come from $ALERT_CHANNEL_SECRET or a hidden prompt
    (Telegram: the bot token; webhook: optional, else one is generated and shown once)."""
    given = email_options(smtp_host, smtp_port, smtp_user, sender, starttls)
    if kind.strip().lower() != "email" and given:
        raise InvalidAlertError(f"--smtp-*, --from and --starttls are for e-mail, not {kind}")
    secret = _secret(kind, prompt=kind == "telegram" or smtp_user is not None)
    with _channels(database) as channels:
        channel, generated = channels.add(owner, kind, target, secret=secret, options=given)
    if as_json:
        shown = channel_json(channel)
        if generated:
            shown["webhook_secret"] = generated
        typer.echo(json.dumps(shown, sort_keys=True))
        return
    typer.echo(f"{channel.id}  {channel.kind.value}  {channel.target}")
    if generated:
        typer.echo(f"webhook secret (shown once, sign-check with it): {generated}")


@channels_app.command("list")
def list_channels(
    owner: str | None = typer.Option(None, "--owner", help="Only this account's channels."),
    database: str | None = DATABASE,
    as_json: bool = JSON,
) -> None:
    """List channels with their health (secrets are never shown)."""
    with _channels(database) as channels:
        found = channels.channels(owner)
    if as_json:
        typer.echo(json.dumps({"channels": [channel_json(c) for c in found]}, sort_keys=True))
        return
    if not found:
        typer.echo("no channels")
    for c in found:
        health = "healthy" if c.healthy else f"UNHEALTHY ({c.failures} failures in a row)"
        typer.echo(f"{c.id}  {c.owner}  {c.kind.value}  {c.target}  {health}")


@channels_app.command("remove")
def remove(
    channel_id: str = typer.Argument(..., metavar="ID"),
    database: str | None = DATABASE,
) -> None:
    """Delete a channel; what it has not sent yet is dropped."""
    with _channels(database) as channels:
        channels.remove(channel_id)
    typer.echo(f"removed {channel_id}")


@channels_app.command("test")
def test_channel(
    channel_id: str = typer.Argument(..., metavar="ID"),
    database: str | None = DATABASE,
) -> None:
    """Send a test message now; on success an unhealthy channel is healthy again."""
    with _channels(database) as channels:
        channels.test(channel_id)
    typer.echo(f"test message sent through {channel_id}")


def deliver(
    watch: bool = typer.Option(False, "--watch", help="Keep delivering until interrupted."),
    interval: float = typer.Option(5.0, "--interval", min=0.1, max=3600,
                                   help="With --watch: seconds between passes."),
    database: str | None = DATABASE,
    as_json: bool = JSON,
) -> None:
    """Send alert notifications through the owners' channels (queued from the outbox)."""
    with _container(database) as container:
        delivery = container.alert_delivery(SystemClock())
        while True:
            queued, sent, failed = delivery.run_once()
            if as_json:
                typer.echo(json.dumps({"queued": queued, "sent": sent, "failed": failed}))
            else:
                typer.echo(f"queued {queued} alerts, sent {sent}, failed {failed}")
            if not watch:
                return
            time.sleep(interval)
