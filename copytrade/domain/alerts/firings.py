"""A firing: which rule fired, on which candle, and the values that made it fire."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from copytrade.domain.alerts.rules import AlertRule

ALERT_FIRED = "alert.fired"  # the outbox topic of the owner's in-app notification


@dataclass(frozen=True, slots=True)
class Firing:
    rule: AlertRule  # as it is after firing (fired_count and last_fired_at updated)
    candle_open: datetime
    fired_at: datetime  # the candle's close: when the condition was known
    values: Mapping[str, str | None]  # each series the rule reads, on this candle
    before: Mapping[str, str | None]  # ... and on the candle before

    @property
    def message_id(self) -> str:
        """The notification's idempotency key: one per rule and candle."""
        return f"alert:{self.rule.id}:{self.fired_at.isoformat()}"

    def notice(self) -> dict[str, Any]:
        """The owner's in-app notification (an outbox message with ``to``)."""
        rule = self.rule
        return {
            "to": str(rule.owner),
            "rule": str(rule.id),
            "symbol": rule.symbol,
            "timeframe": rule.timeframe.value,
            "condition": str(rule.conditions),
            "fired_at": self.fired_at.isoformat(),
            "candle_open": self.candle_open.isoformat(),
            "values": dict(self.values),
            "before": dict(self.before),
        }
