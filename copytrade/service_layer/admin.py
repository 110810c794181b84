"""The operator's area: jurisdiction rules (docs/api.md, Rules a follow must pass) and the
platform's revenue by source."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.db.repositories.identity import Jurisdiction
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.identity import normalise_jurisdiction
from copytrade.domain.ledger import LedgerAccount, TransferKind
from copytrade.domain.profit_share.amounts import ledger_amount
from copytrade.domain.values import USDT, ZERO

# The ledger's transfer kinds that pay the platform, by the name the admin area shows.
REVENUE_SOURCES = {
    TransferKind.PROFIT_SHARE.value: "profit_share_fees",
    TransferKind.SUBSCRIPTION.value: "subscription_cuts",
    TransferKind.COMMISSION.value: "commissions",
}


@dataclass(frozen=True, slots=True)
class Revenue:
    currency: str
    by_source: dict[str, Decimal]
    total: Decimal


def _cap(amount: Decimal | None, what: str) -> Decimal | None:
    return None if amount is None else ledger_amount(amount, what, USDT, positive=True)


class AdminService:
    def __init__(self, uow_factory: Callable[[], SqlUnitOfWork]) -> None:
        self._uow_factory = uow_factory

    def jurisdictions(self) -> list[Jurisdiction]:
        with self._uow_factory() as uow:
            return uow.jurisdictions.all()

    def jurisdiction(self, code: str) -> tuple[Jurisdiction, bool]:
        """The rules of ``code`` and whether they were configured (else: the defaults)."""
        code = normalise_jurisdiction(code)
        with self._uow_factory() as uow:
            stored = uow.jurisdictions.get(code)
        if stored is None:
            return Jurisdiction(code, True, None), False
        return stored, True

    def set_jurisdiction(
        self,
        code: str,
        copying_offered: bool,
        max_allocation: Decimal | None,
        max_total_allocation: Decimal | None = None,
    ) -> Jurisdiction:
        """The rules of ``code``: per-relationship and per-follower caps (None: none)."""
        code = normalise_jurisdiction(code)
        rules = Jurisdiction(
            code,
            copying_offered,
            _cap(max_allocation, "max allocation"),
            _cap(max_total_allocation, "max total allocation"),
        )
        with self._uow_factory() as uow:
            uow.jurisdictions.save(rules)
            uow.commit()
        return rules

    def revenue(self, since: datetime | None = None, until: datetime | None = None) -> Revenue:
        """The platform's revenue in USDT per source, from the ledger, in [since, until)."""
        if since is not None and until is not None and since >= until:
            raise InvalidValueError(f"since ({since}) must be before until ({until})")
        with self._uow_factory() as uow:
            sums = uow.ledger.sums_by_kind(LedgerAccount.platform_revenue(USDT), since, until)
        by_source = {name: ZERO for name in REVENUE_SOURCES.values()}
        for kind, amount in sums.items():
            name = REVENUE_SOURCES.get(kind, kind)  # e.g. a reversal shows as its own line
            by_source[name] = by_source.get(name, ZERO) + amount
        return Revenue(USDT.code, by_source, sum(by_source.values(), ZERO))
