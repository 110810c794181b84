"""An alert rule and when it fires (docs/alerts.md, "When a rule fires").

On each closed candle of its (symbol, timeframe), in this order, a rule is:

1. ``disabled`` - switched off by its owner: nothing happens;
2. ``expired`` - the candle closed at or after ``expires_at``;
3. ``spent`` - a ``once`` rule that already fired;
4. ``not_triggered`` - its conditions did not become true on this candle;
5. ``cooling_down`` - an ``every`` rule that fired less than ``cooldown`` before;
6. otherwise it ``fires``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from enum import Enum

from copytrade.domain.alerts.conditions import Conditions
from copytrade.domain.alerts.errors import InvalidAlertError
from copytrade.domain.alerts.timeframes import Timeframe
from copytrade.domain.ids import AccountId, AlertRuleId

MAX_COOLDOWN = timedelta(days=365)


class FireMode(Enum):
    ONCE = "once"
    EVERY = "every"

    @classmethod
    def parse(cls, text: str) -> FireMode:
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise InvalidAlertError(f"fire mode must be once or every, got {text!r}") from None


class Outcome(Enum):
    DISABLED = "disabled"
    EXPIRED = "expired"
    SPENT = "spent"
    NOT_TRIGGERED = "not_triggered"
    COOLING_DOWN = "cooling_down"
    FIRES = "fires"


@dataclass(frozen=True, slots=True)
class AlertRule:
    id: AlertRuleId
    owner: AccountId
    symbol: str
    timeframe: Timeframe
    conditions: Conditions
    mode: FireMode
    cooldown: timedelta
    created_at: datetime
    expires_at: datetime | None = None
    enabled: bool = True
    last_fired_at: datetime | None = None
    fired_count: int = 0

    def __post_init__(self) -> None:
        if not self.id or not self.owner:
            raise InvalidAlertError("an alert rule needs an id and an owner")
        if not timedelta(0) <= self.cooldown <= MAX_COOLDOWN:
            raise InvalidAlertError(
                f"cooldown must be between 0 and {MAX_COOLDOWN.days} days, got {self.cooldown}"
            )
        if self.mode is FireMode.ONCE and self.cooldown:
            raise InvalidAlertError("a cooldown applies to 'every' rules; a 'once' rule has none")
        if self.expires_at is not None and self.expires_at <= self.created_at:
            raise InvalidAlertError(
                f"expiry {self.expires_at.isoformat()} is not after the rule's creation "
                f"{self.created_at.isoformat()}"
            )

    def status(self, now: datetime) -> str:
        """What a listing shows: active, disabled, expired or spent."""
        outcome = self.outcome(now, triggered=True)
        return "active" if outcome in (Outcome.FIRES, Outcome.COOLING_DOWN) else outcome.value

    def outcome(self, at: datetime, triggered: bool) -> Outcome:
        """What the rule does on a candle closing at ``at`` whose conditions did (not)
        become true."""
        if not self.enabled:
            return Outcome.DISABLED
        if self.expires_at is not None and at >= self.expires_at:
            return Outcome.EXPIRED
        if self.mode is FireMode.ONCE and self.fired_count:
            return Outcome.SPENT
        if not triggered:
            return Outcome.NOT_TRIGGERED
        if (
            self.last_fired_at is not None
            and self.cooldown
            and at < self.last_fired_at + self.cooldown
        ):
            return Outcome.COOLING_DOWN
        return Outcome.FIRES

    def fired(self, at: datetime) -> AlertRule:
        # Copied field by field rather than through replace(): at an hour boundary
        # thousands of rules fire at once, and only these two fields change, neither of
        # which __post_init__ checks.
        fired = object.__new__(AlertRule)
        for name in _COPIED:
            object.__setattr__(fired, name, getattr(self, name))
        object.__setattr__(fired, "last_fired_at", at)
        object.__setattr__(fired, "fired_count", self.fired_count + 1)
        return fired

    def switched(self, enabled: bool) -> AlertRule:
        return replace(self, enabled=enabled)


_COPIED = tuple(
    f.name for f in fields(AlertRule) if f.name not in ("last_fired_at", "fired_count")
)
