"""Creating, listing, switching and removing alert rules (docs/alerts.md, "Rules").

Every input is checked before anything is written, each with an error naming what
is wrong: the condition (the part that cannot be read), the timeframe, the symbol
(against the instruments the platform lists), the owner (an existing account), the
fire mode, cooldown and expiry. One unit of work per call.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.alerts.errors import (
    InvalidAlertError,
    UnknownAlertSymbolError,
)
from copytrade.domain.alerts.parser import parse_conditions
from copytrade.domain.alerts.rules import AlertRule, FireMode
from copytrade.domain.alerts.timeframes import Timeframe
from copytrade.domain.ids import AccountId, AlertRuleId
from copytrade.service_layer.alerts.owned import OwnedRules, RuleStore


class Unset:
    """``edit``'s "not given" for a field where None means something (no expiry)."""


UNSET = Unset()


def new_rule_id() -> AlertRuleId:
    return AlertRuleId(f"alert_{uuid.uuid4().hex[:16]}")


class AlertRules(OwnedRules[AlertRule]):
    """Price alert rules: add, edit; list, read, remove, switch (owned.py); what fired."""

    _what = "alert rule"

    def _store(self, uow: SqlUnitOfWork) -> RuleStore[AlertRule]:
        return uow.alerts

    def add(
        self,
        owner: str,
        symbol: str,
        timeframe: str,
        condition: str,
        *,
        mode: str = "once",
        cooldown: timedelta = timedelta(0),
        expires_at: datetime | None = None,
        enabled: bool = True,
    ) -> AlertRule:
        conditions = parse_conditions(condition)
        frame = Timeframe.parse(timeframe)
        fire_mode = FireMode.parse(mode)
        with self._uow_factory() as uow:
            known = tuple(sorted(uow.instruments.all()))
            if symbol not in known:
                raise UnknownAlertSymbolError(symbol, known)
            if not uow.accounts.exists(owner):
                raise InvalidAlertError(f"no account {owner!r} to own the alert")
            rule = AlertRule(
                id=new_rule_id(), owner=AccountId(owner), symbol=symbol, timeframe=frame,
                conditions=conditions, mode=fire_mode, cooldown=cooldown,
                created_at=self._clock(), expires_at=expires_at, enabled=enabled,
            )
            uow.alerts.add(rule)
            uow.commit()
        return rule

    def edit(
        self,
        rule_id: str,
        owner: str | None = None,
        *,
        condition: str | None = None,
        mode: str | None = None,
        cooldown: timedelta | None = None,
        expires_at: datetime | Unset | None = UNSET,
        enabled: bool | None = None,
    ) -> AlertRule:
        """Change what is given of the rule (``owner``'s when given), in place: its
        condition, fire mode, cooldown, expiry (None: none) and switch, checked as ``add``
        checks them (an expiry must be in the future). Its firings stay its own, and so
        its fire count and last firing (they are read from its firings): a ``once`` rule
        that fired stays spent. Market and candles stay: a rule on another market is
        another rule. The rule as it now is."""
        with self._uow_factory() as uow:
            rule = self._owned(uow, rule_id, owner)
            changes: dict[str, Any] = {}
            if condition is not None:
                conditions = parse_conditions(condition)
                changes["conditions"] = conditions
            if mode is not None:
                changes["mode"] = FireMode.parse(mode)
                if changes["mode"] is FireMode.ONCE and cooldown is None:
                    changes["cooldown"] = timedelta(0)  # a once rule has none
            if cooldown is not None:
                changes["cooldown"] = cooldown
            if not isinstance(expires_at, Unset) and expires_at != rule.expires_at:
                if expires_at is not None and expires_at <= self._clock():
                    raise InvalidAlertError(
                        f"expiry {expires_at.isoformat()} is not in the future"
                    )
                changes["expires_at"] = expires_at
            if enabled is not None:
                changes["enabled"] = enabled
            edited = replace(rule, **changes)
            uow.alerts.replace(edited)
            uow.commit()
        return edited

    def firings(self, owner: str | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        with self._uow_factory() as uow:
            return uow.alerts.firings(owner, limit)



def rule_json(rule: AlertRule, now: datetime) -> dict[str, Any]:
    return {
        "id": str(rule.id),
        "owner": str(rule.owner),
        "symbol": rule.symbol,
        "timeframe": rule.timeframe.value,
        "condition": str(rule.conditions),
        "mode": rule.mode.value,
        "cooldown_seconds": int(rule.cooldown.total_seconds()),
        "created_at": rule.created_at.isoformat(),
        "expires_at": None if rule.expires_at is None else rule.expires_at.isoformat(),
        "enabled": rule.enabled,
        "status": rule.status(now),
        "fired_count": rule.fired_count,
        "last_fired_at": None if rule.last_fired_at is None else rule.last_fired_at.isoformat(),
    }
