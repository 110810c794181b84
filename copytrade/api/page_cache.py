"""A short-lived, bounded cache of rendered public pages (the leaderboard's JSON bytes).

Keyed by the normalised query, so ``min_aum=1000`` and ``min_aum=1000.00`` share
an entry; each spelling of a query that was answered is an alias of it, which
``CachedPages`` answers before any routing or validation (a hit costs one
dictionary look-up). A page is computed at most once per TTL: concurrent misses
on one key wait for the first to finish (single flight). The oldest entries go first when
the bound is reached. ``ttl_s == 0`` turns it off (every page computed).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from decimal import Decimal
from enum import Enum
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from copytrade.api.encode import decimal_text

Key = tuple[tuple[str, Hashable], ...]


def normalised_key(**params: object) -> Key:
    """The parameters that are set, sorted by name, each in one canonical form."""
    return tuple(sorted((name, _canonical(value)) for name, value in params.items()
                        if value is not None))  # fmt: skip


def raw_query_key(query_string: bytes) -> Key:
    """A query string as sent, its parameters sorted: ``b=2&a=1`` is ``a=1&b=2``.

    The sort is by name only and stable, so a repeated name keeps its values'
    order (the last one is the one the API reads).
    """
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    pairs.sort(key=lambda pair: pair[0])
    return (("?", tuple(pairs)),)


def _canonical(value: object) -> Hashable:
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Hashable):
        return value
    raise TypeError(f"cannot key a page on {value!r}")


class PageCache:
    """Rendered pages by key, each kept ``ttl_s`` seconds, at most ``max_entries`` of them."""

    def __init__(
        self, ttl_s: float, max_entries: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if ttl_s < 0 or max_entries < 1:
            raise ValueError(f"ttl_s must be >= 0 and max_entries >= 1, got {ttl_s}, {max_entries}")
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[Key, tuple[float, bytes]] = OrderedDict()
        self._pending: dict[Key, threading.Event] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Key) -> bytes | None:
        """The page if it is fresh (no locking beyond one dictionary look-up)."""
        entry = self._entries.get(key)
        if entry is None or entry[0] <= self._clock():
            return None
        return entry[1]

    def get_or_compute(self, key: Key, compute: Callable[[], bytes]) -> bytes:
        """The fresh page, or ``compute()``'s, stored; one computation per key at a time."""
        if self.ttl_s == 0:
            return compute()
        while True:
            with self._lock:
                body = self.get(key)
                if body is not None:
                    return body
                waiting = self._pending.get(key)
                if waiting is None:
                    done = self._pending[key] = threading.Event()
                    break
            waiting.wait()  # another request is computing it: take its result
        try:
            body = compute()
            with self._lock:
                self._store(key, body)
            return body
        finally:
            with self._lock:
                del self._pending[key]
            done.set()

    def alias(self, alias: Key, key: Key) -> None:
        """Serve ``key``'s page under ``alias`` too, until the same expiry (no later)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._store(alias, entry[1], entry[0])

    def _store(self, key: Key, body: bytes, expires: float | None = None) -> None:
        self._entries.pop(key, None)
        self._entries[key] = (self._clock() + self.ttl_s if expires is None else expires, body)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)  # the oldest stored


class CachedPages:
    """ASGI middleware: a GET of ``path`` whose raw query has a fresh page gets it at once."""

    def __init__(self, app: ASGIApp, cache: PageCache, path: str) -> None:
        self.app = app
        self.cache = cache
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == self.path:
            body = self.cache.get(raw_query_key(scope["query_string"]))
            if body is not None:
                headers = [(b"content-length", str(len(body)).encode("ascii")),
                           (b"content-type", b"application/json")]  # fmt: skip
                await send({"type": "http.response.start", "status": 200, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
