"""``copytrade worker``, ``relay`` and ``cluster``: the processes of a cluster (docs/deploy.md)."""

from __future__ import annotations

import signal

import typer

from copytrade.adapters.bus.jetstream import JetStreamBus
from copytrade.adapters.db.shard_leases import ShardLeases
from copytrade.bootstrap import Container
from copytrade.cli.common import (
    DATABASE,
    checked_container,
    err_console,
    load_settings,
    with_database,
)
from copytrade.config import Settings
from copytrade.marketdata.clock import SystemClock
from copytrade.server.cluster import Topology, cluster_env, run_topology
from copytrade.server.logs import configure_logging
from copytrade.server.relay import run_relay
from copytrade.server.worker import ShardWorker, WorkerConfig
from copytrade.server.worker_health import HealthServer, Liveness

NATS = typer.Option(
    None, "--nats", metavar="URL",
    help="The NATS server (JetStream on), e.g. nats://127.0.0.1:4222; default COPYTRADE_NATS_URL.",
)

LOG_LEVEL = typer.Option("info", help="Least level logged.")


class _Stop:
    """Set by SIGTERM or SIGINT: the loop ends after the fill in hand is acknowledged."""

    def __init__(self) -> None:
        self.stopped = False
        signal.signal(signal.SIGTERM, self._set)
        signal.signal(signal.SIGINT, self._set)

    def _set(self, _signum: int, _frame: object) -> None:
        self.stopped = True

    def __call__(self) -> bool:
        return self.stopped


def _cluster_settings(database: str | None, nats: str | None) -> Settings:
    settings = with_database(load_settings(), database)
    if nats is not None:
        settings = settings.model_copy(update={"nats_url": nats})
    if settings.nats_url is None:
        raise typer.BadParameter("give --nats URL (or set COPYTRADE_NATS_URL)")
    if not settings.database_url.startswith("postgresql"):
        raise typer.BadParameter(
            "the cluster's processes share one PostgreSQL database: give --database "
            "postgresql+psycopg://... (or set COPYTRADE_DATABASE_URL)"
        )
    return settings


def _start(database: str | None, nats: str | None, log_level: str) -> tuple[
    Settings, Container, _Stop
]:
    """A cluster process's settings, composition root and stop flag."""
    settings = _cluster_settings(database, nats)
    configure_logging(log_level)
    return settings, checked_container(settings, writing=True), _Stop()


def worker(
    shards: int = typer.Option(4, min=1, max=4096, help="The cluster's fixed shard count N."),
    take: int = typer.Option(
        0, min=0, help="At most this many shards owned here (0: as many as are free)."
    ),
    database: str | None = DATABASE,
    nats: str | None = NATS,
    log_level: str = LOG_LEVEL,
    health_port: int = typer.Option(
        0, min=0, max=65535, metavar="P",
        help="Serve GET /healthz on this port for a supervisor's liveness probe "
        "(0: none; docs/deploy.md, \"Worker liveness\").",
    ),
    health_host: str = typer.Option("127.0.0.1", help="The address /healthz listens on."),
    health_bound: float = typer.Option(
        120.0, "--health-bound", min=1.0, metavar="SECONDS",
        help="/healthz fails (503) when the consumer loop has not ticked for this long: "
        "set it above the longest fan-out of one fill of a shard.",
    ),
) -> None:
    """Fan provider fills out for the free shards this worker takes (docs/engine.md, "Workers")."""
    settings, container, stop = _start(database, nats, log_level)
    config = WorkerConfig(shards, take or shards, settings.nats_ack_wait_seconds)
    liveness = Liveness(health_bound)
    health = _health_server(liveness, health_host, health_port)
    try:
        platform = container.platform(
            SystemClock(), recover=False, shards=shards, local_fanout=True
        )
        bus = container.jetstream(str(settings.nats_url)).connect()
        leases = ShardLeases(container.engine, shards)
        err_console.print(f"copytrade worker: {shards} shards, taking up to {config.take}")
        try:
            ShardWorker(platform, bus, leases, config, liveness).run(stop)
        finally:
            leases.close()
            bus.close()
    finally:
        if health is not None:
            health.close()
        container.close()


def _health_server(liveness: Liveness, host: str, port: int) -> HealthServer | None:
    if not port:
        return None
    try:
        server = HealthServer(liveness, host, port).start()
    except OSError as error:
        raise typer.BadParameter(
            f"cannot serve /healthz on {host}:{port} ({error}): choose a free --health-port"
        ) from error
    err_console.print(f"copytrade worker: liveness on http://{host}:{server.port}/healthz")
    return server


def relay(
    database: str | None = DATABASE,
    nats: str | None = NATS,
    log_level: str = LOG_LEVEL,
) -> None:
    """Book venue fills and relay the outbox: provider fills to JetStream (docs/deploy.md)."""
    _settings, container, stop = _start(database, nats, log_level)
    platform = container.platform(SystemClock())
    err_console.print("copytrade relay: provider fills to JetStream")
    try:
        run_relay(platform, stop)
    finally:
        if isinstance(bus := platform.engine.fanout_bus, JetStreamBus):
            bus.close()
        container.close()


def cluster(
    workers: int = typer.Option(2, min=1, help="Worker processes."),
    shards: int = typer.Option(4, min=1, max=4096, help="The fixed shard count N."),
    api: int = typer.Option(2, min=0, help="API servers (copytrade serve), on consecutive ports."),
    port: int = typer.Option(8000, min=1, max=65535, help="The first API server's port."),
    worker_health_port: int = typer.Option(
        0, min=0, max=65535, metavar="P",
        help="Worker i serves /healthz on port P+i (0: none; docs/deploy.md, \"Worker liveness\").",
    ),
    database: str | None = DATABASE,
    nats: str | None = NATS,
) -> None:
    """Run the relay, the workers and the API servers on this machine (docs/deploy.md)."""
    settings = _cluster_settings(database, nats)
    topology = Topology(workers, shards, api, port, worker_health_port=worker_health_port)
    stop = _Stop()
    env = cluster_env(settings.database_url, str(settings.nats_url))
    run_topology(topology, env, stop, err_console.print)


# The cluster's own processes without the rest of the command (``python -m
# copytrade.cli.worker worker ...``): half the imports of ``copytrade``, so a supervisor
# restarting a worker gets it back sooner. ``copytrade worker`` is the same command.
processes_app = typer.Typer(name="copytrade-cluster-process", no_args_is_help=True)
processes_app.command()(worker)
processes_app.command()(relay)

if __name__ == "__main__":
    processes_app()
