"""``run_scenario``: play a loaded scenario on the real platform and report the result.

The whole platform runs as in production (paper venue, copy engine, SQL
ledger, statistics) on a fresh SQLite database, a temporary file unless a URL
is given, with a ``SimulatedClock`` that starts at the scenario's start and
moves only with the timeline: no wall clock, no randomness, so one scenario
always gives one result (docs/scenarios.md).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.health import check_database, check_empty
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.bootstrap import build_platform
from copytrade.config import SqliteSync, load_settings
from copytrade.domain.profit_share.fee_settings import FeeSettings
from copytrade.marketdata.clock import SimulatedClock
from copytrade.simulation.alerts import ScenarioAlerts, has_alerts
from copytrade.simulation.player import ScenarioPlayer
from copytrade.simulation.result import collect_result
from copytrade.simulation.scenario import Scenario, timeline


def run_scenario(scenario: Scenario, db_url: str | None = None, shards: int = 1) -> dict[str, Any]:
    """Play ``scenario`` on a new database and return RESULT.json's content.

    ``db_url`` must name an empty database (it is migrated here; one with any table
    is refused with DatabaseNotEmptyError before anything is written); by default a
    temporary SQLite file is made and deleted afterwards. ``shards`` splits every
    fan-out over that many in-process workers (docs/engine.md "Shards"): the result
    is the same byte for byte.
    """
    with _database(db_url) as db:
        upgrade_database(db)
        clock = SimulatedClock(scenario.start)
        fees = FeeSettings(scenario.commission_pct, scenario.subscription_platform_cut_pct)
        platform = build_platform(
            db,
            scenario.instruments,
            clock,
            platform_fee_pct=scenario.platform_fee_pct,
            fees=fees,
            shards=shards,
            **limits(scenario),
            block_execution=scenario.block_execution,
        )
        player = ScenarioPlayer(scenario, platform, clock)
        player.open_accounts()
        alerts = ScenarioAlerts(scenario, platform) if has_alerts(scenario) else None
        for item in timeline(scenario):
            player.play(item)
            if alerts is not None:
                alerts.after_item()
        last_day = player.finish()
        return collect_result(scenario, platform, player.errors, last_day)


def limits(scenario: Scenario) -> dict[str, Any]:
    """The scenario's limits across providers, for ``build_platform``; those it leaves
    out keep the platform's defaults (docs/scenarios.md "Top level")."""
    given = {
        "max_copied_providers": scenario.max_copied_providers,
        "max_symbol_exposure": scenario.max_symbol_exposure,
    }
    return {name: value for name, value in given.items() if value is not None}


@contextmanager
def _database(db_url: str | None) -> Iterator[Engine]:
    if db_url is not None:
        engine = make_engine(load_settings(database_url=db_url))
        try:
            check_database(engine, writing=True)
            check_empty(engine)
            yield engine
        finally:
            engine.dispose()
        return
    with scratch_database() as engine:
        yield engine


@contextmanager
def scratch_database(prefix: str = "copytrade-sim-") -> Iterator[Engine]:
    """A new, empty SQLite file in a temporary folder, deleted afterwards (not migrated)."""
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        url = f"sqlite:///{Path(folder) / 'simulation.db'}"
        # A throwaway file: durability against power loss buys nothing here.
        engine = make_engine(load_settings(database_url=url, sqlite_synchronous=SqliteSync.NORMAL))
        try:
            yield engine
        finally:
            engine.dispose()
