"""Linked exchange accounts, their credentials sealed by the SecretBox.

The clear values exist only in memory, inside ``ApiCredentials`` (whose repr hides
them); the table holds ciphertext bound to its row (docs/persistence.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from copytrade.adapters.db.schema import LinkedExchangeAccountRow
from copytrade.adapters.secrets import SecretBox
from copytrade.adapters.venues.ccxt.credentials import ApiCredentials


@dataclass(frozen=True, slots=True)
class LinkedAccount:
    account: str
    exchange: str
    created_at: datetime


class LinkedAccountRepository:
    def __init__(self, session: Session, box: SecretBox) -> None:
        self._session = session
        self._box = box

    def link(
        self, account: str, exchange: str, credentials: ApiCredentials, now: datetime
    ) -> None:
        """Store (or replace) the account's exchange and sealed credentials."""
        password = credentials.password
        row = LinkedExchangeAccountRow(
            account=account,
            exchange=exchange,
            api_key_sealed=self._box.seal(credentials.api_key, f"{account}/api_key"),
            secret_sealed=self._box.seal(credentials.secret, f"{account}/secret"),
            password_sealed=self._box.seal(password, f"{account}/password") if password else None,
            created_at=now,
        )
        self._session.merge(row)
        self._session.flush()

    def credentials(self, account: str) -> tuple[str, ApiCredentials] | None:
        """The account's exchange and opened credentials, or None when not linked."""
        row = self._session.get(LinkedExchangeAccountRow, account)
        if row is None:
            return None
        box = self._box
        password = (
            box.open(row.password_sealed, f"{account}/password") if row.password_sealed else None
        )
        return row.exchange, ApiCredentials(
            box.open(row.api_key_sealed, f"{account}/api_key"),
            box.open(row.secret_sealed, f"{account}/secret"),
            password,
        )

    def all(self) -> list[LinkedAccount]:
        rows = self._session.scalars(
            select(LinkedExchangeAccountRow).order_by(LinkedExchangeAccountRow.account)
        )
        return [LinkedAccount(r.account, r.exchange, r.created_at) for r in rows]

    def unlink(self, account: str) -> bool:
        row = self._session.get(LinkedExchangeAccountRow, account)
        if row is None:
            return False
        self._session.delete(row)
        self._session.flush()
        return True
