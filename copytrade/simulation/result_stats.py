"""RESULT.json ``stats`` and ``equity_series``: each provider's record (docs/statistics.md).

The record figures are ``compute_stats`` over the provider's own trades and
daily equity series, as of the last simulated day. The copy figures are joined
in here, from the provider's relationships at the end of the run:

- ``active_followers``: followers with a relationship that is not stopped
  (a paused one still holds the provider's positions and mirrors its closes);
- ``aum``: the sum of those relationships' copy equity;
- ``copier_pnl``: over every relationship of the provider, stopped ones
  included, equity − net_allocated, where the cash released at a stop lowers
  the net allocation like a withdrawal. That is realized plus unrealized PnL,
  net of trading fees and of the profit share paid.

All three come from ``copytrade.service_layer.provider_stats``, shared with the demo
and the leaderboard.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from datetime import date
from decimal import Decimal
from typing import Any

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.statistics import PeriodStats, ProviderStats
from copytrade.service_layer.provider_stats import provider_report


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
    uow: SqlUnitOfWork, providers: Sequence[str], prices: Mapping[str, Decimal], as_of: date
) -> dict[str, dict[str, Any]]:
    section = {}
    for provider in providers:
        report = provider_report(uow, provider, as_of, prices)
        section[provider] = {
            **_record(report.stats),
            "active_followers": report.copiers.active_followers,
            "aum": report.copiers.aum,
            "copier_pnl": report.copiers.copier_pnl,
        }
    return section


def _record(stats: ProviderStats) -> dict[str, Any]:
    row = {f.name: getattr(stats, f.name) for f in fields(stats) if f.name != "periods"}
    row["periods"] = {p.period.value: _period(p) for p in stats.periods}
    return row


def _period(stats: PeriodStats) -> dict[str, Any]:
    return {f.name: getattr(stats, f.name) for f in fields(stats) if f.name != "period"}
