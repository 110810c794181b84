"""Rate limits shared by several API servers, in Redis, through the ``limits`` library.

Each limiter is a moving window (``limits``' MovingWindowRateLimiter, kept in a
Redis list per key and updated by one Lua script, so two servers counting the
same key at once never lose a hit). Keys are ``<namespace>/<limiter>/<key>``:
two deployments on one Redis keep apart by their namespace (docs/deploy.md,
"API servers"). ``limits`` counts on the wall clock (``time.time``), not on the
server's injected clock, and in whole seconds: a window is rounded up to one.
When Redis cannot be reached, a limited request fails (``RateLimitStoreError``, a
503): it is never let through uncounted.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from limits import RateLimitItemPerSecond
from limits.errors import StorageError
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

from copytrade.adapters.throttle import LimiterFactory, WindowLimiter

MIN_WAIT_S = 1.0  # what a refused caller is told to wait at least (as in memory)
T = TypeVar("T")


class RateLimitStoreError(Exception):
    """The shared rate-limit store (Redis) did not answer: the request cannot be counted."""


def _guarded(call: Callable[[], T]) -> T:
    try:
        return call()
    except StorageError as error:
        raise RateLimitStoreError(
            f"the rate-limit store is unreachable ({error.storage_error}); try again shortly"
        ) from error


class RedisWindowLimiter:
    """At most ``limit`` events per key in any ``window``, counted in Redis."""

    def __init__(
        self, strategy: MovingWindowRateLimiter, name: str, limit: int, window: timedelta
    ) -> None:
        seconds = max(1, math.ceil(window.total_seconds()))
        self._item = RateLimitItemPerSecond(limit, seconds, namespace=name)
        self._strategy = strategy

    def retry_after(self, key: str) -> float:
        """Seconds until ``key`` may try again; 0 when it may try now."""
        if _guarded(lambda: self._strategy.test(self._item, key)):
            return 0.0
        return self._wait(key)

    def record(self, key: str) -> None:
        # Refused when the window is full: it is full whether counted or not.
        _guarded(lambda: self._strategy.hit(self._item, key))

    def take(self, key: str) -> float:
        """Record one event for ``key`` if the window allows it (then 0), else the wait."""
        if _guarded(lambda: self._strategy.hit(self._item, key)):
            return 0.0
        return self._wait(key)

    def forget(self, key: str) -> None:
        _guarded(lambda: self._strategy.clear(self._item, key))

    def _wait(self, key: str) -> float:
        stats = _guarded(lambda: self._strategy.get_window_stats(self._item, key))
        reset_at = stats.reset_time
        return max(reset_at - time.time(), MIN_WAIT_S)


def redis_limiters(url: str, namespace: str) -> LimiterFactory:
    """Limiters in the Redis at ``url`` (redis://host:port/db), keys under ``namespace``."""
    storage = RedisStorage(url, key_prefix=namespace, wrap_exceptions=True)
    strategy = MovingWindowRateLimiter(storage)

    def make(name: str, limit: int, window: timedelta) -> WindowLimiter:
        return RedisWindowLimiter(strategy, name, limit, window)

    return make
