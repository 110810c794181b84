"""``copytrade serve --live-config FILE``: the live venues a server works with
(docs/venues.md, "Serving live venues").

A TOML file, typed and strict (an unknown key, a wrong type or an exchange copytrade
does not support stops ``serve`` before it starts, with one ``configuration error``
line):

- ``[exchanges.<ccxt id>]``: the exchanges users may link accounts of through the API
  and the web pages, each reached at its own API or under ``api_base``;
- ``[tickers]``: live marks from one of them (``CcxtTickers``, the ``tickers`` job);
- ``[[watch]]``: providers' linked accounts whose trades are copied (one
  ``watch:<account>`` job each, the ``venues watch`` loop inside the server).
"""

from __future__ import annotations

import logging
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from copytrade.adapters.venues.ccxt.quirks import QUIRKS
from copytrade.api.runtime import ServerRuntime
from copytrade.config import SettingsError
from copytrade.marketdata.clock import Clock
from copytrade.marketdata.live import LiveFunding, LiveTickerFeed
from copytrade.server.scheduler import Job
from copytrade.server.tickers import LiveTickers
from copytrade.server.watch import watch_job
from copytrade.service_layer.exchange_accounts import ExchangeSite

log = logging.getLogger("copytrade.serve")

Interval = Annotated[float, Field(ge=0.1, le=3600)]
HTTP_URL = r"^https?://[^\s/?#]+(/[^\s?#]*)?$"
WS_URL = r"^wss?://[^\s/?#]+(/[^\s?#]*)?$"
Symbols = Annotated[list[Annotated[str, Field(min_length=1, max_length=64)]], Field(max_length=500)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExchangeConfig(_Strict):
    # Every API entry under this base URL (a proxy, an emulator); default the exchange's own.
    api_base: str | None = Field(default=None, pattern=HTTP_URL)


class TickersConfig(_Strict):
    exchange: str
    # Default: every instrument of the platform (those the exchange does not list stay
    # without live marks).
    symbols: Symbols = []
    interval_seconds: Interval = 2.0
    sandbox: bool = False


class WatchConfig(_Strict):
    account: str = Field(min_length=1, max_length=64)
    # Default: every platform instrument the exchange lists (as `venues watch`).
    symbols: Symbols = []
    # The poll's interval: each run, or while streaming only while a stream is down.
    interval_seconds: Interval = 2.0
    # Pushed trades where ccxt pro watches them (docs/venues.md, "Serving live venues").
    websocket: bool = True
    # The websocket endpoints of an account linked at an API base URL (`--ws-base`).
    ws_base: str | None = Field(default=None, pattern=WS_URL)


class LiveConfig(_Strict):
    exchanges: dict[str, ExchangeConfig] = {}
    tickers: TickersConfig | None = None
    watch: list[WatchConfig] = []

    @model_validator(mode="after")
    def _known_exchanges(self) -> LiveConfig:
        for name in self.exchanges:
            if name not in QUIRKS:
                raise ValueError(
                    f"exchange {name!r} is not supported; supported: {', '.join(sorted(QUIRKS))}"
                )
        if self.tickers is not None and self.tickers.exchange not in self.exchanges:
            raise ValueError(
                f"tickers.exchange {self.tickers.exchange!r} needs its [exchanges."
                f"{self.tickers.exchange}] section"
            )
        accounts = [w.account for w in self.watch]
        if len(set(accounts)) != len(accounts):
            raise ValueError("an account is watched twice")
        return self

    def sites(self) -> dict[str, ExchangeSite]:
        return {name: ExchangeSite(name, e.api_base) for name, e in self.exchanges.items()}


def load_live_config(path: Path) -> LiveConfig:
    """The file's configuration, or SettingsError naming the file and each problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SettingsError(f"configuration error: cannot read {path}: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SettingsError(f"configuration error: {path} is not TOML: {error}") from None
    try:
        return LiveConfig.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}" for e in error.errors()
        )
        raise SettingsError(f"configuration error: {path}: {problems}") from None


def live_symbols(config: LiveConfig, runtime: ServerRuntime) -> set[str]:
    """The symbols whose marks come from the exchange (the synthetic market leaves them)."""
    if config.tickers is None:
        return set()
    return set(config.tickers.symbols or runtime.platform.engine.instruments)


def live_jobs(config: LiveConfig, runtime: ServerRuntime, clock: Clock) -> list[Job]:
    """The tickers job and one watcher job per watched account."""
    jobs: list[Job] = []
    if config.tickers is not None:
        jobs.append(_tickers_job(config, config.tickers, runtime, clock))
    jobs += [watch_job(runtime, w) for w in config.watch]
    return jobs


def _tickers_job(
    config: LiveConfig, tickers: TickersConfig, runtime: ServerRuntime, clock: Clock
) -> Job:
    source = runtime.container.live_tickers(
        tickers.exchange, sorted(live_symbols(config, runtime)), clock,
        sandbox=tickers.sandbox, api_base=config.exchanges[tickers.exchange].api_base,
        only_listed=not tickers.symbols,
    )
    job = LiveTickers(
        runtime, LiveTickerFeed(source, tickers.interval_seconds), LiveFunding(source)
    )
    # Not under the lock: the exchange is read outside it, the marks applied under it.
    return Job("tickers", timedelta(seconds=tickers.interval_seconds), job, under_lock=False)
