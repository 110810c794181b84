"""The venue side of the platform's per-copy commission (docs/fees.md).

The ledger takes the commission from the copy's allocation cash in the
transaction that books the fill; the same transaction writes one outbox message
per batch with the debits the paper venue must apply to the copies' accounts,
so the venue's cash follows the ledger once the relay delivers it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from copytrade.domain.errors import DomainError
from copytrade.domain.values import USDT
from copytrade.venues.errors import VenueError
from copytrade.venues.paper.venue import PaperVenue

COMMISSION_DEBITS = "fees.commission_venue_debits"

log = logging.getLogger(__name__)


def debits_payload(commissions: Sequence[tuple[str, Decimal]]) -> dict[str, Any]:
    return {"debits": [{"book": book, "amount": str(amount)} for book, amount in commissions]}


class VenueCommissions:
    """The outbox consumer that debits the commissions at the venue."""

    def __init__(self, venue: PaperVenue) -> None:
        self._venue = venue

    def handle(self, message_id: str, payload: Mapping[str, Any]) -> None:
        """Withdraw each debit; one the venue refuses (its free cash is tied up in an
        open perp's loss) is logged for reconciliation rather than retried forever."""
        for debit in payload["debits"]:
            book, amount = str(debit["book"]), Decimal(str(debit["amount"]))
            try:
                self._venue.withdraw(book, USDT.code, amount)
            except (VenueError, DomainError) as error:
                log.error("commission debit %s of %s refused by the venue: %s", book, amount, error)
