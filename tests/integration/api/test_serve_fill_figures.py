"""The scheduled stats refresh of ``serve`` also writes the leaderboard cards'
fill-quality figures (docs/statistics.md, "Fill quality"): on its first run, and again
once ``fill_figures_every`` has passed, never on every statistics refresh."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

from copytrade.server.scheduler import Scheduler, default_jobs
from copytrade.stats.refresher import FILL_FIGURES_EVERY

from .conftest import Api
from .trading_support import deposit, follow, market, price, provider


def _figures(api: Api, provider_id: str) -> tuple[int, D | None] | None:
    with api.runtime.platform.uow() as uow:
        found = uow.provider_stats.fill_figures_of([provider_id]).get(provider_id)
    return None if found is None else (found.relationships, found.kept_pct)


def test_the_stats_refresh_job_writes_the_fill_figures_on_its_own_interval(api: Api) -> None:
    lead = provider(api, "ff-lead", cash="10000")
    alice = api.sign_up("ff-alice")
    deposit(api, alice, "5000")
    follow(api, alice, lead, "1000")
    clock = api.harness.clock
    scheduler = Scheduler(api.runtime, clock, default_jobs(api.runtime, clock, None))
    job = next(j for j in scheduler.jobs if j.name == "stats-refresh")
    assert _figures(api, lead["id"]) is None

    scheduler.run_due()  # the first refresh: the copier has copied nothing yet
    assert job.last_error is None and _figures(api, lead["id"]) == (1, None)

    assert market(api, lead, "buy", "0.04").status_code == 201
    price(api, "BTC/USDT:USDT", "55000")
    assert market(api, lead, "sell", "0.04").status_code == 201
    # The statistics refresh again after their 5 minutes; the figures wait their turn.
    clock.advance(timedelta(minutes=6))
    scheduler.run_due()
    assert job.runs == 2 and _figures(api, lead["id"]) == (1, None)

    clock.advance(FILL_FIGURES_EVERY)
    scheduler.run_due()
    assert job.last_error is None and _figures(api, lead["id"]) == (1, D(100))
