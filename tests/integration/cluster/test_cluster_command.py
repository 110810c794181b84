"""``copytrade cluster`` starts the topology and stops it on Ctrl-C (docs/deploy.md): the
API server's ``/healthz`` and the worker's (``--worker-health-port``) answer meanwhile."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from typing import Any

from .harness import ROOT, cluster


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _healthz(port: int, ready: Callable[[dict[str, Any]], bool]) -> dict[str, Any] | None:
    """The first ``/healthz`` answer on ``port`` that is ``ready`` (60 s at most)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.5)
        try:
            url = f"http://127.0.0.1:{port}/healthz"
            with urllib.request.urlopen(url, timeout=2) as answer:
                health: dict[str, Any] = json.loads(answer.read())
        except OSError:
            continue
        if ready(health):
            return health
    return None


def test_the_cluster_serves_and_stops_cleanly(postgres_schema_url: str, nats_url: str) -> None:
    port, worker_port = _free_port(), _free_port()
    with cluster(postgres_schema_url, nats_url) as made:
        process = subprocess.Popen(
            [sys.executable, "-m", "copytrade.cli", "cluster", "--workers", "1", "--shards",
             "2", "--api", "1", "--port", str(port), "--worker-health-port", str(worker_port)],
            cwd=ROOT, env=made.settings_env(), stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            health = _healthz(port, lambda _answer: True)
            worker = _healthz(worker_port, lambda answer: answer["shards"] == [0, 1])
        finally:
            process.send_signal(signal.SIGINT)
            _out, err = process.communicate(timeout=60)
    log = err.decode(errors="replace")
    assert health == {"status": "ok"}, log[-3000:]
    assert worker is not None and worker["status"] == "ok", log[-3000:]
    assert process.returncode == 0, log[-3000:]
    assert "took shard 0 of 2" in log and "took shard 1 of 2" in log
    assert "copytrade relay: provider fills to JetStream" in log
