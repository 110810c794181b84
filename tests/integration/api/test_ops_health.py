"""``/healthz`` and ``/readyz`` on the API over a real database (docs/operations.md "Health")."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from sqlalchemy import text

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.health import schema_revision
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.api.deps import SESSION_COOKIE
from copytrade.server.scheduler import Scheduler

from ..conftest import sqlite_settings
from ..engine.harness import PERP, SPOT, Harness
from .conftest import Api, make_api


def started(api: Api) -> Scheduler:
    """The server's scheduler loop (no jobs), running, one pass done, attached to the app."""
    scheduler = Scheduler(api.runtime, api.harness.clock, [])
    scheduler.start(poll_s=0.01)
    deadline = time.monotonic() + 10
    while scheduler.seconds_since_tick(time.monotonic()) is None:
        assert time.monotonic() < deadline, "the scheduler never finished a pass"
        time.sleep(0.01)
    api.client.app.state.scheduler = scheduler  # type: ignore[attr-defined]
    return scheduler


def failed(body: dict[str, object]) -> dict[str, str]:
    checks = body["checks"]
    assert isinstance(checks, list)
    return {c["name"]: c["detail"] for c in checks if not c["ok"]}


def test_healthz_answers_without_sign_in(api: Api) -> None:
    reply = api.client.get("/healthz")
    assert reply.status_code == 200 and reply.json() == {"status": "ok"}


def test_the_probes_ignore_origin_and_are_not_rate_limited(api: Api) -> None:
    user = api.sign_up("olga")
    api.client.cookies.set(SESSION_COOKIE, user["headers"]["Authorization"][7:])
    foreign = {"Origin": "https://elsewhere.example"}
    answers = {api.client.get(path, headers=foreign).status_code for path in ["/healthz"] * 200}
    assert answers == {200}
    assert api.client.get("/readyz", headers=foreign).status_code == 503  # no scheduler: checked
    assert api.client.get("/metrics", headers=foreign).status_code == 200


def test_readyz_is_ready_on_a_current_database_with_the_scheduler_running(api: Api) -> None:
    scheduler = started(api)
    try:
        reply = api.client.get("/readyz")
        assert reply.status_code == 200, reply.text
        body = reply.json()
        assert body["status"] == "ready"
        assert [c["name"] for c in body["checks"]] == ["database", "migrations", "scheduler"]
        assert failed(body) == {}
    finally:
        scheduler.stop()
    after = api.client.get("/readyz")  # a stopped scheduler is not ready
    assert after.status_code == 503 and failed(after.json()) == {"scheduler": "not running"}


def test_readyz_is_not_ready_when_the_migrations_are_behind(api: Api) -> None:
    scheduler = started(api)
    engine = api.runtime.container.engine
    current, head = schema_revision(engine)
    assert current == head and head is not None and head.isdigit()
    older = f"{int(head) - 1:04d}"
    try:
        with engine.begin() as conn:  # as a database restored from an older backup
            conn.execute(text(f"UPDATE alembic_version SET version_num = '{older}'"))
        reply = api.client.get("/readyz")
        assert reply.status_code == 503
        assert reply.json()["status"] == "not_ready"
        assert failed(reply.json()) == {"migrations": f"at {older}, head is {head}"}
    finally:
        scheduler.stop()


def test_readyz_is_not_ready_when_the_database_is_unreachable(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    settings = sqlite_settings(folder)
    engine = make_engine(settings)
    upgrade_database(engine)
    harness = Harness(engine)
    harness.tick(PERP.symbol, "50000")
    harness.tick(SPOT.symbol, "3000")
    api = make_api(engine, settings, harness)
    with api.client:
        assert api.client.get("/healthz").status_code == 200
        shutil.rmtree(folder)  # the volume went away
        engine.dispose()  # and with it the pooled connections
        reply = api.client.get("/readyz")
        assert reply.status_code == 503
        problems = failed(reply.json())
        assert problems["database"].startswith("unreachable: ")
        assert set(problems) == {"database", "migrations", "scheduler"}
        assert api.client.get("/healthz").status_code == 200  # alive all the same
    engine.dispose()
