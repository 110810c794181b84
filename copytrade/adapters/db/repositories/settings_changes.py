"""The audit trail of copy-settings edits (docs/domain.md, "Editing copy settings"):
each edit's time and every changed setting's old and new value."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from copytrade.adapters.db.json_text import json_text
from copytrade.adapters.db.schema import SettingsChangeRow


@dataclass(frozen=True, slots=True)
class SettingsChange:
    """``changes`` maps each changed setting to ``{"old": ..., "new": ...}`` (as text)."""

    relationship_id: str
    follower_id: str
    changes: dict[str, dict[str, Any]]
    changed_at: datetime


class SettingsChangeRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, change: SettingsChange) -> None:
        self._session.add(
            SettingsChangeRow(
                relationship_id=change.relationship_id,
                follower_id=change.follower_id,
                changes=json_text(change.changes),
                changed_at=change.changed_at,
            )
        )

    def of_relationship(
        self, rel_id: str, limit: int = 50, offset: int = 0
    ) -> tuple[list[SettingsChange], int]:
        """One page of a relationship's edits, newest first, and how many there are."""
        row = SettingsChangeRow
        query = (
            select(row)
            .where(row.relationship_id == rel_id)
            .order_by(row.changed_at.desc(), row.id.desc())
            .limit(limit)
            .offset(offset)
        )
        total = self._session.scalar(
            select(func.count()).select_from(row).where(row.relationship_id == rel_id)
        )
        found = [
            SettingsChange(r.relationship_id, r.follower_id, orjson.loads(r.changes), r.changed_at)
            for r in self._session.scalars(query)
        ]
        return found, int(total or 0)
