"""Risk-alert subscriptions and what they recorded (docs/alerts.md, "Risk alerts")."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from copytrade.adapters.db.schema.base import ID_LENGTH, Base, money
from copytrade.adapters.db.types import UtcDateTime


class RiskRuleRow(Base):
    """A follower's or provider's subscription to one kind of risk alert."""

    __tablename__ = "risk_rules"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    owner: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    level: Mapped[Decimal | None] = money(nullable=True)
    provider: Mapped[str | None] = mapped_column(String(ID_LENGTH), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    enabled: Mapped[bool] = mapped_column(Boolean)


class RiskFiringRow(Base):
    """One risk alert: at most one per (rule, key); kept after its rule is removed."""

    __tablename__ = "risk_firings"
    __table_args__ = (UniqueConstraint("rule_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rule_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    owner: Mapped[str] = mapped_column(String(ID_LENGTH), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(200))
    fired_at: Mapped[datetime] = mapped_column(UtcDateTime())
    text: Mapped[str] = mapped_column(Text)
    alert_values: Mapped[str] = mapped_column(Text)  # JSON: name -> value text
