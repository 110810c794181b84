"""``copytrade cluster``: the whole topology on one machine (docs/deploy.md).

One relay, W workers sharing N shards, M API servers on consecutive ports, all
against one PostgreSQL database and one NATS server. Each is an ordinary
``copytrade`` process; on several machines, run the same command lines there.
"""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Topology:
    workers: int = 2
    shards: int = 4
    api_servers: int = 2
    first_port: int = 8000
    host: str = "127.0.0.1"
    worker_health_port: int = 0  # worker i serves /healthz on this + i (0: none)

    def __post_init__(self) -> None:
        if self.workers < 1 or self.shards < self.workers or self.api_servers < 0:
            raise ValueError(
                "a cluster needs at least one worker, at least as many shards as workers, "
                "and zero or more API servers"
            )
        api = range(self.first_port, self.first_port + self.api_servers)
        health = range(self.worker_health_port, self.worker_health_port + self.workers)
        if self.worker_health_port and (set(api) & set(health) or health.stop > 65536):
            raise ValueError(
                f"the workers' health ports {health.start}..{health.stop - 1} must be valid "
                f"and apart from the API servers' ports {api.start}..{api.stop - 1}"
            )

    def commands(self) -> list[tuple[str, list[str]]]:
        """(name, copytrade arguments) of every process, the relay first."""
        take = math.ceil(self.shards / self.workers)
        processes = [("relay", ["relay"])]
        processes += [
            (f"worker-{i}", ["worker", "--shards", str(self.shards), "--take", str(take),
                             *self._health(i)])
            for i in range(self.workers)
        ]
        processes += [
            (f"api-{i}", ["serve", "--host", self.host, "--port", str(self.first_port + i),
                          "--no-market"])
            for i in range(self.api_servers)
        ]
        return processes


    def _health(self, worker: int) -> list[str]:
        if not self.worker_health_port:
            return []
        return ["--health-port", str(self.worker_health_port + worker),
                "--health-host", self.host]


def run_topology(
    topology: Topology,
    env: Mapping[str, str],
    stop: Callable[[], bool],
    say: Callable[[str], None],
    restart_delay_s: float = 1.0,
) -> None:
    """Start every process and restart any that exits, until ``stop()``; then SIGTERM all."""
    commands = dict(topology.commands())
    running = {name: _start(args, env) for name, args in commands.items()}
    for name, process in running.items():
        say(f"{name}: pid {process.pid}: copytrade {' '.join(commands[name])}")
    try:
        while not stop():
            time.sleep(0.5)
            for name, process in list(running.items()):
                if process.poll() is not None:
                    say(f"{name} exited ({process.returncode}); restarting")
                    time.sleep(restart_delay_s)
                    running[name] = _start(commands[name], env)
    finally:
        _terminate(list(running.values()))


def _start(args: Sequence[str], env: Mapping[str, str]) -> subprocess.Popen[bytes]:
    # The relay and workers through their lighter entry (``copytrade.cli.worker``).
    module = "copytrade.cli" if args[0] == "serve" else "copytrade.cli.worker"
    return subprocess.Popen([sys.executable, "-m", module, *args], env=dict(env))


def _terminate(processes: Sequence[subprocess.Popen[bytes]], grace_s: float = 20.0) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    for process in processes:
        try:
            process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def cluster_env(database_url: str, nats_url: str) -> dict[str, str]:
    return {**os.environ, "COPYTRADE_DATABASE_URL": database_url, "COPYTRADE_NATS_URL": nats_url}
