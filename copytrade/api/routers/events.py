"""``GET /api/v1/events``: the signed-in user's own events as server-sent events;
``GET /api/v1/providers/{id}/events``: a provider's closed trades, public.

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
from collections.abc import AsyncIterator, Awaitable, Callable

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from copytrade.adapters.throttle import TooManyRequestsError
from copytrade.api.deps import CurrentUser, Runtime, token_of, user_of_token
from copytrade.api.errors import answer, errors
from copytrade.api.paths import API_V1
from copytrade.api.runtime import ServerRuntime
from copytrade.domain.identity import AuthenticationError
from copytrade.service_layer.events import Cursor, Event, EventFeed
from copytrade.service_layer.provider_trade_feed import ProviderTradeFeed

router = APIRouter(prefix=f"{API_V1}", tags=["events"])

POLL_S = 0.5
KEEPALIVE_S = 15.0
SESSION_CHECK_S = 60.0
ONCE_SETTLE_S = 2.0  # ?once=true: how long to wait for transactions in progress
# An event id: the last copy-decision, fill and outbox id read (Cursor.parse).
CURSOR = r"^[0-9]{1,18}\.[0-9]{1,18}\.[0-9]{1,18}$"
# A provider's trade stream: the id of the last trade sent.
TRADE_CURSOR = r"^[0-9]{1,18}$"


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

    async def still_signed_in() -> str | None:
        try:
            await run_in_threadpool(user_of_token, runtime, token)
        except AuthenticationError:
            return "session ended: sign in again"
        except TooManyRequestsError:
            pass  # an API key over its rate is still valid: checked again next minute
        return None

    async def fetch() -> list[Event]:
        nonlocal cursor
        # A one-off read waits (2 s at most) for the transactions in progress to finish.
        settle_s = ONCE_SETTLE_S if once else 0.0
        found, cursor = await run_in_threadpool(feed.after, user_id, cursor, settle_s)
        return found

    async for chunk in _pump(request, runtime, fetch, once, timeout, still_signed_in):
        yield chunk


async def _pump(
    request: Request,
    runtime: ServerRuntime,
    fetch: Callable[[], Awaitable[list[Event]]],
    once: bool,
    timeout: float | None,
    check: Callable[[], Awaitable[str | None]] | None = None,
) -> AsyncIterator[str]:
    """Send what ``fetch`` finds until the client leaves, ``once`` or ``timeout`` ends it,
    the server stops, or ``check`` (every minute) gives a reason to end."""
    started = last_sent = last_check = time.monotonic()
    yield "retry: 2000\n\n"
    while True:
        found = await fetch()
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
            yield _end("server shutting down: reconnect later")
            return
        if check is not None and now - last_check >= SESSION_CHECK_S:
            last_check = now
            reason = await check()
            if reason is not None:
                yield _end(reason)
                return
        if now - last_sent >= KEEPALIVE_S:
            last_sent = now
            yield ": keepalive\n\n"
        if await request.is_disconnected():
            return
        await asyncio.sleep(POLL_S)


def _end(reason: str) -> str:
    body = json.dumps({"reason": reason}, separators=(",", ":"))
    return f"event: end\ndata: {body}\n\n"


@router.get(
    "/providers/{provider_id}/events",
    response_class=StreamingResponse,
    responses=answer(
        200,
        content={"text/event-stream": {"schema": {"type": "string"}}},
        description="Server-sent events (docs/api.md, Live events).",
    )
    | errors(404, 422),
)
async def provider_events(
    request: Request,
    runtime: Runtime,
    provider_id: str = Path(max_length=64),
    once: bool = Query(False, description="Send the trades so far, then close."),
    after: str = Query("", pattern=TRADE_CURSOR, description="Resume after this event id."),
    timeout: float | None = Query(None, gt=0, le=86_400, description="Close after S seconds."),
    last_event_id: str = Header("", pattern=TRADE_CURSOR),
) -> StreamingResponse:
    """Public: a provider's trades as they close (what its page shows), oldest first;
    each event's id is the cursor to resume after it. No sign-in needed."""
    feed = ProviderTradeFeed(runtime.platform.uow)
    cursor = int(after or last_event_id or 0)
    await run_in_threadpool(feed.check, provider_id)  # an unknown provider is a 404 here

    async def fetch() -> list[Event]:
        nonlocal cursor
        settle_s = ONCE_SETTLE_S if once else 0.0  # as the user's stream
        found, cursor = await run_in_threadpool(feed.after, provider_id, cursor, settle_s)
        return found

    return StreamingResponse(
        _pump(request, runtime, fetch, once, timeout),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
