"""Put ``copytrade serve`` together: runtime, live market, schedules and the HTTP app.

The entry point on top of the HTTP edge: it imports the API and the web pages,
never the other way round.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, replace

from fastapi import FastAPI

from copytrade.api.app import create_app
from copytrade.api.runtime import ServerRuntime
from copytrade.bootstrap import Container
from copytrade.marketdata.clock import Clock
from copytrade.marketdata.errors import UnknownSymbolError
from copytrade.marketdata.specs import SymbolSpec, default_symbol_specs
from copytrade.server.live import LiveConfig, live_jobs, live_symbols
from copytrade.server.market import LiveMarket
from copytrade.server.scheduler import PRICE_SYNC_EVERY, Job, Scheduler, default_jobs
from copytrade.web.install import install_web


@dataclass
class Server:
    runtime: ServerRuntime
    scheduler: Scheduler
    app: FastAPI


def market_specs(runtime: ServerRuntime, live: Collection[str] = ()) -> list[SymbolSpec]:
    """Synthetic specs for the traded instruments, starting where the venue's prices stand;
    none for the ``live`` symbols (their marks come from an exchange's tickers)."""
    last = runtime.platform.venue.prices()
    specs: list[SymbolSpec] = []
    for instrument in runtime.platform.engine.instruments.values():
        if instrument.symbol in live:
            continue
        try:
            (spec,) = default_symbol_specs(instrument.symbol)
        except UnknownSymbolError:
            continue  # no synthetic model for it: its price stays where it is
        start = last.get(instrument.symbol, spec.start_price)
        specs.append(replace(spec, tick=instrument.tick, start_price=start))
    return specs


def create_http_app(runtime: ServerRuntime) -> FastAPI:
    """The HTTP app over one runtime: the JSON API, then the web pages."""
    app = create_app(runtime)
    install_web(app)  # the HTML pages: /, /providers/{id}, /signup, /login, /me
    return app


# Jobs an entry point adds to the server's (the served demo's bots), made on its runtime.
ExtraJobs = Callable[[ServerRuntime, Clock], list[Job]]


def build_server(
    container: Container,
    clock: Clock,
    seed: int,
    market: bool = True,
    extra_jobs: ExtraJobs | None = None,
    live_config: LiveConfig | None = None,
) -> Server:
    """The server on ``container``; ``extra_jobs`` run right after each market tick;
    ``live_config`` adds the live venues (tickers first, then the watchers)."""
    runtime = ServerRuntime.build(container, clock)
    config = live_config or LiveConfig()
    runtime.exchange_sites.update(config.sites())
    specs = market_specs(runtime, live_symbols(config, runtime)) if market else []
    live = LiveMarket(runtime, clock, specs, seed) if specs else None
    jobs = default_jobs(runtime, clock, live)
    first = 1 if live is not None else 0
    if extra_jobs is not None:
        jobs[first:first] = extra_jobs(runtime, clock)
    jobs[first:first] = live_jobs(config, runtime, clock)
    if runtime.shared and live is None:
        # Another server runs the synthetic market: its prices, as the venue stores them.
        jobs.insert(0, Job("price-sync", PRICE_SYNC_EVERY, runtime.sync_prices,
                           cluster_wide=False))
    scheduler = Scheduler(runtime, clock, jobs, container.cluster_jobs(clock))
    app = create_http_app(runtime)
    app.state.scheduler = scheduler
    return Server(runtime, scheduler, app)
