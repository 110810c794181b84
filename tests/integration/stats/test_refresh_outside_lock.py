"""A full refresh computes outside the engine's lock: what the engine does meanwhile
(a trade closing, a day closing) is neither lost nor counted twice (docs/statistics.md,
"Refresh model")."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import timedelta

from sqlalchemy import Engine

from copytrade.domain.statistics import Period
from copytrade.stats.service import StatsService

from ..engine.harness import PERP, Harness
from .world import play_world, start_of_next_day, stats_service


def guard_running_once(action: Callable[[], object]) -> Callable[[], AbstractContextManager[None]]:
    """A write guard that, the first time it is taken, lets the engine do ``action``
    first: what another thread holding the lock would have done while the chunk was
    being computed."""
    done: list[bool] = []

    @contextmanager
    def guard() -> Iterator[None]:
        if not done:
            done.append(True)
            action()
        yield

    return guard


def service(h: Harness, guard: Callable[[], AbstractContextManager[None]]) -> StatsService:
    stats = StatsService(
        h.platform.uow, h.engine.prices.snapshot, h.clock.now, 3, write_guard=guard
    )
    h.engine.listeners.append(stats)  # the hooks, as serve wires them
    return stats


def test_a_trade_closed_while_the_refresh_computes_is_counted_once(db_engine: Engine) -> None:
    h = Harness(db_engine)
    ids = play_world(h)
    pro = ids["pro"]

    def round_trip() -> None:
        h.tick(PERP.symbol, "51000")
        h.trade(pro, "buy", "0.04", leverage="3")
        h.tick(PERP.symbol, "51500", minutes=5)
        h.trade(pro, "sell", "0.04")

    stats_service(h).full_refresh()  # fresh rows: the hook then takes its O(1) path
    service(h, guard_running_once(round_trip)).full_refresh()
    with h.platform.uow() as uow:
        trades = uow.trades.for_book(pro)
        rows = uow.provider_stats.of_provider(pro)
    assert len(trades) == 7
    assert rows[Period.ALL].total_trades == 7  # not 6 (the stale chunk), not 8 (twice)
    assert rows[Period.ALL].pnl == sum(t.pnl for t in trades)


def test_a_day_closed_while_the_refresh_computes_leaves_the_newer_rows(
    db_engine: Engine,
) -> None:
    h = Harness(db_engine)
    ids = play_world(h)

    def close_the_day() -> None:
        day = h.clock.now().date()
        h.engine.close_day(day)  # its own full refresh writes rows as of the next day
        h.clock.set(start_of_next_day(h))

    before = h.clock.now().date()
    stats = service(h, guard_running_once(close_the_day))
    stats.full_refresh()
    with h.platform.uow() as uow:
        rows = uow.provider_stats.of_provider(ids["pro"])
    assert {row.as_of for row in rows.values()} == {before + timedelta(days=1)}
