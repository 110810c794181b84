"""The venue's own transactions, and database errors turned into venue errors.

Each venue call commits on its own, independent of any unit of work of the
caller: what the venue answered is durable even if the caller then crashes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session

from copytrade.adapters.venues.errors import PermanentVenueError, TemporaryVenueError
from copytrade.adapters.venues.paper.store import lock_venue

# Locked database, dropped connection, pool exhausted: a retry may succeed. An
# integrity error means a concurrent writer stored the same order first; the
# retry finds it and returns it.
_TEMPORARY = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.IntegrityError,
    sa_exc.TimeoutError,
    sa_exc.DisconnectionError,
)


@contextmanager
def venue_transaction(engine: Engine, *, write: bool) -> Iterator[Session]:
    try:
        with Session(engine, expire_on_commit=False) as session, session.begin():
            if write:
                lock_venue(session)
            yield session
    except _TEMPORARY as exc:
        raise TemporaryVenueError(f"paper venue database: {_summary(exc)}; retry") from exc
    except sa_exc.DBAPIError as exc:
        if exc.connection_invalidated:
            raise TemporaryVenueError(f"paper venue lost its connection: {_summary(exc)}") from exc
        raise PermanentVenueError(f"paper venue database: {_summary(exc)}") from exc
    except sa_exc.SQLAlchemyError as exc:
        raise PermanentVenueError(f"paper venue database: {_summary(exc)}") from exc


def _summary(exc: sa_exc.SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    return f"{type(exc).__name__}: {orig if orig is not None else exc}".splitlines()[0]
