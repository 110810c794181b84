"""Corrections: a posted transfer is never edited, it is undone by its exact opposite."""

from __future__ import annotations

from datetime import datetime

from copytrade.domain.ledger.errors import ReversalError
from copytrade.domain.ledger.transfers import Posting, Transfer, TransferKind


def reversal_of(transfer: Transfer, key: str, ts: datetime, memo: str = "") -> Transfer:
    """The transfer that undoes ``transfer``: every entry negated."""
    if transfer.kind is TransferKind.REVERSAL:
        raise ReversalError(
            f"transfer {transfer.idempotency_key!r} is itself a reversal and cannot be "
            f"reversed; post the original movement again under a new key"
        )
    entries = tuple(Posting(posting.account, -posting.amount) for posting in transfer.entries)
    memo = memo or f"reverses {transfer.idempotency_key}"
    return Transfer(key, TransferKind.REVERSAL, entries, ts, memo, transfer.idempotency_key)


def check_reversal(reversal: Transfer, original: Transfer | None, reversed_by: str | None) -> None:
    """Refuse a reversal unless it exactly undoes one posted, not yet reversed transfer.

    ``original`` is the journal's transfer under ``reversal.reverses`` (None if never
    posted) and ``reversed_by`` the key of a reversal already posted for it.
    """
    target = reversal.reverses
    if original is None:
        raise ReversalError(f"{reversal.idempotency_key!r} reverses {target!r}, never posted")
    if original.kind is TransferKind.REVERSAL:
        raise ReversalError(f"{target!r} is itself a reversal and cannot be reversed")
    if reversed_by is not None:
        raise ReversalError(f"{target!r} was already reversed by {reversed_by!r}")
    opposite = {account: -amount for account, amount in original.movement.items()}
    if reversal.movement != opposite:
        raise ReversalError(
            f"{reversal.idempotency_key!r} does not exactly undo {target!r}; "
            f"build it with reversal_of()"
        )
