"""Keyed cash moves at the venue that follow the ledger (settlement debits, commissions)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from copytrade.venues.errors import InsufficientFundsError
from copytrade.venues.paper.cash_moves import CashMove
from copytrade.venues.paper.venue import PaperVenue

log = logging.getLogger(__name__)


def apply_once_or_each(venue: PaperVenue, moves: Sequence[CashMove], what: str) -> None:
    """Apply the moves together, each key once ever; a temporary error propagates
    (the outbox relay retries the message, and applied keys are skipped then).

    When the venue refuses the batch as a whole, the moves are applied one by
    one: a move refused for good (the cash left the account meanwhile) cannot
    succeed on retry, so it is logged for reconciliation instead of blocking
    every later message.
    """
    try:
        venue.move_cash_once(moves)
        return
    except InsufficientFundsError:
        pass
    for move in moves:
        try:
            venue.move_cash_once([move])
        except InsufficientFundsError as error:
            log.error("%s %s refused by the venue: %s", what, move.key, error)
