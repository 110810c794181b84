"""Migration 0044: the engine's read after each price moment of the orders whose trigger
still waits (docs/venues.md "Trigger orders") uses a partial index, not a scan of every
order, and finds only those."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

from sqlalchemy import Engine, inspect
from sqlalchemy.orm import Session

from copytrade.adapters.db.repositories.instruments import InstrumentRepository
from copytrade.adapters.db.repositories.orders import OrderIntent, OrderRepository
from copytrade.adapters.db.schema import OrderRow

from .harness import PERP

AT = datetime(2026, 1, 5, tzinfo=UTC)


def test_the_pending_triggers_have_a_partial_index(db_engine: Engine) -> None:
    indexes = {i["name"] for i in inspect(db_engine).get_indexes("orders")}
    assert "ix_orders_pending_triggers" in indexes
    if db_engine.dialect.name == "sqlite":
        with Session(db_engine) as session:
            query = OrderRepository(session).awaiting_triggers_query([PERP.symbol])
            sql = str(query.compile(db_engine, compile_kwargs={"literal_binds": True}))
        with db_engine.connect() as connection:
            plan = " ".join(r[3] for r in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
        assert "USING INDEX ix_orders_pending_triggers" in plan


def test_only_pending_triggers_on_the_symbols_are_found(db_engine: Engine) -> None:
    with Session(db_engine) as session:
        InstrumentRepository(session).save([PERP])
        orders = OrderRepository(session)
        orders.add_intents([
            OrderIntent(cid, "pro", PERP.symbol, "sell", "market", D(1), D(1), AT)
            for cid in ("plain", "waits", "fired")
        ])  # fmt: skip
        for cid, status in (("waits", "pending"), ("fired", "triggered")):
            session.get_one(OrderRow, cid).trigger_status = status
        session.flush()
        assert orders.awaiting_triggers([PERP.symbol]) == [("pro", "waits")]
        assert orders.awaiting_triggers(["ETH/USDT:USDT"]) == []
