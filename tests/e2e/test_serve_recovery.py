"""``copytrade serve`` recovers a crashed engine's work before its first answer (defect 1).

A real engine process is SIGKILLed mid-copy (tests/integration/engine/crash_child.py):
50 copy intents are left ``new`` with the provider fill's message undelivered, or
placed at the venue with their answers unrecorded. A real ``copytrade serve`` is then
started on that database: by the time it answers HTTP every copy is placed once and
booked (its jobs, e.g. a settlement run by the wall clock, may still be running), and
``copytrade reconcile`` finds the ledger and the venue in agreement.
"""

from __future__ import annotations

import json
import shutil
import signal
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from copytrade.cli.app import app
from tests.integration.engine.crash_scenario import FOLLOWERS, running, set_up
from tests.integration.engine.test_crash_recovery import (
    AT_DEATH,
    SIGKILL_RETURNCODE,
    assert_copied_exactly_once,
    at_death,
    child,
)

from .serving import free_port, start, stop


def quiet(url: str, wait_s: float = 60) -> None:
    """Wait until the server has relayed every message (its jobs pump when they end)."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        with running(url) as h, h.platform.uow() as uow:
            if uow.outbox.count_pending() == 0:
                return
        time.sleep(0.3)
    pytest.fail("the server left messages undelivered")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serve-crash") / "template.db"
    set_up(f"sqlite:///{path}")
    return path


@pytest.mark.parametrize("step", ["after_intents", "after_submit"])
def test_serve_finishes_the_copies_a_killed_engine_left(
    template: Path, tmp_path: Path, step: str
) -> None:
    database = tmp_path / "crash.db"
    shutil.copy(template, database)
    url = f"sqlite:///{database}"
    assert child("run", url, step) == SIGKILL_RETURNCODE
    assert at_death(url) == AT_DEATH[step]  # FOLLOWERS intents `new`, a message pending
    assert AT_DEATH[step][2] == {"new": FOLLOWERS}

    port = free_port()
    args = ["serve", "--database", str(database), "--port", str(port), "--no-market"]
    _, process = start(args, port)
    try:
        with running(url) as h, h.platform.uow() as uow:  # serve answers: recovery is done
            assert uow.orders.unconfirmed() == []
            copies = [o.status for o in uow.orders.all() if o.relationship_id is not None]
        assert copies == ["filled"] * FOLLOWERS
        quiet(url)  # then let its first pass of jobs (e.g. a settlement run) finish
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) in (0, -signal.SIGTERM)
    finally:
        stop(process)
    output = process.stdout.read() if process.stdout else b""
    assert b"Traceback" not in output, output.decode()

    with running(url) as h:  # a fresh look at what serve left: no recovery here
        assert_copied_exactly_once(h)
    result = CliRunner().invoke(app, ["reconcile", "--database", str(database), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["books"], report["differences"], report["orders_pending"]) == (
        1 + FOLLOWERS,
        [],
        0,
    )
