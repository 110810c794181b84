"""The stored rows equal the provider report on the same records, on both backends."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import Engine, delete

from copytrade.adapters.db.engine import make_engine, make_read_session_factory
from copytrade.adapters.db.migrate import upgrade_database
from copytrade.adapters.db.repositories.provider_stats import as_text
from copytrade.adapters.db.schema import ProviderStatsRow
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.config import Settings
from copytrade.domain.statistics import Period, equity_curve, sample_curve
from copytrade.service_layer.provider_stats import provider_report
from copytrade.stats.service import StatsService

from ..conftest import sqlite_settings
from ..engine.harness import PERP, SPOT, Harness
from .world import close_today, play_world, refreshed_world, stats_service


def test_stored_rows_equal_the_provider_report(db_engine: Engine) -> None:
    h = Harness(db_engine)
    ids = play_world(h)
    service = stats_service(h)
    assert service.full_refresh() == 3
    _assert_rows_equal_the_report(h, ids.values())


def _assert_rows_equal_the_report(h: Harness, providers: Iterable[str]) -> None:
    as_of = h.clock.now().date()
    prices = h.engine.prices.snapshot()
    with h.platform.uow() as uow:
        for provider in providers:
            report = provider_report(uow, provider, as_of, prices)
            rows = uow.provider_stats.of_provider(provider)
            curve = equity_curve(uow.equity.series(provider), through=as_of)
            s, c = report.stats, report.copiers
            assert set(rows) == set(Period)
            for period, row in rows.items():
                p = s.period(period)
                assert (row.roi, row.pnl, row.win_rate, row.max_drawdown) == (
                    p.roi,
                    p.pnl,
                    p.win_rate,
                    p.max_drawdown,
                )
                assert (row.sharpe, row.sortino, row.total_trades) == (
                    p.sharpe,
                    p.sortino,
                    p.trades,
                )
                assert (row.roi_30d, row.risk_level, row.strategy) == (
                    s.roi_30d,
                    s.risk_level,
                    s.strategy,
                )
                assert (row.active_followers, row.aum, row.copier_pnl) == (
                    c.active_followers,
                    c.aum,
                    c.copier_pnl,
                )
                assert row.track_record_days == s.track_record_days
                assert row.as_of == as_of
            whole = rows[Period.ALL]
            assert (whole.profit_factor, whole.max_loss_single_trade) == (
                s.profit_factor,
                s.max_loss_single_trade,
            )
            held = s.avg_holding_time
            assert whole.avg_holding_s == (None if held is None else int(held.total_seconds()))
            assert whole.sparkline == tuple(p.value for p in sample_curve(curve, 30))


def test_a_holder_with_no_closed_trade_has_the_strategy_of_its_open_positions(
    db_engine: Engine,
) -> None:
    h = Harness(db_engine)
    h.tick(PERP.symbol, "50000")
    h.tick(SPOT.symbol, "3000")
    holder, hedger, both = (h.provider(name, "5000") for name in ("holder", "hedger", "both"))
    h.trade(holder, "buy", "0.5", symbol=SPOT.symbol)
    h.trade(hedger, "sell", "0.01", leverage="2")
    h.trade(both, "buy", "0.5", symbol=SPOT.symbol)
    h.trade(both, "buy", "0.01")
    close_today(h)
    service = stats_service(h)
    h.engine.listeners.append(service)
    service.full_refresh()
    _assert_rows_equal_the_report(h, (holder, hedger, both))
    assert _strategies(h, (holder, hedger, both)) == ["spot", "futures", "mixed"]
    # A closed trade outweighs the open positions, on the per-trade path as in a refresh.
    h.trade(holder, "buy", "0.01")
    h.tick(PERP.symbol, "50100")
    h.trade(holder, "sell", "0.01")
    with h.platform.uow() as uow:
        assert uow.provider_stats.of_provider(holder)[Period.ALL].total_trades == 1
    assert _strategies(h, (holder,)) == ["futures"]
    _assert_rows_equal_the_report(h, (holder,))


def _strategies(h: Harness, providers: Iterable[str]) -> list[str | None]:
    with h.platform.uow() as uow:
        rows = [uow.provider_stats.of_provider(p)[Period.ALL] for p in providers]
    return [row.strategy.value if row.strategy else None for row in rows]


def _world_rows(engine: Engine) -> list[dict[str, str]]:
    h, ids = refreshed_world(engine)
    with h.platform.uow() as uow:
        return [
            as_text(record)
            for provider in sorted(ids.values())
            for record in uow.provider_stats.of_provider(provider).values()
        ]


def test_sqlite_and_postgresql_store_identical_rows(
    tmp_path: Path, postgres_schema_url: str
) -> None:
    rows = {}
    for name, settings in (
        ("sqlite", sqlite_settings(tmp_path)),
        ("postgres", Settings(database_url=postgres_schema_url)),
    ):
        engine = make_engine(settings)
        upgrade_database(engine)
        try:
            rows[name] = _world_rows(engine)
        finally:
            engine.dispose()
    assert len(rows["sqlite"]) == 12  # 3 providers × 4 periods
    assert rows["sqlite"] == rows["postgres"]


def test_windows_hold_the_trades_closed_in_them(db_engine: Engine) -> None:
    h, ids = refreshed_world(db_engine)
    with h.platform.uow() as uow:
        trades = uow.trades.for_book(ids["pro"])
        rows = uow.provider_stats.of_provider(ids["pro"])
    # Six round trips on days 0-3, 8, 9; the 7-day window (days 3-9) holds the last three.
    assert len(trades) == 6
    assert rows[Period.ALL].total_trades == 6 and rows[Period.D7].total_trades == 3
    assert rows[Period.ALL].pnl == sum(t.pnl for t in trades)
    assert rows[Period.D7].pnl == sum(t.pnl for t in trades[3:])
    assert rows[Period.ALL].active_followers == 3


def test_a_refresh_computed_in_worker_processes_stores_the_same_rows(db_engine: Engine) -> None:
    h = Harness(db_engine)
    ids = play_world(h)
    stats_service(h).full_refresh()
    with h.platform.uow() as uow:
        alone = _stored_text(uow, ids.values())
        uow.session.execute(delete(ProviderStatsRow))
        uow.commit()
    reads = make_read_session_factory(db_engine)
    forked = StatsService(
        h.platform.uow,
        h.engine.prices.snapshot,
        h.clock.now,
        3,
        workers=2,
        after_fork=lambda: db_engine.dispose(close=False),
        chunk_size=1,  # one provider per part: every part goes to a worker
        read_uow_factory=lambda: SqlUnitOfWork(reads),  # workers read without the write lock
    )
    assert forked.full_refresh() == len(ids)
    with h.platform.uow() as uow:
        assert _stored_text(uow, ids.values()) == alone


def _stored_text(uow: SqlUnitOfWork, providers: Iterable[str]) -> list[dict[str, str]]:
    return [
        as_text(record)
        for provider in sorted(providers)
        for record in uow.provider_stats.of_provider(provider).values()
    ]
