"""The durable ledger: the domain ``Ledger`` port on SQL, inside the caller's transaction.

``SqlLedger`` never commits: a use case posts its transfers in the same unit of
work as its other changes and commits once at the boundary. A refused transfer
raises (``post``) or is reported (``post_many``) and leaves the transaction usable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from copytrade.adapters.db.repositories.ledger_posting import PostOutcome, PostStatus, post_batch
from copytrade.adapters.db.repositories.ledger_reads import (
    balances_by_currency,
    balances_of_kind,
    ledger_currencies,
    load_transfers,
    statement,
    stored_balance,
    stored_balances,
    sums_by_kind,
)
from copytrade.adapters.db.repositories.ledger_reconcile import Reconciliation, reconcile
from copytrade.domain.ledger import (
    LedgerAccount,
    LedgerAccountKind,
    PostResult,
    StatementLine,
    Transfer,
)
from copytrade.domain.ledger.rules import is_replay
from copytrade.domain.values import USDT, Currency


class SqlLedger:
    """Implements ``copytrade.domain.ledger.Ledger`` with the domain's own posting rules.

    ``currencies`` (code -> Currency) is what the ledger may hold and how to read
    stored account keys back; by default USDT plus the instruments table's assets
    (``ledger_currencies``), loaded once, on first use.
    """

    def __init__(self, session: Session, currencies: Mapping[str, Currency] | None = None) -> None:
        self._session = session
        self._currencies = None if currencies is None else {USDT.code: USDT, **currencies}

    @property
    def currencies(self) -> Mapping[str, Currency]:
        if self._currencies is None:
            self._currencies = ledger_currencies(self._session)
        return self._currencies

    def post(self, transfer: Transfer) -> PostResult:
        """Apply, replay or refuse (raising the ``LedgerError``, having written nothing)."""
        outcome = self.post_many((transfer,))[0]
        if outcome.error is not None:
            raise outcome.error
        return PostResult(outcome.transfer, replayed=outcome.status is PostStatus.REPLAYED)

    def post_many(self, transfers: Iterable[Transfer]) -> list[PostOutcome]:
        """Post in order as ``post`` would one by one, with a handful of queries in all.

        One outcome per transfer, in order: posted, replayed, or refused with its
        error. A refusal writes nothing for that transfer and does not stop the
        others, which see the balances as the earlier accepted ones left them.
        """
        batch = tuple(transfers)
        if not batch:
            return []
        return post_batch(self._session, batch, self.currencies)

    def post_all(self, transfers: Iterable[Transfer]) -> list[PostOutcome]:
        """``post_many`` for facts that already happened (venue fills): a refusal raises.

        The caller's transaction is then rolled back whole, so the books never hold
        half of a batch of fills.
        """
        outcomes = self.post_many(transfers)
        for outcome in outcomes:
            if outcome.error is not None:
                raise outcome.error
        return outcomes

    def balances_of(self, accounts: Sequence[LedgerAccount]) -> dict[str, Decimal]:
        """Balances of many accounts by key, in a few queries (absent means zero)."""
        return stored_balances(self._session, [account.key for account in accounts])

    def balances_of_kind(self, kind: LedgerAccountKind) -> dict[tuple[str, str], Decimal]:
        """(owner, currency code) -> balance of every account of ``kind`` (reconciliation)."""
        return balances_of_kind(self._session, kind)

    def transfer(self, key: str) -> Transfer | None:
        return load_transfers(self._session, (key,), self.currencies).get(key)

    def already_posted(self, transfer: Transfer) -> bool:
        """Whether ``transfer`` was posted before under its key (a replay: do nothing).

        Raises ``IdempotencyConflictError`` when the key was used for another movement
        (another amount or other accounts), as ``post`` would.
        """
        return is_replay(self.transfer(transfer.idempotency_key), transfer)

    def balance(self, account: LedgerAccount) -> Decimal:
        return stored_balance(self._session, account)

    def sum_by_currency(self) -> dict[str, Decimal]:
        return balances_by_currency(self._session)

    def entries_for(self, account: LedgerAccount) -> tuple[StatementLine, ...]:
        return statement(self._session, account)

    def sums_by_kind(
        self, account: LedgerAccount, since: datetime | None = None, until: datetime | None = None
    ) -> dict[str, Decimal]:
        """What moved in or out of ``account`` per transfer kind (e.g. platform revenue)."""
        return sums_by_kind(self._session, account, since, until)

    def reconcile(self) -> Reconciliation:
        """Stored balances vs their entries, zero sums, non-negativity (see ``reconcile``)."""
        return reconcile(self._session)
