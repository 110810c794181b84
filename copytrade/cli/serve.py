"""``copytrade serve``: the HTTP API and web UI, with the market, stats and settlement schedules."""

from __future__ import annotations

from pathlib import Path

import typer
import uvicorn

from copytrade.cli.common import checked_container, err_console, load_settings
from copytrade.config import Settings
from copytrade.marketdata.clock import SystemClock
from copytrade.server.assembly import build_server
from copytrade.server.logs import configure_logging

LOG_LEVELS = ("debug", "info", "warning", "error")


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
    database: Path | None = typer.Option(
        None, help="SQLite file (made if missing) instead of COPYTRADE_DATABASE_URL."
    ),
    seed: int = typer.Option(7, help="Seed of the live synthetic market."),
    market: bool = typer.Option(True, help="Run the live synthetic market (paper venue)."),
    log_level: str = typer.Option(
        "info", help="Least level logged: debug (adds each copy decision), info, warning, error."
    ),
) -> None:
    """Serve the API (/api/v1, /docs, /openapi.json) and the web UI on HOST:PORT;
    /healthz, /readyz and /metrics for operators (docs/operations.md)."""
    settings = load_settings()
    if database is not None:
        settings = settings.model_copy(update={"database_url": f"sqlite:///{database}"})
    run_server(settings, host, port, seed, market, log_level)


def run_server(
    settings: Settings, host: str, port: int, seed: int, market: bool, log_level: str = "info"
) -> None:
    """Serve until interrupted (``serve``, and ``demo --serve`` on the demo's database)."""
    if log_level.lower() not in LOG_LEVELS:
        raise typer.BadParameter(f"--log-level must be one of {', '.join(LOG_LEVELS)}")
    container = checked_container(settings, writing=True)  # a refusal stays one error line
    configure_logging(log_level)  # once, here: JSON lines unless stderr is a terminal
    server = build_server(container, SystemClock(), seed, market)

    def drain() -> None:
        """On a graceful shutdown (uvicorn re-raises SIGTERM after it, so no ``finally``
        of ours would run): let the running job end, then deliver what it wrote."""
        server.scheduler.stop()
        server.runtime.act(lambda: None)

    server.app.router.on_shutdown.append(drain)
    server.scheduler.start()
    err_console.print(f"copytrade serving on http://{host}:{port}/ (API docs at /docs)")
    try:
        # Our own handler renders uvicorn's lines too; the access log is ours (RequestLog).
        uvicorn.run(
            server.app, host=host, port=port, log_level="warning", log_config=None, access_log=False
        )
    finally:
        server.scheduler.stop()
        container.close()
