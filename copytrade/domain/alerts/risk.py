"""Copy-trading risk alerts: what a follower or provider subscribes to, and the pure
rules that decide when one fires (docs/alerts.md, "Risk alerts").

A risk rule is (owner, kind, level, optional provider). Each rule here is a pure
function of values the watcher reads from the copy engine's records; every alert
has a **key** naming the event or state it is about, so it is recorded at most once
per rule (the watcher's idempotency).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from statistics import median
from typing import Any

from copytrade.domain.alerts.errors import InvalidAlertError
from copytrade.domain.copying.maxloss import drawdown as copy_drawdown
from copytrade.domain.copying.maxloss import loss_fraction_reached
from copytrade.domain.ids import AccountId
from copytrade.domain.values import HUNDRED, ONE, ZERO

RISK_TEXT = "risk"  # the ``kind`` of a risk alert's notification (and its "timeframe")
# A jump needs this many earlier fills of the provider to compare with (its history).
JUMP_HISTORY_MIN = 5
JUMP_HISTORY = 20  # ... and compares with at most the last this many


class RiskKind(StrEnum):
    DRAWDOWN = "drawdown"  # a followed provider's drawdown from its peak ≥ level %
    JUMP = "jump"  # a provider fill's size or leverage > level × its recent median
    INACTIVE = "inactive"  # a followed provider has not traded for level days
    COPY_SKIPPED = "copy_skipped"  # one of my copies was skipped or capped
    MAX_LOSS = "max_loss"  # my relationship is at level % of its max-loss stop, or at it
    SETTLEMENT = "settlement"  # a settlement charged me (follower) or paid me (provider)
    ACCOUNT = "account"  # my account needs attention: balance, venue refusal, reconcile

    @classmethod
    def parse(cls, text: str) -> RiskKind:
        try:
            return cls(text.strip().lower())
        except ValueError:
            known = ", ".join(k.value for k in cls)
            raise InvalidAlertError(f"unknown risk alert kind {text!r}; kinds: {known}") from None


# (default level, lowest allowed, highest allowed, what the level is); None: no level.
LEVELS: dict[RiskKind, tuple[Decimal, Decimal, Decimal, str] | None] = {
    RiskKind.DRAWDOWN: (Decimal(20), Decimal("0.01"), Decimal(100), "percent"),
    RiskKind.JUMP: (Decimal(3), Decimal("1.01"), Decimal(1000), "times the median"),
    RiskKind.INACTIVE: (Decimal(7), Decimal(1), Decimal(3650), "days"),
    RiskKind.COPY_SKIPPED: None,
    RiskKind.MAX_LOSS: (Decimal(80), Decimal(1), Decimal(100), "percent of the stop"),
    RiskKind.SETTLEMENT: None,
    RiskKind.ACCOUNT: None,
}


def checked_level(kind: RiskKind, level: Decimal | None) -> Decimal | None:
    """The rule's level: the default when not given; refused outside its range."""
    bounds = LEVELS[kind]
    if bounds is None:
        if level is not None:
            raise InvalidAlertError(f"a {kind.value} risk alert takes no --level")
        return None
    default, low, high, unit = bounds
    if level is None:
        return default
    if not level.is_finite() or not low <= level <= high:
        raise InvalidAlertError(
            f"a {kind.value} risk alert's level is in {unit}, from {low} to {high}; got {level}"
        )
    return level


@dataclass(frozen=True, slots=True)
class RiskRule:
    id: str
    owner: AccountId
    kind: RiskKind
    level: Decimal | None
    provider: str | None  # only this provider (follower kinds); None: every one followed
    created_at: datetime
    enabled: bool = True

    def describe(self) -> str:
        bounds = LEVELS[self.kind]
        level = "" if bounds is None else f" {self.level} {bounds[3]}"
        only = f" (provider {self.provider})" if self.provider else ""
        return f"{self.kind.value}{level}{only}"

    def switched(self, enabled: bool) -> RiskRule:
        return replace(self, enabled=enabled)


@dataclass(frozen=True, slots=True)
class RiskAlert:
    """One risk alert of one rule; ``key`` is the event or state it is about."""

    rule_id: str
    owner: str
    kind: RiskKind
    key: str
    at: datetime
    text: str
    values: Mapping[str, str] = field(default_factory=dict)
    symbol: str = ""

    @property
    def message_id(self) -> str:
        return f"risk:{self.rule_id}:{self.key}"

    def notice(self) -> dict[str, Any]:
        """The in-app notification, shaped like an indicator firing's (docs/alerts.md)."""
        return {
            "to": self.owner,
            "kind": RISK_TEXT,
            "risk": self.kind.value,
            "rule": self.rule_id,
            "key": self.key,
            "symbol": self.symbol or RISK_TEXT,
            "timeframe": RISK_TEXT,
            "condition": self.text,
            "fired_at": self.at.isoformat(),
            "candle_open": None,
            "values": dict(self.values),
            "before": {},
        }


def pct_text(fraction: Decimal) -> str:
    """A fraction as a percentage with two places (0.2534 -> '25.34')."""
    return f"{(fraction * HUNDRED).quantize(Decimal('0.01'))}"


# --- the rules ------------------------------------------------------------------------


def current_drawdown(
    days: Sequence[date], returns: Sequence[Decimal]
) -> tuple[date | None, Decimal]:
    """The drawdown now from the peak of the compounded daily returns, and the peak's
    day (None: the start, before any return). 0 when the series stands at its peak."""
    index = peak = ONE
    peak_day: date | None = None
    for day, value in zip(days, returns, strict=True):
        index *= ONE + value
        if index > peak:
            peak, peak_day = index, day
    if peak <= ZERO:
        return peak_day, ZERO
    return peak_day, ONE - index / peak


def drawdown_passed(fall: Decimal, level_pct: Decimal) -> bool:
    """Whether a drawdown (a fraction) has reached the level (a percentage)."""
    return fall * HUNDRED >= level_pct


def jumped(history: Sequence[Decimal], value: Decimal, factor: Decimal) -> Decimal | None:
    """The median it jumped from, when ``value`` is above ``factor`` × the median of
    ``history`` (its last ``JUMP_HISTORY`` values, at least ``JUMP_HISTORY_MIN``)."""
    recent = list(history)[-JUMP_HISTORY:]
    if len(recent) < JUMP_HISTORY_MIN:
        return None
    middle = Decimal(median(recent))
    if middle <= ZERO:
        return None
    return middle if value > factor * middle else None


def inactive_for(last_trade: datetime | None, now: datetime, days: Decimal) -> bool:
    """Whether ``days`` have passed since the provider's last fill (never with none)."""
    if last_trade is None:
        return False
    return now - last_trade >= timedelta(days=float(days))


def near_max_loss(
    copy_equity: Decimal, net_allocated: Decimal, max_loss_pct: Decimal, level_pct: Decimal
) -> bool:
    """Whether the relationship's drawdown has reached ``level_pct`` % of its max-loss
    stop: ``1 − e/n ≥ max_loss × level``, tested exactly (docs/domain.md, max loss)."""
    return loss_fraction_reached(
        copy_equity, net_allocated, max_loss_pct * level_pct / (HUNDRED * HUNDRED)
    )


def relationship_drawdown(copy_equity: Decimal, net_allocated: Decimal) -> Decimal:
    return copy_drawdown(copy_equity, net_allocated)


def settlement_side(
    owner: str, follower: str, provider: str, debit: Decimal, provider_credit: Decimal
) -> str | None:
    """``charged`` for the follower who paid, ``earned`` for the provider who was paid;
    None for anyone else or a settlement that moved nothing to them."""
    if owner == follower and debit > ZERO:
        return "charged"
    if owner == provider and provider_credit > ZERO:
        return "earned"
    return None


ACCOUNT_REASONS = ("insufficient_balance",)  # besides every ``venue:`` refusal


def needs_attention(reason: str | None) -> bool:
    """A copy decision that says the account itself needs attention."""
    return reason is not None and (reason in ACCOUNT_REASONS or reason.startswith("venue:"))
