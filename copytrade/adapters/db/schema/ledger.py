"""Double-entry ledger: immutable transfers and entries, balances kept in lockstep."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from copytrade.adapters.db.schema.base import Base, money
from copytrade.adapters.db.types import UtcDateTime


class LedgerTransferRow(Base):
    __tablename__ = "ledger_transfers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    memo: Mapped[str] = mapped_column(String(200), default="")
    reverses: Mapped[str | None] = mapped_column(String(200), nullable=True)
    ts: Mapped[datetime] = mapped_column(UtcDateTime())


class LedgerEntryRow(Base):
    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    transfer_id: Mapped[int] = mapped_column(ForeignKey("ledger_transfers.id"), index=True)
    account: Mapped[str] = mapped_column(String(300), index=True)
    currency: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = money()


class LedgerBalanceRow(Base):
    """The running balance of one ledger account, updated in the entries' transaction."""

    __tablename__ = "ledger_balances"

    account: Mapped[str] = mapped_column(String(300), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    owner: Mapped[str] = mapped_column(String(200), index=True)
    currency: Mapped[str] = mapped_column(String(16))
    balance: Mapped[Decimal] = money()
