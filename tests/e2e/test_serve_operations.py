"""``copytrade serve`` as a real process, as an operator sees it: probes, metrics, logs
(docs/operations.md)."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from .serving import free_port, start, stop


def test_serve_probes_metrics_and_json_logs(tmp_path: Path) -> None:
    port = free_port()
    args = ["serve", "--database", str(tmp_path / "ops.db"), "--port", str(port)]
    base, process = start(args, port)
    try:
        assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
        deadline = time.monotonic() + 30
        ready = httpx.get(f"{base}/readyz")
        while ready.status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.2)  # until the scheduler's first pass is done
            ready = httpx.get(f"{base}/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json()["status"] == "ready"
        reply = httpx.get(f"{base}/api/v1/leaderboard", headers={"X-Request-ID": "probe-42"})
        assert reply.status_code == 200 and reply.headers["X-Request-ID"] == "probe-42"
        time.sleep(1.5)  # the market job runs every second
        scraped = httpx.get(f"{base}/metrics").text
        names = {family.name for family in text_string_to_metric_families(scraped)}
        assert {
            "copytrade_copy_fanout_seconds",
            "copytrade_copy_decisions",
            "copytrade_outbox_pending_messages",
            "copytrade_outbox_oldest_pending_age_seconds",
            "copytrade_job_duration_seconds",
            "copytrade_job_failures",
            "copytrade_http_request_duration_seconds",
        } <= names
        assert 'job="market"' in scraped and 'route="/api/v1/leaderboard"' in scraped
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        stop(process)
    # stdout is a pipe, not a terminal: each log line is a JSON object.
    logged = [json.loads(line) for line in output.decode().splitlines() if line.startswith("{")]
    probe = [line for line in logged if line.get("request_id") == "probe-42"]
    assert [(p["logger"], p["route"], p["status"]) for p in probe] == [
        ("copytrade.access", "/api/v1/leaderboard", 200)
    ]
    assert b"Traceback" not in output


def test_shutdown_is_prompt_with_an_event_stream_open(tmp_path: Path) -> None:
    """SIGINT with a client on /api/v1/events: the stream ends with ``event: end`` and
    the process exits within seconds, not when the client gives up."""
    port = free_port()
    args = ["serve", "--database", str(tmp_path / "sse.db"), "--port", str(port)]
    base, process = start(args, port)
    received: list[str] = []
    try:
        body = {"email": "sse@example.com", "password": "a long passphrase", "jurisdiction": "NL"}
        assert httpx.post(f"{base}/api/v1/auth/register", json=body).status_code == 202
        token = httpx.post(f"{base}/api/v1/auth/login", json=body).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        # Keepalives come every 15 s: a stream still open after SIGINT times out here.
        with httpx.stream("GET", f"{base}/api/v1/events", headers=headers, timeout=8) as stream:
            lines = stream.iter_lines()
            received.append(next(lines))  # the stream is open: ``retry: …``
            process.send_signal(signal.SIGINT)
            signalled = time.monotonic()
            try:
                received.extend(lines)  # until the server closes the stream
            except httpx.ReadTimeout:
                pytest.fail(f"the event stream stayed open after SIGINT: {received}")
        process.wait(timeout=15)
        took = time.monotonic() - signalled
    finally:
        stop(process)
    assert received[0].startswith("retry:")
    assert "event: end" in received
    assert any("server shutting down" in line for line in received)
    assert took < 10, f"shutdown took {took:.1f} s with a client connected"
    assert b"Traceback" not in (process.stdout.read() if process.stdout else b"")
