"""The market as the platform last recorded it: what an offline refresh values books at.

``copytrade stats refresh`` runs outside the engine, so it has no live price
book: it takes the venue's stored last prices and treats the latest of their
timestamps as "now". On a live platform that is moments ago; on a demo or
replayed database it is the end of the recorded history, so the figures are
those of that history's last day rather than of a wall-clock day long after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from copytrade.adapters.db.schema import PaperPriceRow
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.venues.paper.store import load_prices


@dataclass(frozen=True, slots=True)
class RecordedMarket:
    prices: dict[str, Decimal]
    last_seen: datetime | None


def recorded_market(uow: SqlUnitOfWork) -> RecordedMarket:
    last = uow.session.scalar(select(func.max(PaperPriceRow.ts)))
    return RecordedMarket(load_prices(uow.session), last)
