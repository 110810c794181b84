"""A real ``copytrade serve`` for the cluster tests, with one more periodic job.

``python -m tests.integration.cluster.serve_child PORT [--no-market]`` serves as
``copytrade serve`` does (``run_server``, the settings from COPYTRADE_*), and adds
the cluster-wide job ``test-steps``: every second it works through the rows of
``test_work`` not yet done, a tenth of a second each, logging each one in
``test_steps`` with its process id. Like the real jobs it is resumable: a run
that dies mid-way leaves the rest for the next (docs/deploy.md, "API servers").
"""

from __future__ import annotations

import os
import sys
import time
from datetime import timedelta

from sqlalchemy import text

from copytrade.api.runtime import ServerRuntime
from copytrade.cli.serve import run_server
from copytrade.config import load_settings
from copytrade.marketdata.clock import Clock
from copytrade.server.scheduler import Job

STEP_S = 0.1


def steps(runtime: ServerRuntime) -> int:
    done = 0
    engine = runtime.container.engine
    while True:
        with engine.begin() as conn:
            item = conn.execute(
                text("SELECT item FROM test_work WHERE done_by IS NULL ORDER BY item LIMIT 1")
            ).scalar()
            if item is None:
                return done
            time.sleep(STEP_S)  # the work of one step, inside its transaction
            conn.execute(
                text("UPDATE test_work SET done_by = :pid WHERE item = :item"),
                {"pid": os.getpid(), "item": item},
            )
            conn.execute(
                text("INSERT INTO test_steps (item, pid) VALUES (:item, :pid)"),
                {"pid": os.getpid(), "item": item},
            )
        done += 1


def extra_jobs(runtime: ServerRuntime, clock: Clock) -> list[Job]:
    return [Job("test-steps", timedelta(seconds=1), lambda: steps(runtime), under_lock=False)]


if __name__ == "__main__":
    port = int(sys.argv[1])
    market = "--no-market" not in sys.argv
    run_server(load_settings(), "127.0.0.1", port, 7, market, "warning", extra_jobs=extra_jobs)
