"""Where the child dies: at the N-th committed write from a given operation on.

The hook is SQLAlchemy's own event system on the engine the composition root
built (nothing of copytrade is patched): every transaction that wrote a row
counts, the platform's units of work and the paper venue's own transactions
alike. ``before`` dies inside the N-th such commit, before it reaches the
database (its transaction is lost); ``after`` dies at the first statement
after it (that transaction is durable, whatever came next is not). Between the
ledger's commit and the venue's, the two books disagree: that is the gap a
crash must not leave open.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event

WRITES = ("INSERT", "UPDATE", "DELETE")


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)  # no finally, no rollback, no flush


@dataclass(frozen=True)
class KillPoint:
    op: int  # the operation index from which writes count; -1: from the recovery on
    nth: int  # which committed write
    when: str  # "before" or "after" that commit

    def text(self) -> str:
        return f"{self.op}:{self.nth}:{self.when}"

    @classmethod
    def parse(cls, text: str) -> KillPoint:
        op, nth, when = text.split(":")
        if when not in ("before", "after"):
            raise ValueError(f"kill point is OP:N:before|after, got {text!r}")
        return cls(int(op), int(nth), when)


class KillSwitch:
    def __init__(self, engine: Engine, point: KillPoint | None) -> None:
        self.point = point
        self.armed = False
        self.count = 0
        self._die_next = False
        if point is not None:
            event.listen(engine, "before_cursor_execute", self._statement)
            event.listen(engine, "commit", self._commit)

    def arm_at(self, op: int) -> None:
        if self.point is not None and op >= self.point.op:
            self.armed = True

    def _statement(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if self._die_next:
            die()
        if self.armed and statement.lstrip()[:6].upper() in WRITES:
            conn.info["ct_wrote"] = True

    def _commit(self, conn: Any) -> None:
        if not conn.info.pop("ct_wrote", False) or self.point is None:
            return
        self.count += 1
        if self.count == self.point.nth:
            if self.point.when == "before":
                die()
            self._die_next = True
