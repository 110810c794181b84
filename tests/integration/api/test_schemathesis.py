"""Schemathesis against our OpenAPI spec, in-process: no 5xx, and every answer of
the content type the spec declares, to requests that fit the spec and to ones that
do not, from a signed-in user (so the authenticated operations are exercised).

Bounded in time: a few examples per operation, on one SQLite database.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import content_type_conformance
from sqlalchemy import Engine

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.config import Settings
from copytrade.server.scheduler import Scheduler

from ..engine.harness import PERP, SPOT, Harness
from .conftest import Api, make_api

EXAMPLES_PER_OPERATION = 40
# Signing out would end the session the other operations are exercised with.
SKIPPED = {("POST", "/api/v1/auth/logout")}


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    path: Path = tmp_path_factory.mktemp("schemathesis") / "st.db"
    settings_ = Settings(database_url=f"sqlite:///{path}")
    engine: Engine = make_engine(settings_)
    upgrade_database(engine)
    harness = Harness(engine)
    harness.tick(PERP.symbol, "50000")
    harness.tick(SPOT.symbol, "3000")
    made = make_api(engine, settings_, harness)
    # A scheduler loop without jobs, as `serve` runs one: /readyz answers ready (not 503).
    scheduler = Scheduler(made.runtime, harness.clock, [])
    made.client.app.state.scheduler = scheduler  # type: ignore[attr-defined]
    scheduler.start(poll_s=0.05)
    with made.client:
        yield made
    scheduler.stop()
    engine.dispose()


def _exercise(operation: Any, headers: dict[str, str], statuses: list[int]) -> None:
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of(*(operation.as_strategy(mode) for mode in GenerationMode)))
    def run(case: Any) -> None:
        if operation.path == "/api/v1/events":  # a stream: ask for the events so far only
            case.query = {**(case.query or {}), "once": "true"}
        response = case.call(headers=headers)
        statuses.append(response.status_code)
        case.validate_response(response, checks=[not_a_server_error, content_type_conformance])

    run()


def test_no_operation_answers_a_server_error_or_an_undeclared_content_type(
    fuzzed: Api,
) -> None:
    user = fuzzed.sign_up("fuzzer")
    deposited = fuzzed.client.post(
        "/api/v1/accounts/me/deposit",
        json={"amount": "1000", "idempotency_key": "st"},
        headers=user["headers"],
    )
    assert deposited.status_code == 200, deposited.text
    # A provider too, so its own endpoints answer more than 404.
    became = fuzzed.client.post("/api/v1/providers/me", json={}, headers=user["headers"])
    assert became.status_code == 201, became.text
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzzed.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20  # the spec was read
    failures: list[str] = []
    statuses: list[int] = []
    for operation in operations:
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        try:
            _exercise(operation, user["headers"], statuses)
        except Exception as error:  # collected, reported together below
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert not failures, "\n\n".join(failures)
    # Signed in: most operations were answered, not refused at the door.
    assert statuses.count(200) > len(operations), sorted(set(statuses))
