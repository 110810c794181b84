"""The reusable ledger state machine, run against the in-memory reference ledger."""

from __future__ import annotations

from hypothesis import settings

from copytrade.domain.ledger import InMemoryLedger

from .ledger_machine import ledger_state_machine

InMemoryLedgerMachine = ledger_state_machine(InMemoryLedger)
InMemoryLedgerMachine.TestCase.settings = settings(
    InMemoryLedgerMachine.TestCase.settings, max_examples=200, stateful_step_count=40
)
TestInMemoryLedger = InMemoryLedgerMachine.TestCase
