"""Linked exchange accounts: which exchange, and the API key sealed (AES-GCM); how far
each one's trades have been read (the provider watcher's cursors)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, LargeBinary, String, false
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
    # Where the exchange is reached: its testnet, or another base URL (a proxy, the
    # tests' emulator); neither is a secret.
    sandbox: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    api_base: Mapped[str | None] = mapped_column(String(255), nullable=True)


class ExchangeTradeCursorRow(Base):
    """How far one linked account's trades in one market have been booked: the last
    trade id (or time, where the exchange pages by time), committed with the fills."""

    __tablename__ = "exchange_trade_cursors"

    account: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    symbol: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
