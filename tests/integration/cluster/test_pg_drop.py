"""A worker's PostgreSQL connections terminated mid-run (``pg_terminate_backend``), on
JetStream and PostgreSQL (docs/deploy.md, "Fault tests").

Two workers (``--take 2``) of 4 shards. At random moments while the fills fan out, the
test terminates either the worker's pooled connections only (the fan-out in flight rolls
back; the worker reconnects and the fill comes again) or every connection of it, its shard
lease's included (the worker stops, ``LeaseLostError``, and the test starts it again
through the normal entry point, as a supervisor would). Afterwards every (fill,
relationship) pair has one decision and at most one order, the ledger sums to zero, and
the outcome equals the single-process run. CI=true runs it; elsewhere it skips when a
server is missing.
"""

from __future__ import annotations

import random
import time

from sqlalchemy import Engine, text

from .harness import (
    FILLS,
    FaultRun,
    Worker,
    assert_each_pair_once,
    cluster,
    single_process,
    wait_busy,
)

DROPS = 6
# A backend holding an advisory lock may be the shard lease's (or the paper venue's
# write lock, taken per transaction): spared when only the pool is to go.
_NOT_LEASE = " AND pid NOT IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory')"


def terminate(engine: Engine, application_name: str, lease: bool) -> int:
    """Terminate the worker's backends (its lease's too when ``lease``); how many."""
    sql = (
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE application_name = :name AND datname = current_database()"
    )
    with engine.connect() as conn:
        return int(
            conn.execute(text(sql + ("" if lease else _NOT_LEASE)), {"name": application_name})
            .scalar_one()
        )


def test_dropped_database_connections_lose_and_double_nothing(
    postgres_schema_url: str, nats_url: str, reference_url: str
) -> None:
    rng = random.Random(33)
    with cluster(postgres_schema_url, nats_url) as made:
        run = FaultRun(made, lambda: [Worker(made, take=2, name=f"ct-worker-{n}") for n in (1, 2)])
        engine, workers = run.engine, run.workers
        drop_after = sorted(rng.sample(range(FILLS), DROPS))
        terminated: list[int] = []
        seen = [0]

        def supervise() -> None:
            for worker in workers:
                worker.restart_if_exited()

        def dropped(name: str, lease: bool) -> int:
            """Terminate the connections (waiting until a restarted worker has some)."""
            deadline = time.monotonic() + 30
            while not (count := terminate(engine, name, lease)) and time.monotonic() < deadline:
                supervise()
                time.sleep(0.05)
            return count

        def between(index: int) -> None:
            supervise()
            while drop_after and drop_after[0] == index:
                kind = len(drop_after) % 2 == 0  # alternately: all of them, the pool only
                drop_after.pop(0)
                seen[0] = wait_busy(engine, index + 1, seen[0], tick=supervise)
                time.sleep(rng.uniform(0.0, 0.3))
                victim = rng.choice(workers)
                assert victim.name is not None
                terminated.append(dropped(victim.name, lease=kind))

        got, logs = run.fan_out(FILLS, between, tick=supervise)
    assert len(terminated) == DROPS and all(terminated), (terminated, logs)
    assert sum(w.restarts for w in workers) >= 1, logs  # a lost lease stopped a worker
    assert_each_pair_once(got, FILLS)
    assert got == single_process(reference_url)
