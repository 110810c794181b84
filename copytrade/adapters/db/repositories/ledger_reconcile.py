"""Reconciliation: the stored balances against the immutable entries they summarise.

Balances are kept in lockstep with the entries for speed; this recomputes them
from scratch, so a bug or a manual edit that let the two drift is found (tests
run it after every scenario; an admin command will run it on production data).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from copytrade.adapters.db.schema import LedgerBalanceRow, LedgerEntryRow
from copytrade.domain.ledger import LedgerAccountKind
from copytrade.domain.values import ZERO

_E = LedgerEntryRow
_B = LedgerBalanceRow


@dataclass(frozen=True, slots=True)
class BalanceMismatch:
    """A stored balance (0 when the row is missing) that is not the sum of its entries."""

    account: str
    stored: Decimal
    from_entries: Decimal


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """Every discrepancy found; an empty report means the ledger is sound."""

    mismatches: tuple[BalanceMismatch, ...]
    unbalanced: Mapping[str, Decimal]  # currency code -> non-zero sum of its balances
    negative: tuple[str, ...]  # accounts that must stay >= 0 but are below

    @property
    def ok(self) -> bool:
        return not (self.mismatches or self.unbalanced or self.negative)


def reconcile(session: Session) -> Reconciliation:
    stored: dict[str, Decimal] = {}
    totals: dict[str, Decimal] = {}
    negative: list[str] = []
    rows = session.execute(select(_B.account, _B.kind, _B.currency, _B.balance))
    for account, kind, code, balance in rows:
        stored[account] = balance
        totals[code] = totals.get(code, ZERO) + balance
        if balance < ZERO and not LedgerAccountKind(kind).may_go_negative:
            negative.append(account)
    sums = _entry_sums(session)
    mismatches = [
        BalanceMismatch(account, stored.get(account, ZERO), sums.get(account, ZERO))
        for account in sorted(stored.keys() | sums.keys())
        if stored.get(account, ZERO) != sums.get(account, ZERO)
    ]
    unbalanced = {code: total for code, total in sorted(totals.items()) if total != ZERO}
    return Reconciliation(tuple(mismatches), unbalanced, tuple(sorted(negative)))


def _entry_sums(session: Session) -> dict[str, Decimal]:
    """Account -> sum of its entries: NUMERIC SUM on PostgreSQL, Python on SQLite's text."""
    if session.get_bind().dialect.name == "postgresql":
        query = select(_E.account, func.sum(_E.amount)).group_by(_E.account)
        return {account: total for account, total in session.execute(query)}
    return _sum_pairs(session.execute(select(_E.account, _E.amount)))


def _sum_pairs(pairs: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    for account, amount in pairs:
        sums[account] = sums.get(account, ZERO) + amount
    return sums
