"""``copytrade serve`` as a real process, as an operator sees it: probes, metrics, logs
(docs/operations.md)."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import httpx
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
