"""The SQL ledger's row-level work: lock balance rows in order, write accepted transfers.

``ledger_posting`` decides; this only reads locked balances and writes, in bulk.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from copytrade.adapters.db.bulk import BulkStatement
from copytrade.adapters.db.keyed import KeyedSelect, keys_param
from copytrade.adapters.db.repositories.ledger_reads import CHUNK, trimmed
from copytrade.adapters.db.schema import LedgerBalanceRow, LedgerEntryRow, LedgerTransferRow
from copytrade.domain.ledger import LedgerAccount, Transfer

# Core rather than the ORM's bulk update, which SQLite would run row by row.
_BALANCE_TABLE = cast(Table, LedgerBalanceRow.__table__)
_TRANSFER_TABLE = cast(Table, LedgerTransferRow.__table__)
_ENTRY_TABLE = cast(Table, LedgerEntryRow.__table__)
_BALANCES = _BALANCE_TABLE.c
_UPDATE_BALANCE = BulkStatement(
    update(_BALANCE_TABLE)
    .where(_BALANCES.account == bindparam("key"))
    .values(balance=bindparam("new")),
    ("key", "new"),
)
_INSERT_BALANCES = BulkStatement(
    insert(_BALANCE_TABLE), ("account", "kind", "owner", "currency", "balance")
)
_INSERT_TRANSFERS = BulkStatement(
    insert(_TRANSFER_TABLE), ("idempotency_key", "kind", "memo", "reverses", "ts")
)
_INSERT_ENTRIES = BulkStatement(
    insert(_ENTRY_TABLE), ("transfer_id", "account", "currency", "amount")
)


def _locking(order: Any) -> KeyedSelect:
    column = LedgerBalanceRow.account
    return KeyedSelect(
        select(column, LedgerBalanceRow.balance)
        .where(column.in_(keys_param()))
        .order_by(order)
        .with_for_update(),
        CHUNK,
    )


_LOCK = {  # ``COLLATE "C"`` on PostgreSQL, see lock_balances
    "postgresql": _locking(LedgerBalanceRow.account.collate("C")),
    "sqlite": _locking(LedgerBalanceRow.account),
}
_TRANSFER_IDS = KeyedSelect(
    select(LedgerTransferRow.idempotency_key, LedgerTransferRow.id).where(
        LedgerTransferRow.idempotency_key.in_(keys_param())
    ),
    CHUNK,
)


def lock_balances(session: Session, accounts: Sequence[str]) -> dict[str, Decimal]:
    """Current balances of the rows that exist, locked in one global (byte) order.

    Every writer locks in the same order, so two cannot deadlock on these rows.
    ``COLLATE "C"`` makes PostgreSQL's order Python's; SQLite ignores FOR UPDATE
    (its BEGIN IMMEDIATE write lock already serialises writers) and has no "C".
    """
    query = _LOCK["postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"]
    return {account: trimmed(balance) for account, balance in query.rows(session, accounts)}


def write_accepted(
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
    _INSERT_BALANCES.execute(session, new_rows)
    updates = [{"key": key, "new": balances[key]} for key in order if key in existing]
    _UPDATE_BALANCE.execute(session, updates)
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
    _INSERT_TRANSFERS.execute(session, transfer_rows)
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
    _INSERT_ENTRIES.execute(session, entry_rows)


def _transfer_ids(session: Session, keys: Sequence[str]) -> dict[str, int]:
    return {key: transfer_id for key, transfer_id in _TRANSFER_IDS.rows(session, keys)}


def _balance_row(account: LedgerAccount, balance: Decimal) -> dict[str, object]:
    return {
        "account": account.key,
        "kind": account.kind.value,
        "owner": account.owner,
        "currency": account.currency.code,
        "balance": balance,
    }
