"""The consistency rule (docs/whatif.md): a what-if with a real follower's settings and
dates gives that follower's real decisions, settlements, equity curve and end state."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.copying import CopyRelationship, CopySettings
from copytrade.domain.profit_share.fee_settings import FeeSettings
from copytrade.simulation.scenario import Scenario
from copytrade.whatif.request import WhatIfRequest
from copytrade.whatif.service import WhatIf

# What a decision and a settlement are compared on (ids and the follower's name differ).
DECISION_KEYS = ("provider_fill", "leg", "symbol", "action", "reason", "qty", "notional",
                 "price", "at")
SETTLEMENT_KEYS = ("period", "provider", "equity", "hwm_before", "hwm_after", "gross", "debit",
                   "provider_credit", "platform_fee", "owed_before", "owed", "at")
STATE_KEYS = ("status", "reason", "hwm", "owed", "equity", "cash", "open_positions")


def whatif_of(scenario: Scenario, factory: sessionmaker[Session]) -> WhatIf:
    """A what-if on a scenario's recorded run, with the scenario's platform settings."""
    return WhatIf(
        lambda: SqlUnitOfWork(factory),
        scenario.instruments,
        scenario.platform_fee_pct,
        FeeSettings(scenario.commission_pct, scenario.subscription_platform_cut_pct),
        block_execution=scenario.block_execution,
    )


def real_outcome(
    uow: SqlUnitOfWork, rel: CopyRelationship, result: dict[str, Any]
) -> dict[str, Any]:
    """The relationship's outcome as the live run recorded it (RESULT.json and its book)."""
    rel_id = str(rel.id)
    (state,) = [r for r in result["relationships"] if r["id"] == rel_id]
    return {
        "decisions": _rows(
            [d for d in result["decisions"] if d["relationship"] == rel_id], DECISION_KEYS
        ),
        "settlements": _rows(
            [s for s in result["settlements"] if s["relationship"] == rel_id], SETTLEMENT_KEYS
        ),
        "curve": [(day, _same(eq)) for day, eq, _ in uow.equity.series_of([rel_id])[rel_id]],
        "state": {k: _same(state[k]) for k in STATE_KEYS},
    }


def whatif_outcome(answer: dict[str, Any]) -> dict[str, Any]:
    state = dict(answer, reason=answer["stop_reason"])
    return {
        "decisions": _rows(answer["decisions"], DECISION_KEYS),
        "settlements": _rows(answer["settlements"], SETTLEMENT_KEYS),
        "curve": [(p["day"], _same(p["equity"])) for p in answer["equity_curve"]],
        "state": {k: _same(state[k]) for k in STATE_KEYS},
    }


def replay_of(
    whatif: WhatIf,
    rel: CopyRelationship,
    start: datetime,
    allocation: Decimal,
    until: datetime,
    settings: CopySettings | None = None,
) -> dict[str, Any]:
    """The what-if of ``rel`` in its place (a depleting book: docs/whatif.md) with the
    settings it was followed with (``settings``; its current ones when not given: an
    edit later changed them)."""
    chosen = rel.settings if settings is None else settings
    request = WhatIfRequest(str(rel.provider), start, allocation, chosen, until, str(rel.id))
    return whatif_outcome(whatif.run(request))


def _rows(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> list[tuple[Any, ...]]:
    return [tuple(_same(row[k]) for k in keys) for row in rows]


def _same(value: Any) -> Any:
    """Decimals compared as numbers (10000 and 10000.000 are one amount)."""
    return value.normalize() if isinstance(value, Decimal) else value
