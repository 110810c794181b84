"""Linked exchange accounts: which exchange, and the API key sealed (AES-GCM)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from copytrade.adapters.db.schema.base import ID_LENGTH, Base
from copytrade.adapters.db.types import UtcDateTime


class LinkedExchangeAccountRow(Base):
    """One exchange account copytrade may trade on; the credentials never in clear."""

    __tablename__ = "linked_exchange_accounts"

    account: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    exchange: Mapped[str] = mapped_column(String(32))
    api_key_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    secret_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    password_sealed: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
