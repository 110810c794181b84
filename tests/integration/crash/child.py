"""One life of the platform process the crash harness kills.

    python -m tests.integration.crash.child run URL WORKDIR SEED COUNT retry|drop [OP:N:WHEN]
    python -m tests.integration.crash.child final URL WORKDIR SEED COUNT

A life starts as ``copytrade serve`` does (the composition root, then
``Platform.recover()`` in ``ServerRuntime.build``), then runs again
(``retry``, a user repeating a request) or drops (``drop``) the operation the
previous life was killed in, then runs the rest of the seeded sequence until
the kill point kills it (SIGKILL, exit -9) or the sequence ends (exit 0).
``final`` only starts, recovers and runs ``serve``'s periodic jobs once
(settlement of every due period, subscription charges, day close, stats).

Progress is a journal in WORKDIR/journal.jsonl, one line per event written
with a bare ``os.write`` (a SIGKILL loses nothing written): ``start`` with the
resolved operation before it runs, ``done`` with its outcome after. An
operation with a ``start`` and no ``done`` is the one the kill interrupted.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from copytrade.adapters.venues.errors import VenueError
from copytrade.api.runtime import ServerRuntime
from copytrade.domain.errors import DomainError
from copytrade.marketdata.clock import SimulatedClock
from copytrade.server.scheduler import Scheduler, default_jobs

from .kill_points import KillPoint, KillSwitch
from .operations import execute, resolve
from .scenario import Op, generate
from .world import platform_on


class Journal:
    def __init__(self, workdir: Path) -> None:
        self.path = workdir / "journal.jsonl"

    def events(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        lines = self.path.read_text().splitlines()
        return [json.loads(line) for line in lines if line.endswith("}")]

    def write(self, **event: Any) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (json.dumps(event, default=str) + "\n").encode())
        finally:
            os.close(fd)


def where_we_are(events: list[dict[str, Any]]) -> tuple[int, Op | None]:
    """(index of the next operation, the interrupted resolved operation or None)."""
    finished = {e["i"] for e in events if e["event"] in ("done", "dropped")}
    pending = [e["op"] for e in events if e["event"] == "start" and e["i"] not in finished]
    interrupted = pending[-1] if pending else None
    last = max([*finished, interrupted["i"] if interrupted else -1], default=-1)
    return last + 1, interrupted


def run_one(op: Op, rt: ServerRuntime, clock: SimulatedClock, journal: Journal) -> None:
    journal.write(event="start", i=op["i"], op=op)
    if "skip" in op:
        journal.write(event="done", i=op["i"], outcome="skip", detail=op["skip"])
        return
    try:
        result = execute(op, rt, clock.now())
        journal.write(event="done", i=op["i"], outcome="ok", detail=result)
    except DomainError as error:
        journal.write(event="done", i=op["i"], outcome="refused", detail=_why(error))
    except VenueError as error:
        journal.write(event="done", i=op["i"], outcome="venue_error", detail=_why(error))
    except Exception as error:  # a crash of the use case itself: reported, not hidden
        detail = _why(error) + "\n" + traceback.format_exc(limit=8)
        journal.write(event="done", i=op["i"], outcome="error", detail=detail)


def _why(error: Exception) -> str:
    return f"{type(error).__name__}: {error}".splitlines()[0]


def main(
    mode: str, url: str, workdir: str, seed: str, count: str, resume: str = "drop", kill: str = ""
) -> int:
    journal = Journal(Path(workdir))
    ops = generate(int(seed), int(count))
    nxt, interrupted = where_we_are(journal.events())
    point = KillPoint.parse(kill) if kill else None
    last = interrupted or (ops[nxt] if nxt < len(ops) else ops[-1])
    start = datetime.fromisoformat(last["ts"])
    if mode == "final":  # serve restarted a minute after the last operation
        start += timedelta(minutes=1)
        interrupted = None
    clock = SimulatedClock(start)
    switch: list[KillSwitch] = []

    def hook(db: Engine) -> None:
        switch.append(KillSwitch(db, point))
        switch[0].arm_at(-1)  # a kill point at -1 counts from the start, recovery included

    journal.write(event="boot", mode=mode, next=nxt, resume=resume, kill=kill)
    # ServerRuntime.build recovers (Platform.recover), as serve does before its first request.
    with platform_on(url, clock, hook) as rt:
        journal.write(event="recovered")
        if mode == "final":
            return _serve_jobs(rt, clock, journal)
        if interrupted is not None:
            if resume == "drop":
                journal.write(event="dropped", i=interrupted["i"])
            else:
                switch[0].arm_at(interrupted["i"])
                run_one(interrupted, rt, clock, journal)
        for op in ops[nxt:]:
            clock.set(datetime.fromisoformat(op["ts"]))
            switch[0].arm_at(op["i"])
            run_one(resolve(op, rt), rt, clock, journal)
    journal.write(event="finished")
    return 0


def _serve_jobs(rt: ServerRuntime, clock: SimulatedClock, journal: Journal) -> int:
    scheduler = Scheduler(rt, clock, default_jobs(rt, clock, None))
    scheduler.run_due()
    errors = {j.name: j.last_error for j in scheduler.jobs if j.last_error}
    journal.write(event="jobs", errors=errors)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
