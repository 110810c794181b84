"""What price alert rules and risk alert subscriptions share as use cases: an account's
rules, listed, read, switched and removed, another account's never found (docs/alerts.md,
"Rules" and "Risk alerts"). One unit of work per call."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Generic, Protocol, Self, TypeVar

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.alerts.errors import AlertNotFoundError
from copytrade.domain.ids import AccountId


class OwnedRule(Protocol):
    @property
    def owner(self) -> AccountId: ...

    def switched(self, enabled: bool) -> Self: ...


R = TypeVar("R", bound=OwnedRule)


class RuleStore(Protocol[R]):
    def rules(self, owner: str | None = None) -> list[R]: ...

    def get(self, rule_id: str) -> R | None: ...

    def remove(self, rule_id: str) -> bool: ...

    def set_enabled(self, rule_id: str, enabled: bool) -> bool: ...


class OwnedRules(Generic[R]):
    """The shared use cases; ``_store`` is where the rules are kept in a unit of work,
    ``_what`` names one in the not-found error."""

    _what: str

    def __init__(
        self, uow_factory: Callable[[], SqlUnitOfWork], clock: Callable[[], datetime]
    ) -> None:
        self._uow_factory = uow_factory
        self._clock = clock

    def _store(self, uow: SqlUnitOfWork) -> RuleStore[R]:
        raise NotImplementedError

    def rules(self, owner: str | None = None) -> list[R]:
        with self._uow_factory() as uow:
            return self._store(uow).rules(owner)

    def get(self, rule_id: str, owner: str | None = None) -> R:
        """The rule; with ``owner``, only if it is that account's (another's is not found)."""
        with self._uow_factory() as uow:
            return self._owned(uow, rule_id, owner)

    def remove(self, rule_id: str, owner: str | None = None) -> None:
        """Delete the rule (``owner``'s when given); what it fired stays listed."""
        with self._uow_factory() as uow:
            self._owned(uow, rule_id, owner)
            self._store(uow).remove(rule_id)
            uow.commit()

    def set_enabled(self, rule_id: str, enabled: bool, owner: str | None = None) -> R:
        """Switch the rule (``owner``'s when given) on or off; the rule as it now is."""
        with self._uow_factory() as uow:
            rule = self._owned(uow, rule_id, owner)
            self._store(uow).set_enabled(rule_id, enabled)
            uow.commit()
        return rule.switched(enabled)

    def _owned(self, uow: SqlUnitOfWork, rule_id: str, owner: str | None) -> R:
        rule = self._store(uow).get(rule_id)
        if rule is None or (owner is not None and str(rule.owner) != owner):
            raise AlertNotFoundError(f"no {self._what} {rule_id!r}")
        return rule
