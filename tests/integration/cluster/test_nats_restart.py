"""A restart of the NATS server (JetStream on file storage) mid-run: the relay's and
the workers' clients reconnect, nothing is lost or doubled (docs/deploy.md, "Fault tests").

The server is one this test starts on a free port with a store directory of its own
(the machine's shared server is never touched); it needs the ``nats-server`` binary."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .harness import FaultRun, Worker, assert_each_pair_once, cluster, wait_busy

FILLS = 12
RESTART_AFTER = 4  # fills


class PrivateNats:
    def __init__(self, store: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._store = store
        self.process = self._start()

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def _start(self) -> subprocess.Popen[bytes]:
        binary = shutil.which("nats-server") or "/usr/sbin/nats-server"
        process = subprocess.Popen(
            [binary, "-a", "127.0.0.1", "-p", str(self.port), "-js", "-sd", str(self._store)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return process
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the private nats-server did not start")

    def restart(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        time.sleep(0.5)
        self.process = self._start()

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(10)


@pytest.fixture
def private_nats(tmp_path: Path, nats_url: str) -> Iterator[PrivateNats]:
    if not (shutil.which("nats-server") or os.path.exists("/usr/sbin/nats-server")):
        message = "the nats-server binary is not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}, and CI=true requires it", pytrace=False)
        pytest.skip(message)
    server = PrivateNats(tmp_path / "jetstream")
    yield server
    server.stop()


def test_a_nats_restart_mid_run_loses_and_doubles_nothing(
    postgres_schema_url: str, private_nats: PrivateNats
) -> None:
    with cluster(postgres_schema_url, private_nats.url) as made:
        run = FaultRun(made, lambda: [Worker(made, take=4)])

        def between(index: int) -> None:
            if index == RESTART_AFTER:
                wait_busy(run.engine, index + 1, 0)
                private_nats.restart()

        got, _logs = run.fan_out(FILLS, between)
    assert_each_pair_once(got, FILLS)
