"""Providers' trade tallies per close day and in total (schema/tallies.py).

``add_trades`` runs in the transaction that books a provider's closing fills;
a full statistics refresh then reads ``windows_of`` (the day rows of the last
90 days) and ``totals_of`` instead of every trade.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal, localcontext
from typing import Any, cast

from sqlalchemy import (
    Row,
    Table,
    and_,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from copytrade.adapters.db.repositories.bulk_reads import driver_rows
from copytrade.adapters.db.repositories.ledger_reads import chunks
from copytrade.adapters.db.schema import TradeDayTallyRow, TradeTotalTallyRow
from copytrade.domain.statistics import TradeTally, utc_day
from copytrade.domain.statistics.numeric import STATS_CONTEXT, to_places
from copytrade.domain.trades import Trade

_DAYS = cast(Table, TradeDayTallyRow.__table__)
_TOTALS = cast(Table, TradeTotalTallyRow.__table__)
_MICROSECOND = timedelta(microseconds=1)
# TradeTally's fields in order, as columns.
_TALLY = ("count", "wins", "gross_profit", "gross_loss", "worst", "holding_us", "spot",
          "leverage_sum", "leverage_max")  # fmt: skip


def tally_values(tally: TradeTally) -> dict[str, Any]:
    """A tally as row values; the worst trade kept rounded (rounding is monotonic)."""
    return {
        "count": tally.count,
        "wins": tally.wins,
        "gross_profit": tally.gross_profit,
        "gross_loss": tally.gross_loss,
        "worst": None if tally.worst is None else to_places(tally.worst),
        "holding_us": tally.holding // _MICROSECOND,
        "spot": tally.spot,
        "leverage_sum": tally.leverage_sum,
        "leverage_max": tally.leverage_max,
    }


def tally_of(row: Row[Any]) -> TradeTally:
    values = row._mapping  # ``row.count`` would be the tuple method
    return TradeTally(
        count=values["count"],
        wins=values["wins"],
        gross_profit=values["gross_profit"],
        gross_loss=values["gross_loss"],
        worst=values["worst"],
        holding=timedelta(microseconds=values["holding_us"]),
        spot=values["spot"],
        leverage_sum=values["leverage_sum"],
        leverage_max=values["leverage_max"],
    )


def tallies_by_key(trades: Iterable[Trade]) -> tuple[dict[tuple[str, date], TradeTally],
                                                       dict[str, TradeTally]]:  # fmt: skip
    """The trades' tallies per (book, close day) and per book."""
    days: dict[tuple[str, date], TradeTally] = {}
    totals: dict[str, TradeTally] = {}
    with localcontext(STATS_CONTEXT):
        for trade in trades:
            book = str(trade.account)
            days.setdefault((book, utc_day(trade.closed_at)), TradeTally()).add(trade)
            totals.setdefault(book, TradeTally()).add(trade)
    return days, totals


class TradeTallyRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add_trades(self, trades: Sequence[Trade]) -> None:
        """Add closed trades to their books' day and total tallies (insert or merge)."""
        if not trades:
            return
        days, totals = tallies_by_key(trades)
        books = sorted(totals)
        stored_days = {
            (row.book, row.day): tally_of(row)
            for row in self._session.execute(
                select(_DAYS).where(
                    and_(
                        _DAYS.c.book.in_(books),
                        _DAYS.c.day.in_(sorted({day for _, day in days})),
                    )
                )
            )
        }
        stored_totals = {
            row.book: tally_of(row)
            for row in self._session.execute(select(_TOTALS).where(_TOTALS.c.book.in_(books)))
        }
        self._upsert(_DAYS, ("book", "day"), days, stored_days)
        self._upsert(_TOTALS, ("book",), {(b,): t for b, t in totals.items()},
                     {(b,): t for b, t in stored_totals.items()})  # fmt: skip

    def _upsert(
        self,
        table: Table,
        key_columns: tuple[str, ...],
        new: dict[Any, TradeTally],
        stored: dict[Any, TradeTally],
    ) -> None:
        inserts, updates = [], []
        for key, tally in new.items():
            keys = dict(zip(key_columns, key if isinstance(key, tuple) else (key,), strict=True))
            if key in stored:
                merged = stored[key]
                merged.merge(tally)
                updates.append({**{f"key_{k}": v for k, v in keys.items()},
                                **tally_values(merged)})  # fmt: skip
            else:
                inserts.append({**keys, **tally_values(tally)})
        if inserts:
            self._session.execute(insert(table), inserts)
        if updates:
            where = [table.c[k] == bindparam(f"key_{k}") for k in key_columns]
            self._session.execute(update(table).where(*where), updates)

    def windows_of(
        self, books: Sequence[str], first_day: date
    ) -> dict[str, dict[date, TradeTally]]:
        """Each book's day tallies from ``first_day`` on, by day (in day order).

        Read as the driver's tuples and parsed here once (``driver_rows``): a
        full refresh reads up to 90 rows per provider, and building a result row
        for each was most of the cost.
        """
        found: dict[str, dict[date, TradeTally]] = {book: {} for book in books}
        columns = [_DAYS.c.book, _DAYS.c.day, *(_DAYS.c[name] for name in _TALLY)]
        new, dec, span = TradeTally, Decimal, timedelta
        for part in chunks(books):
            query = (
                select(*columns)
                .where(_DAYS.c.book.in_(part), _DAYS.c.day >= first_day)
                .order_by(_DAYS.c.book, _DAYS.c.day)
            )
            for book, day, n, w, p, lo, wo, h, sp, ls, lm in driver_rows(self._session, query):
                found[book][day if isinstance(day, date) else date.fromisoformat(day)] = new(
                    n, w, dec(p), dec(lo), None if wo is None else dec(wo),
                    span(microseconds=h), sp, dec(ls), None if lm is None else dec(lm),
                )  # fmt: skip
        return found

    def totals_of(self, books: Sequence[str]) -> dict[str, TradeTally]:
        """Each book's tally of every trade it closed (an empty tally if none)."""
        found = {book: TradeTally() for book in books}
        for part in chunks(books):
            for row in self._session.execute(select(_TOTALS).where(_TOTALS.c.book.in_(part))):
                found[row.book] = tally_of(row)
        return found
