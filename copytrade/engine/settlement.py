"""Profit-share settlement: exactly once per (relationship, period) (SPEC §7).

Each relationship settles in its own transaction: the settlement row (unique
per relationship and period), the ledger transfer (idempotency key derived from
the same pair), the new high-watermark and the notifications commit together
or not at all, so a run killed half-way and started again settles only the
rest and charges nobody twice.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.db.repositories.settlements import SettlementRecord
from copytrade.domain.copying import CopyRelationship
from copytrade.domain.ledger import profit_share
from copytrade.domain.profit_share import HighWatermark, ProfitShareTerms
from copytrade.domain.profit_share.fee_model import FeeModel
from copytrade.domain.values import USDT, ZERO
from copytrade.engine.books import load_books
from copytrade.service_layer.unit_of_work import SqlUnitOfWork
from copytrade.venues.paper.venue import PaperVenue

SETTLED = "settlement.settled"


class SettlementService:
    def __init__(
        self,
        uow_factory: Callable[[], SqlUnitOfWork],
        venue: PaperVenue,
        prices: Callable[[], Mapping[str, Decimal]],
        now: Callable[[], datetime],
        platform_fee_pct: Decimal,
    ) -> None:
        self._uow_factory = uow_factory
        self._venue = venue
        self._prices = prices
        self._now = now
        self._platform_fee_pct = platform_fee_pct

    def settle_all(self, period: str) -> list[SettlementRecord]:
        """Settle every relationship still copying (stopped ones settle at the stop)."""
        with self._uow_factory() as uow:
            rels = [r for r in uow.relationships.all() if r.state.mirrors_closes]
        done = []
        for rel in rels:
            record = self.settle(rel.id, period)
            if record is not None:
                done.append(record)
        return done

    def settle(self, rel_id: str, period: str) -> SettlementRecord | None:
        """Settle one relationship for ``period``; None when it was settled before or its
        provider is not paid by profit share."""
        now = self._now()
        # The venue lets only free cash (cash less unrealized perp losses) leave an
        # account: a share it could not pay out now is owed instead (SPEC §7).
        venue_cash = self._venue.withdrawable(rel_id, USDT.code)
        with self._uow_factory() as uow:
            if uow.settlements.exists(rel_id, period):
                return None
            rel = uow.relationships.get(rel_id)
            provider_terms = uow.accounts.terms(str(rel.provider))
            if provider_terms.fee_model != FeeModel.PROFIT_SHARE:
                return None  # paid by subscription or commission instead (docs/fees.md)
            book = load_books(uow, [rel])[rel.book]
            equity = book.value(self._prices()).equity
            cash = min(book.cash, venue_cash)
            terms = ProfitShareTerms(provider_terms.share_pct, self._platform_fee_pct)
            settlement, hwm = HighWatermark(rel.hwm, rel.owed).settle(equity, cash, terms)
            record = SettlementRecord(
                str(rel.id), period, str(rel.follower), str(rel.provider), settlement, now
            )
            uow.settlements.add(record)
            if settlement.debit > ZERO:
                uow.ledger.post(
                    profit_share(
                        rel.id,
                        rel.provider,
                        settlement.provider_credit,
                        settlement.platform_fee,
                        key=f"settle:{rel.id}:{period}",
                        ts=now,
                    )
                )
            uow.relationships.save(replace(rel, hwm=hwm.hwm, owed=hwm.owed), now)
            self._notify(uow, rel, record, now)
            uow.commit()
        if settlement.debit > ZERO:
            self._venue.withdraw(rel.book, USDT.code, settlement.debit)
        return record

    def _notify(
        self, uow: SqlUnitOfWork, rel: CopyRelationship, record: SettlementRecord, now: datetime
    ) -> None:
        s = record.settlement
        payload = {
            "relationship": str(rel.id),
            "period": record.period,
            "equity": str(s.equity),
            "gross": str(s.gross),
            "debit": str(s.debit),
            "provider_credit": str(s.provider_credit),
            "platform_fee": str(s.platform_fee),
            "owed": str(s.owed_after),
        }
        for side, who in (("follower", rel.follower), ("provider", rel.provider)):
            body = {**payload, "to": str(who)}
            if side == "provider":
                body.pop("relationship")  # a provider sees amounts, not who its follower is
            uow.outbox.add(SETTLED, f"settled:{rel.id}:{record.period}:{side}", body, now)
