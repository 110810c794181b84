"""SIGKILL of shard workers at random moments while provider fills fan out over 4
shards on JetStream and PostgreSQL (docs/deploy.md, "Fault tests").

CI=true runs them (a missing server fails); elsewhere they skip with the reason.
Scale: CT_CLUSTER_FILLS × CT_CLUSTER_FOLLOWERS (default 30 × 100; the issue's
full scale is 1000 × 1000).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from decimal import Decimal
from typing import Any

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.config import Settings

from .harness import (
    FILLS,
    FOLLOWERS,
    Worker,
    cluster,
    drive,
    outcome,
    populated,
    wait_fanned_out,
)

KILLS = 4


def _single_process(url: str) -> dict[str, Any]:
    """The same scenario in one process, on the in-process bus."""
    engine = make_engine(Settings(database_url=url))
    upgrade_database(engine)
    drive(populated(engine), FILLS)
    try:
        return outcome(engine)
    finally:
        engine.dispose()


def test_killed_workers_copy_each_fill_once_like_one_process(
    postgres_schema_url: str, nats_url: str, reference_url: str
) -> None:
    rng = random.Random(17)
    with cluster(postgres_schema_url, nats_url) as made:
        engine = made.engine()
        bus = made.bus()
        population = populated(engine, fanout_bus=bus)
        workers = [Worker(made, take=2), Worker(made, take=2)]
        kill_after = sorted(rng.sample(range(FILLS), KILLS))

        def between(index: int) -> None:
            while kill_after and kill_after[0] == index:
                kill_after.pop(0)
                time.sleep(rng.uniform(0.0, 0.3))  # somewhere inside a fan-out
                rng.choice(workers).kill_and_restart()

        try:
            drive(population, FILLS, between)
            wait_fanned_out(engine, FILLS)
        finally:
            logs = [w.stop() for w in workers]
            bus.close()
        got = outcome(engine)
        engine.dispose()
    assert sum(w.kills for w in workers) == KILLS, logs
    per_pair = Counter((d[0], d[1]) for d in got["decisions"])
    assert len(per_pair) == FILLS * FOLLOWERS
    assert set(per_pair.values()) == {1}
    copies = Counter((o[3], o[2]) for o in got["orders"] if o[2] != "None")
    assert max(copies.values()) == 1
    assert sum(Decimal(b[1]) for b in got["balances"]) == 0
    assert got == _single_process(reference_url)
