"""A worker's liveness for its supervisor: ``copytrade worker --health-port P`` serves
``GET /healthz`` (docs/deploy.md, "Worker liveness").

The consumer loop records a tick after every step (a poll of its shards' consumers, with
the fan-outs it ran, or a look for free shards); the endpoint answers from those records
only, in a thread of its own, so a loop that hangs (a deadlock, a call that never returns)
shows as ticks that stopped: 503 once the last one is older than the bound. A process
stopped as a whole (``SIGSTOP``, a frozen machine) does not answer at all, which a probe
counts as a failure too.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HEALTH_PATH = "/healthz"


class Liveness:
    """The loop's last tick, what it owned then, and its last fan-out; thread-safe."""

    def __init__(
        self,
        bound_s: float,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if bound_s <= 0:
            raise ValueError("the liveness bound must be a positive number of seconds")
        self._bound_s = bound_s
        self._monotonic = monotonic
        self._wall = wall
        self._lock = threading.Lock()
        self._ticked = monotonic()  # the start counts as a tick: the loop begins now
        self._ticked_at: datetime | None = None
        self._owned: tuple[int, ...] = ()
        self._fanned_out_at: datetime | None = None
        self._fills = 0

    def ticked(self, owned: Sequence[int], handled: int) -> None:
        """A step of the loop ended, owning ``owned`` and having handled ``handled`` fills."""
        with self._lock:
            self._ticked = self._monotonic()
            self._ticked_at = self._wall()
            self._owned = tuple(sorted(owned))
            if handled:
                self._fanned_out_at = self._ticked_at
                self._fills += handled

    def report(self) -> tuple[bool, dict[str, Any]]:
        """(alive, what ``/healthz`` shows): alive while the last tick is within the bound."""
        with self._lock:
            since = self._monotonic() - self._ticked
            alive = since <= self._bound_s
            return alive, {
                "status": "ok" if alive else "stalled",
                "shards": list(self._owned),
                "last_tick_at": _iso(self._ticked_at),
                "seconds_since_tick": round(since, 3),
                "bound_seconds": self._bound_s,
                "last_fanout_at": _iso(self._fanned_out_at),
                "fills_handled": self._fills,
            }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


class HealthServer:
    """``GET /healthz`` on ``host:port`` in a daemon thread: 200 while alive, else 503,
    with ``Liveness.report()`` as JSON; any other path is 404."""

    def __init__(self, liveness: Liveness, host: str, port: int) -> None:
        self._server = ThreadingHTTPServer((host, port), _handler(liveness))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="worker-health", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def start(self) -> HealthServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _handler(liveness: Liveness) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # the name http.server calls
            if self.path.split("?", 1)[0] != HEALTH_PATH:
                self._answer(404, {"detail": f"not found: only {HEALTH_PATH} is served here"})
                return
            alive, report = liveness.report()
            self._answer(200 if alive else 503, report)

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body, separators=(",", ":")).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            """Not logged: a probe every few seconds would flood the worker's log (errors
            still are, through ``log_error``)."""

    return Handler
