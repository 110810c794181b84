"""What happened to one user, read forward from a cursor: the event stream's queries.

Each source is read by its own autoincrement id, which grows in commit order
while one process writes (the server's engine lock), so "rows after id N" is a
resumable cursor and API servers keep no per-client state.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from copytrade.adapters.db.json_text import json_text
from copytrade.adapters.db.observed import observed_ids
from copytrade.adapters.db.schema import CopyDecisionRow, FillRow, OutboxRow, RelationshipRow


class DecisionSeen(NamedTuple):
    id: int
    relationship_id: str
    provider_id: str
    provider_fill_id: str
    leg: str
    symbol: str
    action: str
    reason: str | None
    qty: Decimal
    notional: Decimal
    price: Decimal
    created_at: datetime


class FillSeen(NamedTuple):
    id: int
    book: str
    order_id: str
    symbol: str
    side: str
    qty: Decimal
    price: Decimal
    fee: Decimal
    ts: datetime


class NoticeSeen(NamedTuple):
    id: int
    topic: str
    payload: dict[str, Any]
    created_at: datetime


def addressed_to(recipient: str) -> ColumnElement[bool]:
    """Outbox rows whose payload may name ``recipient`` as its ``to`` (a prefilter: the
    pattern could match inside a value, so the caller checks the parsed payload). As the
    outbox writes it now (compact JSON) or wrote it before (a space after ':')."""
    written = {json_text({"to": recipient})[1:-1], json.dumps({"to": recipient})[1:-1]}
    return or_(*(OutboxRow.payload.like(_containing(to), escape="\\") for to in sorted(written)))


def _columns(row: Any, names: Sequence[str]) -> list[Any]:
    return [getattr(row, name) for name in names]


class ActivityRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def head(self) -> tuple[int, int, int]:
        """The last id of each source (decisions, fills, notices), everyone's: a cursor
        after it sees only what happens from now on."""
        return self.observed_head()[1]

    def observed_head(self) -> tuple[str | None, tuple[int, int, int]]:
        """``head()`` and, on PostgreSQL, the snapshot it was read in (``observed_ids``)."""
        last = [
            select(func.coalesce(func.max(row.id), 0)).scalar_subquery()
            for row in (CopyDecisionRow, FillRow, OutboxRow)
        ]
        snapshot, (d, f, n) = observed_ids(self._session, last)
        return snapshot, (d, f, n)

    def decisions_after(
        self, follower: str, after: int, limit: int, upto: int | None = None
    ) -> list[DecisionSeen]:
        """Copy decisions of the follower's relationships, by id (up to ``upto``)."""
        d = CopyDecisionRow
        query = (
            select(*_columns(d, DecisionSeen._fields))
            .where(d.id > after, d.follower_id == follower, *_upto(d.id, upto))
            .order_by(d.id)
            .limit(limit)
        )
        return [DecisionSeen(*row) for row in self._session.execute(query)]

    def fills_after(
        self, account: str, after: int, limit: int, upto: int | None = None
    ) -> list[FillSeen]:
        """Fills of the account's own book and of its relationships' books, by id (up to
        ``upto``)."""
        mine = select(RelationshipRow.id).where(RelationshipRow.follower_id == account)
        query = (
            select(*_columns(FillRow, FillSeen._fields))
            .where(
                FillRow.id > after,
                or_(FillRow.book == account, FillRow.book.in_(mine)),
                *_upto(FillRow.id, upto),
            )
            .order_by(FillRow.id)
            .limit(limit)
        )
        return [FillSeen(*row) for row in self._session.execute(query)]

    def notices_after(
        self,
        recipient: str,
        topics: Sequence[str],
        after: int,
        limit: int,
        upto: int | None = None,
    ) -> list[NoticeSeen]:
        """Outbox messages of ``topics`` addressed to ``recipient`` (their ``to``), by id
        (up to ``upto``)."""
        o = OutboxRow
        query = (
            select(o.id, o.topic, o.payload, o.created_at)
            .where(
                o.id > after, o.topic.in_(topics), addressed_to(recipient), *_upto(o.id, upto)
            )
            .order_by(o.id)
            .limit(limit)
        )
        found = []
        for row in self._session.execute(query):
            payload = json.loads(row.payload)
            # A settlement batch's message carries many notices, each with its own ``to``.
            for notice in payload.get("notices", [payload]):
                if notice.get("to") == recipient:  # the pattern could match inside a value
                    found.append(NoticeSeen(row.id, row.topic, notice, row.created_at))
        return found


def _upto(column: Any, upto: int | None) -> list[ColumnElement[bool]]:
    return [] if upto is None else [column <= upto]


def _containing(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, its wildcards escaped."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
