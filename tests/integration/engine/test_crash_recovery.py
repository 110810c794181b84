"""Exactly once across real crashes: the engine is SIGKILLed at each step, then restarted.

The child process (``crash_child``) runs the scenario on a database the test set up
and dies by SIGKILL at the named step; the test then builds a fresh platform on the
same database (what a restarted process does), runs ``engine.recover()`` and checks
that every follower got exactly one copy, placed once at the venue, booked once.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlalchemy import func, select

from copytrade.adapters.db.schema import FillRow, OutboxRow, PaperOrderRow
from copytrade.domain.ids import ClientOrderId, FillId, RelationshipId
from copytrade.engine.messages import PROVIDER_FILLED

from .crash_child import STEPS
from .crash_scenario import (
    FOLLOWERS,
    PROVIDER,
    PROVIDER_ORDER,
    PROVIDER_QTY,
    expected_qty,
    relationship,
    running,
    set_up,
    state,
)
from .harness import PERP, Harness

ROOT = Path(__file__).resolve().parents[3]
SIGKILL_RETURNCODE = -9


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scenario set up once on SQLite; each test gets a copy of the file (fast)."""
    path = tmp_path_factory.mktemp("crash") / "template.db"
    set_up(f"sqlite:///{path}")
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL with the scenario set up, for this test alone."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        for suffix in ("", "-wal"):  # the engine was disposed: normally no WAL is left
            if template.with_name(template.name + suffix).exists():
                shutil.copy(
                    template.with_name(template.name + suffix), tmp_path / f"crash.db{suffix}"
                )
        return f"sqlite:///{tmp_path / 'crash.db'}"
    database_url: str = request.getfixturevalue("postgres_schema_url")
    set_up(database_url)
    return database_url


def child(mode: str, url: str, step: str) -> int:
    """Run the engine in a child process; its return code (-9 when SIGKILLed)."""
    proc = subprocess.run(
        [sys.executable, "-m", "tests.integration.engine.crash_child", mode, url, step],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode in (0, SIGKILL_RETURNCODE), proc.stderr
    return proc.returncode


def assert_copied_exactly_once(h: Harness) -> None:
    rels = [relationship(i) for i in range(FOLLOWERS)]
    with h.platform.uow() as uow:
        s = uow.session
        provider_fills = s.scalars(select(FillRow.fill_id).where(FillRow.book == PROVIDER)).all()
        assert len(provider_fills) == 1  # the provider's fill booked once
        fill_id = FillId(provider_fills[0])
        want = {rel: str(ClientOrderId.for_copy(fill_id, RelationshipId(rel))) for rel in rels}
        copies = [o for o in uow.orders.all() if o.relationship_id is not None]
        # One copy order per relationship, with its deterministic id, filled in full.
        assert sorted((o.relationship_id, o.client_order_id) for o in copies) == sorted(
            want.items()
        )
        assert {(o.copy_of, o.status) for o in copies} == {(str(fill_id), "filled")}
        assert {o.relationship_id: o.filled_qty for o in copies} == {
            rel: expected_qty(i) for i, rel in enumerate(rels)
        }
        # Every follower has its decision, pointing at its order.
        assert sorted(
            (d.relationship_id, d.leg, d.action, d.client_order_id) for d in uow.decisions.all()
        ) == [(rel, "open", "placed", want[rel]) for rel in rels]
        # The venue holds exactly one order per client order id: these and the provider's.
        counted = select(PaperOrderRow.client_order_id, func.count()).group_by(
            PaperOrderRow.client_order_id
        )
        venue_orders = {cid: n for cid, n in s.execute(counted)}
        assert venue_orders == {cid: 1 for cid in [*want.values(), str(PROVIDER_ORDER)]}
        positions = uow.positions.for_books([str(PROVIDER), *rels])
        expected: dict[str, D] = {rel: expected_qty(i) for i, rel in enumerate(rels)}
        expected[str(PROVIDER)] = PROVIDER_QTY
        assert {book: p.position.qty for (book, _), p in positions.items()} == expected
        assert uow.ledger.reconcile().ok
        assert set(uow.ledger.sum_by_currency().values()) == {D(0)}
        announced = s.scalar(select(func.count()).where(OutboxRow.topic == PROVIDER_FILLED))
        assert announced == 1
        assert uow.outbox.pending(10) == []
        assert uow.orders.unconfirmed() == []
    # The venue's own positions agree with the books.
    venue = h.platform.venue
    assert [(p.symbol, p.qty) for p in venue.positions(rels[0])] == [(PERP.symbol, expected_qty(0))]
    assert [p.qty for p in venue.positions(str(PROVIDER))] == [PROVIDER_QTY]


# What the database and the venue hold when the child died at each step, before any
# recovery: (provider order status, orders at the venue, our copy orders by status,
# undelivered messages). It proves the kill happened where the step says.
AT_DEATH = {
    "provider_sent": ("new", 0, {}, 0),
    "provider_placed": ("new", 1, {}, 0),
    "provider_answered": ("filled", 1, {}, 0),
    "fill_booked": ("filled", 1, {}, 1),
    "after_intents": ("filled", 1, {"new": FOLLOWERS}, 1),
    "after_submit": ("filled", 1 + FOLLOWERS, {"new": FOLLOWERS}, 1),
    "after_fanout": ("filled", 1 + FOLLOWERS, {"filled": FOLLOWERS}, 1),
}


def at_death(url: str) -> tuple[str | None, int, dict[str, int], int]:
    with running(url) as h, h.platform.uow() as uow:
        provider = uow.orders.get(str(PROVIDER_ORDER))
        copies = Counter(o.status for o in uow.orders.all() if o.relationship_id is not None)
        at_venue = uow.session.scalar(select(func.count()).select_from(PaperOrderRow))
        return (
            provider.status if provider else None,
            at_venue or 0,
            dict(copies),
            len(uow.outbox.pending(10)),
        )


def recover_and_check(url: str) -> None:
    """Restart on ``url``: recover, check, and check that recovering again changes nothing."""
    with running(url) as h:
        h.engine.recover()
        assert_copied_exactly_once(h)
        before = state(h)
        h.engine.recover()
        assert state(h) == before


@pytest.mark.parametrize("step", STEPS)
def test_a_kill_at_any_step_is_recovered_exactly_once(url: str, step: str) -> None:
    # provider_sent and provider_placed are the regression tests of a recovery that
    # booked the provider's fill itself, so it was never announced and never copied.
    assert child("run", url, step) == SIGKILL_RETURNCODE
    assert at_death(url) == AT_DEATH[step]
    recover_and_check(url)


def test_a_kill_during_recovery_is_recovered_too(url: str) -> None:
    # Killed before sending; the restart is killed again after sending the copies.
    assert child("run", url, "after_intents") == SIGKILL_RETURNCODE
    assert child("recover", url, "after_submit") == SIGKILL_RETURNCODE
    assert at_death(url) == AT_DEATH["after_submit"]
    recover_and_check(url)


def test_redelivering_a_completed_provider_fill_places_nothing(url: str) -> None:
    assert child("run", url, "none") == 0
    with running(url) as h:
        assert_copied_exactly_once(h)
        before = state(h)
        with h.platform.uow() as uow:
            row = uow.session.scalars(
                select(OutboxRow).where(OutboxRow.topic == PROVIDER_FILLED)
            ).one()
            message_id, payload = row.message_id, json.loads(row.payload)
        h.engine.bus.publish(PROVIDER_FILLED, message_id, payload)
        h.engine.recover()
        assert state(h) == before
