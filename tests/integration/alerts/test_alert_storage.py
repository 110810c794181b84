"""Rules and firings on SQLite and PostgreSQL: checked input, one transaction per batch,
the owner's in-app notification through the outbox (docs/alerts.md)."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from copytrade.adapters.db.schema import AlertFiringRow, OutboxRow
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.demo.instruments import DEMO_INSTRUMENTS
from copytrade.domain.alerts.candles import Candle
from copytrade.domain.alerts.errors import (
    AlertNotFoundError,
    InvalidAlertError,
    RuleSyntaxError,
    UnknownAlertSymbolError,
)
from copytrade.domain.alerts.firings import ALERT_FIRED, Firing
from copytrade.domain.alerts.timeframes import Timeframe
from copytrade.service_layer.alerts.engine import AlertEngine
from copytrade.service_layer.alerts.recorder import AlertRecorder
from copytrade.service_layer.alerts.rules import AlertRules
from copytrade.service_layer.events import Cursor, EventFeed

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
SYMBOL = "BTC/USDT"


@pytest.fixture
def uow_factory(db_engine: Engine) -> Iterator[Callable[[], SqlUnitOfWork]]:
    factory = sessionmaker(db_engine, expire_on_commit=False)
    by_symbol = {i.symbol: i for i in DEMO_INSTRUMENTS}

    def make() -> SqlUnitOfWork:
        return SqlUnitOfWork(factory, by_symbol)

    with make() as uow:
        uow.instruments.save(DEMO_INSTRUMENTS)
        uow.accounts.add("alice", "Alice", NOW)
        uow.commit()
    yield make


def test_add_list_switch_and_remove(uow_factory: Callable[[], SqlUnitOfWork]) -> None:
    rules = AlertRules(uow_factory, lambda: NOW)
    rule = rules.add(
        "alice", SYMBOL, "15m", "rsi(14) crosses above 70", mode="every",
        cooldown=timedelta(hours=1), expires_at=NOW + timedelta(days=7),
    )
    stored = rules.get(rule.id)
    assert stored == rule and str(stored.conditions) == "RSI(14) crosses above 70"
    assert stored.timeframe is Timeframe.M15 and stored.cooldown == timedelta(hours=1)
    rules.set_enabled(rule.id, False)
    assert not rules.get(rule.id).enabled
    assert [r.id for r in rules.rules("alice")] == [rule.id] and rules.rules("bob") == []
    rules.remove(rule.id)
    assert rules.rules() == []
    with pytest.raises(AlertNotFoundError, match="no alert rule"):
        rules.remove(rule.id)


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (("alice", "DOGE/USDT", "1h", "price above 1"), UnknownAlertSymbolError,
         "unknown symbol 'DOGE/USDT'; known symbols: BTC/USDT, BTC/USDT:USDT"),
        (("alice", SYMBOL, "2h", "price above 1"), InvalidAlertError, "unknown timeframe '2h'"),
        (("alice", SYMBOL, "1h", "RSI(14) crosses abve 70"), RuleSyntaxError, "'abve'"),
        (("nobody", SYMBOL, "1h", "price above 1"), InvalidAlertError, "no account 'nobody'"),
    ],
)
def test_bad_input_is_refused_with_its_part_named_and_changes_nothing(
    uow_factory: Callable[[], SqlUnitOfWork], args: tuple[str, ...],
    error: type[Exception], message: str,
) -> None:
    rules = AlertRules(uow_factory, lambda: NOW)
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        rules.add(*args)
    assert rules.rules() == []


def _fire(uow_factory: Callable[[], SqlUnitOfWork]) -> tuple[AlertRules, list[Firing]]:
    """A stored rule, run on three candles: it fires once, on the third."""
    rules = AlertRules(uow_factory, lambda: NOW)
    rule = rules.add("alice", SYMBOL, "1m", "price crosses above 100", mode="every")
    engine = AlertEngine(rules.rules())
    firings: list[Firing] = []
    for i, close in enumerate(["99", "100", "101.5"]):
        price = Decimal(close)
        candle = Candle(SYMBOL, Timeframe.M1, NOW + timedelta(minutes=i), price, price, price,
                        price, Decimal(0), 1)
        firings += engine.on_candle(candle)
    assert [f.rule.id for f in firings] == [rule.id]
    return rules, firings


def test_a_firing_its_rule_and_its_notification_commit_together(
    uow_factory: Callable[[], SqlUnitOfWork], db_engine: Engine
) -> None:
    rules, firings = _fire(uow_factory)
    recorder = AlertRecorder(uow_factory, lambda: NOW)
    assert recorder.record(firings) == 1
    stored = rules.get(firings[0].rule.id)
    assert stored.fired_count == 1 and stored.last_fired_at == NOW + timedelta(minutes=3)
    (row,) = rules.firings("alice")
    assert row["values"] == {"close": "101.5", "price": "101.5"}
    assert row["before"] == {"price": "100"}
    # The owner's event stream shows it.
    events, _ = EventFeed(uow_factory).after("alice", Cursor(), settle_s=5.0)
    assert [e.type for e in events] == [ALERT_FIRED]
    assert events[0].data["condition"] == "price crosses above 100"
    # Recorded again (a restart replaying the candle): nothing new.
    assert recorder.record(firings) == 0
    with db_engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(AlertFiringRow)) == 1
        assert conn.scalar(select(func.count()).select_from(OutboxRow)) == 1


def test_a_failed_notification_stores_no_firing(
    uow_factory: Callable[[], SqlUnitOfWork], db_engine: Engine
) -> None:
    rules, firings = _fire(uow_factory)
    with uow_factory() as uow:  # the message id is taken: the outbox insert fails
        uow.outbox.add("other", firings[0].message_id, {}, NOW)
        uow.commit()
    with pytest.raises(IntegrityError):
        AlertRecorder(uow_factory, lambda: NOW).record(firings)
    assert rules.firings() == [] and rules.get(firings[0].rule.id).fired_count == 0
    with db_engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(AlertFiringRow)) == 0


def test_removing_a_rule_keeps_its_firings(uow_factory: Callable[[], SqlUnitOfWork]) -> None:
    rules, firings = _fire(uow_factory)
    AlertRecorder(uow_factory, lambda: NOW).record(firings)
    rules.remove(firings[0].rule.id)
    assert len(rules.firings("alice")) == 1


def test_a_recorder_that_skips_its_check_still_writes_nothing_another_stored(
    uow_factory: Callable[[], SqlUnitOfWork], db_engine: Engine
) -> None:
    # Two evaluators over one database: each has recorded a batch, so each skips the
    # stored-firing check for later closes; the second to record the same later firing
    # hits the unique key, reads the latest again and stores nothing twice.
    rules, firings = _fire(uow_factory)
    first = AlertRecorder(uow_factory, lambda: NOW)
    second = AlertRecorder(uow_factory, lambda: NOW)
    earlier = Firing(firings[0].rule, firings[0].candle_open - timedelta(minutes=5),
                     firings[0].fired_at - timedelta(minutes=5), {}, {})
    assert first.record([earlier]) == 1
    assert second.record([firings[0]]) == 1
    assert first.record(firings) == 0  # skipped the check, collided, checked: nothing new
    with db_engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(AlertFiringRow)) == 2
        assert conn.scalar(select(func.count()).select_from(OutboxRow)) == 2
    assert rules.get(firings[0].rule.id).fired_count == 2


def test_folding_the_log_puts_a_batch_into_the_database_file_itself(
    uow_factory: Callable[[], SqlUnitOfWork], db_engine: Engine, tmp_path: Path
) -> None:
    if db_engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write-ahead log only; PostgreSQL has nothing to fold")
    _, firings = _fire(uow_factory)
    recorder = AlertRecorder(uow_factory, lambda: NOW)
    assert recorder.record(firings) == 1
    recorder.fold_log()
    # The database file alone, without its -wal file, now holds the firing.
    copy = tmp_path / "folded.db"
    shutil.copyfile(str(db_engine.url.database), copy)
    with sqlite3.connect(copy) as alone:
        assert alone.execute("SELECT count(*) FROM alert_firings").fetchone() == (1,)
