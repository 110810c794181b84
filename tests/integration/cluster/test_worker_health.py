"""``copytrade worker --health-port``: a real worker's ``/healthz`` names the shards it
took and its last fan-out, and fails while its consumer loop is stuck, here on a table
lock inside a fan-out, until the loop moves again (docs/deploy.md, "Worker liveness")."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from sqlalchemy import text

from .harness import SHARDS, Worker, cluster, drive, populated, wait_fanned_out

BOUND_S = 2.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _probe(port: int) -> tuple[int, dict[str, Any]] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
    except OSError:
        return None  # not listening yet


def _until(port: int, wanted: Callable[[int, dict[str, Any]], bool], timeout_s: float = 60.0
           ) -> dict[str, Any]:  # fmt: skip
    deadline, last = time.monotonic() + timeout_s, None
    while time.monotonic() < deadline:
        last = _probe(port)
        if last is not None and wanted(*last):
            return last[1]
        time.sleep(0.2)
    raise AssertionError(f"/healthz never answered as wanted in {timeout_s} s: {last}")


def test_a_worker_stuck_in_a_fan_out_fails_its_health_until_it_moves(
    postgres_schema_url: str, nats_url: str
) -> None:
    with cluster(postgres_schema_url, nats_url) as made:
        engine = made.engine()
        bus = made.bus()
        population = populated(engine, fanout_bus=bus)
        port = _free_port()
        worker = Worker(made, take=SHARDS, args=[
            "--health-port", str(port), "--health-bound", str(BOUND_S)])  # fmt: skip
        lock = engine.connect()
        stuck: dict[str, Any] = {}

        def between(index: int) -> None:
            if index == 0:  # one fill fanned out: then the next fan-out waits on a lock
                wait_fanned_out(engine, 1)
                after = _until(port, lambda _code, body: body["fills_handled"] == SHARDS)
                assert after["status"] == "ok" and after["last_fanout_at"] is not None
                lock.execute(text("LOCK TABLE copy_decisions IN ACCESS EXCLUSIVE MODE"))
            else:
                stuck.update(_until(port, lambda code, _body: code == 503))
                lock.rollback()

        try:
            took = _until(port, lambda code, body: code == 200 and len(body["shards"]) == SHARDS)
            assert took["shards"] == list(range(SHARDS)) and took["last_fanout_at"] is None
            drive(population, 2, between)
            assert stuck["status"] == "stalled" and stuck["seconds_since_tick"] > BOUND_S
            # At least: a fill held past the ack wait is delivered again, and counted again.
            _until(port, lambda code, body: code == 200 and body["fills_handled"] >= 2 * SHARDS)
            wait_fanned_out(engine, 2)
        finally:
            lock.close()
            log = worker.stop()
            bus.close()
            engine.dispose()
    assert worker.process.returncode == 0, log
