"""RESULT.json ``stats`` and ``equity_series``: each provider's record (SPEC §5).

The record figures are ``compute_stats`` over the provider's own trades and
daily equity series, as of the last simulated day. The copy figures are joined
in here, from the provider's relationships at the end of the run:

- ``active_followers``: followers with a relationship that is not stopped
  (a paused one still holds the provider's positions and mirrors its closes);
- ``aum``: the sum of those relationships' copy equity;
- ``copier_pnl``: over every relationship of the provider, stopped ones
  included, what the copier holds or got back minus what it put in:
  equity − net_allocated + cash released at the stop. That is realized plus
  unrealized PnL, net of trading fees and of the profit share paid.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from datetime import date
from decimal import Decimal
from typing import Any

from copytrade.domain.copying import CopyRelationship
from copytrade.domain.ledger import LedgerAccount
from copytrade.domain.statistics import PeriodStats, ProviderStats, compute_stats
from copytrade.domain.values import ZERO
from copytrade.engine.actions import release_on_stop_key
from copytrade.service_layer.unit_of_work import SqlUnitOfWork


def equity_series_section(uow: SqlUnitOfWork, providers: Sequence[str]) -> dict[str, list[Any]]:
    """Each provider's UTC day closes with the day's net deposits/withdrawals."""
    return {
        provider: [
            {"day": p.day, "equity": p.equity, "net_flow": p.net_flow}
            for p in uow.equity.series(provider)
        ]
        for provider in providers
    }


def stats_section(
    uow: SqlUnitOfWork,
    providers: Sequence[str],
    rels: Sequence[CopyRelationship],
    equity: Mapping[str, Decimal],
    as_of: date,
) -> dict[str, dict[str, Any]]:
    """``equity`` is each relationship's copy equity at the end (by relationship id)."""
    section = {}
    for provider in providers:
        stats = compute_stats(uow.trades.for_book(provider), uow.equity.series(provider), as_of)
        mine = [rel for rel in rels if rel.provider == provider]
        following = [rel for rel in mine if rel.state.mirrors_closes]
        section[provider] = {
            **_record(stats),
            "active_followers": len({rel.follower for rel in following}),
            "aum": sum((equity[rel.id] for rel in following), ZERO),
            "copier_pnl": sum((_copier_pnl(uow, rel, equity[rel.id]) for rel in mine), ZERO),
        }
    return section


def _record(stats: ProviderStats) -> dict[str, Any]:
    row = {f.name: getattr(stats, f.name) for f in fields(stats) if f.name != "periods"}
    row["periods"] = {p.period.value: _period(p) for p in stats.periods}
    return row


def _period(stats: PeriodStats) -> dict[str, Any]:
    return {f.name: getattr(stats, f.name) for f in fields(stats) if f.name != "period"}


def _copier_pnl(uow: SqlUnitOfWork, rel: CopyRelationship, equity: Decimal) -> Decimal:
    released = ZERO
    if not rel.state.mirrors_closes:
        transfer = uow.ledger.transfer(release_on_stop_key(rel.id))
        if transfer is not None:
            released = transfer.movement.get(LedgerAccount.follower_free(rel.follower).key, ZERO)
    return equity - rel.net_allocated + released
