"""Linked exchange accounts: credentials sealed at rest, never readable in the file."""

from __future__ import annotations

import base64
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.adapters.db.repositories.linked_accounts import LinkedAccountRepository
from copytrade.adapters.db.schema import LinkedExchangeAccountRow
from copytrade.adapters.secrets import SecretBox, SecretsError, secret_box
from copytrade.adapters.venues.ccxt import ApiCredentials
from copytrade.config import SettingsError, load_settings

API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def test_the_database_file_holds_no_credential_in_clear(tmp_path: Path) -> None:
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'ct.db'}", secret_key=_key()
    )
    engine = make_engine(settings)
    upgrade_database(engine)
    box = secret_box(settings)
    with Session(engine) as session:
        LinkedAccountRepository(session, box).link(
            "alice", "binance", ApiCredentials(API_KEY, SECRET, "pass-phrase-9"), NOW
        )
        session.commit()
    with Session(engine) as session:
        exchange, credentials = LinkedAccountRepository(session, box).credentials("alice") or (
            None, None
        )
    engine.dispose()
    assert exchange == "binance" and credentials is not None
    assert (credentials.api_key, credentials.secret, credentials.password) == (
        API_KEY, SECRET, "pass-phrase-9"
    )
    assert API_KEY not in repr(credentials) and SECRET not in repr(credentials)
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert b"alice" in stored  # the file was read: the account id is there in clear
    for secret in (API_KEY, SECRET, "pass-phrase-9"):
        assert secret.encode() not in stored
        assert base64.b64encode(secret.encode()) not in stored


def test_another_master_key_or_a_moved_row_does_not_open(tmp_path: Path) -> None:
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'ct.db'}", secret_key=_key())
    engine = make_engine(settings)
    upgrade_database(engine)
    box = secret_box(settings)
    with Session(engine) as session:
        repo = LinkedAccountRepository(session, box)
        repo.link("alice", "binance", ApiCredentials("key-a", "secret-a"), NOW)
        repo.link("bob", "binance", ApiCredentials("key-b", "secret-b"), NOW)
        session.commit()
        assert [a.account for a in repo.all()] == ["alice", "bob"]
        with pytest.raises(SecretsError, match="does not open") as caught:
            LinkedAccountRepository(session, SecretBox(os.urandom(32))).credentials("alice")
        assert "secret-a" not in str(caught.value)
        alice = session.get(LinkedExchangeAccountRow, "alice")
        assert alice is not None
        session.execute(
            update(LinkedExchangeAccountRow)
            .where(LinkedExchangeAccountRow.account == "bob")
            .values(secret_sealed=alice.secret_sealed)
        )
        session.expire_all()
        with pytest.raises(SecretsError):
            repo.credentials("bob")  # alice's sealed secret is bound to alice's row
        assert repo.unlink("alice") and repo.credentials("alice") is None
    engine.dispose()


def test_the_master_key_setting_is_checked_without_showing_it(tmp_path: Path) -> None:
    with pytest.raises(SecretsError, match="32 bytes"):
        secret_box(load_settings(secret_key=base64.b64encode(b"short").decode()))
    with pytest.raises(SecretsError, match="no secret key"):
        secret_box(load_settings())
    key_file = tmp_path / "master.key"
    key_file.write_text(_key() + "\n")
    assert isinstance(secret_box(load_settings(secret_key_file=key_file)), SecretBox)
    leaked = "this-is-not-base64-!!"
    with pytest.raises(SecretsError) as caught:
        secret_box(load_settings(secret_key=leaked))
    assert leaked not in str(caught.value)
    assert leaked not in repr(load_settings(secret_key=leaked))
    with pytest.raises(SettingsError):
        load_settings(secret_key_file=42.5)
