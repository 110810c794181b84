"""``Settings.rate_limit_store`` (docs/deploy.md, "API servers"): memory or a Redis URL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from copytrade.adapters.shared_limits import RedisWindowLimiter
from copytrade.adapters.throttle import SlidingWindowLimiter
from copytrade.bootstrap import Container
from copytrade.cli.app import app
from copytrade.config import SettingsError, load_settings
from copytrade.marketdata.clock import SystemClock


def now() -> datetime:
    return datetime.now(UTC)


def test_the_default_counts_in_memory() -> None:
    settings = load_settings(database_url="sqlite:///:memory:")
    assert settings.rate_limit_store == "memory"
    container = Container.from_settings(settings)
    limiter = container.rate_limiters(now)("orders", 3, timedelta(seconds=1))
    assert isinstance(limiter, SlidingWindowLimiter)
    assert container.cluster_jobs(SystemClock()) is None  # SQLite: this process alone
    container.close()


def test_a_redis_url_counts_in_redis() -> None:
    settings = load_settings(
        database_url="sqlite:///:memory:", rate_limit_store="redis://127.0.0.1:6379/0"
    )
    container = Container.from_settings(settings)
    limiter = container.rate_limiters(now)("orders", 3, timedelta(seconds=1))
    assert isinstance(limiter, RedisWindowLimiter)  # made without reaching Redis yet
    container.close()


@pytest.mark.parametrize("store", ["redis", "http://127.0.0.1:6379", "Memory", ""])
def test_anything_else_is_refused_with_what_is_allowed(store: str) -> None:
    with pytest.raises(SettingsError, match="rate_limit_store must be 'memory' or a redis://"):
        load_settings(rate_limit_store=store)


def test_serve_refuses_a_bad_store_in_one_line(tmp_path: Path) -> None:
    database = tmp_path / "copytrade.db"
    done = CliRunner().invoke(
        app, ["serve", "--rate-limit-store", "bogus", "--database", str(database)]
    )
    assert done.exit_code == 2, done.output
    assert "rate_limit_store must be 'memory' or a redis:// URL" in done.output
    assert "Traceback" not in done.output
