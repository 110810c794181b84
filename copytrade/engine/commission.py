"""The venue side of the platform's per-copy commission (docs/fees.md).

The ledger takes the commission from the copy's allocation cash in the
transaction that books the fill; the same transaction writes one outbox message
per batch with the debits the paper venue must apply to the copies' accounts,
so the venue's cash follows the ledger once the relay delivers it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from copytrade.adapters.venues.port import CashMove, Venue
from copytrade.domain.values import USDT
from copytrade.engine.venue_cash import apply_once_or_each

COMMISSION_DEBITS = "fees.commission_venue_debits"
# A live copy's commission its follower's platform balance could not pay in full: the
# service layer records it as owed and pauses the relationship (docs/settlement.md).
LIVE_COMMISSION_OWED = "fees.live_commission_owed"


def debits_payload(commissions: Sequence[tuple[str, Decimal]]) -> dict[str, Any]:
    return {"debits": [{"book": book, "amount": str(amount)} for book, amount in commissions]}


class VenueCommissions:
    """The outbox consumer that debits the commissions at the venue."""

    def __init__(self, venue: Venue) -> None:
        self._venue = venue

    def handle(self, message_id: str, payload: Mapping[str, Any]) -> None:
        """Withdraw each debit once ever, keyed by the message and its place in it, so a
        message redelivered after a crash charges nothing twice (engine/venue_cash.py)."""
        moves = [
            CashMove(f"{message_id}:{i}", str(d["book"]), USDT.code, -Decimal(str(d["amount"])))
            for i, d in enumerate(payload["debits"])
        ]
        apply_once_or_each(self._venue, moves, "commission debit")
