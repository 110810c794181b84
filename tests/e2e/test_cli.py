"""End-to-end: the installed console command."""

from __future__ import annotations

import shutil
import subprocess
import sys

from typer.testing import CliRunner

from copytrade import __version__
from copytrade.cli.app import app


def test_help_lists_verbs() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "version" in result.output


def test_installed_console_script_runs() -> None:
    exe = shutil.which("copytrade") or f"{sys.prefix}/bin/copytrade"
    done = subprocess.run([exe, "version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == __version__


def test_db_upgrade_creates_the_embedded_database(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    db_file = tmp_path / "ct.db"
    monkeypatch.setenv("COPYTRADE_DATABASE_URL", f"sqlite:///{db_file}")
    result = CliRunner().invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert db_file.exists() and db_file.stat().st_size > 0


def test_unknown_setting_is_refused(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import pytest
    from pydantic import ValidationError

    from copytrade.config import Settings

    with pytest.raises(ValidationError, match="database_url"):
        Settings(database_url="mysql://nope")
    with pytest.raises(ValidationError, match="extra"):
        Settings(databse_url="sqlite:///typo.db")  # type: ignore[call-arg]


def test_unknown_environment_setting_is_refused(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COPYTRADE_DATABSE_URL", "sqlite:///typo.db")
    result = CliRunner().invoke(app, ["db", "upgrade"])
    assert result.exit_code == 2
    assert "COPYTRADE_DATABSE_URL" in result.output
