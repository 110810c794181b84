"""What a what-if answers, read from the scratch platform's books once the replay is
done (docs/whatif.md, "The answer"). Decimals stay Decimals; entry points render them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from copytrade.adapters.db.schema import RelationshipRow
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.values import ZERO
from copytrade.service_layer.platform import Platform
from copytrade.simulation.result_books import (
    balances_section,
    decisions_section,
    orders_section,
    relationships_section,
    settlements_section,
)
from copytrade.whatif.history import ProviderRecord
from copytrade.whatif.replay import FOLLOWER, RELATIONSHIP
from copytrade.whatif.request import WhatIfRequest

Row = dict[str, Any]
_BPS = Decimal(10_000)
_CENT_BPS = Decimal("0.01")
_PLATFORM = "platform"


def whatif_report(platform: Platform, request: WhatIfRequest, history: ProviderRecord) -> Row:
    prices = platform.engine.prices.snapshot()
    with platform.uow() as uow:
        rel = uow.relationships.get(RELATIONSHIP)
        (state,) = relationships_section(uow, [rel], prices)
        orders = {o["id"]: o for o in orders_section(uow, {RELATIONSHIP: FOLLOWER})}
        fill_prices = {str(e.fill.fill_id): e.fill.price for e in history.fills}
        decisions = [
            _decision(d, orders, fill_prices)
            for d in decisions_section(uow)
            if d["relationship"] == RELATIONSHIP
        ]
        settlements = [
            {k: v for k, v in s.items() if k not in ("relationship", "follower")}
            for s in settlements_section(uow)
            if s["relationship"] == RELATIONSHIP
        ]
        rows = uow.equity.series_of([RELATIONSHIP])[RELATIONSHIP]
        curve = [{"day": day, "equity": equity} for day, equity, _ in rows]
        balances = balances_section(uow)
        platform_revenue = _owned(balances, _PLATFORM)
        # A stop returns the allocation's cash to the follower: count it with what stays.
        value = state["equity"] + _owned(balances, FOLLOWER)
        stopped_at = _stopped_at(uow) if state["reason"] else None
    trading_fees = sum((o["fees"] for o in orders.values()), ZERO)
    platform_fees = sum((s["platform_fee"] for s in settlements), ZERO)
    debited = sum((s["debit"] for s in settlements), ZERO)
    slippages = [d["slippage_bps"] for d in decisions if d["slippage_bps"] is not None]
    return {
        "provider": request.provider,
        "provider_name": history.name,
        "start": request.start,
        "end": platform.clock.now(),
        "allocation": request.allocation,
        "provider_fills": len(history.fills),
        "status": state["status"],
        "stop_reason": state["reason"],
        "max_loss_stop": {"fired": state["reason"] == "max_loss", "at": stopped_at},
        "equity": state["equity"],
        "cash": state["cash"],
        "open_positions": state["open_positions"],
        "hwm": state["hwm"],
        "owed": state["owed"],
        "value": value,
        "pnl": value - request.allocation,
        "pnl_before_profit_share": value - request.allocation + debited,
        "trading_fees": trading_fees,
        "commission": platform_revenue - platform_fees,
        "profit_share": {
            "gross": sum((s["gross"] for s in settlements), ZERO),
            "debited": debited,
            "provider_credit": sum((s["provider_credit"] for s in settlements), ZERO),
            "platform_fee": platform_fees,
        },
        "slippage_bps": _slippage_summary(slippages),
        "copies": dict(sorted(Counter(d["action"] for d in decisions).items())),
        "skip_reasons": dict(sorted(Counter(
            d["reason"] for d in decisions if d["action"] != "placed"
        ).items())),
        "decisions": decisions,
        "settlements": settlements,
        # Recorded: the provider's followers' own settlement runs; scheduled: none was
        # recorded in the window, so one at each of its period ends (docs/whatif.md).
        "settlement_runs": "scheduled" if history.settlements_scheduled else "recorded",
        "equity_curve": curve,
    }


def _decision(d: Row, orders: Mapping[str, Row], fill_prices: Mapping[str, Decimal]) -> Row:
    """A decision with the prices it met: the provider's fill price, the copy's fill
    price and their slippage in basis points (signed, adverse positive)."""
    order = orders.get(d["order"]) if d["order"] else None
    provider_price = fill_prices.get(d["provider_fill"])
    fill_price = order["price"] if order and order["filled_qty"] > 0 else None
    slippage = None
    if fill_price is not None and provider_price:
        sign = 1 if order is not None and order["side"] == "buy" else -1
        slippage = (sign * (fill_price - provider_price) / provider_price * _BPS).quantize(
            _CENT_BPS
        )
    return {
        "provider_fill": d["provider_fill"],
        "leg": d["leg"],
        "symbol": d["symbol"],
        "action": d["action"],
        "reason": d["reason"],
        "qty": d["qty"],
        "notional": d["notional"],
        "price": d["price"],
        "provider_price": provider_price,
        "fill_price": fill_price,
        "slippage_bps": slippage,
        "at": d["at"],
    }


def _slippage_summary(values: list[Decimal]) -> Row:
    if not values:
        return {"copies": 0, "mean": None, "worst": None}
    mean = (sum(values, ZERO) / len(values)).quantize(_CENT_BPS)
    return {"copies": len(values), "mean": mean, "worst": max(values)}


def _owned(balances: Mapping[str, Mapping[str, Mapping[str, Decimal]]], owner: str) -> Decimal:
    """Everything ``owner`` holds on the scratch platform. The platform's is its revenue
    (profit-share fees and commissions: the what-if's follower is its only payer); the
    follower's is the cash a stop returned to its free balance."""
    kinds = balances.get(owner, {})
    return sum((sum(c.values(), ZERO) for c in kinds.values()), ZERO)


def _stopped_at(uow: SqlUnitOfWork) -> Any:
    """A stopped relationship's last change is its stop (nothing touches it after)."""
    query = select(RelationshipRow.updated_at).where(RelationshipRow.id == RELATIONSHIP)
    return uow.session.execute(query).scalar_one()
