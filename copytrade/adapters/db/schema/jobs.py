"""The cluster's record of each periodic job of ``copytrade serve`` (docs/deploy.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from copytrade.adapters.db.schema.base import Base
from copytrade.adapters.db.types import UtcDateTime


class ScheduledJobRow(Base):
    """When a job last started and finished, and where: the servers of one database
    share it, so each job runs once per interval across them (``finished_at`` empty
    after a start: its runner died mid-way, and the next one resumes it)."""

    __tablename__ = "scheduled_jobs"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    runner: Mapped[str] = mapped_column(String(200))
    runs: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
