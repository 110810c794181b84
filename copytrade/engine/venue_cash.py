"""The one way value moves between the two books: ledger first, then the venue.

Every operation that moves cash the venue also holds (a follow, a top-up, a
withdrawal, the release at a stop, a provider's deposit or withdrawal, a
settlement debit, a commission) writes, in the transaction of its ledger
transfer, an outbox message listing keyed ``CashMove``s. After the commit the
operation applies them at once and marks the message delivered (``apply_now``);
a crash before that, or a venue that is down, leaves the message pending and
the outbox relay delivers it to ``VenueCash.handle`` until it is applied. The venue applies each key
once ever, so the eager call and the relay's delivery never move value twice.
Nothing touches the venue's cash before the ledger commits, and nothing after
it without such a record (docs/engine.md, "Value between the books").
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from copytrade.adapters.jsonable import decimal_text
from copytrade.adapters.venues.errors import InsufficientFundsError, VenueError
from copytrade.adapters.venues.port import CashMove, Venue
from copytrade.domain.errors import DomainError
from copytrade.domain.values import USDT
from copytrade.engine.unit_of_work import PipelineUnitOfWork

log = logging.getLogger(__name__)

VENUE_CASH = "venue.cash_moves"
# A settlement's debits: the same consumer, a topic of their own (docs/settlement.md).
VENUE_DEBIT = "settlement.venue_debit"


def cash_move(key: str, account: str, amount: Decimal) -> CashMove:
    """A USDT move into (positive) or out of (negative) ``account`` at the venue,
    keyed by the ledger transfer it follows and the account it touches."""
    return CashMove(f"{key}:venue:{account}", account, USDT.code, amount)


@dataclass(frozen=True, slots=True)
class RecordedMoves:
    """Moves staged in a unit of work, under the outbox message that carries them."""

    message_id: str
    moves: tuple[CashMove, ...]


NO_MOVES = RecordedMoves("", ())


def record_moves(
    uow: PipelineUnitOfWork,
    key: str,
    moves: Sequence[CashMove],
    now: datetime,
    topic: str = VENUE_CASH,
) -> RecordedMoves:
    """Stage the venue side of the ledger transfer ``key`` in the same transaction
    (settlement debits keep their own topic, ``settlement.venue_debit``)."""
    if not moves:
        return NO_MOVES
    recorded = RecordedMoves(f"cash:{key}", tuple(moves))
    payload = {"moves": [move_payload(m) for m in moves]}
    uow.outbox.add(topic, recorded.message_id, payload, now)
    return recorded


class VenueCash:
    """Applies recorded moves at the venue: right after the commit, and for the relay."""

    def __init__(
        self,
        venue: Venue,
        uow_factory: Callable[[], PipelineUnitOfWork],
        now: Callable[[], datetime],
        before_apply: Callable[[], None] = lambda: None,
    ) -> None:
        self._venue = venue
        self._uow_factory = uow_factory
        self._now = now
        self.before_apply = before_apply  # a test hook: the crash tests kill here

    def apply_now(self, recorded: RecordedMoves) -> None:
        """Apply committed moves at once and mark their message delivered; what fails
        stays in the outbox for the relay (a crash in between: applied keys are
        skipped when the relay delivers the message again)."""
        if not recorded.moves:
            return
        self.before_apply()
        try:
            self._venue.move_cash_once(recorded.moves)
        except (VenueError, DomainError) as error:
            log.warning("venue cash moves left to the relay: %s", error)
            return
        with self._uow_factory() as uow:
            uow.outbox.mark_delivered_by_message_id(recorded.message_id, self._now())
            uow.commit()

    def handle(self, message_id: str, payload: Mapping[str, Any]) -> None:
        """The outbox consumer: apply the message's moves, each key once ever."""
        apply_once_or_each(self._venue, moves_from_payload(payload), "cash move")


def apply_once_or_each(venue: Venue, moves: Sequence[CashMove], what: str) -> None:
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


def move_payload(move: CashMove) -> dict[str, str]:
    return {
        "key": move.key,
        "account": move.account,
        "currency": move.currency,
        "amount": decimal_text(move.amount),
    }


def moves_from_payload(payload: Mapping[str, Any]) -> list[CashMove]:
    return [
        CashMove(str(m["key"]), str(m["account"]), str(m["currency"]), Decimal(str(m["amount"])))
        for m in payload["moves"]
    ]
