"""Typed configuration, read from COPYTRADE_* environment variables.

Unknown keys are refused (a typo in a setting must not silently fall back to a
default). Nothing here connects to anything: the composition root does.
"""

from __future__ import annotations

import os
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict


class RankingRulesSetting(BaseModel):
    """COPYTRADE_RANKING_RULES (JSON): who is ranked at all, besides the minimum days
    (COPYTRADE_MIN_TRACK_RECORD_DAYS); docs/statistics.md, "Ranking rules"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_closed_trades: int | None = Field(default=None, ge=0, strict=True)
    min_capital: Decimal | None = Field(default=None, ge=0)
    max_drawdown_to_profit: Decimal | None = Field(default=None, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _days_elsewhere(cls, data: Any) -> Any:
        if isinstance(data, dict) and "min_days" in data:
            raise ValueError("set the minimum days with COPYTRADE_MIN_TRACK_RECORD_DAYS")
        return data

class SqliteSync(StrEnum):
    """SQLite's ``synchronous`` pragma: FULL survives power loss, NORMAL a process kill."""

    FULL = "FULL"
    NORMAL = "NORMAL"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="COPYTRADE_", extra="forbid", frozen=True, validate_default=True
    )

    database_url: str = Field(
        default="sqlite:///copytrade.db",
        description="SQLAlchemy URL: sqlite:///path.db (embedded) or postgresql+psycopg://...",
    )
    sqlite_synchronous: SqliteSync = SqliteSync.FULL
    # NATS JetStream (docs/engine.md, "Workers"): set, provider fills are relayed to the
    # stream for `copytrade worker` processes to fan out; unset (the default), in process.
    nats_url: str | None = None
    nats_stream: str = Field(default="COPYTRADE", pattern=r"^[A-Za-z0-9_-]{1,64}$")
    # How long a fill delivered to a worker that died waits before it is delivered again.
    nats_ack_wait_seconds: float = Field(default=30.0, gt=0, le=3600)
    database_echo: bool = False
    platform_fee_pct: Decimal = Field(default=Decimal(2), ge=0, le=100)
    # The platform's cut of a subscription and its commission per copied fill
    # (for providers whose fee model is "commission"); see docs/fees.md.
    subscription_platform_cut_pct: Decimal = Field(default=Decimal(2), ge=0, le=100)
    commission_pct: Decimal = Field(default=Decimal(0), ge=0, le=100)
    quote_currency: str = "USDT"
    # Days of equity history before a provider is ranked on the leaderboard (docs/statistics.md,
    # Leaderboard).
    min_track_record_days: int = Field(default=7, ge=0)
    # How many providers one follower may copy at once (docs/api.md, Rules a follow must pass).
    max_copied_providers: int = Field(default=20, ge=1, le=10_000)
    # The most notional (USDT, at the mark) one follower may hold in one symbol across all
    # its relationships; none: no cap (docs/domain.md, "Limits across providers").
    max_symbol_exposure: Decimal | None = Field(default=None, gt=0)
    # A provider's order and its copies executed as one block at one price on the paper
    # venue, for every provider without a setting of its own (docs/engine.md "Block
    # execution"); off by default.
    block_execution: bool = False
    # Ranking by evidence (docs/statistics.md, "Ranking by evidence", "Ranking rules"): the
    # annualised Sharpe the probabilistic Sharpe ratio tests against, the confidence the
    # minimum track record must reach, and the other rules deciding who is ranked, as JSON
    # ({"min_closed_trades": 10, "min_capital": "1000", "max_drawdown_to_profit": "2"}).
    psr_benchmark_sharpe: float = Field(default=0.0, ge=-10, le=10)
    psr_confidence: float = Field(default=0.95, gt=0, lt=1)
    ranking_rules: RankingRulesSetting = Field(default_factory=lambda: RankingRulesSetting())
    # Processes a full statistics refresh computes in (docs/statistics.md): one per core.
    stats_refresh_workers: int = Field(default=2, ge=1, le=64)
    # How long a sign-in lasts before the API asks for the password again.
    api_session_minutes: int = Field(default=720, ge=1, le=60 * 24 * 30)
    # Orders a user may place per sliding window through the API (then 429).
    order_rate_limit: int = Field(default=20, ge=1, le=100_000)
    order_rate_window_seconds: float = Field(default=10.0, gt=0, le=3600)
    # Requests one API key may make per sliding window (then 429; docs/api.md, API keys).
    api_key_rate_limit: int = Field(default=300, ge=1, le=1_000_000)
    api_key_rate_window_seconds: float = Field(default=60.0, gt=0, le=3600)
    # Public leaderboard pages are kept this long as rendered JSON (0: no cache), at most
    # this many pages per process; the stats behind them change every 5 minutes at most.
    api_leaderboard_cache_s: float = Field(default=1.0, ge=0, le=300)
    api_leaderboard_cache_entries: int = Field(default=1024, ge=1, le=1_000_000)
    # The largest request body the API and web forms read (then 413): the biggest real
    # one, a follow with long symbol lists, is a few KiB.
    api_max_body_bytes: int = Field(default=64 * 1024, ge=1024, le=64 * 1024 * 1024)
    # Well-formed sign-ups one client (IP address, IPv6 /64) may make per window (then 429).
    sign_up_rate_limit: int = Field(default=10, ge=1, le=100_000)
    sign_up_rate_window_seconds: float = Field(default=3600.0, gt=0, le=7 * 86400)
    # Where the rate limits and the sign-in throttle count: "memory" (this process, the
    # embedded default) or a redis:// URL shared by several API servers (docs/deploy.md,
    # "API servers"); their keys go under the namespace.
    rate_limit_store: str = "memory"
    rate_limit_namespace: str = Field(default="copytrade", min_length=1, max_length=64)
    # Worker processes that send a big batch of live orders (docs/venues.md, "Order worker
    # processes"); 0: the venue's threads send every batch.
    live_order_processes: int = Field(default=2, ge=0, le=32)
    # The master key sealing exchange API keys at rest (docs/venues.md, "Keys at rest"):
    # base64 of 32 bytes, or a file holding it. Needed only to link or use live accounts.
    secret_key: SecretStr | None = None
    secret_key_file: Path | None = None
    # Where alert channels reach the Telegram Bot API (docs/alerts.md, "Channels"); tests
    # point it at a local stand-in.
    telegram_api_url: str = "https://api.telegram.org"

    @model_validator(mode="before")
    @classmethod
    def _no_unknown_environment_keys(cls, data: Any) -> Any:
        # pydantic-settings ignores COPYTRADE_* variables it does not know, so a
        # typo (COPYTRADE_DATABSE_URL) would silently run on the default database.
        # It reads names in any case (copytrade_database_url too), so the guard does.
        prefix = "COPYTRADE_"
        known = {prefix + name.upper() for name in cls.model_fields}
        unknown = sorted(
            k for k in os.environ if k.upper().startswith(prefix) and k.upper() not in known
        )
        if unknown:
            raise ValueError(
                f"unknown setting(s) in the environment: {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known))}"
            )
        return data

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError(
                f"database_url must be a sqlite:/// or postgresql+psycopg:// URL, got {value!r}"
            )
        if value.startswith("postgresql://"):
            # psycopg 3 is our driver; the bare scheme would select psycopg2.
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value


    @field_validator("rate_limit_store")
    @classmethod
    def _known_store(cls, value: str) -> str:
        if value != "memory" and not value.startswith(("redis://", "rediss://")):
            raise ValueError(
                f"rate_limit_store must be 'memory' or a redis:// URL, got {value!r}"
            )
        return value


class SettingsError(ValueError):
    """The settings are invalid; the message is one line naming each problem."""


def load_settings(**overrides: Any) -> Settings:
    """The settings from the environment (``overrides`` win), or SettingsError."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in problem['loc']) or 'settings'}: "
            f"{problem['msg'].removeprefix('Value error, ')}"
            for problem in error.errors()
        )
        raise SettingsError(f"configuration error: {problems}") from None
