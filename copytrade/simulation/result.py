"""Assemble RESULT.json's content at the end of a run (keys: docs/scenarios.md)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from copytrade.platform import Platform
from copytrade.simulation.player import RunError
from copytrade.simulation.result_books import (
    balances_section,
    decisions_section,
    orders_section,
    positions_section,
    relationships_section,
    settlements_section,
)
from copytrade.simulation.result_stats import equity_series_section, stats_section
from copytrade.simulation.scenario import Scenario


def collect_result(
    scenario: Scenario, platform: Platform, errors: Sequence[RunError], last_day: date
) -> dict[str, Any]:
    prices = platform.engine.prices.snapshot()
    providers = [str(p.id) for p in scenario.providers]
    with platform.uow() as uow:
        rels = uow.relationships.all()
        owners = {p: p for p in providers} | {rel.book: str(rel.follower) for rel in rels}
        relationships = relationships_section(uow, rels, prices)
        return {
            "scenario": {
                "name": scenario.name,
                "start": scenario.start,
                "end": platform.clock.now(),
                "seed": scenario.seed,
                "currency": scenario.currency.code,
                "platform_fee_pct": scenario.platform_fee_pct,
            },
            "prices": {symbol: prices[symbol] for symbol in sorted(prices)},
            "orders": orders_section(uow, owners),
            "decisions": decisions_section(uow),
            "positions": positions_section(uow, owners, prices),
            "balances": balances_section(uow),
            "relationships": relationships,
            "settlements": settlements_section(uow),
            "stats": stats_section(uow, providers, prices, last_day),
            "equity_series": equity_series_section(uow, providers),
            "ledger_sum": uow.ledger.sum_by_currency(),
            "errors": [
                {"event": e.event, "type": e.type, "at": e.at, "message": e.message} for e in errors
            ],
        }
