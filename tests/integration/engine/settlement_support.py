"""Helpers for the settlement tests: a run on a Harness, and what it moved."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_DOWN
from decimal import Decimal as D

from copytrade.adapters.db.repositories.settlements import SettlementRecord
from copytrade.domain.ids import RelationshipId
from copytrade.domain.ledger import LedgerAccount
from copytrade.domain.values import USDT, ZERO
from copytrade.service_layer.settlement.run import RunSummary, SettlementRun
from copytrade.service_layer.settlement.service import SettlementService

from .harness import SPOT, Harness

CENT = D("0.00000001")  # USDT's unit


def run_at(
    h: Harness,
    period_end: datetime,
    service: SettlementService | None = None,
    batch_size: int = 1_000,
) -> RunSummary:
    """Move the clock just past ``period_end`` and run the settlement there."""
    past(h, period_end)
    service = h.platform.settlements if service is None else service
    run = SettlementRun(h.engine.uow_factory, service, h.clock.now, batch_size)
    return run.run(period_end)


def past(h: Harness, period_end: datetime) -> None:
    """Move the clock just past ``period_end`` (not back)."""
    if h.clock.now() < period_end + timedelta(minutes=1):
        h.clock.advance(period_end + timedelta(minutes=1) - h.clock.now())


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


def racing_run(h: Harness, period_end: datetime, meanwhile: Callable[[], None]) -> RunSummary:
    """``run_at``, with ``meanwhile`` run once by each batch after the run made its
    to-do list and read the venue, right before the batch's transaction: the
    window of a concurrent writer. (The service reads its prices there.)"""

    def prices() -> Mapping[str, D]:
        meanwhile()
        return h.engine.prices.snapshot()

    service = SettlementService(h.engine.uow_factory, h.platform.venue, prices, h.clock.now, D(2))
    return run_at(h, period_end, service)


def gained_copier(h: Harness, share_pct: D, followers: int = 1) -> list[RelationshipId]:
    """Followers of a spot provider whose books made a gain and hold cash only."""
    h.tick(SPOT.symbol, "2000")
    provider = h.provider("pro", "10000", share_pct=str(share_pct))
    rels = [h.follow(h.follower(f"fol{i}", "5000"), provider, "1000") for i in range(followers)]
    h.trade(provider, "buy", "2", symbol=SPOT.symbol)
    h.tick(SPOT.symbol, "2500")
    h.trade(provider, "sell", "2", symbol=SPOT.symbol)
    return rels
