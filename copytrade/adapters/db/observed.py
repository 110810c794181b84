"""Last ids read together with the PostgreSQL snapshot of that read: what a stream's read
horizon waits on (``copytrade/service_layer/event_horizon.py``; docs/api.md "Live events")."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ScalarSelect, String, func, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session


def observed_ids(
    session: Session, lasts: list[ScalarSelect[Any]]
) -> tuple[str | None, tuple[int, ...]]:
    """The values of ``lasts`` (each a last id, NULL read as 0) and, on PostgreSQL, the
    snapshot they were read in (``pg_current_snapshot`` as text, in the same statement;
    None on SQLite, whose one writer commits in id order). An id at or below them that the
    snapshot did not see belongs to a transaction in progress then (or rolled back): they
    are final once those finished (``finished``)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    snapshot = [func.pg_current_snapshot().cast(String)] if postgres else []
    row = session.execute(select(*lasts, *snapshot)).one()
    ids = tuple(int(value or 0) for value in row[: len(lasts)])
    return (str(row[len(lasts)]) if postgres else None), ids


def finished(session: Session, snapshot: str | None) -> bool:
    """Whether every transaction in progress at ``snapshot`` has committed or aborted."""
    if snapshot is None:
        return True
    running = session.scalar(
        sql_text(
            "SELECT count(*) FROM pg_snapshot_xip(CAST(:snapshot AS pg_snapshot)) AS x "
            "WHERE pg_xact_status(x) = 'in progress'"
        ),
        {"snapshot": snapshot},
    )
    return not running
