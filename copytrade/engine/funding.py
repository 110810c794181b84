"""Funding in the platform's books (docs/domain.md "Funding", docs/engine.md "Funding").

The venue pays a perpetual's funding (``Venue.apply_funding``, once per symbol and
funding time); this books each payment in one unit of work: a ledger transfer per
book (keyed by the venue's payment key, so a repeat books nothing) and the same
amount as realized PnL of the book's platform position, so trades and statistics
include it. Providers' books and copies alike.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.venues.port import FundingPayment, Venue
from copytrade.domain.ledger import LedgerAccount, Transfer
from copytrade.domain.ledger.funding import funding_transfer

CashAccount = Callable[[SqlUnitOfWork, str], LedgerAccount]


class FundingBooks:
    def __init__(
        self,
        venue: Venue,
        uow_factory: Callable[[], SqlUnitOfWork],
        cash_account: CashAccount,
        venue_name: str,
    ) -> None:
        self._venue = venue
        self._uow_factory = uow_factory
        self._cash_account = cash_account
        self._venue_name = venue_name

    def apply(self, symbol: str, rate: Decimal, ts: datetime) -> list[FundingPayment]:
        """Have the venue pay the funding, then book what it paid; the payments."""
        payments = self._venue.apply_funding(symbol, rate, ts)
        if payments:
            self.book(payments)
        return payments

    def book(self, payments: list[FundingPayment]) -> int:
        """Book the payments not booked before; how many were new."""
        with self._uow_factory() as uow:
            books = sorted({p.account for p in payments})
            positions = uow.positions.for_books(books)
            transfers: list[Transfer] = []
            changed = []
            for payment in payments:
                transfer = funding_transfer(
                    cash=self._cash_account(uow, payment.account),
                    key=payment.key,
                    owed=payment.owed,
                    amount=payment.amount,
                    ts=payment.ts,
                    memo=f"funding {payment.symbol} rate {payment.rate} on {payment.qty}",
                    venue=self._venue_name,
                )
                if transfer is None or uow.ledger.transfer(transfer.idempotency_key) is not None:
                    continue
                transfers.append(transfer)
                stored = positions.get((payment.account, payment.symbol))
                if stored is not None and not stored.position.is_flat:
                    stored.position.apply_funding(payment.amount)
                    changed.append(stored)
            uow.ledger.post_all(transfers)
            uow.positions.save_many(changed)
            uow.commit()
        return len(transfers)


__all__ = ["FundingBooks"]
