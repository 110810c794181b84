"""The ledger side of one funding payment (docs/domain.md "Funding").

The counterparty is the venue's ``market`` account (the other side of the perpetual,
outside the platform): it receives what a payer owes and pays what a receiver is owed.
A payer short of cash pays what it has; the venue's insurance fund pays the rest.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from copytrade.domain.ledger.accounts import DEFAULT_VENUE, LedgerAccount
from copytrade.domain.ledger.transfers import Posting, Transfer, TransferKind


def funding_transfer_key(venue: str, payment_key: str) -> str:
    return f"{venue}:{payment_key}"


def funding_transfer(
    *,
    cash: LedgerAccount,
    key: str,
    owed: Decimal,
    amount: Decimal,
    ts: datetime,
    memo: str,
    venue: str = DEFAULT_VENUE,
) -> Transfer | None:
    """Cash +amount, market −owed, insurance fund owed − amount (0 unless short)."""
    market = LedgerAccount.market(venue, cash.currency)
    insurance = LedgerAccount.insurance_fund(venue, cash.currency)
    postings = tuple(
        Posting(account, value)
        for account, value in ((cash, amount), (market, -owed), (insurance, owed - amount))
        if value
    )
    if not postings:
        return None
    return Transfer(
        funding_transfer_key(venue, key), TransferKind.FUNDING, postings, ts, memo=memo
    )


__all__ = ["funding_transfer", "funding_transfer_key"]
