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
