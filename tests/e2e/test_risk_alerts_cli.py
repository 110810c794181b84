"""``copytrade alerts risk`` through the installed command, on a SQLite file
(docs/alerts.md, "Risk alerts")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.test_alerts_cli import database, ok, run

__all__ = ["database"]  # the fixture, shared with the alerts CLI tests


def test_subscribe_list_switch_check_and_remove(database: Path, tmp_path: Path) -> None:
    db = ("--database", str(database))
    added = json.loads(ok(run("risk", "add", "--owner", "alice", "--kind", "drawdown",
                              "--level", "25", "--json", *db, cwd=tmp_path)))  # fmt: skip
    assert (added["kind"], added["level"], added["enabled"]) == ("drawdown", "25", True)
    default = ok(run("risk", "add", "--owner", "alice", "--kind", "max_loss", *db, cwd=tmp_path))
    assert "max_loss 80 percent of the stop" in default
    ok(run("risk", "disable", added["id"], *db, cwd=tmp_path))
    listed = json.loads(ok(run("risk", "list", "--json", *db, cwd=tmp_path)))["rules"]
    assert [(r["kind"], r["enabled"]) for r in listed] == [("drawdown", False), ("max_loss", True)]
    assert json.loads(ok(run("risk", "check", "--json", *db, cwd=tmp_path))) == {"recorded": 0}
    assert ok(run("risk", "fired", *db, cwd=tmp_path)).strip() == "no risk alerts fired"
    ok(run("risk", "remove", added["id"], *db, cwd=tmp_path))
    assert len(json.loads(ok(run("risk", "list", "--json", *db, cwd=tmp_path)))["rules"]) == 1


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--kind", "dd"), ["unknown risk alert kind 'dd'", "drawdown"]),
        (("--kind", "drawdown", "--level", "150"), ["level", "0.01 to 100", "150"]),
        (("--kind", "settlement", "--level", "2"), ["takes no --level"]),
        (("--kind", "jump", "--level", "x"), ["--level must be a number"]),
    ],
)
def test_bad_subscriptions_get_one_error_line_and_nothing_is_stored(
    database: Path, tmp_path: Path, args: tuple[str, ...], words: list[str]
) -> None:
    db = ("--database", str(database))
    done = run("risk", "add", "--owner", "alice", *args, *db, cwd=tmp_path)
    assert done.returncode == 2, (done.stdout, done.stderr)
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: ") and all(w in line for w in words), line
    assert json.loads(ok(run("risk", "list", "--json", *db, cwd=tmp_path)))["rules"] == []
