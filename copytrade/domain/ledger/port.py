"""What every ledger implementation offers: the in-memory reference and the SQL one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from copytrade.domain.ledger.accounts import LedgerAccount
from copytrade.domain.ledger.transfers import Transfer, TransferKind


@dataclass(frozen=True, slots=True)
class PostResult:
    """The transfer in the journal under the key (the first one on a replay)."""

    transfer: Transfer
    replayed: bool


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One entry of an account's history, with the balance right after it."""

    idempotency_key: str
    kind: TransferKind
    ts: datetime
    amount: Decimal
    balance_after: Decimal


class Ledger(Protocol):
    def post(self, transfer: Transfer) -> PostResult:
        """Apply the transfer atomically, replay it, or refuse it changing nothing."""
        ...

    def transfer(self, key: str) -> Transfer | None:
        """The posted transfer under an idempotency key, if any."""
        ...

    def balance(self, account: LedgerAccount) -> Decimal: ...

    def sum_by_currency(self) -> Mapping[str, Decimal]:
        """Currency code -> sum of every account's balance: always all zeros."""
        ...

    def entries_for(self, account: LedgerAccount) -> Sequence[StatementLine]:
        """The account's entries in posting order."""
        ...
