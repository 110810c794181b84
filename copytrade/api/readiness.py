"""``/readyz``: whether this server can do its work (docs/operations.md "Health").

Ready when each check passes: the database answers, its schema is at the newest
migration this copytrade knows (alembic's head), and the scheduler's thread is
alive and finished a pass recently (``SCHEDULER_STALE``). A check that fails says
why; the HTTP edge answers 503 then.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from copytrade.adapters.db.health import schema_revision

# A pass runs every job that is due under the engine lock; a full stats refresh
# takes seconds at thousands of providers, so a minute without one is a stuck loop.
SCHEDULER_STALE_S = 60.0


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "ok": self.ok, "detail": self.detail}


def database_checks(engine: Engine) -> list[Check]:
    try:
        current, head = schema_revision(engine)
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        return [
            Check("database", False, f"unreachable: {reason}"),
            Check("migrations", False, "not checked: the database is unreachable"),
        ]
    reachable = Check("database", True, "reachable")
    if current == head:
        return [reachable, Check("migrations", True, f"at head {head}")]
    return [reachable, Check("migrations", False, f"at {current}, head is {head}")]


class Scheduler(Protocol):
    """What readiness asks of the serve scheduler (copytrade/server/scheduler.py)."""

    def running(self) -> bool: ...

    def seconds_since_tick(self, now: float) -> float | None: ...


def scheduler_check(scheduler: Scheduler | None, stale_s: float = SCHEDULER_STALE_S) -> Check:
    if scheduler is None or not scheduler.running():
        return Check("scheduler", False, "not running")
    age = scheduler.seconds_since_tick(time.monotonic())
    if age is None:
        return Check("scheduler", False, "started, no pass finished yet")
    if age > stale_s:
        return Check("scheduler", False, f"last pass {age:.0f} s ago (stale after {stale_s:.0f} s)")
    return Check("scheduler", True, f"last pass {age:.1f} s ago")


def readiness(engine: Engine, scheduler: Scheduler | None) -> list[Check]:
    return [*database_checks(engine), scheduler_check(scheduler)]
