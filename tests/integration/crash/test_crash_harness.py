"""The randomized crash harness (issue 12): every operation, SIGKILLed anywhere.

Each test is one run: a seeded random sequence of deposits, follows, top-ups,
withdrawals, pauses, stops (by the follower and max-loss), manual closes,
provider orders, price moves, settlement runs and subscription charges, run by
a child process that is SIGKILLed at seeded points and restarted on the same
database; then the oracle checks the books (see ``invariants`` and
docs/engine.md, "The randomized crash harness").

The default is bounded (a few runs); a long run:

    CT_CRASH_RUNS=200 .venv/bin/python -m pytest tests/integration/crash -x -q

``CT_CRASH_SEED`` runs that one seed, ``CT_CRASH_OPS`` / ``CT_CRASH_KILLS`` size a run,
``CT_CRASH_SEED_BASE`` moves the seeds of a long run off the default ones.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .driver import KILLS, OPS, crash_run

RUNS = int(os.environ.get("CT_CRASH_RUNS", "2"))
BASE = int(os.environ.get("CT_CRASH_SEED_BASE", "1"))
ONE = os.environ.get("CT_CRASH_SEED")
SEEDS = [int(ONE)] if ONE else list(range(BASE, BASE + RUNS))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """(backend name, URL of an empty database for this run alone)."""
    if request.param == "sqlite":
        return "sqlite", f"sqlite:///{tmp_path / 'crash.db'}"
    url: str = request.getfixturevalue("postgres_schema_url")
    return "postgres", url


@pytest.mark.parametrize("seed", SEEDS)
def test_books_hold_after_random_kills(backend: tuple[str, str], seed: int, tmp_path: Path) -> None:
    name, url = backend
    ops = int(os.environ.get("CT_CRASH_OPS", OPS))
    kills = int(os.environ.get("CT_CRASH_KILLS", KILLS))
    report = crash_run(url, tmp_path, seed, ops, kills)
    assert len(report.lives) >= 2  # at least one life ran the sequence and one restarted
    if report.violations:
        pytest.fail(report.text(name), pytrace=False)
