"""User accounts and provider terms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from copytrade.adapters.db.schema import AccountRow, ProviderRow
from copytrade.domain.errors import DomainError


class UnknownAccountError(DomainError, LookupError):
    """No account has that id."""


class DuplicateAccountError(DomainError):
    """An account with that id exists already."""


@dataclass(frozen=True, slots=True)
class ProviderTerms:
    provider_id: str
    share_pct: Decimal
    subscription_price: Decimal | None = None
    follower_cap: int | None = None
    settlement_period: str = "weekly"
    fee_model: str = "profit_share"  # profit_share / subscription / commission
    min_allocation: Decimal | None = None  # the smallest allocation a follower copies with
    margin_mode: str = "isolated"  # the provider's own book (docs/domain.md "Margin")


class AccountRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, account_id: str, display_name: str, now: datetime) -> None:
        if self._session.get(AccountRow, account_id) is not None:
            raise DuplicateAccountError(f"account {account_id!r} exists already")
        self._session.add(
            AccountRow(id=account_id, display_name=display_name, is_provider=False, created_at=now)
        )
        self._session.flush()

    def make_provider(self, terms: ProviderTerms) -> None:
        row = self._session.get(AccountRow, terms.provider_id)
        if row is None:
            raise UnknownAccountError(f"no account {terms.provider_id!r} to make a provider")
        row.is_provider = True
        self._session.merge(
            ProviderRow(
                account_id=terms.provider_id,
                share_pct=terms.share_pct,
                subscription_price=terms.subscription_price,
                follower_cap=terms.follower_cap,
                settlement_period=terms.settlement_period,
                fee_model=terms.fee_model,
                min_allocation=terms.min_allocation,
                margin_mode=terms.margin_mode,
            )
        )
        self._session.flush()

    def exists(self, account_id: str) -> bool:
        return self._session.get(AccountRow, account_id) is not None

    def display_name(self, account_id: str) -> str:
        row = self._session.get(AccountRow, account_id)
        if row is None:
            raise UnknownAccountError(f"no account {account_id!r}")
        return row.display_name

    def is_provider(self, account_id: str) -> bool:
        return self._session.get(ProviderRow, account_id) is not None

    def provider_ids(self) -> set[str]:
        return set(self._session.scalars(select(AccountRow.id).where(AccountRow.is_provider)))

    def provider_profiles(self) -> dict[str, tuple[str, Decimal]]:
        """Every provider's display name and profit-share percent, by id."""
        query = select(AccountRow.id, AccountRow.display_name, ProviderRow.share_pct).join(
            ProviderRow, ProviderRow.account_id == AccountRow.id
        )
        return {pid: (name, share) for pid, name, share in self._session.execute(query)}

    def margin_mode(self, provider_id: str) -> str:
        """The margin mode of a provider's own book; isolated for any other account."""
        query = select(ProviderRow.margin_mode).where(ProviderRow.account_id == provider_id)
        return self._session.scalar(query) or "isolated"

    def block_execution(self, provider_id: str) -> bool | None:
        """A provider's own block-execution setting; None: the platform's applies."""
        query = select(ProviderRow.block_execution).where(ProviderRow.account_id == provider_id)
        return self._session.scalar(query)

    def set_block_execution(self, provider_id: str, enabled: bool | None) -> None:
        """Kept apart from the terms (``make_provider`` leaves it as it is): set only
        through ``service_layer/block_execution.py``, which checks where it applies."""
        row = self._session.get(ProviderRow, provider_id)
        if row is None:
            raise UnknownAccountError(f"{provider_id!r} is not a provider")
        row.block_execution = enabled
        self._session.flush()

    def terms(self, provider_id: str) -> ProviderTerms:
        row = self._session.get(ProviderRow, provider_id)
        if row is None:
            raise UnknownAccountError(f"{provider_id!r} is not a provider")
        return ProviderTerms(
            row.account_id,
            row.share_pct,
            row.subscription_price,
            row.follower_cap,
            row.settlement_period,
            row.fee_model,
            row.min_allocation,
            row.margin_mode,
        )
