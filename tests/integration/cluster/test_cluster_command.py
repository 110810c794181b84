"""``copytrade cluster`` starts the topology and stops it on Ctrl-C (docs/deploy.md)."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from .harness import ROOT, cluster


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_cluster_serves_and_stops_cleanly(postgres_schema_url: str, nats_url: str) -> None:
    port = _free_port()
    with cluster(postgres_schema_url, nats_url) as made:
        process = subprocess.Popen(
            [sys.executable, "-m", "copytrade.cli", "cluster", "--workers", "1", "--shards",
             "2", "--api", "1", "--port", str(port)],
            cwd=ROOT, env=made.settings_env(), stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        health = None
        try:
            deadline = time.monotonic() + 60
            while health is None and time.monotonic() < deadline:
                time.sleep(0.5)
                try:
                    url = f"http://127.0.0.1:{port}/healthz"
                    with urllib.request.urlopen(url, timeout=2) as answer:
                        health = json.loads(answer.read())
                except OSError:
                    continue
        finally:
            process.send_signal(signal.SIGINT)
            _out, err = process.communicate(timeout=60)
    log = err.decode(errors="replace")
    assert health == {"status": "ok"}, log[-3000:]
    assert process.returncode == 0, log[-3000:]
    assert "took shard 0 of 2" in log and "took shard 1 of 2" in log
    assert "copytrade relay: provider fills to JetStream" in log
