"""The in-memory ledger: the reference model the SQL ledger is tested against."""

from __future__ import annotations

from decimal import Decimal

from copytrade.domain.ledger.accounts import LedgerAccount
from copytrade.domain.ledger.port import PostResult, StatementLine
from copytrade.domain.ledger.reversals import check_reversal
from copytrade.domain.ledger.rules import check_transfer, is_replay
from copytrade.domain.ledger.transfers import Transfer
from copytrade.domain.values import ZERO


class InMemoryLedger:
    """Balances, an append-only journal and the idempotency map, in dicts.

    Every check runs before the first write, so a refusal leaves it untouched.
    """

    def __init__(self) -> None:
        self._balances: dict[str, Decimal] = {}
        self._currency_of: dict[str, str] = {}  # account key -> currency code
        self._journal: list[Transfer] = []
        self._by_key: dict[str, Transfer] = {}
        self._reversed_by: dict[str, str] = {}  # reversed key -> reversal key
        self._lines: dict[str, list[StatementLine]] = {}

    def post(self, transfer: Transfer) -> PostResult:
        existing = self._by_key.get(transfer.idempotency_key)
        if existing is not None and is_replay(existing, transfer):
            return PostResult(existing, replayed=True)
        target = transfer.reverses
        if target is not None:
            check_reversal(transfer, self._by_key.get(target), self._reversed_by.get(target))
        new_balances = check_transfer(transfer, self._balances)
        # Checks passed: from here on nothing can fail.
        self._balances.update(new_balances)
        self._journal.append(transfer)
        self._by_key[transfer.idempotency_key] = transfer
        if target is not None:
            self._reversed_by[target] = transfer.idempotency_key
        for posting in transfer.entries:
            key = posting.account.key
            self._currency_of[key] = posting.account.currency.code
            line = StatementLine(
                transfer.idempotency_key,
                transfer.kind,
                transfer.ts,
                posting.amount,
                new_balances[key],
            )
            self._lines.setdefault(key, []).append(line)
        return PostResult(transfer, replayed=False)

    def unpost_last(self) -> None:
        """Take back the last transfer posted, as if it never was (the in-memory unit of
        work's undo log, docs/whatif.md "Speed")."""
        transfer = self._journal.pop()
        del self._by_key[transfer.idempotency_key]
        if transfer.reverses is not None:
            del self._reversed_by[transfer.reverses]
        for posting in reversed(transfer.entries):
            key = posting.account.key
            lines = self._lines[key]
            lines.pop()
            if lines:
                self._balances[key] = lines[-1].balance_after
            else:  # the account's first posting: it was not there before
                del self._lines[key], self._balances[key], self._currency_of[key]

    def transfer(self, key: str) -> Transfer | None:
        return self._by_key.get(key)

    def balance(self, account: LedgerAccount) -> Decimal:
        return self._balances.get(account.key, ZERO)

    def balances(self) -> dict[str, Decimal]:
        """A copy of every balance, by account key."""
        return dict(self._balances)

    def sum_by_currency(self) -> dict[str, Decimal]:
        sums: dict[str, Decimal] = {}
        for key, balance in self._balances.items():
            code = self._currency_of[key]
            sums[code] = sums.get(code, ZERO) + balance
        return sums

    def entries_for(self, account: LedgerAccount) -> tuple[StatementLine, ...]:
        return tuple(self._lines.get(account.key, ()))

    @property
    def journal(self) -> tuple[Transfer, ...]:
        return tuple(self._journal)
