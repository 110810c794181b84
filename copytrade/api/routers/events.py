"""``GET /api/v1/events``: the signed-in user's own events as server-sent events.

A cursor over committed rows (``EventFeed``), polled every half second: the
server keeps nothing per client, and a client that reconnects with the last
event id (the ``Last-Event-ID`` header a browser's EventSource sends, or
``?after=``) resumes exactly there. ``?once=true`` sends what there is and
closes (for tests and polling clients); ``?timeout=S`` closes after S seconds.
When the server shuts down, each stream sends ``event: end`` and closes within
a poll, so a shutdown never waits on connected clients.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from copytrade.adapters.throttle import TooManyRequestsError
from copytrade.api.deps import CurrentUser, Runtime, token_of, user_of_token
from copytrade.api.errors import answer, errors
from copytrade.api.paths import API_V1
from copytrade.api.runtime import ServerRuntime
from copytrade.domain.identity import AuthenticationError
from copytrade.service_layer.events import Cursor, Event, EventFeed

router = APIRouter(prefix=f"{API_V1}", tags=["events"])

POLL_S = 0.5
KEEPALIVE_S = 15.0
SESSION_CHECK_S = 60.0
# An event id: the last copy-decision, fill and outbox id read (Cursor.parse).
CURSOR = r"^[0-9]{1,18}\.[0-9]{1,18}\.[0-9]{1,18}$"


def sse(event: Event) -> str:
    body = json.dumps({"type": event.type, **event.data}, separators=(",", ":"))
    return f"id: {event.id}\nevent: {event.type}\ndata: {body}\n\n"


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses=answer(
        200,
        content={"text/event-stream": {"schema": {"type": "string"}}},
        description="Server-sent events (docs/api.md, Live events).",
    )
    | errors(401, 422),
)
async def events(
    request: Request,
    user: CurrentUser,
    runtime: Runtime,
    once: bool = Query(False, description="Send the events so far, then close."),
    after: str = Query("", pattern=CURSOR, description="Resume after this event id."),
    timeout: float | None = Query(None, gt=0, le=86_400, description="Close after S seconds."),
    last_event_id: str = Header("", pattern=CURSOR),
) -> StreamingResponse:
    """My copies (placed, capped, skipped), fills, stops, settlements and subscription
    charges, oldest first; each event's id is the cursor to resume after it."""
    start = Cursor.parse(after or last_event_id)  # a bad cursor is a 422 before streaming
    stream = _stream(request, runtime, user.id, start, once, timeout)
    return StreamingResponse(
        stream,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _stream(
    request: Request,
    runtime: ServerRuntime,
    user_id: str,
    cursor: Cursor,
    once: bool,
    timeout: float | None,
) -> AsyncIterator[str]:
    feed = EventFeed(runtime.platform.uow)
    token = token_of(request) or ""
    started = last_sent = last_check = time.monotonic()
    yield "retry: 2000\n\n"
    while True:
        found, cursor = await run_in_threadpool(feed.after, user_id, cursor)
        for event in found:
            yield sse(event)
        now = time.monotonic()
        if timeout is not None and now - started >= timeout:
            return
        if found:
            last_sent = now
            continue  # more may be waiting beyond this batch
        if once:
            return
        if runtime.stopping.is_set():
            yield 'event: end\ndata: {"reason":"server shutting down: reconnect later"}\n\n'
            return
        if now - last_check >= SESSION_CHECK_S:
            last_check = now
            try:
                await run_in_threadpool(user_of_token, runtime, token)
            except AuthenticationError:
                yield 'event: end\ndata: {"reason":"session ended: sign in again"}\n\n'
                return
            except TooManyRequestsError:
                pass  # an API key over its rate is still valid: checked again next minute
        if now - last_sent >= KEEPALIVE_S:
            last_sent = now
            yield ": keepalive\n\n"
        if await request.is_disconnected():
            return
        await asyncio.sleep(POLL_S)
