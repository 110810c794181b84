"""``copytrade venues add/check/list/live/pay-fees/remove/watch`` and ``copytrade keys rotate``.

Linked exchange accounts (docs/venues.md, "Linking accounts"): the API key and secret
come from options, the environment (``EXCHANGE_API_KEY``, ``EXCHANGE_SECRET``,
``EXCHANGE_PASSWORD``) or a hidden prompt, and are never printed. A check that the
exchange answers with the keys, refusing keys that can withdraw, runs before they are
stored. Exit 0 on success, 1 when the exchange refuses or cannot be reached or the key
can withdraw, 2 on a usage or setting error.
"""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path

import typer

from copytrade.adapters.jsonable import decimal_text
from copytrade.adapters.secrets import SecretBox, read_master_key, secret_box
from copytrade.adapters.venues.ccxt import ApiCredentials
from copytrade.adapters.venues.errors import TemporaryVenueError, VenueError
from copytrade.cli.common import DATABASE, JSON, open_container
from copytrade.domain.ids import RelationshipId
from copytrade.engine.provider_stream import StreamingWatch
from copytrade.marketdata.clock import SystemClock
from copytrade.service_layer.exchange_accounts import (
    WITHDRAW_REFUSED,
    CheckReport,
    WithdrawingKeyError,
    linked_view,
    rotate_master_key,
)

venues_app = typer.Typer(
    help="Exchange accounts copytrade trades on or watches (live venues).",
    no_args_is_help=True,
)
keys_app = typer.Typer(help="The master key sealing exchange API keys.", no_args_is_help=True)

ACCOUNT = typer.Argument(..., help="The trading book the exchange account serves (a provider "
                         "id, or a copy relationship's allocation).")


@venues_app.command("add")
def add(
    account: str = ACCOUNT,
    exchange: str = typer.Option(..., "--exchange", help="ccxt exchange id, e.g. binance."),
    api_key: str = typer.Option(
        ..., "--api-key", envvar="EXCHANGE_API_KEY", prompt="API key", hide_input=True,
        show_default=False, help="The API key (else EXCHANGE_API_KEY, else a prompt).",
    ),
    secret: str = typer.Option(
        ..., "--secret", envvar="EXCHANGE_SECRET", prompt="API secret", hide_input=True,
        show_default=False, help="The API secret (else EXCHANGE_SECRET, else a prompt).",
    ),
    password: str | None = typer.Option(
        None, "--password", envvar="EXCHANGE_PASSWORD", show_default=False,
        help="The API passphrase, for exchanges that have one (OKX).",
    ),
    sandbox: bool = typer.Option(False, "--sandbox", help="Use the exchange's testnet."),
    api_base: str | None = typer.Option(
        None, "--api-base", metavar="URL",
        help="Reach the exchange's API under this base URL (a proxy, a local emulator).",
    ),
    no_check: bool = typer.Option(
        False, "--no-check", help="Store the keys without asking the exchange first."
    ),
    database: str | None = DATABASE,
) -> None:
    """Link ACCOUNT to an exchange account: check the keys, then store them sealed."""
    credentials = ApiCredentials(api_key, secret, password or None)
    with open_container(database) as container:
        container.migrate()
        accounts = container.exchange_accounts(SystemClock())
        try:
            report = accounts.add(
                account, exchange, credentials, sandbox=sandbox, api_base=api_base,
                verify=not no_check,
            )
        except VenueError as error:
            _unreachable(exchange, account, error)
        except WithdrawingKeyError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(code=1) from None
    where = " (testnet)" if sandbox else ""
    typer.echo(f"linked {account} to {exchange}{where}")
    if report is not None:
        _print_report(report)


@venues_app.command("check")
def check(
    account: str = ACCOUNT, database: str | None = DATABASE, as_json: bool = JSON
) -> None:
    """Reach the exchange with ACCOUNT's stored keys: markets, balances, permissions."""
    with open_container(database) as container:
        container.migrate()
        accounts = container.exchange_accounts(SystemClock())
        try:
            report = accounts.check(account)
        except VenueError as error:
            _unreachable("the exchange", account, error)
    if as_json:
        typer.echo(json.dumps(report.to_json()))
    else:
        _print_report(report)
    if report.can_withdraw:
        typer.echo(f"error: {WITHDRAW_REFUSED}", err=True)
        raise typer.Exit(code=1)


@venues_app.command("list")
def list_accounts(database: str | None = DATABASE, as_json: bool = JSON) -> None:
    """The linked exchange accounts (never their keys)."""
    with open_container(database) as container:
        container.migrate()
        linked = container.exchange_accounts(SystemClock()).all()
    if as_json:
        typer.echo(json.dumps({"accounts": [linked_view(a) for a in linked]}))
        return
    if not linked:
        typer.echo("no linked exchange accounts")
    for a in linked:
        where = " testnet" if a.sandbox else (f" at {a.api_base}" if a.api_base else "")
        typer.echo(f"{a.account}  {a.exchange}{where}  linked {a.created_at:%Y-%m-%d %H:%M} UTC")


@venues_app.command("live")
def live(
    relationship: str = typer.Argument(..., help="The copy relationship to copy live."),
    account: str = typer.Option(
        ..., "--account", help="The follower's linked exchange account (trade-only keys)."
    ),
    database: str | None = DATABASE,
) -> None:
    """Copy RELATIONSHIP on the follower's own linked exchange account from now on: its
    allocation becomes a sub-account tracked inside it, and the paper allocation goes
    back to the follower's platform balance (docs/venues.md, "Followers on their own
    accounts"). The relationship must be flat."""
    with open_container(database) as container:
        container.migrate()
        platform = container.platform(SystemClock())
        # A refusal (LiveFollowingError) is one line, exit 2, like every user error.
        returned = container.live_following(platform).mark(RelationshipId(relationship), account)
    typer.echo(
        f"{relationship} copies live on {account}; {decimal_text(returned)} USDT back to the "
        "follower's platform balance"
    )


@venues_app.command("pay-fees")
def pay_fees(
    relationship: str = typer.Argument(..., help="The live copy relationship that owes fees."),
    database: str | None = DATABASE,
    as_json: bool = JSON,
) -> None:
    """Charge what a live relationship owes (commissions, profit share) to the follower's
    platform balance after a top-up, and resume copying when nothing is owed any more
    (docs/settlement.md, "Live relationships")."""
    with open_container(database) as container:
        container.migrate()
        platform = container.platform(SystemClock())
        paid = container.live_fees(platform).pay(RelationshipId(relationship))
    if as_json:
        typer.echo(json.dumps(paid.to_json()))
        return
    state = "copying again" if paid.resumed else "still paused: something is still owed"
    typer.echo(
        f"{relationship}: paid {decimal_text(paid.commissions)} USDT of commissions and "
        f"{decimal_text(paid.profit_share)} USDT of profit share; {state}"
    )


@venues_app.command("remove")
def remove(account: str = ACCOUNT, database: str | None = DATABASE) -> None:
    """Unlink ACCOUNT: its sealed keys and trade cursors are deleted."""
    with open_container(database) as container:
        container.migrate()
        container.exchange_accounts(SystemClock()).remove(account)
    typer.echo(f"unlinked {account}")


@keys_app.command("rotate")
def rotate(
    new_key: str | None = typer.Option(
        None, "--new-key", envvar="NEW_COPYTRADE_SECRET_KEY", show_default=False,
        help="The new master key, base64 of 32 bytes (else NEW_COPYTRADE_SECRET_KEY).",
    ),
    new_key_file: Path | None = typer.Option(
        None, "--new-key-file", help="A file holding the new master key."
    ),
    database: str | None = DATABASE,
) -> None:
    """Re-encrypt every stored exchange key and alert-channel secret under a new master
    key, all or none.

    The old key is the current setting (COPYTRADE_SECRET_KEY or _FILE); set it to the
    new key once this succeeds."""
    new_box = SecretBox(read_master_key(new_key, new_key_file))
    with open_container(database) as container:
        container.migrate()
        count, channels = rotate_master_key(
            container.session_factory, secret_box(container.settings), new_box
        )
    typer.echo(
        f"re-encrypted the keys of {count} linked account(s) and the secrets of {channels} "
        "alert channel(s); set COPYTRADE_SECRET_KEY "
        "(or COPYTRADE_SECRET_KEY_FILE) to the new key now"
    )


def _print_report(report: CheckReport) -> None:
    shown = sorted(report.balances.items())
    balances = ", ".join(f"{c} {decimal_text(v)}" for c, v in shown) or "none"
    typer.echo(f"{report.account} on {report.exchange}: {report.markets} markets; "
               f"balances: {balances}")
    typer.echo(report.verdict)


def _unreachable(exchange: str, account: str, error: VenueError) -> None:
    # The adapter's messages carry no credential and no signed URL (docs/venues.md).
    typer.echo(f"error: {exchange} refused or could not be reached with {account}'s keys: "
               f"{error}", err=True)
    raise typer.Exit(code=1)


@venues_app.command("watch")
def watch(
    account: str = typer.Argument(..., help="The provider whose linked account is watched."),
    symbols: list[str] = typer.Option(
        [], "--symbol", metavar="SYMBOL",
        help="A market to watch (repeatable; default: every platform instrument the "
        "exchange lists).",
    ),
    interval: float = typer.Option(
        2.0, "--interval", min=0.05, metavar="SECONDS", help="Pause between two polls."
    ),
    once: bool = typer.Option(False, "--once", help="Catch up once, then exit."),
    websocket: bool = typer.Option(
        True, "--websocket/--no-websocket",
        help="Take the trades the exchange pushes (ccxt pro's watch_my_trades), polling "
        "only to catch up; --no-websocket polls every --interval.",
    ),
    ws_base: str | None = typer.Option(
        None, "--ws-base", metavar="URL",
        help="The websocket endpoints under URL, for an account linked with --api-base "
        "(without it such an account is polled).",
    ),
    database: str | None = DATABASE,
) -> None:
    """Copy a provider's trades on its own exchange account: take them as the exchange
    pushes them (polling from the stored cursor to catch up, or always with
    --no-websocket), book each once, and copy it to the followers, until stopped (Ctrl-C,
    SIGTERM) (docs/venues.md, "Watching a provider's account")."""
    stop = threading.Event()
    previous = {
        signum: signal.signal(signum, lambda *_: stop.set())
        for signum in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        # --once is one catch-up poll: there is no stream to wait on.
        _watch(account, symbols, interval, once, database, stop,
               websocket=websocket and not once, ws_base=ws_base)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _watch(
    account: str, symbols: list[str], interval: float, once: bool, database: str | None,
    stop: threading.Event, *, websocket: bool, ws_base: str | None,
) -> None:
    with open_container(database) as container:
        container.migrate()
        platform = container.platform(SystemClock())
        watcher, stream = container.provider_watch(
            platform, account, symbols, websocket=websocket, ws_base=ws_base
        )
        how = "pushed trades" if stream is not None else f"a poll every {interval:g} s"
        typer.echo(f"watching {account} in {', '.join(watcher.symbols)} ({how})", err=True)

        def booked(new: int) -> None:
            platform.engine.pump()
            if new:
                typer.echo(f"{new} new fill(s) of {account} booked and copied", err=True)

        if stream is not None:
            streaming = StreamingWatch(
                watcher, stream, interval, booked,
                is_temporary=lambda error: isinstance(error, TemporaryVenueError),
                poll_failed=lambda e: typer.echo(f"exchange unavailable, retrying: {e}",
                                                 err=True),
                dropped=lambda market, why: typer.echo(
                    f"{market} stream dropped, polling until it is back: {why}", err=True),
            )
            try:
                streaming.run(stop)
            except VenueError as error:
                _unreachable("the exchange", account, error)
            return
        while not stop.is_set():
            try:
                new = watcher.poll()
            except TemporaryVenueError as error:
                # An outage: the cursor did not move, the next poll catches up from it.
                typer.echo(f"exchange unavailable, retrying: {error}", err=True)
                new = 0
            except VenueError as error:
                _unreachable("the exchange", account, error)
            booked(new)
            if once:
                break
            stop.wait(interval)
