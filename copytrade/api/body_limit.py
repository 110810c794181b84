"""Refuse a request body above the configured size with 413, before it is read whole.

A declared ``Content-Length`` above the limit is answered at once, unread. A body
without one (chunked) or one longer than it declared is counted as it arrives: the
read that passes the limit raises a 413 to whatever is reading it (FastAPI's body
parsing or a web form), so at most the limit plus one chunk is ever held.
"""

from __future__ import annotations

import json

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from copytrade.api.errors import HTTP_CODES, error_body


def too_large(limit: int) -> str:
    return f"the request body is larger than {limit:,} bytes; send less"


class BodyLimit:
    """ASGI middleware: at most ``limit`` bytes of request body per request."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        await self.app(scope, self._counted(receive), send)

    def _counted(self, receive: Receive) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise HTTPException(413, too_large(self.limit))
            return message

        return counted

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(error_body(HTTP_CODES[413], too_large(self.limit))).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
