"""Every HTTP request: a request id, one access log line, and its latency measured.

The request id is the caller's ``X-Request-ID`` when it is sane (1 to 128 letters,
digits, ``.``, ``_``, ``-``), else a new random one; it is echoed in the answer's
``X-Request-ID`` header and bound to every log line written while the request runs.
The access line names the method, the route's path template (``/api/v1/providers/{provider_id}``,
never the raw path, which could carry ids or tokens), the status and the duration;
no header, cookie, query or body is logged (docs/operations.md "Logs").
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable

import structlog
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID = "X-Request-ID"
SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")
UNMATCHED = "unmatched"  # the route label of a path no route answers (a 404)

log = structlog.get_logger("copytrade.access")

Observe = Callable[[str, str, int, float], None]


def request_id(given: str | None) -> str:
    """The caller's id when sane, else a fresh one."""
    if given is not None and SANE_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex


def route_template(scope: Scope) -> str:
    """The path template of the route that answered (set on the scope by routing)."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else UNMATCHED


class RequestLog:
    """ASGI middleware, outermost, so it sees every answer (refusals included)."""

    def __init__(self, app: ASGIApp, observe: Observe | None = None) -> None:
        self.app = app
        self.observe = observe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id(Headers(scope=scope).get(REQUEST_ID))
        started = time.perf_counter()
        status = 500  # what the server answers when the app raised before answering

        async def with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID] = rid
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=rid):
            try:
                await self.app(scope, receive, with_id)
            finally:
                seconds = time.perf_counter() - started
                route = route_template(scope)
                method: str = scope["method"]
                if self.observe is not None:
                    self.observe(method, route, status, seconds)
                log.info(
                    "request",
                    method=method,
                    route=route,
                    status=status,
                    duration_ms=round(seconds * 1000, 3),
                )
