"""Structured logs for ``copytrade serve`` (docs/operations.md "Logs").

``configure_logging`` is called once, by the entry point, never at import time. It
routes structlog and the standard library's loggers (the scheduler's, the API's,
uvicorn's) through one handler on stderr: JSON lines when stderr is not a terminal,
structlog's console rendering when it is. Every line carries its time, level and
logger, and inside an HTTP request its request id. Values under a key that names a
secret (password, token, cookie, authorization, secret, api key) are replaced before
anything is written. alembic logs from warning up only.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from typing import Any, TextIO

import structlog
from structlog.typing import Processor

REDACTED = "[redacted]"
# Libraries whose info lines are chatter (alembic names its SQL dialect at every start).
QUIET = {"alembic": logging.WARNING}
SECRET_WORDS = ("password", "passphrase", "token", "cookie", "authorization", "secret", "api_key")


def redact_secrets(
    _logger: Any, _method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for key in event:
        if any(word in key.lower() for word in SECRET_WORDS):
            event[key] = REDACTED
    return event


def configure_logging(level: str = "info", stream: TextIO | None = None) -> None:
    """Send every log line to ``stream`` (stderr), rendered for a terminal or as JSON."""
    out = stream if stream is not None else sys.stderr
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_secrets,
    ]
    renderer: Processor = (
        structlog.dev.ConsoleRenderer()
        if out.isatty()
        else structlog.processors.JSONRenderer(sort_keys=True)
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            *([] if out.isatty() else [structlog.processors.format_exc_info]),
            renderer,
        ],
    )
    handler = logging.StreamHandler(out)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    for name, least in QUIET.items():
        logging.getLogger(name).setLevel(max(least, root.level))
