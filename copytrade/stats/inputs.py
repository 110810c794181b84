"""Everything the statistics of many providers are computed from, loaded in a few queries.

Trade tallies (per close day and in total, never the trades themselves),
equity series, the providers' open positions and relationship books are read
for a whole chunk of providers per query (never one query per provider),
which keeps a full refresh of thousands of providers within seconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from copytrade.adapters.db.repositories.relationships import Copier
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.positions import Position
from copytrade.domain.statistics import (
    NOTHING_OPEN,
    EquityRow,
    OpenKinds,
    Period,
    TradeTally,
    utc_day,
)
from copytrade.domain.trades import Trade
from copytrade.engine.books import load_book_states
from copytrade.service_layer.provider_stats import CopierFigures, tally_copiers


@dataclass(frozen=True, slots=True)
class TradeTallies:
    """A provider's closed trades as the statistics read them: day tallies and a total.

    ``days`` holds at least the last 90 days' tallies (by close day) and
    ``total`` every trade; the windows of 7, 30 and 90 days merge day tallies,
    the whole record is ``total`` (docs/statistics.md).
    """

    days: Mapping[date, TradeTally]
    total: TradeTally

    @classmethod
    def of(cls, trades: Iterable[Trade], through: date) -> TradeTallies:
        """The tallies of the trades closed by the end of ``through``."""
        days: dict[date, TradeTally] = {}
        total = TradeTally()
        for trade in trades:
            day = utc_day(trade.closed_at)
            if day <= through:
                days.setdefault(day, TradeTally()).add(trade)
                total.add(trade)
        return cls(days, total)


@dataclass(frozen=True, slots=True)
class ProviderInputs:
    provider_id: str
    display_name: str
    share_pct: Decimal
    trades: TradeTallies
    series: Sequence[EquityRow]  # (day, equity, net flow) in day order
    copiers: CopierFigures
    # The provider's open positions: they decide the strategy of a record with no trade.
    held: OpenKinds = NOTHING_OPEN


def load_inputs(
    uow: SqlUnitOfWork,
    providers: Sequence[str],
    profiles: Mapping[str, tuple[str, Decimal]],
    prices: Mapping[str, Decimal],
    as_of: date,
) -> list[ProviderInputs]:
    """The inputs of ``providers`` (ids with a profile: display name, share percent)."""
    first = Period.D90.first_day(as_of) or as_of
    days = uow.trade_tallies.windows_of(providers, first)
    totals = uow.trade_tallies.totals_of(providers)
    series = uow.equity.series_of(providers)
    copiers = uow.relationships.copiers_of(providers)
    books = load_book_states(uow, [c.book for c in copiers])
    positions: dict[str, list[Position]] = {p: [] for p in providers}
    for (book, _symbol), stored in uow.positions.for_books(providers).items():
        positions[book].append(stored.position)
    by_provider: dict[str, list[Copier]] = {p: [] for p in providers}
    for copier in copiers:
        by_provider[copier.provider_id].append(copier)
    return [
        ProviderInputs(
            provider_id=provider,
            display_name=profiles[provider][0],
            share_pct=profiles[provider][1],
            trades=TradeTallies(days[provider], totals[provider]),
            series=series[provider],
            copiers=tally_copiers(by_provider[provider], books, prices),
            held=OpenKinds.of(positions[provider], as_of),
        )
        for provider in providers
    ]
