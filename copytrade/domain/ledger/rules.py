"""The posting rules, pure so an in-memory and a SQL ledger apply the very same ones.

A repository loads the balances a transfer touches (locked), calls these, then
writes the returned balances and the transfer in one commit; on any error it
writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from copytrade.domain.ledger.errors import IdempotencyConflictError, InsufficientFundsError
from copytrade.domain.ledger.transfers import Transfer
from copytrade.domain.values import ZERO


def check_transfer(transfer: Transfer, balances: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """The new balance of every account the transfer touches, or a refusal.

    ``balances`` maps account keys to current balances (missing = 0). Raises
    ``InsufficientFundsError`` when an account that must stay >= 0 would go below.
    """
    after: dict[str, Decimal] = {}
    for posting in transfer.entries:
        account = posting.account
        before = balances.get(account.key, ZERO)
        new = before + posting.amount
        if new < ZERO and not account.kind.may_go_negative:
            raise InsufficientFundsError(account, before, -posting.amount, transfer.idempotency_key)
        after[account.key] = new
    return after


def is_replay(existing: Transfer | None, transfer: Transfer) -> bool:
    """True when ``transfer`` repeats ``existing`` (same key): post nothing, answer the first.

    Raises ``IdempotencyConflictError`` when the key was used for another movement,
    because silently answering with the first would hide a caller's bug.
    """
    if existing is None:
        return False
    if not existing.same_movement(transfer):
        raise IdempotencyConflictError(
            f"idempotency key {transfer.idempotency_key!r} was already used for a different "
            f"movement ({existing.describe()}); use a new key for a new movement"
        )
    return True
