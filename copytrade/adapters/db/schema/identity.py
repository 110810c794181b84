"""People behind accounts: users, their sign-in sessions and API keys, jurisdictions, risk
acknowledgements."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from copytrade.adapters.db.schema.base import ID_LENGTH, Base, money
from copytrade.adapters.db.types import UtcDateTime


class UserRow(Base):
    """A person who signs in; ``id`` is the id of the account they trade and copy with."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    jurisdiction: Mapped[str] = mapped_column(String(8))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ApiSessionRow(Base):
    """A sign-in; only the token's SHA-256 is stored, so a leaked table signs no one in."""

    __tablename__ = "api_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class ApiKeyRow(Base):
    """A user's key for programs (docs/api.md, API keys); only the key's SHA-256 is stored."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(8))  # read | trade
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class JurisdictionRow(Base):
    """Whether copying is offered in a jurisdiction, and its largest allocation (docs/api.md, Rules
    a follow must pass)."""

    __tablename__ = "jurisdictions"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    copying_offered: Mapped[bool] = mapped_column(Boolean, default=True)
    max_allocation: Mapped[Decimal | None] = money(nullable=True)
    max_total_allocation: Mapped[Decimal | None] = money(nullable=True)


class RiskAcknowledgementRow(Base):
    """The risk disclosure a follower accepted when starting a relationship (docs/api.md, Rules a
    follow must pass)."""

    __tablename__ = "risk_acknowledgements"

    relationship_id: Mapped[str] = mapped_column(ForeignKey("relationships.id"), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    disclosure_version: Mapped[str] = mapped_column(String(32))
    acknowledged_at: Mapped[datetime] = mapped_column(UtcDateTime())
