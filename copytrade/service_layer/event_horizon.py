"""How far the event stream may read: ids below it can no longer appear (docs/api.md,
"Live events").

With several writers (API servers, workers, the relay on one PostgreSQL database) ids are
taken from a sequence when a row is inserted, but rows become visible when their
transaction commits: a row with a smaller id can commit after a reader went past it. The
horizon closes that gap. Each read observes the sources' last ids together with the
snapshot they were read in; every id at or below them that the snapshot did not see
belongs to a transaction in progress at that snapshot (or to one rolled back). Once all of
those finished, the observed ids are final and the stream may read up to them. On SQLite
(one writer, commits in id order) every observation is final at once.

One class for every stream: the user's events observe three sources
(``activity.observed_head``), a provider's public trade stream one (its last trade id,
``trades.observed_last_id``); a stream gives what it observes as ``observe``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from copytrade.adapters.db.observed import finished
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork

Head = tuple[int, ...]  # the last id of each source, in the stream's order
Observe = Callable[[SqlUnitOfWork], tuple[str | None, Head]]  # (snapshot, head) in one read


def _activity(uow: SqlUnitOfWork) -> tuple[str | None, Head]:
    return uow.activity.observed_head()  # decisions, fills, notices


@dataclass(frozen=True, slots=True)
class _Observed:
    snapshot: str | None
    head: Head


class EventHorizon:
    """One stream's horizon: observations waiting for their transactions, and the newest
    final one. Kept per open stream (a client's cursor alone decides what it has seen)."""

    def __init__(
        self, uow_factory: Callable[[], SqlUnitOfWork], observe: Observe = _activity
    ) -> None:
        self._uow_factory = uow_factory
        self._observe = observe
        self._waiting: list[_Observed] = []
        self._final: Head | None = None

    def advance(self) -> Head | None:
        """Observe now, and return the newest head that is final (None: none yet)."""
        with self._uow_factory() as uow:
            snapshot, head = self._observe(uow)
            if not self._waiting or self._waiting[-1].head != head:
                # The same head again is not kept: the first snapshot to see it waits on
                # the fewest transactions (those in progress then, anywhere on the server).
                self._waiting.append(_Observed(snapshot, head))
            for index in range(len(self._waiting) - 1, -1, -1):
                if finished(uow.session, self._waiting[index].snapshot):
                    head = self._waiting[index].head
                    old = self._final or head
                    self._final = tuple(max(o, h) for o, h in zip(old, head, strict=True))
                    del self._waiting[: index + 1]
                    break
        return self._final

    def settled(self, timeout_s: float) -> tuple[Head | None, bool]:
        """``advance()``, waiting up to ``timeout_s`` until the head observed first is final
        (the transactions in progress then, anywhere on the server, have finished); the
        final head and whether it reached that first head."""
        deadline = time.monotonic() + timeout_s
        final = self.advance()
        target = self._waiting[-1].head if self._waiting else final
        assert target is not None  # advance() observed
        while not _reached(final, target) and time.monotonic() < deadline:
            time.sleep(0.02)
            final = self.advance()
        return final, _reached(final, target)


def _reached(final: Head | None, target: Head) -> bool:
    return final is not None and all(f >= t for f, t in zip(final, target, strict=True))
