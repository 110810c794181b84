"""SIGKILL of the outbox relay between publishing and marking: the restarted relay
publishes those messages again and the stream drops them by ``Nats-Msg-Id``
(docs/deploy.md, "Fault tests")."""

from __future__ import annotations

from .harness import (
    SHARDS,
    Worker,
    assert_each_pair_once,
    child,
    cluster,
    drive,
    outcome,
    populated,
    stream_messages,
    wait_fanned_out,
)

FILLS = 8
KILL_AT = 5


def test_a_relay_killed_after_publishing_publishes_nothing_twice(
    postgres_schema_url: str, nats_url: str
) -> None:
    with cluster(postgres_schema_url, nats_url) as made:
        engine = made.engine()
        bus = made.bus()
        population = populated(engine, fanout_bus=bus)
        drive(population, FILLS, pump=False)  # filled at the venue, not yet booked
        killed = child(made, "relay_child", str(KILL_AT))
        assert killed.returncode == -9, killed.stderr
        assert stream_messages(made) == KILL_AT
        again = child(made, "relay_child", "0")
        assert again.returncode == 0, again.stderr
        assert int(again.stdout.split()[-1]) == FILLS  # KILL_AT of them published again
        assert stream_messages(made) == FILLS  # ... and dropped by the stream
        worker = Worker(made, take=SHARDS)
        try:
            wait_fanned_out(engine, FILLS)
        finally:
            worker.stop()
            bus.close()
        got = outcome(engine)
        engine.dispose()
    assert_each_pair_once(got, FILLS)
