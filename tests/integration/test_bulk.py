"""``BulkStatement``: driver executemany with the column types' own conversions, both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from typing import cast

import pytest
from sqlalchemy import Engine, Table, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from copytrade.adapters.db.bulk import BulkStatement
from copytrade.adapters.db.schema import PaperCashMoveRow

_MOVES = cast(Table, PaperCashMoveRow.__table__)
INSERT = BulkStatement(insert(_MOVES), ("key", "account", "currency", "amount", "created_at"))
SET_AMOUNT = BulkStatement(
    update(_MOVES).where(_MOVES.c.key == bindparam("b_key")).values(amount=bindparam("b_amount")),
    ("b_key", "b_amount"),
)
NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)


def _row(key: str, amount: D, at: datetime = NOW) -> dict[str, object]:
    return {"key": key, "account": "acc", "currency": "USDT", "amount": amount, "created_at": at}


def _stored(db: Engine) -> dict[str, tuple[D, datetime]]:
    with Session(db) as session:
        rows = session.execute(select(_MOVES.c.key, _MOVES.c.amount, _MOVES.c.created_at))
        return {key: (amount, at) for key, amount, at in rows}


def test_inserts_and_updates_keep_decimals_and_times_exact(db_engine: Engine) -> None:
    exact = D("12345678901234567890.123456789012345678")
    later = NOW.astimezone(UTC) + timedelta(hours=2)
    with Session(db_engine) as session, session.begin():
        INSERT.execute(session, [_row("a", exact), _row("b", D("-0.5"), later)])
        INSERT.execute(session, [])  # nothing to write: no statement
        SET_AMOUNT.execute(session, [{"b_key": "b", "b_amount": D("-0.25")}])
    assert _stored(db_engine) == {"a": (exact, NOW), "b": (D("-0.25"), later)}


def test_the_types_still_refuse_floats_and_a_duplicate_key_is_an_integrity_error(
    db_engine: Engine,
) -> None:
    with Session(db_engine) as session, session.begin():
        INSERT.execute(session, [_row("a", D(1))])
    with Session(db_engine) as session, pytest.raises(TypeError, match="finite Decimals"):
        INSERT.execute(session, [_row("b", 0.1)])  # type: ignore[arg-type]
    with Session(db_engine) as session, pytest.raises(IntegrityError):
        INSERT.execute(session, [_row("c", D(1)), _row("a", D(2))])
    assert _stored(db_engine) == {"a": (D(1), NOW)}


def test_a_statement_must_be_given_the_parameters_it_takes(db_engine: Engine) -> None:
    statement = update(_MOVES).where(_MOVES.c.key == bindparam("b_key"))
    wrong = BulkStatement(statement.values(amount=bindparam("b_amount")), ("b_key",))
    with Session(db_engine) as session, pytest.raises(ValueError, match="takes parameters"):
        wrong.execute(session, [{"b_key": "k"}])
