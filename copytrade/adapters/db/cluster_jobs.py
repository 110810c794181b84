"""Each periodic job once across the API servers of one PostgreSQL database.

A job's turn is taken under a PostgreSQL session-level advisory lock of its own
(``pg_try_advisory_lock``), held on a connection of its own for as long as the
job runs: a second server trying meanwhile is told ``busy`` and tries again at
its next pass. Holding the lock, a server reads the job's row of
``scheduled_jobs``: the job is due when it never ran, when its last start is an
interval old, or when its last run never finished (its runner died: the lock
went with the dead process's connection, and this server resumes the job). The
jobs themselves are idempotent, so a resumed run finishes what the dead one
began (docs/deploy.md, "API servers", lists why each one is).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Connection, Engine, Table, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DBAPIError

from copytrade.adapters.db.schema import ScheduledJobRow

_JOBS = cast(Table, ScheduledJobRow.__table__)
ERROR_CHARS = 500


def lock_key(name: str) -> int:
    """The job's advisory lock: 64 bits of a hash of its name (stable across processes)."""
    digest = hashlib.sha256(f"copytrade.job:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@dataclass(frozen=True, slots=True)
class Turn:
    """What the cluster says of a job now: run it (``mine``), or another server is
    running it (``busy``), or it ran at ``last_started`` and is not due yet."""

    mine: bool
    busy: bool = False
    last_started: datetime | None = None
    resumed: bool = False  # mine, and the last run died before it finished


class ClusterJobs:
    def __init__(self, engine: Engine, runner: str, now: Callable[[], datetime]) -> None:
        self._engine = engine
        self._runner = runner[:200]
        self._now = now

    @contextmanager
    def turn(self, name: str, every: timedelta) -> Iterator[Turn]:
        """The job's turn; when it is ``mine`` the body runs the job under the lock, and
        its end (or its error) is recorded when the body leaves."""
        with self._engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            key = {"key": lock_key(name)}
            if not conn.execute(text("SELECT pg_try_advisory_lock(:key)"), key).scalar():
                yield Turn(False, busy=True)
                return
            try:
                now = self._now()
                row = conn.execute(select(_JOBS).where(_JOBS.c.name == name)).first()
                last = None if row is None or row.finished_at is None else row.started_at
                if last is not None and now - last < every:
                    yield Turn(False, last_started=last)
                    return
                self._started(conn, name, now)
                try:
                    resumed = row is not None and row.finished_at is None
                    yield Turn(True, last_started=now, resumed=resumed)
                except Exception as error:  # not an interrupt: that leaves the run unfinished
                    self._finished(conn, name, f"{type(error).__name__}: {error}")
                    raise
                self._finished(conn, name, None)
            finally:
                with suppress(DBAPIError):  # the connection is gone, and the lock with it
                    conn.execute(text("SELECT pg_advisory_unlock(:key)"), key)

    def _started(self, conn: Connection, name: str, now: datetime) -> None:
        values = {"started_at": now, "finished_at": None, "runner": self._runner}
        conn.execute(
            insert(_JOBS)
            .values(name=name, runs=0, **values)
            .on_conflict_do_update(index_elements=[_JOBS.c.name], set_=values)
        )

    def _finished(self, conn: Connection, name: str, error: str | None) -> None:
        conn.execute(
            update(_JOBS)
            .where(_JOBS.c.name == name)
            .values(
                finished_at=self._now(),
                runs=_JOBS.c.runs + 1,
                last_error=None if error is None else error[:ERROR_CHARS],
            )
        )
