"""Helpers for the settlement tests: a run on a Harness, and what it moved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_DOWN
from decimal import Decimal as D

from copytrade.adapters.db.repositories.settlements import SettlementRecord
from copytrade.domain.ledger import LedgerAccount
from copytrade.domain.values import USDT, ZERO
from copytrade.engine.settlement_run import RunSummary, SettlementRun

from .harness import Harness

CENT = D("0.00000001")  # USDT's unit


def run_at(h: Harness, period_end: datetime) -> RunSummary:
    """Move the clock just past ``period_end`` and run the settlement there."""
    if h.clock.now() < period_end + timedelta(minutes=1):
        h.clock.advance(period_end + timedelta(minutes=1) - h.clock.now())
    run = SettlementRun(h.engine.uow_factory, h.engine.settlements, h.clock.now)
    return run.run(period_end)


def monday(day: int, month: int = 1) -> datetime:
    return datetime(2026, month, day, tzinfo=UTC)


def record(h: Harness, rel: str, period: str) -> SettlementRecord:
    with h.platform.uow() as uow:
        found = [r for r in uow.settlements.all() if (r.relationship_id, r.period) == (rel, period)]
    assert len(found) == 1, found
    return found[0]


def expected_gross(net: D, hwm: D, share_pct: D) -> D:
    return ((net - hwm) * share_pct / 100).quantize(CENT, ROUND_DOWN) if net > hwm else ZERO


def expected_hwm_after(net: D, hwm: D, gross: D) -> D:
    return (net - gross).quantize(CENT, ROUND_CEILING) if net > hwm else hwm


def balances(h: Harness, rel: str, provider: str) -> dict[str, D]:
    """The ledger accounts a settlement moves, and the book's venue cash."""
    with h.platform.uow() as uow:
        found = {
            "allocation": uow.ledger.balance(LedgerAccount.allocation_cash(rel)),
            "earnings": uow.ledger.balance(LedgerAccount.provider_earnings(provider)),
            "platform": uow.ledger.balance(LedgerAccount.platform_revenue()),
        }
        assert all(v == ZERO for v in uow.ledger.sum_by_currency().values())
    found["venue"] = h.platform.venue.balances(rel).get(USDT.code, ZERO)
    return found


def hwm_of(h: Harness, rel: str) -> tuple[D, D]:
    with h.platform.uow() as uow:
        state = uow.relationships.get(rel)
    return state.hwm, state.owed
