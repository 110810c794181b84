"""Structured logs: request ids, the access log, the engine's decisions at debug level,
JSON lines off a terminal, and no secret in any line (docs/operations.md "Logs").

Each test configures logging as ``serve`` does, onto a buffer, and reads back what
structlog really wrote.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
import structlog

from copytrade.server.logs import configure_logging

from ..engine.harness import Harness
from .conftest import PASSWORD, Api


class Captured(io.StringIO):
    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.getvalue().splitlines()]


@pytest.fixture
def captured() -> Iterator[Captured]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    out = Captured()
    configure_logging("debug", out)
    yield out
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


def access(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if line["logger"] == "copytrade.access"]


def test_a_sane_request_id_is_echoed_and_logged_with_the_access_line(
    api: Api, captured: Captured
) -> None:
    reply = api.client.get("/api/v1/providers/nobody", headers={"X-Request-ID": "abc-123.x_y"})
    assert reply.status_code == 404
    assert reply.headers["X-Request-ID"] == "abc-123.x_y"
    (line,) = access(captured.lines())
    assert line["request_id"] == "abc-123.x_y"
    assert line["event"] == "request" and line["level"] == "info"
    assert line["method"] == "GET" and line["status"] == 404
    assert line["route"] == "/api/v1/providers/{provider_id}"
    assert line["duration_ms"] >= 0 and "timestamp" in line


@pytest.mark.parametrize("given", [None, "", "has space", "x" * 129, "semi;colon"])
def test_an_absent_or_insane_request_id_is_replaced(
    api: Api, captured: Captured, given: str | None
) -> None:
    headers = {} if given is None else {"X-Request-ID": given}
    reply = api.client.get("/healthz", headers=headers)
    rid = reply.headers["X-Request-ID"]
    assert rid != given and len(rid) == 32 and int(rid, 16) >= 0
    (line,) = access(captured.lines())
    assert line["request_id"] == rid and line["route"] == "/healthz"


def test_every_line_is_json_and_none_carries_a_secret(api: Api, captured: Captured) -> None:
    user = api.sign_up("erin")  # a register and a login: a password and a token on the wire
    token = user["headers"]["Authorization"].removeprefix("Bearer ")
    assert api.client.get("/api/v1/auth/me", headers=user["headers"]).status_code == 200
    structlog.get_logger("copytrade.test").info("signed in", password=PASSWORD, api_token=token)
    text = captured.getvalue()
    lines = captured.lines()  # each line parses
    routes = [line["route"] for line in access(lines)]
    assert routes == ["/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/auth/me"]
    assert PASSWORD not in text and token not in text
    (mine,) = [line for line in lines if line["event"] == "signed in"]
    assert mine["password"] == mine["api_token"] == "[redacted]"


def test_the_engine_logs_each_copy_decision_at_debug(api: Api, captured: Captured) -> None:
    h = Harness.over(api.runtime.platform, api.harness.clock)
    pro = h.provider("pro", "10000")
    rel = h.follow(h.follower("fay", "5000"), pro, "1000")
    h.trade(pro, "buy", "0.1")
    decisions = [line for line in captured.lines() if line["event"] == "copy decision"]
    assert len(decisions) == 1
    (one,) = decisions
    assert one["level"] == "debug" and one["logger"] == "copytrade.engine"
    assert one["relationship"] == str(rel) and one["action"] == "placed"
    assert one["leg"] == "open" and one["reason"] is None


def test_the_decisions_are_not_logged_at_info(api: Api, captured: Captured) -> None:
    logging.getLogger().setLevel(logging.INFO)
    h = Harness.over(api.runtime.platform, api.harness.clock)
    pro = h.provider("pro", "10000")
    h.follow(h.follower("gus", "5000"), pro, "1000")
    h.trade(pro, "buy", "0.1")
    assert not [line for line in captured.lines() if line["event"] == "copy decision"]


def test_a_terminal_gets_the_console_rendering() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    out = Terminal()
    try:
        configure_logging("info", out)
        structlog.get_logger("copytrade.test").info("hello", n=1)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        structlog.reset_defaults()
    text = re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue())  # without its colours
    assert "[info" in text and "hello" in text and "n=1" in text
    with pytest.raises(json.JSONDecodeError):
        json.loads(text.splitlines()[0])
