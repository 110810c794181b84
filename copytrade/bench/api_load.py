"""The load generator of ``bench api``, and the trivial server its own ceiling is measured on.

Closed loop: C keep-alive HTTP/1.1 connections (asyncio protocols on raw
sockets, no client library in the way), each sending its next request as soon
as the previous response has been read whole. A warm-up, then D timed seconds:
every response that completes inside them counts, with its latency from the
write of its request to the last byte of its body. Both run in processes of
their own (``run_in_process``), apart from the server under test.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from copytrade.bench.timing import now_ns

_END = b"\r\n\r\n"


@dataclass(frozen=True, slots=True)
class LoadConfig:
    port: int
    paths: Sequence[str]  # request targets, cycled; connection i starts at i/C of the way
    concurrency: int = 8
    duration_s: float = 10.0
    warmup_s: float = 2.0
    host: str = "127.0.0.1"


@dataclass(slots=True)
class LoadResult:
    completed: int = 0  # responses completed inside the timed window
    errors: int = 0  # non-200 answers and broken connections, warm-up included
    latencies_ns: list[int] = field(default_factory=list)
    elapsed_ns: int = 0


class _Window:
    """When the timed window opens and closes, and what fell inside it."""

    def __init__(self) -> None:
        self.start_ns: int | None = None
        self.stop = False
        self.result = LoadResult()

    def record(self, sent_ns: int, status: int) -> None:
        done = now_ns()
        if status != 200:
            self.result.errors += 1
        elif self.start_ns is not None and sent_ns >= self.start_ns and not self.stop:
            self.result.completed += 1
            self.result.latencies_ns.append(done - sent_ns)


class _Connection(asyncio.Protocol):
    def __init__(self, requests: list[bytes], first: int, window: _Window,
                 closed: asyncio.Future[None]) -> None:  # fmt: skip
        self._requests = requests
        self._next = first
        self._window = window
        self._closed = closed
        self._buffer = bytearray()
        self._sent_ns = 0
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._send()

    def _send(self) -> None:
        assert self._transport is not None
        if self._window.stop:
            self._transport.close()
            return
        request = self._requests[self._next % len(self._requests)]
        self._next += 1
        self._sent_ns = now_ns()
        self._transport.write(request)

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        head_end = self._buffer.find(_END)
        if head_end < 0:
            return
        status, length = _parse_head(bytes(self._buffer[:head_end]))
        if len(self._buffer) < head_end + 4 + length:
            return
        del self._buffer[: head_end + 4 + length]
        self._window.record(self._sent_ns, status)
        self._send()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self._window.stop:
            self._window.result.errors += 1  # the server closed a keep-alive connection
        if not self._closed.done():
            self._closed.set_result(None)


def _parse_head(head: bytes) -> tuple[int, int]:
    """(status, Content-Length) of a response head (no chunked bodies: our server sends none)."""
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return status, int(value)
    return status, 0


def request_bytes(host: str, port: int, path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: */*\r\n\r\n".encode("ascii")


async def generate_load(config: LoadConfig) -> LoadResult:
    loop = asyncio.get_running_loop()
    requests = [request_bytes(config.host, config.port, path) for path in config.paths]
    window = _Window()
    closed: list[asyncio.Future[None]] = []
    for number in range(config.concurrency):
        done: asyncio.Future[None] = loop.create_future()
        first = number * len(requests) // config.concurrency
        await loop.create_connection(
            lambda first=first, done=done: _Connection(requests, first, window, done),  # type: ignore[misc]
            config.host,
            config.port,
        )
        closed.append(done)
    await asyncio.sleep(config.warmup_s)
    window.start_ns = now_ns()
    await asyncio.sleep(config.duration_s)
    window.stop = True
    window.result.elapsed_ns = now_ns() - window.start_ns
    await asyncio.wait_for(asyncio.gather(*closed), timeout=30)
    return window.result


class _Trivial(asyncio.Protocol):
    """Answers every request on the connection with the same bytes, at once."""

    def __init__(self, response: bytes) -> None:
        self._response = response
        self._buffer = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        assert self._transport is not None
        self._buffer += data
        answers = self._buffer.count(_END)
        if answers:
            self._buffer = self._buffer[self._buffer.rfind(_END) + 4 :]
            self._transport.write(self._response * answers)


def serve_trivial(port: int, body_bytes: int) -> None:
    """A server that answers 200 with ``body_bytes`` of JSON-ish bytes, until killed."""
    body = b"[" + b"0," * max(0, (body_bytes - 3) // 2) + b"0]"
    response = (
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
        + f"content-length: {len(body)}\r\n\r\n".encode("ascii")
        + body
    )

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: _Trivial(response), "127.0.0.1", port)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


def _load_in_child(config: LoadConfig, sink: Any) -> None:
    sink.send(asyncio.run(generate_load(config)))
    sink.close()


def run_in_process(config: LoadConfig) -> LoadResult:
    """``generate_load`` in a fresh (spawned) process: it shares no interpreter with anyone."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_load_in_child, args=(config, sender), daemon=True)
    process.start()
    sender.close()
    try:
        timeout = config.warmup_s + config.duration_s + 60
        if not receiver.poll(timeout):
            raise RuntimeError("the load generator did not report in time")
        result: LoadResult = receiver.recv()
        return result
    finally:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()


def start_process(
    target: Callable[..., None], *args: object
) -> multiprocessing.process.BaseProcess:
    """``target(*args)`` in a fresh (spawned) daemon process, started."""
    process = multiprocessing.get_context("spawn").Process(target=target, args=args, daemon=True)
    process.start()
    return process
