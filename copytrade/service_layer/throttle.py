"""Failed sign-in attempts per key in a sliding window (brute-force guard).

Kept in the process's memory: with several API servers each counts its own
attempts, which still bounds guessing to servers × limit per window
(docs/api.md says so; a shared store is the next step when that matters).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta
from threading import Lock


class AttemptLimiter:
    def __init__(self, limit: int, window: timedelta, now: Callable[[], datetime]) -> None:
        self._limit = limit
        self._window = window
        self._now = now
        self._failures: dict[str, deque[datetime]] = {}
        self._lock = Lock()

    def retry_after(self, key: str) -> float:
        """Seconds until ``key`` may try again; 0 when it may try now."""
        with self._lock:
            recent = self._recent(key)
            if len(recent) < self._limit:
                return 0.0
            return max((recent[0] + self._window - self._now()).total_seconds(), 1.0)

    def failed(self, key: str) -> None:
        with self._lock:
            self._recent(key).append(self._now())

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _recent(self, key: str) -> deque[datetime]:
        times = self._failures.setdefault(key, deque())
        cutoff = self._now() - self._window
        while times and times[0] <= cutoff:
            times.popleft()
        return times
