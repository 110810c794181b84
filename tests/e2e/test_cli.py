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


def test_version_option_prints_the_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == __version__


def test_help_labels_no_flag_bool_and_offers_completion() -> None:
    for verb in ([], ["demo"], ["serve"], ["settle"], ["leaderboard"]):
        result = CliRunner().invoke(app, [*verb, "--help"], terminal_width=100)
        assert result.exit_code == 0, result.output
        assert "<bool>" not in result.output, verb
    assert "--install-completion" in CliRunner().invoke(app, ["--help"]).output


def test_every_verb_that_opens_a_database_takes_database() -> None:
    verbs = [["db", "upgrade"], ["simulate"], ["demo"], ["leaderboard"], ["stats", "refresh"]]
    verbs += [["settle"], ["statement"], ["reconcile"], ["serve"], ["subscriptions", "charge"]]
    for verb in verbs:
        result = CliRunner().invoke(app, [*verb, "--help"], terminal_width=120)
        assert "--database" in result.output, verb
    assert "--db " not in CliRunner().invoke(app, ["simulate", "--help"]).output  # hidden


def test_db_upgrade_and_leaderboard_json_on_database(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    db_file = tmp_path / "other.db"
    made = CliRunner().invoke(app, ["db", "upgrade", "--database", str(db_file)])
    assert made.exit_code == 0, made.output
    assert db_file.exists()
    refreshed = CliRunner().invoke(app, ["stats", "refresh", "--database", str(db_file)])
    assert refreshed.exit_code == 0, refreshed.output
    shown = CliRunner().invoke(app, ["leaderboard", "--database", str(db_file), "--json"])
    assert shown.exit_code == 0, shown.output
    page = json.loads(shown.stdout)
    assert page["total"] == 0 and page["providers"] == [] and page["disclaimer"]
