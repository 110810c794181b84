"""Posting transfers into the SQL ledger, one or thousands at a time, in the caller's transaction.

The decisions are the domain's (``is_replay``, ``check_reversal``, ``check_transfer``),
taken in memory against balance rows locked for the duration; only accepted
transfers are written. See docs/persistence.md, "The SQL ledger".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from copytrade.adapters.db.repositories.ledger_reads import load_reversals, load_transfers, trimmed
from copytrade.adapters.db.repositories.ledger_writes import lock_balances, write_accepted
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ledger import (
    LedgerError,
    Transfer,
    check_reversal,
    check_transfer,
    is_replay,
)
from copytrade.domain.values import Currency

MEMO_LENGTH = 200  # ledger_transfers.memo is VARCHAR(200)
# ledger_balances.balance is NUMERIC(38, 18): below 1e20. One amount is far smaller
# (MAX_AMOUNT); a balance summing very many is refused here, not overflowed mid-write.
BALANCE_BOUND = Decimal("1e20")
# A concurrent writer can win a race we cannot lock against (a new key, a new
# account); the batch is then re-read and re-decided, which settles it.
ATTEMPTS = 5
_DEADLOCK = "40P01"


class PostStatus(StrEnum):
    POSTED = "posted"
    REPLAYED = "replayed"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class PostOutcome:
    """What became of one submitted transfer.

    ``transfer`` is the journal's transfer under the key: the submitted one when
    posted, the first one when replayed, the submitted (unwritten) one when refused.
    """

    status: PostStatus
    transfer: Transfer
    error: LedgerError | None = None


class UnstorableTransferError(LedgerError, InvalidValueError):
    """A valid transfer the SQL ledger could not read back exactly, so it refuses it."""


def post_batch(
    session: Session, transfers: Sequence[Transfer], currencies: Mapping[str, Currency]
) -> list[PostOutcome]:
    """Post in order inside a SAVEPOINT; a lost race rolls back only the savepoint."""
    session.flush()  # the caller's pending changes fail as theirs, not as a lost race
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with session.begin_nested():
                return _post_once(session, transfers, currencies)
        except (IntegrityError, OperationalError) as error:
            retryable = isinstance(error, IntegrityError) or _is_deadlock(error)
            if not retryable or attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable: the last attempt returns or raises")


def _is_deadlock(error: OperationalError) -> bool:
    return getattr(error.orig, "sqlstate", None) == _DEADLOCK


def _post_once(
    session: Session, transfers: Sequence[Transfer], currencies: Mapping[str, Currency]
) -> list[PostOutcome]:
    keys = {t.idempotency_key for t in transfers}
    targets = {t.reverses for t in transfers if t.reverses is not None}
    journal = load_transfers(session, keys | targets, currencies)
    # A key already journaled is a replay or a conflict: its accounts need no lock.
    fresh = [t for t in transfers if t.idempotency_key not in journal]
    touched = {p.account.key for t in fresh for p in t.entries}
    balances = lock_balances(session, sorted(touched))
    existing = set(balances)
    # Read after locking: a concurrent reversal of the same transfer locks the same
    # accounts, so it has committed (and is seen here) or waits for us.
    reversed_by = load_reversals(session, targets) if targets else {}
    outcomes: list[PostOutcome] = []
    accepted: list[Transfer] = []
    for transfer in transfers:
        try:
            outcome = _decide(transfer, journal, reversed_by, balances, currencies)
        except LedgerError as error:
            outcome = PostOutcome(PostStatus.REFUSED, transfer, error)
        if outcome.status is PostStatus.POSTED:
            accepted.append(transfer)
        outcomes.append(outcome)
    if accepted:
        write_accepted(session, accepted, balances, existing)
    return outcomes


def _decide(
    transfer: Transfer,
    journal: dict[str, Transfer],
    reversed_by: dict[str, str],
    balances: dict[str, Decimal],
    currencies: Mapping[str, Currency],
) -> PostOutcome:
    """The domain's posting rules, in the in-memory ledger's order; updates the maps."""
    key = transfer.idempotency_key
    first = journal.get(key)
    if first is not None and is_replay(first, transfer):
        return PostOutcome(PostStatus.REPLAYED, first)
    _check_storable(transfer, currencies)
    target = transfer.reverses
    if target is not None:
        check_reversal(transfer, journal.get(target), reversed_by.get(target))
    after = check_transfer(transfer, balances)
    _check_balances_storable(transfer, after)
    # Trimmed as if read back, so later messages in the batch match one-by-one posting.
    balances.update((account, trimmed(balance)) for account, balance in after.items())
    journal[key] = transfer
    if target is not None:
        reversed_by[target] = key
    return PostOutcome(PostStatus.POSTED, transfer)


def _check_balances_storable(transfer: Transfer, after: Mapping[str, Decimal]) -> None:
    for account, balance in after.items():
        if balance.copy_abs() >= BALANCE_BOUND:
            raise UnstorableTransferError(
                f"transfer {transfer.idempotency_key!r} would take {account} to {balance}; "
                f"the ledger stores balances below {BALANCE_BOUND:f} in magnitude"
            )


def _check_storable(transfer: Transfer, currencies: Mapping[str, Currency]) -> None:
    for posting in transfer.entries:
        currency = posting.account.currency
        if currencies.get(currency.code) != currency:
            raise UnstorableTransferError(
                f"transfer {transfer.idempotency_key!r} posts {currency.code} with "
                f"{currency.precision} decimals, but the ledger knows "
                f"{currencies.get(currency.code) or 'no such currency'}; add an instrument "
                f"trading it or pass the currency to SqlLedger"
            )
    if len(transfer.memo) > MEMO_LENGTH:
        raise UnstorableTransferError(
            f"transfer {transfer.idempotency_key!r} has a memo of {len(transfer.memo)} "
            f"characters; the ledger stores at most {MEMO_LENGTH}"
        )
