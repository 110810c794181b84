"""Assemble RESULT.json's content at the end of a run (keys: docs/scenarios.md)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.profit_share.fee_model import FeeModel
from copytrade.service_layer.platform import Platform
from copytrade.simulation.alerts import alert_sections
from copytrade.simulation.player import RunError
from copytrade.simulation.result_books import (
    balances_section,
    decisions_section,
    orders_section,
    positions_section,
    relationships_section,
    settlements_section,
)
from copytrade.simulation.result_perps import perp_sections
from copytrade.simulation.result_stats import equity_series_section, stats_section
from copytrade.simulation.scenario import Scenario


def fee_sections(uow: SqlUnitOfWork, scenario: Scenario) -> dict[str, Any]:
    """``fees`` and ``subscriptions``, only for a scenario that uses another fee model
    than profit share or a commission: older RESULT.json files stay as they were."""
    models = {str(p.id): p.fee_model for p in scenario.providers}
    if not scenario.commission_pct and set(models.values()) <= {FeeModel.PROFIT_SHARE}:
        return {}
    fees = {
        "commission_pct": scenario.commission_pct,
        "subscription_platform_cut_pct": scenario.subscription_platform_cut_pct,
        "providers": models,
    }
    charges = [
        {
            "relationship": c.relationship_id,
            "follower": c.follower_id,
            "provider": c.provider_id,
            "period": c.period,
            "status": c.status,
            "price": c.price,
            "provider_part": c.provider_part,
            "platform_part": c.platform_part,
        }
        for c in uow.fees.all()
    ]
    return {"fees": fees, "subscriptions": charges}


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
            "positions": positions_section(uow, owners, prices, rels),
            "balances": balances_section(uow),
            "relationships": relationships,
            "settlements": settlements_section(uow),
            **fee_sections(uow, scenario),
            **alert_sections(uow, scenario),
            **perp_sections(uow, scenario, owners),
            "stats": stats_section(uow, providers, prices, last_day),
            "equity_series": equity_series_section(uow, providers),
            "ledger_sum": uow.ledger.sum_by_currency(),
            "errors": [
                {"event": e.event, "type": e.type, "at": e.at, "message": e.message} for e in errors
            ],
        }
