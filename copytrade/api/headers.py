"""Headers on every answer: ``nosniff`` everywhere, ``Cache-Control`` on the API's.

API answers are the signed-in user's own (balances, orders, sessions, statements), so
neither a browser nor a shared cache may keep them: ``no-store``. The exception is a
public page that is the same for everyone (the leaderboard, which each server caches
itself for ``api_leaderboard_cache_s``): its 200 answers may be kept that long
(``public, max-age``). An answer that sets its own Cache-Control keeps it (the web
pages send ``no-store`` themselves, static files none).
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_PREFIX = "/api/"  # every version
PRIVATE = "no-store"


class AnswerHeaders:
    """ASGI middleware; ``public`` maps a GET path to the seconds its 200s may be kept."""

    def __init__(self, app: ASGIApp, public: Mapping[str, int]) -> None:
        self.app = app
        self.public = dict(public)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        max_age = self.public.get(path) if scope["method"] in ("GET", "HEAD") else None

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                if path.startswith(API_PREFIX) and "cache-control" not in headers:
                    shared = max_age is not None and message["status"] == 200
                    headers["Cache-Control"] = f"public, max-age={max_age}" if shared else PRIVATE
            await send(message)

        await self.app(scope, receive, with_headers)
