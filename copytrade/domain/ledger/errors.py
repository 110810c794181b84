"""Why the ledger refuses a transfer. Every refusal changes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from copytrade.domain.errors import DomainError, InvalidTransitionError, InvalidValueError

if TYPE_CHECKING:
    from copytrade.domain.ledger.accounts import LedgerAccount


class LedgerError(DomainError):
    """Base class of every ledger refusal."""


class UnbalancedTransferError(LedgerError, InvalidValueError):
    """A transfer's entries do not sum to zero in one of its currencies."""


class InsufficientFundsError(LedgerError):
    """A transfer would take an account that must stay >= 0 below zero."""

    def __init__(self, account: LedgerAccount, balance: Decimal, amount: Decimal, key: str) -> None:
        self.account = account
        self.balance = balance
        self.amount = amount
        code = account.currency.code
        super().__init__(
            f"{account} holds {balance} {code}, which cannot cover {amount} {code} "
            f"(transfer {key!r}); {account.kind} balances may not go below zero"
        )


class IdempotencyConflictError(LedgerError):
    """A different movement was posted under an idempotency key already used."""


class ReversalError(LedgerError, InvalidTransitionError):
    """A reversal does not exactly undo one posted, not yet reversed transfer."""
