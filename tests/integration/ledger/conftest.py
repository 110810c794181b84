"""Fixtures for the SQL ledger tests: sessions and ledgers on a migrated database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from copytrade.adapters.db.engine import make_session_factory
from copytrade.adapters.db.repositories.ledger import SqlLedger
from tests.unit.domain.ledger.support import BTC

# The ledger tests post BTC as well as USDT (the domain tests' BTC, 8 decimals).
CURRENCIES = {BTC.code: BTC}


def ledger_on(session: Session) -> SqlLedger:
    return SqlLedger(session, CURRENCIES)


@pytest.fixture
def sessions(db_engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(db_engine)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """One open transaction, rolled back when the session closes after the test."""
    with sessions() as session:
        session.begin()
        yield session
