"""What a follower sees of its money and its copy relationships (the query side).

Equity is the relationship's cash plus its copied positions marked at the
current prices (docs/domain.md, Copying); a relationship's PnL is its equity less its net
allocation (allocations less withdrawals), so moving money in or out is not
counted as gain or loss.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from copytrade.adapters.db.repositories.decisions import DecisionRecord
from copytrade.adapters.db.repositories.positions import StoredPosition
from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.domain.copying import CopyRelationship, CopySettings, RelationshipStatus
from copytrade.domain.copying.edits import SETTING_NAMES
from copytrade.domain.copying.protections import copy_trigger_prices
from copytrade.domain.copying.triggers import PositionTriggers
from copytrade.domain.ledger import LedgerAccount
from copytrade.domain.margin import cross_buffer, liquidation_price, locked, perps_in
from copytrade.domain.margin_mode import MarginMode
from copytrade.domain.positions import Position
from copytrade.domain.values import USDT, ZERO
from copytrade.engine.books import BookState, load_books
from copytrade.service_layer.following.history import summed_by_day
from copytrade.service_layer.following.service import owned_relationship


@dataclass(frozen=True, slots=True)
class RelationshipSummary:
    id: str
    provider_id: str
    provider_name: str
    status: RelationshipStatus
    stop_reason: str | None
    pause_reason: str | None
    net_allocated: Decimal
    cash: Decimal
    equity: Decimal
    pnl: Decimal
    hwm: Decimal
    owed: Decimal
    open_positions: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class PositionView:
    symbol: str
    side: str
    qty: Decimal
    leverage: Decimal
    entry_price: Decimal
    mark_price: Decimal | None
    unrealized_pnl: Decimal | None
    margin: Decimal
    detached: bool
    opened_at: datetime | None
    margin_mode: str = "isolated"
    liquidation_price: Decimal | None = None  # docs/domain.md "Liquidation"
    # The provider's stop-loss / take-profit prices, which the copy mirrors (docs/domain.md,
    # "The provider's stop-loss and take-profit"); the provider's own position: its own.
    stop_loss: Decimal | None = None
    take_profit: Decimal | None = None
    # The follower's own copy stop-loss / take-profit as prices (docs/domain.md, "Follower
    # protections"); whichever the mark reaches first closes the copy.
    own_stop_loss: Decimal | None = None
    own_take_profit: Decimal | None = None


@dataclass(frozen=True, slots=True)
class DecisionPage:
    page: int
    page_size: int
    total: int
    items: tuple[DecisionRecord, ...]  # newest first


@dataclass(frozen=True, slots=True)
class RiskAcknowledgementView:
    disclosure_version: str
    acknowledged_at: datetime


@dataclass(frozen=True, slots=True)
class RelationshipDetail:
    relationship: RelationshipSummary
    settings: dict[str, Any]
    positions: tuple[PositionView, ...]
    risk_acknowledgement: RiskAcknowledgementView | None
    decisions: DecisionPage


@dataclass(frozen=True, slots=True)
class AccountView:
    id: str
    currency: str
    free_balance: Decimal
    allocated: Decimal  # net allocation of the relationships still copying
    equity_in_copies: Decimal
    total_equity: Decimal
    copy_pnl: Decimal
    relationships: tuple[RelationshipSummary, ...]


def settings_view(settings: CopySettings) -> dict[str, Any]:
    """Every setting of a relationship, as the follow request names them."""
    view: dict[str, Any] = {name: getattr(settings, name) for name in SETTING_NAMES}
    view["mode"] = settings.mode.value
    view["margin_mode"] = settings.margin_mode.value
    view["whitelist"] = sorted(settings.whitelist)
    view["blacklist"] = sorted(settings.blacklist)
    return view


def _position(
    stored: StoredPosition,
    prices: Mapping[str, Decimal],
    cash: Decimal = ZERO,
    others: Sequence[Position] = (),
    mirrored: PositionTriggers | None = None,
    own: PositionTriggers = PositionTriggers(),
) -> PositionView:
    position = stored.position
    mark = prices.get(position.instrument.symbol)
    if position.margin_mode is MarginMode.CROSS:
        buffer = cross_buffer(
            position, cash, perps_in(others, position.instrument.quote.code), prices
        )
    else:
        buffer = locked(position)
    return PositionView(
        symbol=position.instrument.symbol,
        side=position.side.value if position.side else "flat",
        qty=abs(position.qty),
        leverage=position.leverage,
        entry_price=position.avg_entry_price,
        mark_price=mark,
        unrealized_pnl=position.unrealized_pnl(mark) if mark is not None else None,
        margin=position.margin,
        detached=stored.detached,
        opened_at=position.opened_at,
        margin_mode=position.margin_mode.value,
        liquidation_price=liquidation_price(position, buffer),
        stop_loss=mirrored.stop_loss if mirrored else None,
        take_profit=mirrored.take_profit if mirrored else None,
        own_stop_loss=own.stop_loss,
        own_take_profit=own.take_profit,
    )


def positions_view(
    book: BookState,
    prices: Mapping[str, Decimal],
    triggers: Mapping[str, PositionTriggers],
    settings: CopySettings | None = None,
) -> tuple[PositionView, ...]:
    """A book's open positions with their trigger prices: ``triggers`` the provider's by
    symbol, ``settings`` the relationship's (its own copy stop-loss / take-profit)."""
    held = book.open_positions()
    cross = [p.position for p in held if p.position.margin_mode is MarginMode.CROSS]
    views = []
    for p in held:
        mirrored, own = trigger_prices(p, triggers, settings)
        views.append(_position(p, prices, book.cash, cross, mirrored, own))
    return tuple(views)


def trigger_prices(
    stored: StoredPosition,
    triggers: Mapping[str, PositionTriggers],
    settings: CopySettings | None = None,
) -> tuple[PositionTriggers | None, PositionTriggers]:
    """A position's trigger prices as its views show them: the provider's (``triggers``, by
    symbol; none on a detached copy) and the follower's own from ``settings`` (a copy's)."""
    if stored.detached:
        return None, PositionTriggers()
    own = PositionTriggers()
    if settings is not None:
        own = copy_trigger_prices(
            stored.position.qty,
            stored.position.entry_cost,
            settings.copy_stop_loss_pct,
            settings.copy_take_profit_pct,
        )
    return triggers.get(stored.position.instrument.symbol), own


class FollowingReads:
    """Read models of a signed-in follower's account and relationships."""

    def __init__(
        self,
        uow_factory: Callable[[], SqlUnitOfWork],
        prices: Callable[[], Mapping[str, Decimal]],
    ) -> None:
        self._uow_factory = uow_factory
        self._prices = prices

    def account(self, user: str) -> AccountView:
        with self._uow_factory() as uow:
            free = uow.ledger.balance(LedgerAccount.follower_free(user))
            summaries = self._summaries(uow, uow.relationships.for_follower(user))
        copying = [s for s in summaries if s.status is not RelationshipStatus.STOPPED]
        in_copies = sum((s.equity for s in summaries), ZERO)
        return AccountView(
            id=user,
            currency=USDT.code,
            free_balance=free,
            allocated=sum((s.net_allocated for s in copying), ZERO),
            equity_in_copies=in_copies,
            total_equity=free + in_copies,
            copy_pnl=sum((s.pnl for s in summaries), ZERO),
            relationships=tuple(summaries),
        )

    def relationships(
        self, user: str, status: RelationshipStatus | None = None
    ) -> list[RelationshipSummary]:
        with self._uow_factory() as uow:
            rels = uow.relationships.for_follower(user)
            if status is not None:
                rels = [rel for rel in rels if rel.state.status is status]
            return self._summaries(uow, rels)

    def relationship(
        self, user: str, rel_id: str, page: int = 1, page_size: int = 50
    ) -> RelationshipDetail:
        """One of ``user``'s relationships with a page of its copy decisions, newest first."""
        prices = self._prices()
        with self._uow_factory() as uow:
            rel = owned_relationship(uow, user, rel_id)
            book = load_books(uow, [rel])[rel.book]
            summary = self._summary(uow, rel, book, prices)
            triggers = uow.positions.triggers_of(str(rel.provider))
            ack = uow.risk_acknowledgements.of(rel_id)
            records, total = uow.decisions.page_for_relationship(
                rel_id, page_size, (page - 1) * page_size
            )
        return RelationshipDetail(
            relationship=summary,
            settings=settings_view(rel.settings),
            positions=positions_view(book, prices, triggers, rel.settings),
            risk_acknowledgement=(
                RiskAcknowledgementView(ack.disclosure_version, ack.acknowledged_at)
                if ack is not None
                else None
            ),
            decisions=DecisionPage(page, page_size, total, tuple(records)),
        )

    def equity_history(
        self, user: str, today: date, rel_id: str | None = None
    ) -> list[tuple[date, Decimal]]:
        """The daily equity of the user's copies (all, or ``rel_id`` only), today's marked
        at the current prices (``summed_by_day``)."""
        with self._uow_factory() as uow:
            rels = (
                [owned_relationship(uow, user, rel_id)]
                if rel_id is not None
                else uow.relationships.for_follower(user)
            )
            closes = {rel.book: uow.equity.series(rel.book) for rel in rels}
            live = sum((s.equity for s in self._summaries(uow, rels)), ZERO)
        return summed_by_day(closes, today, live)

    def _summaries(
        self, uow: SqlUnitOfWork, rels: Sequence[CopyRelationship]
    ) -> list[RelationshipSummary]:
        prices = self._prices()
        books = load_books(uow, rels)
        return [self._summary(uow, rel, books[rel.book], prices) for rel in rels]

    def _summary(
        self,
        uow: SqlUnitOfWork,
        rel: CopyRelationship,
        book: BookState,
        prices: Mapping[str, Decimal],
    ) -> RelationshipSummary:
        value = book.value(prices)
        state = rel.state
        return RelationshipSummary(
            id=str(rel.id),
            provider_id=str(rel.provider),
            provider_name=uow.accounts.display_name(str(rel.provider)),
            status=state.status,
            stop_reason=state.stop_reason.value if state.stop_reason else None,
            pause_reason=state.pause_reason.value if state.pause_reason else None,
            net_allocated=rel.net_allocated,
            cash=value.cash,
            equity=value.equity,
            pnl=value.equity - rel.net_allocated,
            hwm=rel.hwm,
            owed=rel.owed,
            open_positions=value.open_positions,
            created_at=rel.created_at,
        )
