"""Everything the statistics of many providers are computed from, loaded in a few queries.

Trades, equity series and relationship books are read for a whole chunk of
providers per query (never one query per provider), which is what keeps a
full refresh of thousands of providers within seconds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from copytrade.domain.copying import CopyRelationship
from copytrade.domain.statistics import EquityPoint
from copytrade.engine.books import load_books
from copytrade.engine.provider_stats import CopierFigures, tally_copiers
from copytrade.service_layer.unit_of_work import SqlUnitOfWork


class ClosedFigures(Protocol):
    """A closed trade as the statistics read it: a ``Trade`` or a stored ``ClosedTrade``."""

    @property
    def pnl(self) -> Decimal: ...
    @property
    def cost(self) -> Decimal: ...
    @property
    def opened_at(self) -> datetime: ...
    @property
    def closed_at(self) -> datetime: ...
    @property
    def leverage(self) -> Decimal: ...
    @property
    def is_spot(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class ProviderInputs:
    provider_id: str
    display_name: str
    share_pct: Decimal
    trades: Sequence[ClosedFigures]
    series: list[EquityPoint]
    copiers: CopierFigures


def load_inputs(
    uow: SqlUnitOfWork,
    providers: Sequence[str],
    profiles: Mapping[str, tuple[str, Decimal]],
    prices: Mapping[str, Decimal],
) -> list[ProviderInputs]:
    """The inputs of ``providers`` (ids with a profile: display name, share percent)."""
    trades = uow.trades.closed_of_books(providers)
    series = uow.equity.series_of(providers)
    rels = uow.relationships.for_providers(providers)
    books = load_books(uow, rels)
    by_provider: dict[str, list[CopyRelationship]] = {p: [] for p in providers}
    for rel in rels:
        by_provider[str(rel.provider)].append(rel)
    return [
        ProviderInputs(
            provider_id=provider,
            display_name=profiles[provider][0],
            share_pct=profiles[provider][1],
            trades=trades[provider],
            series=series[provider],
            copiers=tally_copiers(by_provider[provider], books, prices),
        )
        for provider in providers
    ]
