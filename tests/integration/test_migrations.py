"""Migrations build the schema from empty on SQLite and PostgreSQL, and round-trip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import Engine, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from copytrade.adapters.db.migrate import downgrade_database, upgrade_database
from copytrade.adapters.db.schema import Base, EquitySnapshotRow, LedgerTransferRow

EXPECTED_TABLES = set(Base.metadata.tables)


def test_upgrade_from_empty_creates_every_table(bare_engine: Engine) -> None:
    assert not EXPECTED_TABLES & set(inspect(bare_engine).get_table_names())
    upgrade_database(bare_engine)
    assert set(inspect(bare_engine).get_table_names()) >= EXPECTED_TABLES


def test_downgrade_then_upgrade_round_trips(db_engine: Engine) -> None:
    downgrade_database(db_engine, "base")
    assert not EXPECTED_TABLES & set(inspect(db_engine).get_table_names())
    upgrade_database(db_engine)
    assert set(inspect(db_engine).get_table_names()) >= EXPECTED_TABLES


@pytest.mark.parametrize(
    "value",
    [
        Decimal("12345678.123456789012345678"),  # 26 significant digits: a float keeps ~16
        Decimal("0.000000000000000001"),
        Decimal("-42.5"),
        Decimal("0"),
    ],
)
def test_decimals_round_trip_exactly(db_engine: Engine, value: Decimal) -> None:
    day = datetime(2026, 1, 1, tzinfo=UTC).date()
    with Session(db_engine) as session, session.begin():
        session.add(EquitySnapshotRow(book="b1", day=day, equity=value, net_flow=Decimal(0)))
    with Session(db_engine) as session:
        stored = session.scalars(select(EquitySnapshotRow.equity)).one()
    assert stored == value


def test_timestamps_come_back_aware_utc(db_engine: Engine) -> None:
    plus_two = timezone(timedelta(hours=2))
    ts = datetime(2026, 3, 1, 12, 0, tzinfo=plus_two)
    with Session(db_engine) as session, session.begin():
        session.add(LedgerTransferRow(idempotency_key="k1", kind="deposit", memo="", ts=ts))
    with Session(db_engine) as session:
        stored = session.scalars(select(LedgerTransferRow.ts)).one()
    assert stored == ts and stored.tzinfo is not None and stored.utcoffset() == timedelta(0)


def test_idempotency_key_is_unique_in_the_schema(db_engine: Engine) -> None:
    ts = datetime(2026, 3, 1, tzinfo=UTC)
    with Session(db_engine) as session, session.begin():
        session.add(LedgerTransferRow(idempotency_key="same", kind="deposit", memo="", ts=ts))
    with pytest.raises(IntegrityError), Session(db_engine) as session, session.begin():
        session.add(LedgerTransferRow(idempotency_key="same", kind="deposit", memo="", ts=ts))


def test_migrated_schema_matches_the_models(db_engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with db_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
