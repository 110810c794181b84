"""Read positions in external streams, committed with what was read up to them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from copytrade.adapters.db.schema import StreamCursorRow


class CursorRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, name: str) -> int:
        row = self._session.get(StreamCursorRow, name)
        return row.position if row is not None else 0

    def set(self, name: str, position: int) -> None:
        row = self._session.get(StreamCursorRow, name)
        if row is None:
            self._session.add(StreamCursorRow(name=name, position=position))
        else:
            row.position = position
        self._session.flush()
