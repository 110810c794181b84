"""The outbox: nothing is sent for a rolled-back transaction; delivery is at least once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine

from copytrade.adapters.db.engine import make_session_factory
from copytrade.adapters.db.unit_of_work import OutboxCommits, SqlUnitOfWork, UnitOfWorkError
from copytrade.engine.outbox_relay import OutboxRelay
from copytrade.marketdata.clock import SimulatedClock

NOW = datetime(2026, 1, 5, 12, tzinfo=UTC)


class RecordingPublisher:
    def __init__(self, fail_on: str | None = None) -> None:
        self.fail_on = fail_on
        self.sent: list[tuple[str, str, Mapping[str, Any]]] = []

    def publish(self, topic: str, message_id: str, payload: Mapping[str, Any]) -> None:
        if message_id == self.fail_on:
            self.fail_on = None  # fail once, like a broker that hiccups
            raise ConnectionError("broker unavailable")
        self.sent.append((topic, message_id, payload))


@pytest.fixture
def uow_factory(db_engine: Engine):  # type: ignore[no-untyped-def]
    factory = make_session_factory(db_engine)
    return lambda: SqlUnitOfWork(factory)


def test_rolled_back_unit_of_work_sends_nothing(uow_factory) -> None:  # type: ignore[no-untyped-def]
    with uow_factory() as uow:
        uow.outbox.add("copies", "m-1", {"qty": "1.5"}, NOW)
        # no commit: leaving the block rolls back
    publisher = RecordingPublisher()
    assert OutboxRelay(uow_factory, publisher, SimulatedClock(NOW)).relay_all() == 0
    assert publisher.sent == []


def test_exception_inside_unit_of_work_rolls_back(uow_factory) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError), uow_factory() as uow:
        uow.outbox.add("copies", "m-1", {"qty": "1.5"}, NOW)
        raise RuntimeError("boom before commit")
    with uow_factory() as uow:
        assert uow.outbox.count_pending() == 0


def test_committed_messages_are_delivered_in_order_once(uow_factory) -> None:  # type: ignore[no-untyped-def]
    with uow_factory() as uow:
        uow.outbox.add_many("copies", [("m-1", {"n": 1}), ("m-2", {"n": 2})], NOW)
        uow.commit()
    publisher = RecordingPublisher()
    relay = OutboxRelay(uow_factory, publisher, SimulatedClock(NOW))
    assert relay.relay_all() == 2
    assert relay.relay_all() == 0
    sent = [(t, m, p["n"]) for t, m, p in publisher.sent]
    assert sent == [("copies", "m-1", 1), ("copies", "m-2", 2)]


def test_failed_publish_is_retried_and_order_kept(uow_factory) -> None:  # type: ignore[no-untyped-def]
    with uow_factory() as uow:
        uow.outbox.add_many("copies", [("m-1", {}), ("m-2", {}), ("m-3", {})], NOW)
        uow.commit()
    publisher = RecordingPublisher(fail_on="m-2")
    relay = OutboxRelay(uow_factory, publisher, SimulatedClock(NOW))
    with pytest.raises(ConnectionError):
        relay.relay_once()
    assert [m for _, m, _ in publisher.sent] == ["m-1"]
    assert relay.relay_all() == 2
    assert [m for _, m, _ in publisher.sent] == ["m-1", "m-2", "m-3"]


def test_consumer_processes_a_message_id_once(uow_factory) -> None:  # type: ignore[no-untyped-def]
    with uow_factory() as uow:
        assert uow.processed.first_time("engine", "m-1", NOW) is True
        uow.commit()
    with uow_factory() as uow:
        assert uow.processed.first_time("engine", "m-1", NOW) is False
        assert uow.processed.first_time("stats", "m-1", NOW) is True


def test_unit_of_work_outside_with_block_is_refused(uow_factory) -> None:  # type: ignore[no-untyped-def]
    uow = uow_factory()
    with pytest.raises(UnitOfWorkError, match="with"):
        uow.commit()


class CountingFactory:
    """A unit-of-work factory over one outbox-commit count that counts what it opens."""

    def __init__(self, db_engine: Engine) -> None:
        self._factory = make_session_factory(db_engine)
        self.commits = OutboxCommits()
        self.opened = 0

    def __call__(self) -> SqlUnitOfWork:
        self.opened += 1
        return SqlUnitOfWork(self._factory, outbox_commits=self.commits)


def test_an_only_writer_relay_polls_again_only_after_an_outbox_commit(db_engine: Engine) -> None:
    uows = CountingFactory(db_engine)
    publisher = RecordingPublisher()
    relay = OutboxRelay(
        uows, publisher, SimulatedClock(NOW), outbox_commits=lambda: uows.commits.count
    )
    assert relay.relay_all() == 0 and uows.opened == 1  # an empty poll: one read, nothing marked
    assert relay.relay_all() == 0 and uows.opened == 1  # nothing committed since: no poll
    with uows() as uow:
        uow.outbox.add("copies", "m-1", {"n": 1}, NOW)
        # rolled back: counts nothing
    with uows() as uow:
        uow.cursors.set("a-stream", 1)  # a commit that adds no message counts nothing either
        uow.commit()
    assert uows.commits.count == 0
    with uows() as uow:
        uow.outbox.add("copies", "m-2", {"n": 2}, NOW)
        uow.commit()
    assert uows.commits.count == 1
    opened = uows.opened
    assert relay.relay_all() == 1
    assert [message_id for _, message_id, _ in publisher.sent] == ["m-2"]
    # A read and a mark for the message, then a read that finds the outbox empty again.
    assert uows.opened == opened + 3
    assert relay.relay_all() == 0 and uows.opened == opened + 3


def test_a_relay_without_the_count_polls_every_time(db_engine: Engine) -> None:
    uows = CountingFactory(db_engine)
    relay = OutboxRelay(uows, RecordingPublisher(), SimulatedClock(NOW))
    relay.relay_all()
    relay.relay_all()
    assert uows.opened == 2  # one read each, and no second transaction for an empty poll
