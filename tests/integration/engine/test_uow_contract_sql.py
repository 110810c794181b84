"""``SqlUnitOfWork`` keeps the port's contract (tests/unit/engine/uow_contract.py) on SQLite
and PostgreSQL, as the in-memory one does (tests/unit/engine/test_uow_contract.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from copytrade.adapters.db.engine import make_read_session_factory, make_session_factory
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork

from ...unit.engine.uow_contract import PROMISES, Factory


@pytest.mark.parametrize("promise", PROMISES, ids=lambda p: p.__name__)
def test_the_sql_unit_of_work_keeps_the_contract(
    db_engine: Engine, promise: Callable[[Factory, Factory], None]
) -> None:
    factory, reads = make_session_factory(db_engine), make_read_session_factory(db_engine)
    promise(lambda: SqlUnitOfWork(factory), lambda: SqlUnitOfWork(reads))
