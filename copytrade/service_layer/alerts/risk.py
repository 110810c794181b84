"""Copy-trading risk alerts: subscribing to them (docs/alerts.md, "Risk alerts"). The
watcher that fires them is ``risk_watcher.py``."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.jsonable import decimal_text
from copytrade.domain.alerts.errors import InvalidAlertError
from copytrade.domain.alerts.risk import (
    RiskKind,
    RiskRule,
    checked_level,
)
from copytrade.domain.ids import AccountId
from copytrade.service_layer.alerts.owned import OwnedRules, RuleStore


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


class RiskAlerts(OwnedRules[RiskRule]):
    """Subscribing to risk alerts: add, list, remove, switch (owned.py); what fired."""

    _what = "risk alert rule"

    def _store(self, uow: SqlUnitOfWork) -> RuleStore[RiskRule]:
        return uow.risk_alerts

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

    def fired(self, owner: str | None = None, limit: int = 100) -> list[dict[str, object]]:
        with self._uow_factory() as uow:
            return uow.risk_alerts.firings(owner, limit)

