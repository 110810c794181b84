"""The real ``copytrade`` command on bad settings, files and databases: one line, exit 2.

Each case runs the installed console script in a subprocess and checks that it
prints one ``error:`` line (no traceback), exits 2, and leaves files as they were.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "scenarios" / "gate_skips.yaml"
EXE = shutil.which("copytrade") or f"{sys.prefix}/bin/copytrade"


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.upper().startswith("COPYTRADE_")}
    return subprocess.run(
        [EXE, *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env={**clean, **env},
        timeout=120,
    )


def refused(done: subprocess.CompletedProcess[str], *words: str) -> str:
    """The one error line of a refused command, which names every one of ``words``."""
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def migrated(path: Path) -> Path:
    done = run(["db", "upgrade"], path.parent, COPYTRADE_DATABASE_URL=f"sqlite:///{path}")
    assert done.returncode == 0, done.stderr
    return path


# --- settings (defect 13) -------------------------------------------------------------


def test_an_unknown_setting_stops_demo_before_it_deletes_the_database(tmp_path: Path) -> None:
    db = migrated(tmp_path / "copytrade-demo.db")
    before = db.read_bytes()
    done = run(["demo", "--weeks", "1", "--followers", "2"], tmp_path, COPYTRADE_FOO="1")
    refused(done, "configuration error", "COPYTRADE_FOO")
    assert db.read_bytes() == before


def test_the_unknown_setting_guard_ignores_case(tmp_path: Path) -> None:
    done = run(["leaderboard"], tmp_path, copytrade_databse_url="sqlite:///x.db")
    refused(done, "copytrade_databse_url")
    assert not (tmp_path / "x.db").exists() and not (tmp_path / "copytrade.db").exists()


def test_an_invalid_setting_value_is_one_line(tmp_path: Path) -> None:
    refused(run(["settle"], tmp_path, COPYTRADE_PLATFORM_FEE_PCT="500"), "platform_fee_pct")


# --- simulate (defects 12, 14) --------------------------------------------------------


def test_simulate_refuses_a_database_that_is_not_empty(tmp_path: Path) -> None:
    db = migrated(tmp_path / "used.db")
    before = db.read_bytes()
    done = run(["simulate", str(EXAMPLE), "--out", "r.json", "--db", f"sqlite:///{db}"], tmp_path)
    refused(done, "is not empty")
    assert db.read_bytes() == before and not (tmp_path / "r.json").exists()


def test_simulate_refuses_an_out_file_in_a_missing_folder(tmp_path: Path) -> None:
    done = run(["simulate", str(EXAMPLE), "--out", "nowhere/r.json"], tmp_path)
    refused(done, "nowhere")


def test_a_scenario_amount_beyond_the_limit_is_refused(tmp_path: Path) -> None:
    scenario = tmp_path / "big.yaml"
    text = EXAMPLE.read_text(encoding="utf-8")
    assert "deposit: 100000" in text
    scenario.write_text(text.replace("deposit: 100000", "deposit: 1e400", 1), encoding="utf-8")
    refused(run(["simulate", str(scenario), "--out", "r.json"], tmp_path), "deposit", "at most")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.yaml", "a: " + "[" * 5000 + "]" * 5000),
        ("deep.json", '{"a": ' + "[" * 5000 + "]" * 5000 + "}"),
    ],
)
def test_a_deeply_nested_scenario_is_refused(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    refused(run(["simulate", name, "--out", "r.json"], tmp_path), name, "too deeply")


# --- databases (defect 14) ------------------------------------------------------------


def test_an_unreachable_postgresql_is_one_line(tmp_path: Path) -> None:
    url = "postgresql+psycopg://postgres:secret@127.0.0.1:1/test"
    line = refused(run(["db", "upgrade"], tmp_path, COPYTRADE_DATABASE_URL=url), "cannot open")
    assert "secret" not in line


@pytest.mark.parametrize("verb", [["db", "upgrade"], ["settle"], ["leaderboard"]])
def test_a_sqlite_file_in_a_missing_folder_is_one_line(tmp_path: Path, verb: list[str]) -> None:
    url = "sqlite:///missing/x.db"
    refused(run(verb, tmp_path, COPYTRADE_DATABASE_URL=url), "missing", "does not exist")


@pytest.mark.parametrize(
    "verb",
    [["leaderboard"], ["settle"], ["stats", "refresh"], ["serve"], ["demo", "--weeks", "1"]],
)
def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path: Path, verb: list[str]) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("my notes, not a database\n", encoding="utf-8")
    refused(run([*verb, "--database", "notes.db"], tmp_path), "notes.db", "not a SQLite")
    assert notes.read_text(encoding="utf-8") == "my notes, not a database\n"


@pytest.mark.parametrize(
    "verb",
    [
        ["serve"],
        ["leaderboard"],
        ["settle"],
        ["stats", "refresh"],
        ["statement", "--follower", "a"],
    ],
)
def test_a_database_at_an_unknown_newer_migration_is_refused(
    tmp_path: Path, verb: list[str]
) -> None:
    db = migrated(tmp_path / "newer.db")
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # all in the main file, to compare
    before = db.read_bytes()
    refused(run([*verb, "--database", "newer.db"], tmp_path), "0099_from_the_future", "newer")
    assert db.read_bytes() == before


def _corrupt(db: Path) -> bytes:
    """Overwrite the headers of two b-tree pages in the middle, as a bad disk would."""
    with closing(sqlite3.connect(db)) as conn:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    data = bytearray(db.read_bytes())
    for page in (pages // 2, pages // 2 + 1):
        data[page * size : page * size + 64] = b"\x07" * 64
    db.write_bytes(bytes(data))
    return bytes(data)


@pytest.mark.parametrize("verb", [["settle"], ["stats", "refresh"], ["subscriptions", "charge"]])
def test_a_corrupted_sqlite_file_is_not_written_to(tmp_path: Path, verb: list[str]) -> None:
    db = migrated(tmp_path / "damaged.db")
    before = _corrupt(db)
    refused(run([*verb, "--database", "damaged.db"], tmp_path), "integrity check")
    assert db.read_bytes() == before
