"""SIGKILL of shard workers at random moments while provider fills fan out over 4
shards on JetStream and PostgreSQL (docs/deploy.md, "Fault tests").

CI=true runs them (a missing server fails); elsewhere they skip with the reason.
Scale: CT_CLUSTER_FILLS × CT_CLUSTER_FOLLOWERS (default 20 × 100; the issue's
full scale is 1000 × 1000).
"""

from __future__ import annotations

import random
import time

from .harness import (
    FILLS,
    FaultRun,
    Worker,
    assert_each_pair_once,
    cluster,
    single_process,
    wait_busy,
)

KILLS = 4


def test_killed_workers_copy_each_fill_once_like_one_process(
    postgres_schema_url: str, nats_url: str, reference_url: str
) -> None:
    rng = random.Random(17)
    with cluster(postgres_schema_url, nats_url) as made:
        run = FaultRun(made, lambda: [Worker(made, take=2), Worker(made, take=2)])
        kill_after = sorted(rng.sample(range(FILLS), KILLS))

        seen = [0]

        def between(index: int) -> None:
            while kill_after and kill_after[0] == index:
                kill_after.pop(0)
                # Not while the workers are still starting: once they are at work (or
                # caught up), somewhere inside a fan-out.
                seen[0] = wait_busy(run.engine, index + 1, seen[0])
                time.sleep(rng.uniform(0.0, 0.3))
                rng.choice(run.workers).kill_and_restart()

        got, logs = run.fan_out(FILLS, between)
    assert sum(w.kills for w in run.workers) == KILLS, logs
    assert_each_pair_once(got, FILLS)
    assert got == single_process(reference_url)
