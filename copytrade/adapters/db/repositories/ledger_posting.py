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
from typing import cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from copytrade.adapters.db.repositories.ledger_reads import (
    chunks,
    load_reversals,
    load_transfers,
    trimmed,
)
from copytrade.adapters.db.schema import LedgerBalanceRow, LedgerEntryRow, LedgerTransferRow
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ledger import (
    LedgerAccount,
    LedgerError,
    Transfer,
    check_reversal,
    check_transfer,
    is_replay,
)
from copytrade.domain.values import Currency

MEMO_LENGTH = 200  # ledger_transfers.memo is VARCHAR(200)
# A concurrent writer can win a race we cannot lock against (a new key, a new
# account); the batch is then re-read and re-decided, which settles it.
ATTEMPTS = 3
_DEADLOCK = "40P01"
# Core rather than the ORM's bulk update, which SQLite would run row by row.
_BALANCE_TABLE = cast(Table, LedgerBalanceRow.__table__)
_BALANCES = _BALANCE_TABLE.c
_UPDATE_BALANCE = (
    update(_BALANCE_TABLE)
    .where(_BALANCES.account == bindparam("key"))
    .values(balance=bindparam("new"))
)


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
    balances = _lock_balances(session, sorted(touched))
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
        _write(session, accepted, balances, existing)
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
    # Trimmed as if read back, so later messages in the batch match one-by-one posting.
    balances.update((account, trimmed(balance)) for account, balance in after.items())
    journal[key] = transfer
    if target is not None:
        reversed_by[target] = key
    return PostOutcome(PostStatus.POSTED, transfer)


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


def _lock_balances(session: Session, accounts: Sequence[str]) -> dict[str, Decimal]:
    """Current balances of the rows that exist, locked in one global (byte) order.

    Every writer locks in the same order, so two cannot deadlock on these rows.
    ``COLLATE "C"`` makes PostgreSQL's order Python's; SQLite ignores FOR UPDATE
    (its BEGIN IMMEDIATE write lock already serialises writers) and has no "C".
    """
    column = LedgerBalanceRow.account
    order = column.collate("C") if session.get_bind().dialect.name == "postgresql" else column
    locked: dict[str, Decimal] = {}
    for part in chunks(accounts):
        query = (
            select(column, LedgerBalanceRow.balance)
            .where(column.in_(part))
            .order_by(order)
            .with_for_update()
        )
        locked.update((account, trimmed(balance)) for account, balance in session.execute(query))
    return locked


def _write(
    session: Session,
    accepted: Sequence[Transfer],
    balances: Mapping[str, Decimal],
    existing: set[str],
) -> None:
    """Balances first (a lost race on a new account fails before anything else is sent)."""
    changed: dict[str, LedgerAccount] = {
        p.account.key: p.account for t in accepted for p in t.entries
    }
    order = sorted(changed)
    new_rows = [_balance_row(changed[key], balances[key]) for key in order if key not in existing]
    if new_rows:
        session.execute(insert(LedgerBalanceRow), new_rows)
    updates = [{"key": key, "new": balances[key]} for key in order if key in existing]
    if updates:
        session.execute(_UPDATE_BALANCE, updates)  # one executemany
    transfer_rows = [
        {
            "idempotency_key": t.idempotency_key,
            "kind": t.kind.value,
            "memo": t.memo,
            "reverses": t.reverses,
            "ts": t.ts,
        }
        for t in accepted
    ]
    session.execute(insert(LedgerTransferRow), transfer_rows)
    # Read the ids back by key: SQLite would insert row by row to return them in order.
    ids = _transfer_ids(session, [t.idempotency_key for t in accepted])
    entry_rows = [
        {
            "transfer_id": ids[t.idempotency_key],
            "account": p.account.key,
            "currency": p.account.currency.code,
            "amount": p.amount,
        }
        for t in accepted
        for p in t.entries
    ]
    session.execute(insert(LedgerEntryRow), entry_rows)


def _transfer_ids(session: Session, keys: Sequence[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    column = LedgerTransferRow.idempotency_key
    for part in chunks(keys):
        query = select(column, LedgerTransferRow.id).where(column.in_(part))
        ids.update((key, transfer_id) for key, transfer_id in session.execute(query))
    return ids


def _balance_row(account: LedgerAccount, balance: Decimal) -> dict[str, object]:
    return {
        "account": account.key,
        "kind": account.kind.value,
        "owner": account.owner,
        "currency": account.currency.code,
        "balance": balance,
    }
