"""Users, sign-in sessions, jurisdictions and risk acknowledgements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from copytrade.adapters.db.schema import (
    ApiSessionRow,
    JurisdictionRow,
    RiskAcknowledgementRow,
    UserRow,
)


@dataclass(frozen=True, slots=True)
class StoredUser:
    id: str
    email: str
    password_hash: str
    jurisdiction: str
    is_admin: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    code: str
    copying_offered: bool
    max_allocation: Decimal | None
    # The most a follower may hold across all its copy relationships (None: no cap).
    max_total_allocation: Decimal | None = None


@dataclass(frozen=True, slots=True)
class RiskAcknowledgement:
    relationship_id: str
    user_id: str
    disclosure_version: str
    acknowledged_at: datetime


def stored_user(row: UserRow) -> StoredUser:
    return StoredUser(
        row.id, row.email, row.password_hash, row.jurisdiction, row.is_admin, row.created_at
    )


class UserRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, user: StoredUser) -> None:
        self._session.add(
            UserRow(
                id=user.id,
                email=user.email,
                password_hash=user.password_hash,
                jurisdiction=user.jurisdiction,
                is_admin=user.is_admin,
                created_at=user.created_at,
            )
        )
        self._session.flush()

    def by_email(self, email: str) -> StoredUser | None:
        row = self._session.scalars(select(UserRow).where(UserRow.email == email)).one_or_none()
        return None if row is None else stored_user(row)

    def by_id(self, user_id: str) -> StoredUser | None:
        row = self._session.get(UserRow, user_id)
        return None if row is None else stored_user(row)

    def set_password_hash(self, user_id: str, password_hash: str) -> None:
        self._session.execute(
            update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash)
        )

    def set_admin(self, user_id: str, is_admin: bool) -> None:
        self._session.execute(
            update(UserRow).where(UserRow.id == user_id).values(is_admin=is_admin)
        )

    def add_session(self, token_hash: str, user_id: str, now: datetime, expires: datetime) -> None:
        self._session.add(
            ApiSessionRow(
                token_hash=token_hash, user_id=user_id, created_at=now, expires_at=expires
            )
        )
        self._session.flush()

    def user_of_session(self, token_hash: str, now: datetime) -> StoredUser | None:
        """The signed-in user of a live (not expired, not revoked) session."""
        query = (
            select(UserRow)
            .join(ApiSessionRow, ApiSessionRow.user_id == UserRow.id)
            .where(
                ApiSessionRow.token_hash == token_hash,
                ApiSessionRow.revoked_at.is_(None),
                ApiSessionRow.expires_at > now,
            )
        )
        row = self._session.scalars(query).one_or_none()
        return None if row is None else stored_user(row)

    def revoke_session(self, token_hash: str, now: datetime) -> bool:
        result = self._session.execute(
            update(ApiSessionRow)
            .where(ApiSessionRow.token_hash == token_hash, ApiSessionRow.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return bool(getattr(result, "rowcount", 0))


def _jurisdiction(row: JurisdictionRow) -> Jurisdiction:
    return Jurisdiction(row.code, row.copying_offered, row.max_allocation, row.max_total_allocation)


class JurisdictionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, code: str) -> Jurisdiction | None:
        row = self._session.get(JurisdictionRow, code)
        if row is None:
            return None
        return _jurisdiction(row)

    def all(self) -> list[Jurisdiction]:
        rows = self._session.scalars(select(JurisdictionRow).order_by(JurisdictionRow.code))
        return [_jurisdiction(r) for r in rows]

    def save(self, rules: Jurisdiction) -> None:
        self._session.merge(
            JurisdictionRow(
                code=rules.code,
                copying_offered=rules.copying_offered,
                max_allocation=rules.max_allocation,
                max_total_allocation=rules.max_total_allocation,
            )
        )
        self._session.flush()


class RiskAcknowledgementRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, ack: RiskAcknowledgement) -> None:
        self._session.add(
            RiskAcknowledgementRow(
                relationship_id=ack.relationship_id,
                user_id=ack.user_id,
                disclosure_version=ack.disclosure_version,
                acknowledged_at=ack.acknowledged_at,
            )
        )
        self._session.flush()

    def of(self, relationship_id: str) -> RiskAcknowledgement | None:
        row = self._session.get(RiskAcknowledgementRow, relationship_id)
        if row is None:
            return None
        return RiskAcknowledgement(
            row.relationship_id, row.user_id, row.disclosure_version, row.acknowledged_at
        )
