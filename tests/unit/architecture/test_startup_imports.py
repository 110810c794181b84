"""A verb imports what it needs: the heavy libraries load only for the verbs that use them.

docs/operations.md, "Start-up": ``copytrade`` imports a verb's module when that verb
runs, and the composition root imports the broker, the exchange client, the HTTP
client and the indicator library only when they are used.
"""

from __future__ import annotations

import json
import subprocess
import sys

from copytrade.cli.verbs import VERBS

HEAVY = ("fastapi", "ccxt", "nats", "httpx", "talib", "numpy", "redis", "copytrade.web")


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def _heavy(loaded: set[str]) -> list[str]:
    return [name for name in HEAVY if name in loaded]


def test_the_root_command_imports_no_verb() -> None:
    loaded = _loaded_after("import copytrade.cli.app")
    assert _heavy(loaded) == []
    assert not [v.module for v in VERBS.values() if f"copytrade.cli.{v.module}" in loaded]


def test_the_verbs_that_serve_nothing_load_no_server_broker_or_exchange() -> None:
    # Building a verb's command is what a run of it does before its own work; one
    # process builds them all (their union loads none of the heavy libraries).
    verbs = ["simulate", "settle", "alerts", "reconcile", "demo", "db", "stats"]
    code = (
        "from copytrade.cli.verbs import VERBS\n"
        f"for verb in {verbs!r}: VERBS[verb].load(verb)\n"
        "from copytrade.bootstrap import Container"
    )
    assert _heavy(_loaded_after(code)) == []


def test_help_lists_every_verb() -> None:
    from typer.testing import CliRunner

    from copytrade.cli.app import app

    listed = CliRunner().invoke(app, ["--help"], terminal_width=200).output
    assert all(f" {name} " in listed for name in VERBS)
