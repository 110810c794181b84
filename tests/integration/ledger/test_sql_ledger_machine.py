"""The domain's ledger state machine, run against ``SqlLedger`` on SQLite and PostgreSQL.

Random sequences of every movement, replays, key reuse, reversals (valid and not)
and overdrafts, checked step by step against a naive model: sums are zero per
currency, no must-stay-non-negative account goes below zero, refusals change
nothing. Each run is one transaction, rolled back at the end (fast, and every
refusal exercises the savepoint that keeps the transaction usable); after every
run the stored balances are also reconciled against the entries.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from sqlalchemy.orm import Session, sessionmaker

from copytrade.domain.ledger import Ledger
from tests.unit.domain.ledger.ledger_machine import ledger_state_machine

from .conftest import ledger_on

# Bounded so both backends together stay well under a minute.
MACHINE_SETTINGS = settings(
    max_examples=30,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_sql_ledger_keeps_the_invariants_over_random_sequences(
    sessions: sessionmaker[Session],
) -> None:
    open_sessions: dict[int, Session] = {}

    def make() -> Ledger:
        session = sessions()
        session.begin()
        ledger = ledger_on(session)
        open_sessions[id(ledger)] = session
        return ledger

    def cleanup(ledger: Ledger) -> None:
        session = open_sessions.pop(id(ledger))
        try:
            report = ledger_on(session).reconcile()
            assert report.ok, report
        finally:
            session.close()  # rolls the run back

    machine = ledger_state_machine(make, cleanup)
    run_state_machine_as_test(machine, settings=MACHINE_SETTINGS)
    assert not open_sessions, "a run's session was never closed"
