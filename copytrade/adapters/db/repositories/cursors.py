"""Read positions in external streams, committed with what was read up to them: the
venue's fill stream, and each linked exchange account's trades per market."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from copytrade.adapters.db.schema import ExchangeTradeCursorRow, StreamCursorRow


class CursorRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, name: str) -> int:
        row = self._session.get(StreamCursorRow, name)
        return row.position if row is not None else 0

    def get_many(self, names: Collection[str]) -> dict[str, int]:
        """``get`` of several cursors in one query (their rows then in the session)."""
        query = select(StreamCursorRow).where(StreamCursorRow.name.in_(sorted(names)))
        found = {row.name: row.position for row in self._session.scalars(query)}
        return {name: found.get(name, 0) for name in names}

    def locked(self, name: str) -> int:
        """The position, its row locked until this transaction ends: two processes reading
        the same stream book each batch once (the second waits, then sees the new position).
        SQLite's BEGIN IMMEDIATE already serialises the writers."""
        if self._session.get_bind().dialect.name != "postgresql":
            return self.get(name)
        self._session.execute(
            pg_insert(StreamCursorRow).values(name=name, position=0).on_conflict_do_nothing()
        )
        row = self._session.get(StreamCursorRow, name, with_for_update=True, populate_existing=True)
        assert row is not None  # inserted above if it was missing
        return row.position

    def set(self, name: str, position: int) -> None:
        row = self._session.get(StreamCursorRow, name)
        if row is None:
            self._session.add(StreamCursorRow(name=name, position=position))
        else:
            row.position = position
        self._session.flush()


class TradeCursorRepository:
    """How far each (linked account, market) has been read, committed with its fills."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, account: str, symbol: str) -> str | None:
        row = self._session.get(ExchangeTradeCursorRow, (account, symbol))
        return None if row is None else row.position

    def accounts(self) -> set[str]:
        """The linked accounts whose trades have been read: the watched providers."""
        return set(self._session.scalars(select(ExchangeTradeCursorRow.account).distinct()))

    def set(self, account: str, symbol: str, position: str, now: datetime) -> None:
        row = self._session.get(ExchangeTradeCursorRow, (account, symbol))
        if row is None:
            self._session.add(
                ExchangeTradeCursorRow(
                    account=account, symbol=symbol, position=position, updated_at=now
                )
            )
        else:
            row.position, row.updated_at = position, now
        self._session.flush()
