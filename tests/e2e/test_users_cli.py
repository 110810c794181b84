"""``copytrade users make-admin EMAIL`` on an embedded database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from copytrade.adapters.passwords import fast_test_passwords
from copytrade.bootstrap import Container
from copytrade.cli.app import app
from copytrade.config import Settings
from copytrade.service_layer.identity import IdentityService


def _sign_up(db_file: Path, email: str) -> str:
    container = Container.from_settings(Settings(database_url=f"sqlite:///{db_file}"))
    try:
        container.migrate()
        identity = IdentityService(
            container.uow_factory, fast_test_passwords(), lambda: datetime.now(UTC), timedelta(1)
        )
        return identity.sign_up(email, "correct horse battery", "", "DE").id
    finally:
        container.close()


def _is_admin(db_file: Path, user_id: str) -> bool:
    container = Container.from_settings(Settings(database_url=f"sqlite:///{db_file}"))
    try:
        with container.uow_factory() as uow:
            stored = uow.users.by_id(user_id)
        assert stored is not None
        return stored.is_admin
    finally:
        container.close()


def test_make_admin_grants_the_admin_area(tmp_path: Path) -> None:
    db_file = tmp_path / "ct.db"
    user_id = _sign_up(db_file, "boss@example.com")
    assert not _is_admin(db_file, user_id)
    result = CliRunner().invoke(
        app, ["users", "make-admin", "Boss@Example.com", "--database", str(db_file)]
    )
    assert result.exit_code == 0, result.output
    assert "boss@example.com" in result.output and _is_admin(db_file, user_id)


def test_make_admin_of_an_unknown_email_fails(tmp_path: Path) -> None:
    db_file = tmp_path / "ct.db"
    _sign_up(db_file, "someone@example.com")
    result = CliRunner().invoke(
        app, ["users", "make-admin", "nobody@example.com", "--database", str(db_file)]
    )
    assert result.exit_code == 1 and "nobody@example.com" in result.output
