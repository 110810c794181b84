"""Reading the SQL ledger back as domain objects: transfers, balances, statements.

Every function takes the caller's session, so reads see the caller's own
uncommitted postings (a unit of work reads what it is about to commit).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import suppress
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from copytrade.adapters.db.keyed import KeyedSelect, keys_param
from copytrade.adapters.db.schema import (
    InstrumentRow,
    LedgerBalanceRow,
    LedgerEntryRow,
    LedgerTransferRow,
)
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ledger import (
    LedgerAccount,
    LedgerAccountKind,
    Posting,
    StatementLine,
    Transfer,
    TransferKind,
)
from copytrade.domain.values import USDT, ZERO, Currency

T = TypeVar("T")

# Well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters per statement.
CHUNK = 2000
# The instruments table stores no precision for base assets; 8 is what BTC, ETH and
# the venues' spot balances use, and Currency's own default.
BASE_ASSET_PRECISION = 8

_ONE = Decimal(1)
_T = LedgerTransferRow
_E = LedgerEntryRow
_B = LedgerBalanceRow
_BALANCES_OF = KeyedSelect(
    select(_B.account, _B.balance).where(_B.account.in_(keys_param())), CHUNK
)
_JOURNAL = KeyedSelect(
    select(_T.idempotency_key, _T.kind, _T.ts, _T.memo, _T.reverses, _E.account, _E.amount)
    .join(_E, _E.transfer_id == _T.id)
    .where(_T.idempotency_key.in_(keys_param()))
    .order_by(_E.id),
    CHUNK,
)


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def trimmed(value: Decimal) -> Decimal:
    """The value without the zeros NUMERIC(38, 18) pads it with on PostgreSQL.

    So amounts read the same on both backends and in messages ("holds 1000 USDT",
    not "1000.000000000000000000"); plain notation is kept for whole numbers.
    """
    if value == value.to_integral_value():
        return value.quantize(_ONE)
    return value.normalize()


def ledger_currencies(session: Session) -> dict[str, Currency]:
    """USDT, every instrument's base asset (8 decimals) and quote (its stored precision).

    The instruments table is the platform's list of what can be traded, so it is
    also the list of what the ledger can hold. It stores no precision for base
    assets, so they get ``Currency``'s default of 8 decimals (what BTC, ETH and the
    venues' spot balances use); a quote currency's stored precision wins over that,
    and USDT is always the domain's USDT (8 decimals, docs/domain.md) whatever a row says.
    """
    bases: dict[str, Currency] = {}
    quotes: dict[str, Currency] = {}
    query = select(InstrumentRow.base, InstrumentRow.quote, InstrumentRow.quote_precision)
    for base, quote, precision in session.execute(query):
        _add_currency(bases, base, BASE_ASSET_PRECISION)
        _add_currency(quotes, quote, precision)
    return bases | quotes | {USDT.code: USDT}


def _add_currency(known: dict[str, Currency], code: str, precision: int) -> None:
    # A code the domain does not accept can never be posted: leave it out.
    with suppress(InvalidValueError):
        known[code] = Currency(code, precision)


def load_transfers(
    session: Session, keys: Collection[str], currencies: Mapping[str, Currency]
) -> dict[str, Transfer]:
    """The journaled transfers under these idempotency keys, entries in posting order."""
    found: dict[str, tuple[Any, list[Posting]]] = {}
    accounts: dict[str, LedgerAccount] = {}  # parse each key once per call
    for row in _JOURNAL.rows(session, sorted(keys)):
        account = accounts.get(row.account)
        if account is None:
            account = accounts[row.account] = LedgerAccount.from_key(row.account, currencies)
        found.setdefault(row.idempotency_key, (row, []))[1].append(
            Posting(account, trimmed(row.amount))
        )
    return {
        key: Transfer(key, TransferKind(row.kind), tuple(entries), row.ts, row.memo, row.reverses)
        for key, (row, entries) in found.items()
    }


def load_reversals(session: Session, targets: Collection[str]) -> dict[str, str]:
    """Reversed key -> the key of the reversal that undid it."""
    reversed_by: dict[str, str] = {}
    for part in chunks(sorted(targets)):
        query = select(_T.reverses, _T.idempotency_key).where(_T.reverses.in_(part))
        for target, key in session.execute(query):
            if target is not None:
                reversed_by[target] = key
    return reversed_by


def stored_balance(session: Session, account: LedgerAccount) -> Decimal:
    value = session.scalar(select(_B.balance).where(_B.account == account.key))
    return ZERO if value is None else trimmed(value)


def stored_balances(session: Session, keys: Sequence[str]) -> dict[str, Decimal]:
    return {key: trimmed(value) for key, value in _BALANCES_OF.rows(session, keys)}


def balances_by_currency(session: Session) -> dict[str, Decimal]:
    """Currency code -> sum of the stored balances (summed here: SQLite keeps text)."""
    sums: dict[str, Decimal] = {}
    for code, balance in session.execute(select(_B.currency, _B.balance)):
        sums[code] = sums.get(code, ZERO) + balance
    return {code: trimmed(total) for code, total in sums.items()}


def balances_of_kind(session: Session, kind: LedgerAccountKind) -> dict[tuple[str, str], Decimal]:
    """(owner, currency code) -> stored balance of every account of ``kind``."""
    rows = session.execute(select(_B.owner, _B.currency, _B.balance).where(_B.kind == kind.value))
    return {(owner, code): trimmed(balance) for owner, code, balance in rows}


def statement(session: Session, account: LedgerAccount) -> tuple[StatementLine, ...]:
    """The account's entries in posting order, each with the running balance after it.

    Entry ids follow posting order per account because an entry is only inserted
    while its account's balance row is locked.
    """
    query = (
        select(_T.idempotency_key, _T.kind, _T.ts, _E.amount)
        .join(_T, _T.id == _E.transfer_id)
        .where(_E.account == account.key)
        .order_by(_E.id)
    )
    lines: list[StatementLine] = []
    running = ZERO
    for key, kind, ts, amount in session.execute(query):
        running += amount
        lines.append(StatementLine(key, TransferKind(kind), ts, trimmed(amount), trimmed(running)))
    return tuple(lines)


def sums_by_kind(
    session: Session,
    account: LedgerAccount,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, Decimal]:
    """Transfer kind -> the sum of the account's entries of that kind, in [since, until)."""
    query = select(_T.kind, _E.amount).join(_T, _T.id == _E.transfer_id)
    query = query.where(_E.account == account.key)
    if since is not None:
        query = query.where(_T.ts >= since)
    if until is not None:
        query = query.where(_T.ts < until)
    sums: dict[str, Decimal] = {}
    for kind, amount in session.execute(query):
        sums[kind] = sums.get(kind, ZERO) + amount  # summed here: SQLite keeps text
    return {kind: trimmed(total) for kind, total in sums.items()}
