"""Run the HTTP app under uvicorn so that a shutdown is prompt with streams open.

uvicorn's graceful shutdown waits for every open response to finish, and an
``/api/v1/events`` stream never finishes by itself: with one browser tab open,
SIGINT left ``serve`` running until killed. On the exit signal we set the
runtime's ``stopping`` event first, which every event stream checks at each
poll (it then sends ``event: end`` and closes); ``timeout_graceful_shutdown``
bounds whatever else is still running (docs/operations.md, "Shutdown").
"""

from __future__ import annotations

import threading
from types import FrameType

import uvicorn
from fastapi import FastAPI

GRACEFUL_S = 5  # the longest a shutdown waits for responses still running


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, stopping: threading.Event) -> None:
        super().__init__(config)
        self._stopping = stopping

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self._stopping.set()  # streams end at their next poll
        super().handle_exit(sig, frame)


def serve_http(app: FastAPI, host: str, port: int, stopping: threading.Event) -> None:
    """Serve until SIGINT / SIGTERM, then stop within a few seconds."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        log_config=None,  # our handler renders uvicorn's lines too
        access_log=False,  # the access log is ours (RequestLog)
        timeout_graceful_shutdown=GRACEFUL_S,
    )
    _Server(config, stopping).run()
