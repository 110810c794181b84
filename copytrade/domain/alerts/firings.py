"""A firing: which rule fired, on which candle, and the values that made it fire."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
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
        """The notification's idempotency key: one per rule and candle. Time first, so a
        batch's keys sort after every earlier one (docs/alerts.md, "Storage")."""
        return f"alert:{_iso(self.fired_at)}:{self.rule.id}"

    def notice(self) -> dict[str, Any]:
        """The owner's in-app notification (an outbox message with ``to``)."""
        rule = self.rule
        return {
            "to": str(rule.owner),
            "rule": str(rule.id),
            "symbol": rule.symbol,
            "timeframe": rule.timeframe.value,
            "condition": str(rule.conditions),
            "fired_at": _iso(self.fired_at),
            "candle_open": _iso(self.candle_open),
            "values": dict(self.values),
            "before": dict(self.before),
        }


def _iso(moment: datetime) -> str:
    """A time as ISO text; the firings of one close share a few times, so each is
    formatted once (keyed with its offset too: equal instants in two zones differ in
    text)."""
    return _formatted(moment, moment.utcoffset())


@lru_cache(maxsize=4096)
def _formatted(moment: datetime, offset: timedelta | None) -> str:
    return moment.isoformat()
