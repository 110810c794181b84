"""``copytrade venues add/check/list/remove`` and ``keys rotate`` through the real CLI,
the real ccxt client and the local Binance emulator."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from copytrade.cli.app import app
from tests.exchange_emulator import Emulator
from tests.exchange_emulator.linking import (
    KEY,
    SECRET,
    WITHDRAWING_KEY,
    WITHDRAWING_SECRET,
    linking_emulator,
)


def _master_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with linking_emulator() as emu:
        yield emu


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COPYTRADE_SECRET_KEY", _master_key())
    path = str(tmp_path / "ct.db")
    assert CliRunner().invoke(app, ["db", "upgrade", "--database", path]).exit_code == 0
    return path


def _cli(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> object:
    return CliRunner().invoke(app, list(args), env=env, input=stdin)


def _add(emu: Emulator, db: str, account: str, key: str, secret: str, *extra: str) -> object:
    return _cli(
        "venues", "add", account, "--exchange", "binance", "--api-base", emu.base_url,
        "--database", db, *extra, env={"EXCHANGE_API_KEY": key, "EXCHANGE_SECRET": secret},
    )


def test_add_check_list_remove_never_shows_the_keys(emulator: Emulator, db: str) -> None:
    added = CliRunner().invoke(
        app,
        ["venues", "add", "prov-1", "--exchange", "binance", "--api-base", emulator.base_url,
         "--database", db],
        input=f"{KEY}\n{SECRET}\n",  # both from the hidden prompts
    )
    assert added.exit_code == 0, added.output
    assert "linked prov-1 to binance" in added.output
    assert "USDT 2500" in added.output and "cannot withdraw" in added.output
    assert ("GET", "/sapi/v1/account/apiRestrictions") in emulator.requests

    checked = _cli("venues", "check", "prov-1", "--database", db, "--json")
    assert checked.exit_code == 0, checked.output
    report = json.loads(checked.output)
    assert report["balances"] == {"USDT": "2500"} and report["markets"] == 2
    assert report["can_withdraw"] is False and report["ok"] is True

    listed = _cli("venues", "list", "--database", db, "--json")
    assert listed.exit_code == 0, listed.output
    [row] = json.loads(listed.output)["accounts"]
    assert (row["account"], row["exchange"], row["api_base"]) == (
        "prov-1", "binance", emulator.base_url
    )
    for result in (added, checked, listed):
        assert KEY not in result.output and SECRET not in result.output

    assert _cli("venues", "remove", "prov-1", "--database", db).exit_code == 0
    gone = _cli("venues", "check", "prov-1", "--database", db)
    assert gone.exit_code == 2 and "no linked exchange account 'prov-1'" in gone.output
    assert json.loads(_cli("venues", "list", "--database", db, "--json").output) == {
        "accounts": []
    }


def test_keys_that_can_withdraw_are_refused_and_not_stored(emulator: Emulator, db: str) -> None:
    refused = _add(emulator, db, "greedy", WITHDRAWING_KEY, WITHDRAWING_SECRET)
    assert refused.exit_code == 1 and "can withdraw" in refused.output
    assert json.loads(_cli("venues", "list", "--database", db, "--json").output) == {
        "accounts": []
    }
    # Stored unchecked, the check still refuses it (exit 1).
    assert _add(emulator, db, "greedy", WITHDRAWING_KEY, WITHDRAWING_SECRET,
                "--no-check").exit_code == 0
    checked = _cli("venues", "check", "greedy", "--database", db)
    assert checked.exit_code == 1 and "can withdraw" in checked.output


def test_wrong_keys_fail_with_a_message_that_shows_no_secret(
    emulator: Emulator, db: str
) -> None:
    wrong = _add(emulator, db, "prov-1", KEY, "not-the-secret-at-all-xyz")
    assert wrong.exit_code == 1 and "could not be reached with prov-1's keys" in wrong.output
    assert "not-the-secret-at-all-xyz" not in wrong.output and KEY not in wrong.output
    assert json.loads(_cli("venues", "list", "--database", db, "--json").output) == {
        "accounts": []
    }


def test_an_unverifiable_exchange_is_said_so(emulator: Emulator, db: str) -> None:
    # A testnet that does not serve the permission call: reachable, not verified.
    emulator.unserved.add(("GET", "/sapi/v1/account/apiRestrictions"))
    added = _add(emulator, db, "prov-1", KEY, SECRET)
    assert added.exit_code == 0, added.output
    assert "could not verify that the key cannot withdraw" in added.output
    checked = _cli("venues", "check", "prov-1", "--database", db, "--json")
    assert checked.exit_code == 0 and json.loads(checked.output)["can_withdraw"] is None


def test_keys_rotate_reseals_every_account_or_none(
    emulator: Emulator, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = os.environ["COPYTRADE_SECRET_KEY"]
    for account in ("prov-1", "prov-2"):
        assert _add(emulator, db, account, KEY, SECRET).exit_code == 0
    new = _master_key()
    rotated = _cli("keys", "rotate", "--database", db, env={"NEW_COPYTRADE_SECRET_KEY": new})
    assert rotated.exit_code == 0, rotated.output
    assert "2 linked account(s)" in rotated.output and new not in rotated.output
    stale = _cli("venues", "check", "prov-1", "--database", db)
    assert stale.exit_code == 2 and "does not open with this master key" in stale.output
    monkeypatch.setenv("COPYTRADE_SECRET_KEY", new)
    for account in ("prov-1", "prov-2"):
        assert _cli("venues", "check", account, "--database", db).exit_code == 0

    # A row that does not open under the current key: nothing is rotated at all.
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE linked_exchange_accounts SET secret_sealed = "
            "(SELECT secret_sealed FROM linked_exchange_accounts WHERE account = 'prov-1') "
            "WHERE account = 'prov-2'"
        )
    failed = _cli("keys", "rotate", "--database", db, "--new-key", old)
    assert failed.exit_code == 2 and "prov-2/secret" in failed.output
    assert _cli("venues", "check", "prov-1", "--database", db).exit_code == 0  # still `new`


def test_keys_rotate_refuses_a_malformed_new_key(db: str) -> None:
    bad = _cli("keys", "rotate", "--database", db, "--new-key", "c2hvcnQ=")
    assert bad.exit_code == 2 and "32 bytes" in bad.output and "c2hvcnQ=" not in bad.output


def test_only_a_provider_account_is_watched(emulator: Emulator, db: str) -> None:
    assert _add(emulator, db, "prov-1", KEY, SECRET).exit_code == 0
    refused = _cli("venues", "watch", "prov-1", "--once", "--database", db)
    assert refused.exit_code == 2 and "'prov-1' is not a provider" in refused.output
    unknown = _cli("venues", "watch", "nobody", "--once", "--database", db)
    assert unknown.exit_code == 2 and "no linked exchange account 'nobody'" in unknown.output
