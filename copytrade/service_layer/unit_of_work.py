"""One transaction per unit of work, committed at the boundary (cosmicpython style).

Leaving the ``with`` block without ``commit()`` rolls everything back, outbox
messages included, so nothing is announced for a change that did not happen.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.orm import Session, sessionmaker

from copytrade.adapters.db.repositories.ledger import SqlLedger
from copytrade.adapters.db.repositories.outbox import OutboxRepository, ProcessedMessages


class UnitOfWorkError(Exception):
    """A unit of work was used outside its ``with`` block or after it ended."""


class SqlUnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._session_factory = session_factory
        self._session: Session | None = None

    def __enter__(self) -> Self:
        if self._session is not None:
            raise UnitOfWorkError("this unit of work is already open; make a new one")
        self._session = self._session_factory()
        self._session.begin()
        self.outbox = OutboxRepository(self._session)
        self.processed = ProcessedMessages(self._session)
        self.ledger = SqlLedger(self._session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            session.rollback()  # a no-op after commit(); undoes everything otherwise
        finally:
            session.close()
            self._session = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise UnitOfWorkError("the unit of work is not open: use it in a `with` block")
        return self._session

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
