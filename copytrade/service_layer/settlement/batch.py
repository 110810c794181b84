"""Settle many (relationship, period) pairs in one transaction (docs/domain.md, Profit share).

For each pair not settled before: lock the relationship's row, read its HWM,
owed amount and book in that transaction, mark the book's equity at the given
prices, compute the HWM settlement with the domain core, and write — in the
caller's unit of work — the settlement row, the ledger transfer (allocation →
provider earnings and platform revenue), the new HWM and owed amount, both
sides' notifications and the venue debits, the last two as outbox messages
(one message carries a batch's notices, another its venue debits, each notice
and debit with its own key derived from the pair). All of a batch commits
together or not at all, so each relationship's rows are atomic; the unique
(relationship, period) row and the ledger key, both derived from the pair, make
a rerun or a concurrent run settle nothing twice. Reading under the lock is what
keeps a top-up or withdrawal from being charged or overwritten
(docs/settlement.md, "Concurrent writers").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.db.repositories.relationships import HwmState
from copytrade.adapters.db.repositories.settlements import (
    ProviderSettlementTerms,
    SettlementRecord,
)
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.jsonable import decimal_text
from copytrade.adapters.venues.port import CashMove
from copytrade.domain.copying import max_loss_reached
from copytrade.domain.ids import ProviderId, RelationshipId
from copytrade.domain.ledger import LedgerAccount, TransferKind, profit_share
from copytrade.domain.ledger.movements import split_payment
from copytrade.domain.profit_share import HighWatermark, ProfitShareTerms
from copytrade.domain.values import USDT, ZERO
from copytrade.engine.books import load_book_states
from copytrade.engine.venue_cash import NO_MOVES, VENUE_DEBIT, RecordedMoves, record_moves
from copytrade.service_layer.live_fees import pause_for_fees

SETTLED = "settlement.settled"


@dataclass(frozen=True, slots=True)
class Due:
    """One relationship to settle for one period. Only the parties are known
    beforehand: the money it settles from is read under the row lock."""

    relationship_id: str
    provider_id: str
    period: str

    @property
    def pair(self) -> tuple[str, str]:
        return (self.relationship_id, self.period)


@dataclass
class BatchOutcome:
    """What settling some dues did: settled now, found settled (by another run
    meanwhile, seen inside the transaction), or failed (with why)."""

    records: list[SettlementRecord] = field(default_factory=list)
    already_settled: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[Due, str]] = field(default_factory=list)
    # Relationships whose debit took the drawdown to their max loss: to be stopped.
    at_max_loss: list[str] = field(default_factory=list)
    # This batch's venue debits, applied by the batch itself after its commit.
    venue_moves: RecordedMoves = NO_MOVES
    # Providers of live relationships paused for fees owed (their copy caches are stale).
    paused: list[str] = field(default_factory=list)

    def extend(self, other: BatchOutcome) -> None:
        self.records.extend(other.records)
        self.already_settled.extend(other.already_settled)
        self.failed.extend(other.failed)
        self.at_max_loss.extend(other.at_max_loss)
        self.paused.extend(other.paused)


def settle_in(
    uow: SqlUnitOfWork,
    dues: Sequence[Due],
    prices: Mapping[str, Decimal],
    venue_cash: Mapping[str, Decimal],
    terms: Mapping[str, ProviderSettlementTerms],
    platform_fee_pct: Decimal,
    now: datetime,
) -> BatchOutcome:
    """Stage the settlements of ``dues`` (one per relationship) in ``uow`` (not
    committed); pairs settled before are skipped and listed. ``venue_cash`` is
    each book's withdrawable venue cash."""
    periods = {d.relationship_id: d.period for d in dues}
    # Lock first: a pair settled by a run that held the lock is seen below, and no
    # top-up or withdrawal can commit between these reads and our writes.
    states = uow.relationships.lock_hwm_states(list(periods))
    done = uow.settlements.existing([d.pair for d in dues])
    outcome = BatchOutcome(already_settled=[d.pair for d in dues if d.pair in done])
    todo = [s for s in states if (s.relationship_id, periods[s.relationship_id]) not in done]
    if not todo:
        return outcome
    books = load_book_states(uow, [rel.relationship_id for rel in todo])
    shares = {  # one set of terms per provider, not per relationship
        provider: ProfitShareTerms(terms[provider].share_pct, platform_fee_pct)
        for provider in {rel.provider_id for rel in todo}
    }
    records = outcome.records
    updated: list[HwmState] = []
    # Live relationships pay from the follower's platform balance (docs/settlement.md,
    # "Live relationships"): what is left of it, per follower, as the batch goes.
    live = uow.live.live_among([rel.relationship_id for rel in todo])
    free_left: dict[str, Decimal] = {}
    for rel in todo:
        period = periods[rel.relationship_id]
        book = books[rel.relationship_id]
        is_live = rel.relationship_id in live
        if is_live:
            if rel.follower_id not in free_left:
                free_left[rel.follower_id] = uow.ledger.balance(
                    LedgerAccount.follower_free(rel.follower_id)
                )
            cash = free_left[rel.follower_id]
        else:
            # The venue lets only free cash (cash less unrealized perp losses) leave
            # an account: a share it could not pay out now is owed instead.
            cash = min(book.cash, venue_cash.get(rel.relationship_id, ZERO))
        equity = book.value(prices).equity
        settlement, hwm = HighWatermark(rel.hwm, rel.owed).settle(
            equity, cash, shares[rel.provider_id]
        )
        if is_live:
            free_left[rel.follower_id] -= settlement.debit
        elif settlement.debit > ZERO and max_loss_reached(
            equity - settlement.debit, rel.net_allocated, rel.max_loss_pct
        ):
            outcome.at_max_loss.append(rel.relationship_id)
        records.append(
            SettlementRecord(
                rel.relationship_id, period, rel.follower_id, rel.provider_id, settlement, now
            )
        )
        updated.append(replace(rel, hwm=hwm.hwm, owed=hwm.owed))
    uow.settlements.add_many(records)
    paid = [r for r in records if r.settlement.debit > ZERO]
    uow.ledger.post_all(
        split_payment(
            TransferKind.PROFIT_SHARE,
            LedgerAccount.follower_free(r.follower_id),
            ProviderId(r.provider_id),
            r.settlement.provider_credit,
            r.settlement.platform_fee,
            key=r.key,
            ts=now,
        )
        if r.relationship_id in live
        else profit_share(
            RelationshipId(r.relationship_id),
            ProviderId(r.provider_id),
            r.settlement.provider_credit,
            r.settlement.platform_fee,
            key=r.key,
            ts=now,
        )
        for r in paid
    )
    uow.relationships.set_hwm_many(updated, now)
    for state in updated:
        if state.relationship_id in live and state.owed > ZERO:
            # What the platform balance could not pay stays owed: copying pauses.
            pause_for_fees(
                uow, state.relationship_id, "profit_share", state.owed, now,
                (state.hwm, state.owed),
            )
            outcome.paused.append(state.provider_id)
    # One message for the batch's notices: each names its recipient and has its own id.
    notices = [notice for r in records for notice in notifications(r)]
    uow.outbox.add(SETTLED, f"settled:{records[0].key}", {"notices": notices}, now)
    # One message for the batch's debits: the venue applies them together.
    debits = [venue_debit(r) for r in paid if r.relationship_id not in live]
    key = f"venue-debits:{paid[0].key}" if debits else ""
    outcome.venue_moves = record_moves(uow, key, debits, now, topic=VENUE_DEBIT)
    return outcome


def notifications(record: SettlementRecord) -> list[dict[str, str]]:
    """The follower's and the provider's notice, each with its own ``id`` (one per
    pair and side, for a consumer to deliver once); the provider's names no follower."""
    s = record.settlement
    amounts = {
        "period": record.period,
        "equity": decimal_text(s.equity),
        "gross": decimal_text(s.gross),
        "debit": decimal_text(s.debit),
        "provider_credit": decimal_text(s.provider_credit),
        "platform_fee": decimal_text(s.platform_fee),
        "owed": decimal_text(s.owed_after),
    }
    base = f"settled:{record.relationship_id}:{record.period}"
    follower = {"id": f"{base}:follower", "relationship": record.relationship_id}
    follower |= {**amounts, "to": record.follower_id}
    provider = {**amounts, "id": f"{base}:provider", "to": record.provider_id}
    return [follower, provider]


def venue_debit(record: SettlementRecord) -> CashMove:
    """The venue side of a settlement: the debit leaves the book's venue account
    (a relationship's book is its venue account, named by the relationship id)."""
    return CashMove(record.key, record.relationship_id, USDT.code, -record.settlement.debit)
