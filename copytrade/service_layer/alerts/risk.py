"""Copy-trading risk alerts: subscribing to them (docs/alerts.md, "Risk alerts"). The
watcher that fires them is ``risk_watcher.py``."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.jsonable import decimal_text
from copytrade.domain.alerts.errors import AlertNotFoundError, InvalidAlertError
from copytrade.domain.alerts.risk import (
    RiskKind,
    RiskRule,
    checked_level,
)
from copytrade.domain.ids import AccountId


def new_risk_rule_id() -> str:
    return f"risk_{uuid.uuid4().hex[:16]}"


def risk_rule_json(rule: RiskRule) -> dict[str, object]:
    return {
        "id": rule.id, "owner": str(rule.owner), "kind": rule.kind.value,
        "level": None if rule.level is None else decimal_text(rule.level),
        "provider": rule.provider, "created_at": rule.created_at.isoformat(),
        "enabled": rule.enabled, "text": rule.describe(),
    }


def days_text(quiet: timedelta) -> str:
    return "1 day" if quiet.days == 1 else f"{quiet.days} days"


class RiskAlerts:
    """Subscribing to risk alerts: add, list, remove, switch; what fired."""

    def __init__(
        self, uow_factory: Callable[[], SqlUnitOfWork], clock: Callable[[], datetime]
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def add(
        self, owner: str, kind: str, level: Decimal | None = None, provider: str | None = None,
        enabled: bool = True,
    ) -> RiskRule:
        risk = RiskKind.parse(kind)
        checked = checked_level(risk, level)
        with self._uow_factory() as uow:
            if not uow.accounts.exists(owner):
                raise InvalidAlertError(f"no account {owner!r} to own the risk alert")
            if provider is not None and not uow.accounts.exists(provider):
                raise InvalidAlertError(f"no provider {provider!r} to watch")
            rule = RiskRule(
                id=new_risk_rule_id(), owner=AccountId(owner), kind=risk, level=checked,
                provider=provider, created_at=self._clock(), enabled=enabled,
            )
            uow.risk_alerts.add(rule)
            uow.commit()
        return rule

    def rules(self, owner: str | None = None) -> list[RiskRule]:
        with self._uow_factory() as uow:
            return uow.risk_alerts.rules(owner)

    def get(self, rule_id: str, owner: str | None = None) -> RiskRule:
        """The rule; with ``owner``, only if it is that account's (another's is not found)."""
        with self._uow_factory() as uow:
            return _owned(uow, rule_id, owner)

    def remove(self, rule_id: str, owner: str | None = None) -> None:
        """Delete the rule (``owner``'s when given); what it fired stays listed."""
        with self._uow_factory() as uow:
            _owned(uow, rule_id, owner)
            uow.risk_alerts.remove(rule_id)
            uow.commit()

    def set_enabled(self, rule_id: str, enabled: bool, owner: str | None = None) -> RiskRule:
        """Switch the rule (``owner``'s when given) on or off; the rule as it now is."""
        with self._uow_factory() as uow:
            rule = _owned(uow, rule_id, owner)
            uow.risk_alerts.set_enabled(rule_id, enabled)
            uow.commit()
        return replace(rule, enabled=enabled)

    def fired(self, owner: str | None = None, limit: int = 100) -> list[dict[str, object]]:
        with self._uow_factory() as uow:
            return uow.risk_alerts.firings(owner, limit)


def _owned(uow: SqlUnitOfWork, rule_id: str, owner: str | None) -> RiskRule:
    rule = uow.risk_alerts.get(rule_id)
    if rule is None or (owner is not None and str(rule.owner) != owner):
        raise AlertNotFoundError(f"no risk alert rule {rule_id!r}")
    return rule
