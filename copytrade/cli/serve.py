"""``copytrade serve``: the HTTP API and web UI, with the market, stats and settlement schedules."""

from __future__ import annotations

from pathlib import Path

import typer

from copytrade.cli.common import (
    DATABASE,
    checked_container,
    err_console,
    load_settings,
    with_database,
)
from copytrade.config import Settings
from copytrade.marketdata.clock import SystemClock
from copytrade.server.assembly import ExtraJobs, build_server
from copytrade.server.http import serve_http
from copytrade.server.live import LiveConfig, load_live_config
from copytrade.server.logs import configure_logging

LOG_LEVELS = ("debug", "info", "warning", "error")


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
    database: str | None = DATABASE,
    seed: int = typer.Option(7, help="Seed of the live synthetic market."),
    market: bool = typer.Option(
        True, metavar="", help="Run the live synthetic market (paper venue)."
    ),
    log_level: str = typer.Option(
        "info", help="Least level logged: debug (adds each copy decision), info, warning, error."
    ),
    live_config: Path | None = typer.Option(
        None, "--live-config", metavar="FILE", dir_okay=False,
        help="Live venues (TOML): exchanges users may link, live tickers, providers' "
        "accounts to watch (docs/venues.md, \"Serving live venues\").",
    ),
    rate_limit_store: str | None = typer.Option(
        None, "--rate-limit-store", metavar="URL",
        help="Where rate limits and the sign-in throttle count: 'memory' (this process, the "
        "default) or redis://HOST:PORT/DB, shared by several servers (docs/deploy.md, "
        "\"API servers\"). Overrides COPYTRADE_RATE_LIMIT_STORE.",
    ),
) -> None:
    """Serve the API (/api/v1, /docs, /openapi.json) and the web UI on HOST:PORT;
    /healthz, /readyz and /metrics for operators (docs/operations.md)."""
    store = {} if rate_limit_store is None else {"rate_limit_store": rate_limit_store}
    settings = with_database(load_settings(**store), database)  # a new SQLite file is made
    live = load_live_config(live_config) if live_config is not None else None
    run_server(settings, host, port, seed, market, log_level, live_config=live)


def run_server(
    settings: Settings,
    host: str,
    port: int,
    seed: int,
    market: bool,
    log_level: str = "info",
    extra_jobs: ExtraJobs | None = None,
    live_config: LiveConfig | None = None,
) -> None:
    """Serve until interrupted (``serve``, and ``demo --serve`` on the demo's database,
    whose bots go on trading as ``extra_jobs``)."""
    if log_level.lower() not in LOG_LEVELS:
        raise typer.BadParameter(f"--log-level must be one of {', '.join(LOG_LEVELS)}")
    container = checked_container(settings, writing=True)  # a refusal stays one error line
    configure_logging(log_level)  # once, here: JSON lines unless stderr is a terminal
    server = build_server(container, SystemClock(), seed, market, extra_jobs, live_config)

    def drain() -> None:
        """On a graceful shutdown (uvicorn re-raises SIGTERM after it, so no ``finally``
        of ours would run): let the running job end, then deliver what it wrote."""
        server.scheduler.stop()
        server.runtime.act(lambda: None)

    server.app.router.on_shutdown.append(drain)
    server.scheduler.start()
    err_console.print(f"copytrade serving on http://{host}:{port}/ (API docs at /docs)")
    try:
        serve_http(server.app, host, port, server.runtime.stopping)
    finally:
        server.scheduler.stop()
        container.close()
