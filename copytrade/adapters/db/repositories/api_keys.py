"""A user's API keys, by the SHA-256 of the key (the key itself is never stored)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from copytrade.adapters.db.repositories.identity import StoredUser, stored_user
from copytrade.adapters.db.schema import ApiKeyRow, UserRow


@dataclass(frozen=True, slots=True)
class StoredApiKey:
    id: str
    user_id: str
    name: str
    scope: str
    created_at: datetime
    revoked_at: datetime | None


def _key(row: ApiKeyRow) -> StoredApiKey:
    return StoredApiKey(row.id, row.user_id, row.name, row.scope, row.created_at, row.revoked_at)


class ApiKeyRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, key: StoredApiKey, key_hash: str) -> None:
        self._session.add(
            ApiKeyRow(
                id=key.id,
                key_hash=key_hash,
                user_id=key.user_id,
                name=key.name,
                scope=key.scope,
                created_at=key.created_at,
            )
        )
        self._session.flush()

    def of_user(self, user_id: str) -> list[StoredApiKey]:
        """The user's keys, revoked ones too, oldest first."""
        query = (
            select(ApiKeyRow)
            .where(ApiKeyRow.user_id == user_id)
            .order_by(ApiKeyRow.created_at, ApiKeyRow.id)
        )
        return [_key(row) for row in self._session.scalars(query)]

    def live(self, key_hash: str) -> tuple[StoredApiKey, StoredUser] | None:
        """The key that is not revoked with this hash, and its owner."""
        query = (
            select(ApiKeyRow, UserRow)
            .join(UserRow, UserRow.id == ApiKeyRow.user_id)
            .where(ApiKeyRow.key_hash == key_hash, ApiKeyRow.revoked_at.is_(None))
        )
        found = self._session.execute(query).one_or_none()
        return None if found is None else (_key(found[0]), stored_user(found[1]))

    def revoke(self, user_id: str, key_id: str, now: datetime) -> bool:
        """Revoke one of the user's keys; False when it has no such key (revoked or not)."""
        mine = self._session.get(ApiKeyRow, key_id)
        if mine is None or mine.user_id != user_id:
            return False
        self._session.execute(
            update(ApiKeyRow)
            .where(ApiKeyRow.id == key_id, ApiKeyRow.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return True
