"""Events per key in a sliding window: failed sign-ins, sign-ups, orders per user.

``SlidingWindowLimiter`` keeps them in the process's memory (the embedded default).
Several API servers share their counts through Redis instead
(``shared_limits.RedisWindowLimiter``, chosen by ``Settings.rate_limit_store``;
docs/deploy.md, "API servers"); both satisfy ``WindowLimiter``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta
from threading import Lock
from typing import Protocol

from copytrade.domain.errors import DomainError

SWEEP_EVERY = 1024  # events recorded between two sweeps of idle keys


class TooManyRequestsError(DomainError):
    """More requests of a kind than the window allows: wait ``retry_after_s`` seconds."""

    def __init__(self, what: str, retry_after_s: float) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(f"too many {what}; try again in {int(retry_after_s)} s")


class WindowLimiter(Protocol):
    """At most a limit of events per key in any window (the ports of the limiters)."""

    def retry_after(self, key: str) -> float: ...

    def record(self, key: str) -> None: ...

    def take(self, key: str) -> float: ...

    def forget(self, key: str) -> None: ...


# Makes the limiter of one kind of event: (name, limit, window) -> limiter.
LimiterFactory = Callable[[str, int, timedelta], WindowLimiter]


def memory_limiters(now: Callable[[], datetime]) -> LimiterFactory:
    """Limiters in this process's memory, on ``now``'s clock (the embedded default)."""
    return lambda _name, limit, window: SlidingWindowLimiter(limit, window, now)


class SlidingWindowLimiter:
    """At most ``limit`` events per key in any ``window``."""

    def __init__(self, limit: int, window: timedelta, now: Callable[[], datetime]) -> None:
        self._limit = limit
        self._window = window
        self._now = now
        self._events: dict[str, deque[datetime]] = {}
        self._lock = Lock()
        self._since_sweep = 0

    def retry_after(self, key: str) -> float:
        """Seconds until ``key`` may try again; 0 when it may try now."""
        with self._lock:
            return self._wait(key)

    def record(self, key: str) -> None:
        with self._lock:
            self._add(key)

    def take(self, key: str) -> float:
        """Record one event for ``key`` if the window allows it (then 0), else the wait."""
        with self._lock:
            wait = self._wait(key)
            if not wait:
                self._add(key)
            return wait

    def forget(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)

    def __len__(self) -> int:
        """How many keys are held (those with an event in the window, or not yet read)."""
        with self._lock:
            return len(self._events)

    def _wait(self, key: str) -> float:
        recent = self._recent(key)
        if not recent:
            del self._events[key]  # keys come and go: keep only those with recent events
            return 0.0
        if len(recent) < self._limit:
            return 0.0
        return max((recent[0] + self._window - self._now()).total_seconds(), 1.0)

    def _add(self, key: str) -> None:
        self._recent(key).append(self._now())
        # Keys recorded once and never read again (a sprayed address) would stay for good:
        # now and then, drop those whose events all left the window (amortized O(1)).
        self._since_sweep += 1
        if self._since_sweep >= SWEEP_EVERY:
            self._since_sweep = 0
            for idle in [k for k in self._events if not self._recent(k)]:
                del self._events[idle]

    def _recent(self, key: str) -> deque[datetime]:
        times = self._events.setdefault(key, deque())
        cutoff = self._now() - self._window
        while times and times[0] <= cutoff:
            times.popleft()
        return times
