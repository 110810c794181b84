"""Linked exchange accounts, their credentials sealed by the SecretBox.

The clear values exist only in memory, inside ``ApiCredentials`` (whose repr hides
them); the table holds ciphertext bound to its row (docs/persistence.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from copytrade.adapters.db.schema import ExchangeTradeCursorRow, LinkedExchangeAccountRow
from copytrade.adapters.secrets import SecretBox
from copytrade.adapters.venues.ccxt.credentials import ApiCredentials


@dataclass(frozen=True, slots=True)
class LinkedAccount:
    account: str
    exchange: str
    created_at: datetime
    sandbox: bool = False
    api_base: str | None = None


class LinkedAccountRepository:
    def __init__(self, session: Session, box: SecretBox | None = None) -> None:
        """``box`` opens and seals the credentials; listing and unlinking need none."""
        self._session = session
        self._opt_box = box

    @property
    def _box(self) -> SecretBox:
        if self._opt_box is None:
            raise AssertionError("this repository was made without a SecretBox")
        return self._opt_box

    def link(
        self,
        account: str,
        exchange: str,
        credentials: ApiCredentials,
        now: datetime,
        *,
        sandbox: bool = False,
        api_base: str | None = None,
    ) -> None:
        """Store (or replace) the account's exchange and sealed credentials."""
        row = LinkedExchangeAccountRow(
            account=account, exchange=exchange, created_at=now, sandbox=sandbox,
            api_base=api_base,
        )
        _seal_into(row, credentials, self._box)
        self._session.merge(row)
        self._session.flush()

    def credentials(self, account: str) -> tuple[str, ApiCredentials] | None:
        """The account's exchange and opened credentials, or None when not linked."""
        row = self._session.get(LinkedExchangeAccountRow, account)
        if row is None:
            return None
        return row.exchange, _open(row, self._box)

    def get(self, account: str) -> LinkedAccount | None:
        row = self._session.get(LinkedExchangeAccountRow, account)
        return None if row is None else _linked(row)

    def all(self) -> list[LinkedAccount]:
        rows = self._session.scalars(
            select(LinkedExchangeAccountRow).order_by(LinkedExchangeAccountRow.account)
        )
        return [_linked(r) for r in rows]

    def unlink(self, account: str) -> bool:
        """Forget the account, its credentials and its trade cursors."""
        row = self._session.get(LinkedExchangeAccountRow, account)
        if row is None:
            return False
        self._session.delete(row)
        self._session.execute(
            delete(ExchangeTradeCursorRow).where(ExchangeTradeCursorRow.account == account)
        )
        self._session.flush()
        return True

    def reseal_all(self, new_box: SecretBox) -> int:
        """Re-encrypt every row's credentials under ``new_box``; how many rows.

        Every row is opened before anything is written back, so a row that does not
        open under the current key raises ``SecretsError`` with nothing changed; the
        caller commits (or rolls back) the whole rotation at once.
        """
        rows = list(self._session.scalars(select(LinkedExchangeAccountRow)))
        opened = [(row, _open(row, self._box)) for row in rows]
        for row, credentials in opened:
            _seal_into(row, credentials, new_box)
        self._session.flush()
        return len(opened)


def _linked(row: LinkedExchangeAccountRow) -> LinkedAccount:
    return LinkedAccount(row.account, row.exchange, row.created_at, row.sandbox, row.api_base)


def _seal_into(
    row: LinkedExchangeAccountRow, credentials: ApiCredentials, box: SecretBox
) -> None:
    account, password = row.account, credentials.password
    row.api_key_sealed = box.seal(credentials.api_key, f"{account}/api_key")
    row.secret_sealed = box.seal(credentials.secret, f"{account}/secret")
    row.password_sealed = box.seal(password, f"{account}/password") if password else None


def _open(row: LinkedExchangeAccountRow, box: SecretBox) -> ApiCredentials:
    account = row.account
    password = (
        box.open(row.password_sealed, f"{account}/password") if row.password_sealed else None
    )
    return ApiCredentials(
        box.open(row.api_key_sealed, f"{account}/api_key"),
        box.open(row.secret_sealed, f"{account}/secret"),
        password,
    )
