"""A provider's statistics from what the platform recorded (docs/statistics.md), with its copiers.

Per-record figures come from the pure ``compute_stats`` over the provider's
booked trades, daily equity series and open positions (the strategy of a
record with no closed trade); the copier figures (active followers,
AUM, copier PnL) from its relationships' books at the given prices.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from copytrade.adapters.db.repositories.relationships import Copier
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.statistics import ProviderStats, compute_stats
from copytrade.domain.values import ZERO
from copytrade.engine.books import BookState, load_books


@dataclass(frozen=True, slots=True)
class CopierFigures:
    """``active_followers`` and ``aum`` count relationships not stopped (a paused one
    still holds the provider's positions and mirrors its closes); ``aum`` is their
    copy equity; ``copier_pnl``: over every relationship,
    stopped ones included, equity less net allocation (allocations − withdrawals and
    releases): what copiers gained or lost, fees and profit share included."""

    active_followers: int
    aum: Decimal
    copier_pnl: Decimal


@dataclass(frozen=True, slots=True)
class ProviderReport:
    provider: str
    stats: ProviderStats
    copiers: CopierFigures


def copier_figures(
    uow: SqlUnitOfWork, provider: str, prices: Mapping[str, Decimal]
) -> CopierFigures:
    rels = uow.relationships.for_provider(provider)
    copiers = [Copier(provider, r.book, r.state.mirrors_closes, r.net_allocated) for r in rels]
    return tally_copiers(copiers, load_books(uow, rels), prices)


def tally_copiers(
    copiers: Iterable[Copier], books: Mapping[str, BookState], prices: Mapping[str, Decimal]
) -> CopierFigures:
    """The figures of one provider's relationships, their books already loaded."""
    active, aum, pnl = 0, ZERO, ZERO
    for copier in copiers:
        equity = books[copier.book].value(prices).equity
        if copier.copying:
            active += 1
            aum += equity
        pnl += equity - copier.net_allocated
    return CopierFigures(active, aum, pnl)


def provider_report(
    uow: SqlUnitOfWork, provider: str, as_of: date, prices: Mapping[str, Decimal]
) -> ProviderReport:
    stats = compute_stats(
        uow.trades.for_book(provider),
        uow.equity.series(provider),
        as_of,
        positions=(stored.position for stored in uow.positions.for_book(provider)),
    )
    return ProviderReport(provider, stats, copier_figures(uow, provider, prices))
