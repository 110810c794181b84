"""Alert rules and their firings (docs/alerts.md, "Storage")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from copytrade.adapters.db.schema.base import ID_LENGTH, Base
from copytrade.adapters.db.types import UtcDateTime


class AlertRuleRow(Base):
    """A user's rule; ``condition`` is the canonical text, read back by the parser."""

    __tablename__ = "alert_rules"
    __table_args__ = (Index("ix_alert_rules_symbol_timeframe", "symbol", "timeframe"),)

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    owner: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    symbol: Mapped[str] = mapped_column(String(64))
    timeframe: Mapped[str] = mapped_column(String(8))
    condition: Mapped[str] = mapped_column(Text)
    mode: Mapped[str] = mapped_column(String(8))
    cooldown_seconds: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    enabled: Mapped[bool] = mapped_column(Boolean)
    # A rule's fire count and last firing are read from its firings (one row written
    # per firing, no rule row rewritten: docs/alerts.md, "Storage").
    # Bumped by every edit in place (migration 0021), so a live evaluator sees it.
    revision: Mapped[int] = mapped_column(Integer, server_default="0")


class AlertFiringRow(Base):
    """One firing: kept after its rule is removed, as the record of what was sent."""

    __tablename__ = "alert_firings"
    # Both keys lead with what grows or with the reader (docs/alerts.md, "Storage"): the
    # unique (fired at, rule) key takes each batch's keys at its end (no page rewritten
    # per firing), and (owner, rule, fired at) answers an owner's rules' counts alone.
    __table_args__ = (
        UniqueConstraint("fired_at", "rule_id"),
        Index("ix_alert_firings_owner_rule_id_fired_at", "owner", "rule_id", "fired_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rule_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    owner: Mapped[str] = mapped_column(String(ID_LENGTH))
    symbol: Mapped[str] = mapped_column(String(64))
    timeframe: Mapped[str] = mapped_column(String(8))
    condition: Mapped[str] = mapped_column(Text)
    candle_open: Mapped[datetime] = mapped_column(UtcDateTime())
    fired_at: Mapped[datetime] = mapped_column(UtcDateTime())
    indicator_values: Mapped[str] = mapped_column(Text)  # JSON: series text -> value text
