"""``copytrade alerts`` through the installed command, on a SQLite file (docs/alerts.md)."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.config import Settings
from copytrade.demo.instruments import DEMO_INSTRUMENTS
from copytrade.domain.alerts.channels import DELIVERY_HEADER, SIGNATURE_HEADER, signature_matches
from copytrade.domain.alerts.firings import ALERT_FIRED
from tests.integration.alerts.receivers import http_receiver

EXE = shutil.which("copytrade") or f"{sys.prefix}/bin/copytrade"


def run(*args: str, cwd: Path, env: Mapping[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [EXE, "alerts", *args], capture_output=True, text=True, check=False, cwd=cwd,
        timeout=120, env=None if env is None else {**os.environ, **env},
    )


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, (done.stdout, done.stderr)
    return done.stdout


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "alerts.db"
    engine = make_engine(Settings(database_url=f"sqlite:///{path}"))
    upgrade_database(engine)
    with SqlUnitOfWork(sessionmaker(engine)) as uow:
        uow.instruments.save(DEMO_INSTRUMENTS)
        uow.accounts.add("alice", "Alice", datetime(2026, 1, 1, tzinfo=UTC))
        uow.commit()
    engine.dispose()
    return path


def test_add_list_disable_remove(database: Path, tmp_path: Path) -> None:
    db = ("--database", str(database))
    added = json.loads(ok(run(
        "add", "BTC/USDT", "1h", "EMA(9) crosses above EMA(21)", "--owner", "alice",
        "--every", "--cooldown", "4h", "--json", *db, cwd=tmp_path,
    )))
    assert added["condition"] == "EMA(9) crosses above EMA(21)"
    assert (added["mode"], added["cooldown_seconds"], added["status"]) == ("every", 14400, "active")
    ok(run("disable", added["id"], *db, cwd=tmp_path))
    (listed,) = json.loads(ok(run("list", "--json", *db, cwd=tmp_path)))["rules"]
    assert listed["id"] == added["id"] and listed["status"] == "disabled"
    assert "disabled" in ok(run("list", *db, cwd=tmp_path))
    ok(run("remove", added["id"], *db, cwd=tmp_path))
    assert ok(run("list", *db, cwd=tmp_path)).strip() == "no alert rules"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("BTC/USDT", "1h", "RSI(14) crosses abve 70"), ["column 17", "'abve'"]),
        (("DOGE/USDT", "1h", "price above 1"), ["unknown symbol 'DOGE/USDT'", "BTC/USDT"]),
        (("BTC/USDT", "3h", "price above 1"), ["unknown timeframe '3h'"]),
        (("BTC/USDT", "1h", "price above 1", "--cooldown", "5 minutes"), ["--cooldown"]),
    ],
)
def test_bad_rules_get_one_error_line_and_nothing_is_stored(
    database: Path, tmp_path: Path, args: tuple[str, ...], words: list[str]
) -> None:
    done = run("add", *args, "--owner", "alice", "--database", str(database), cwd=tmp_path)
    assert done.returncode == 2, (done.stdout, done.stderr)
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: ") and all(w in line for w in words), line
    assert json.loads(ok(run("list", "--json", "--database", str(database),
                             cwd=tmp_path)))["rules"] == []


def test_replay_over_a_csv_lists_the_crossings_one_counts(
    database: Path, tmp_path: Path
) -> None:
    csv = tmp_path / "btc.csv"
    closes = [90, 95, 101, 102, 99, 98, 105, 80, 120, 121]  # crosses above 100 three times
    rows = ["timestamp,open,high,low,close,volume"] + [
        f"2026-01-01T00:{i:02d}:00Z,{c},{c},{c},{c},1" for i, c in enumerate(closes)
    ]
    csv.write_text("\n".join(rows) + "\n")
    ok(run("add", "BTC/USDT", "1m", "close crosses above 100", "--owner", "alice", "--every",
           "--database", str(database), cwd=tmp_path))
    out = json.loads(ok(run("replay", "--csv", str(csv), "--json", "--database",
                            str(database), cwd=tmp_path)))
    # A bar's ticks start at its open time, so the candle of minute i closes at i + 1;
    # the last bar's candle never closes within the history.
    assert [f["fired_at"] for f in out["firings"]] == [
        "2026-01-01T00:03:00+00:00", "2026-01-01T00:07:00+00:00", "2026-01-01T00:09:00+00:00"
    ]
    assert out["firings"][0]["values"]["close"] == "101" and out["rules"] == 1
    # Replay writes nothing: no firing is recorded.
    assert json.loads(ok(run("fired", "--json", "--database", str(database),
                             cwd=tmp_path)))["firings"] == []


def test_replay_of_an_ad_hoc_condition_on_synthetic_history(tmp_path: Path) -> None:
    args = ("replay", "--condition", "MACD histogram turns positive", "--symbol", "ETH/USDT",
            "--timeframe", "1h", "--every", "--days", "4", "--step", "1m", "--json")
    first = json.loads(ok(run(*args, cwd=tmp_path)))
    assert first["firings"] and all(
        float(f["values"]["MACD(12, 26, 9) histogram"]) > 0
        and float(f["before"]["MACD(12, 26, 9) histogram"]) <= 0
        for f in first["firings"]
    )
    assert json.loads(ok(run(*args, cwd=tmp_path))) == first  # deterministic


def test_channels_add_list_test_deliver_remove(database: Path, tmp_path: Path) -> None:
    db = ("--database", str(database))
    env = {"COPYTRADE_SECRET_KEY": base64.b64encode(os.urandom(32)).decode()}
    with http_receiver(200) as receiver:
        added = json.loads(ok(run(
            "channels", "add", "webhook", receiver.url + "/hook", "--owner", "alice", "--json",
            *db, cwd=tmp_path, env=env,
        )))
        secret = added.pop("webhook_secret")
        tg = {**env, "ALERT_CHANNEL_SECRET": "42:token", "COPYTRADE_TELEGRAM_API_URL": receiver.url}
        telegram = ok(run("channels", "add", "--owner", "alice", *db, "telegram", "--", "-100",
                          cwd=tmp_path, env=tg)).split()[0]
        listed = ok(run("channels", "list", "--json", *db, cwd=tmp_path))
        assert secret not in listed and "42:token" not in listed
        assert [c["kind"] for c in json.loads(listed)["channels"]] == ["webhook", "telegram"]
        ok(run("channels", "test", added["id"], *db, cwd=tmp_path, env=env))
        engine = make_engine(Settings(database_url=f"sqlite:///{database}"))
        with SqlUnitOfWork(sessionmaker(engine)) as uow:
            uow.outbox.add(ALERT_FIRED, "alert:r1:t", {"to": "alice", "rule": "r1"},
                           datetime(2026, 1, 1, tzinfo=UTC))
            uow.commit()
        engine.dispose()
        assert json.loads(ok(run("deliver", "--json", *db, cwd=tmp_path, env=tg))) == {
            "queued": 1, "sent": 2, "failed": 0}
        assert "sent 0" in ok(run("deliver", *db, cwd=tmp_path, env=tg))
    test, *sent = receiver.received
    # The two deliveries of one message go out in the order of their ids (random).
    (hook,) = [r for r in sent if r.path == "/hook"]
    (bot,) = [r for r in sent if r.path != "/hook"]
    assert "test message" in test.json()["alert"]["condition"]
    assert signature_matches(secret, hook.body, hook.headers[SIGNATURE_HEADER])
    assert hook.headers[DELIVERY_HEADER] == f"alert:r1:t/{added['id']}"
    assert bot.path == "/bot42:token/sendMessage"
    ok(run("channels", "remove", telegram, *db, cwd=tmp_path))
    assert telegram not in ok(run("channels", "list", *db, cwd=tmp_path))
    missing = run("channels", "test", telegram, *db, cwd=tmp_path)
    assert missing.returncode == 2 and "no notification channel" in missing.stderr
    bad = run("channels", "add", "webhook", "ftp://x", "--owner", "alice", *db, cwd=tmp_path,
              env=env)
    assert bad.returncode == 2 and "http(s)://" in bad.stderr
