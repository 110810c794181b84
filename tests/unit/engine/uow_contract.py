"""One contract for every unit of work of the pipeline's port (docs/engine.md, "The unit
of work port"): the promises the copy pipeline relies on, written once and run on the
in-memory unit of work (tests/unit/engine/test_uow_contract.py) and on ``SqlUnitOfWork``
on SQLite and PostgreSQL (tests/integration/engine/test_uow_contract_sql.py). Each
promise takes a factory of units of work and one of read-only ones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from copytrade.engine.unit_of_work import PipelineUnitOfWork

Factory = Callable[[], PipelineUnitOfWork]
AT = datetime(2026, 1, 5, tzinfo=UTC)


def a_change_is_seen_only_once_committed(uow: Factory, read: Factory) -> None:
    with uow() as writer:
        writer.outbox.add("t", "m1", {"n": 1}, AT)
        with read() as reader:  # a read-only one: SQLite lets one writer at a time
            assert reader.outbox.pending(10) == []
        writer.commit()
    with uow() as reader:
        [message] = reader.outbox.pending(10)
    assert (message.topic, message.message_id, dict(message.payload)) == ("t", "m1", {"n": 1})


def leaving_without_commit_keeps_nothing(uow: Factory, _read: Factory) -> None:
    with uow() as work:
        work.outbox.add("t", "m1", {}, AT)
        assert work.processed.first_time("c", "m1", AT)
        work.cursors.set("stream", 7)
    with uow() as work:
        assert work.outbox.pending(10) == []
        assert work.processed.first_time("c", "m1", AT)
        assert work.cursors.get("stream") == 0


def leaving_without_commit_takes_back_changes_to_committed_rows(
    uow: Factory, _read: Factory
) -> None:
    with uow() as work:
        work.outbox.add_many("t", [("m1", {}), ("m2", {})], AT)
        work.cursors.set("stream", 5)
        work.commit()
    with uow() as work:
        [first, _] = work.outbox.pending(10)
        work.outbox.mark_delivered([first.id], AT)
        work.outbox.record_attempt([first.id])
        work.outbox.mark_delivered_by_message_id("m2", AT)
        work.outbox.add("t", "m3", {}, AT)
        work.cursors.set("stream", 9)
        assert work.outbox.pending(10)[0].message_id == "m3"
    with uow() as work:
        assert [m.message_id for m in work.outbox.pending(10)] == ["m1", "m2"]
        assert work.cursors.get("stream") == 5
        work.outbox.add("t", "m3", {}, AT)  # its key was taken back too
        work.commit()


def the_outbox_keeps_its_order_topics_and_deliveries(uow: Factory, _read: Factory) -> None:
    with uow() as work:
        work.outbox.add("a", "m1", {}, AT)
        work.outbox.add_many("b", [("m2", {"k": "v"}), ("m3", {})], AT)
        work.outbox.add("a", "m4", {}, AT)
        work.commit()
    with uow() as work:
        pending = work.outbox.pending(10)
        assert [m.message_id for m in pending] == ["m1", "m2", "m3", "m4"]
        assert [m.message_id for m in work.outbox.pending(10, topics=["a"])] == ["m1", "m4"]
        assert [m.message_id for m in work.outbox.pending(2)] == ["m1", "m2"]
        work.outbox.mark_delivered([pending[0].id], AT)
        work.outbox.mark_delivered_by_message_id("m3", AT)
        work.commit()
    with uow() as work:
        assert [m.message_id for m in work.outbox.pending(10)] == ["m2", "m4"]


def a_message_is_processed_once_per_consumer(uow: Factory, _read: Factory) -> None:
    with uow() as work:
        assert work.processed.first_time("c", "m1", AT)
        work.commit()
    with uow() as work:
        assert not work.processed.first_time("c", "m1", AT)
        assert work.processed.first_time("other", "m1", AT)


def a_cursor_starts_at_zero_and_keeps_what_is_set(uow: Factory, _read: Factory) -> None:
    with uow() as work:
        assert work.cursors.get("stream") == 0
        work.cursors.set("stream", 5)
        work.commit()
    with uow() as work:
        assert work.cursors.locked("stream") == 5
        work.cursors.set("stream", 9)
        work.commit()
    with uow() as work:
        assert work.cursors.get("stream") == 9 and work.cursors.get("other") == 0


PROMISES = (
    a_change_is_seen_only_once_committed,
    leaving_without_commit_keeps_nothing,
    leaving_without_commit_takes_back_changes_to_committed_rows,
    the_outbox_keeps_its_order_topics_and_deliveries,
    a_message_is_processed_once_per_consumer,
    a_cursor_starts_at_zero_and_keeps_what_is_set,
)
