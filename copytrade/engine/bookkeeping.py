"""Record venue fills in the platform's books: fills, positions, trades and the ledger.

The same code books a provider's own fills and its followers' copies, so the
statistics of both come from one definition of a position and a trade.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.db.repositories.orders import BookingTerms
from copytrade.adapters.db.repositories.positions import StoredPosition
from copytrade.domain.ids import AccountId, RelationshipId
from copytrade.domain.instruments import Instrument
from copytrade.domain.ledger import LedgerAccount, LedgerAccountKind, Transfer
from copytrade.domain.ledger.fees import commission, commission_key, live_commission
from copytrade.domain.ledger.fills import fill_key, fill_transfer, locked_margin
from copytrade.domain.margin_mode import MarginMode
from copytrade.domain.order_events import Fill, Liquidity
from copytrade.domain.positions import Position, PositionChange
from copytrade.domain.profit_share import trade_commission
from copytrade.domain.trades import Trade
from copytrade.domain.values import ONE, ZERO
from copytrade.engine.commission import COMMISSION_DEBITS, LIVE_COMMISSION_OWED, debits_payload
from copytrade.engine.unit_of_work import PipelineUnitOfWork

CashAccountOf = Callable[[PipelineUnitOfWork, str], LedgerAccount]
# How many committed fill ids a process remembers for the ingestor at the most.
_REMEMBERED = 1_000_000
_NO_BOOKING_TERMS = BookingTerms(ONE, MarginMode.ISOLATED)


@dataclass(slots=True)
class BookedFills:
    """What recording a batch of fills did (only the fills not seen before count)."""

    fills: list[Fill] = field(default_factory=list)
    changes: list[tuple[Fill, PositionChange]] = field(default_factory=list)
    trades: list[Trade] = field(default_factory=list)
    positions: dict[tuple[str, str], StoredPosition] = field(default_factory=dict)
    # (book, amount): the platform's commissions taken from copies' cash (docs/fees.md)
    commissions: list[tuple[str, Decimal]] = field(default_factory=list)


class BookKeeper:
    def __init__(
        self,
        instruments: Mapping[str, Instrument],
        cash_account: CashAccountOf,
        venue: str,
        commission_pct: Decimal = ZERO,
        live_books: Callable[[], Collection[str]] = frozenset,
    ) -> None:
        """``live_books``: the books on a follower's own exchange account, whose
        commission is charged to the follower's platform balance (docs/settlement.md)."""
        self._live_books = live_books
        self._instruments = instruments
        self._cash_account = cash_account
        self._venue = venue
        self._commission_pct = commission_pct
        # Ids of fills whose booking has committed in this process, until the fill
        # stream shows them: the ingestor then skips them without a query.
        self._committed: set[str] = set()

    def committed(self, booked: BookedFills) -> None:
        """Call once the transaction that booked ``booked`` has committed (never before:
        a fill remembered here is one the ingestor trusts to be in the books)."""
        if len(self._committed) > _REMEMBERED:
            self._committed.clear()  # only an optimisation: the ingestor then queries
        self._committed.update(str(fill.fill_id) for fill in booked.fills)

    @property
    def remembers_any(self) -> bool:
        """Whether ``booked_here`` can answer true at all (else the ingestor reads the
        stream plainly)."""
        return bool(self._committed)

    def booked_here(self, fill_id: str) -> bool:
        """Whether this process booked and committed that fill (forgotten once asked:
        the stream shows a fill once). The ingestor's ``skip`` of the venue's stream."""
        try:
            self._committed.remove(fill_id)
        except KeyError:
            return False
        return True

    def record(
        self,
        uow: PipelineUnitOfWork,
        fills: Sequence[Fill],
        booking_terms: Mapping[str, BookingTerms],
        now: datetime,
    ) -> BookedFills:
        """Book ``fills`` (in order) inside ``uow``; a fill recorded before is skipped.

        ``booking_terms`` maps a client order id to the leverage and margin mode its order asked
        for, which a position opened from flat takes (and keeps until flat; docs/domain.md
        "Margin"); a fill of an order not there opens isolated, unlevered.
        """
        booked = BookedFills(fills=uow.fills.add_new(fills, self._venue))
        if not booked.fills:
            return booked
        books = sorted({str(f.account) for f in booked.fills})
        booked.positions = uow.positions.for_books(books)
        cash_accounts = {book: self._cash_account(uow, book) for book in books}
        cash = dict(uow.ledger.balances_of(list(cash_accounts.values())))
        # Off (0 %, the default): no query, nothing added to the fan-out's path.
        paying = uow.fees.commission_books(books) if self._commission_pct > ZERO else set()
        transfers: list[Transfer] = []
        live = self._live_books() if paying else frozenset()
        free: dict[str, Decimal] = {}  # a live follower's platform balance, as it is charged
        for fill in booked.fills:
            book = str(fill.account)
            stored = self._position(booked.positions, book, fill.symbol)
            position = stored.position
            margin_before = locked_margin(position)
            order_leverage, mode = booking_terms.get(str(fill.client_order_id), _NO_BOOKING_TERMS)
            isolated = bool(position.qty) and position.margin_mode is MarginMode.ISOLATED
            change = position.apply_fill(fill, order_leverage, mode)
            if not change.applied:
                continue
            booked.changes.append((fill, change))
            if change.opened_qty:
                stored.liquidated = False  # a new copy from flat
            elif fill.liquidity is Liquidity.LIQUIDATION and position.is_flat:
                # A copy the venue liquidated is kept flat, flagged, until the provider's
                # own position closes (later closes skipped ``liquidated``).
                stored.liquidated = cash_accounts[book].kind is LedgerAccountKind.ALLOCATION_CASH
            if change.trade is not None:
                booked.trades.append(change.trade)
            account = cash_accounts[book]
            available = cash.get(account.key, ZERO)
            if fill.liquidity is Liquidity.LIQUIDATION and isolated:
                available = ZERO  # an isolated position loses at most its own margin
            transfer = fill_transfer(
                cash=account,
                instrument=position.instrument,
                fill=fill,
                realized_pnl=change.realized_pnl,
                margin_before=margin_before,
                margin_after=locked_margin(position),
                cash_available=available,
                ts=fill.ts,
                venue=self._venue,
            )
            if transfer is not None:
                transfers.append(transfer)
                cash[account.key] = cash.get(account.key, ZERO) + transfer.movement.get(
                    account.key, ZERO
                )
            if book in paying and book in live:
                self._live_commission(uow, fill, free, transfers, now)
            elif book in paying:
                taken = self._commission(fill, cash.get(account.key, ZERO), transfers)
                if taken > ZERO:
                    cash[account.key] -= taken
                    booked.commissions.append((book, taken))
        uow.positions.save_many(list(booked.positions.values()))
        flipped = [(str(f.account), f.symbol) for f, change in booked.changes if change.flipped]
        if flipped:
            # A flip reopens the position the other way: its trigger prices (docs/domain.md,
            # "The provider's stop-loss and take-profit") were for the side it left.
            uow.positions.clear_triggers(flipped)
        uow.trades.add_many(booked.trades)
        uow.ledger.post_all(transfers)
        if booked.commissions:
            # The venue follows the ledger through the outbox (engine/commission.py).
            message_id = f"venue-commissions:{fill_key(booked.fills[0], self._venue)}"
            payload = debits_payload(booked.commissions)
            uow.outbox.add(COMMISSION_DEBITS, message_id, payload, now)
        return booked

    def _commission(self, fill: Fill, cash: Decimal, transfers: list[Transfer]) -> Decimal:
        """Stage the platform's commission on a copy's fill, never more than its cash.

        Keyed by the fill, and only fills booked for the first time get here,
        so a fill delivered twice is charged once.
        """
        quote = self._instruments[fill.symbol].quote
        owed = trade_commission(fill.qty * fill.price, self._commission_pct, quote)
        taken = min(owed, max(cash, ZERO))
        if taken > ZERO:
            key = fill_key(fill, self._venue)
            relationship = RelationshipId(str(fill.account))
            transfers.append(
                commission(relationship, taken, fill_key=key, ts=fill.ts, currency=quote)
            )
        return taken

    def _live_commission(
        self,
        uow: PipelineUnitOfWork,
        fill: Fill,
        free: dict[str, Decimal],
        transfers: list[Transfer],
        now: datetime,
    ) -> None:
        """A live copy's commission, from its follower's platform balance (``free``, by
        follower, as the batch goes), at most what that balance holds; the rest is
        announced as owed, and the relationship pauses (docs/settlement.md)."""
        book = str(fill.account)
        quote = self._instruments[fill.symbol].quote
        follower = str(uow.relationships.get(book).follower)
        account = LedgerAccount.follower_free(follower, quote)
        if account.key not in free:
            free[account.key] = dict(uow.ledger.balances_of([account])).get(account.key, ZERO)
        owed = trade_commission(fill.qty * fill.price, self._commission_pct, quote)
        taken = min(owed, max(free[account.key], ZERO))
        key = fill_key(fill, self._venue)
        if taken > ZERO:
            free[account.key] -= taken
            transfers.append(
                live_commission(follower, taken, fill_key=key, ts=fill.ts, currency=quote)
            )
        if owed > taken:
            uow.outbox.add(
                LIVE_COMMISSION_OWED,
                f"commission-owed:{key}",
                {"relationship": book, "follower": follower, "key": commission_key(key),
                 "amount": str(owed - taken)},
                now,
            )

    def _position(
        self, positions: dict[tuple[str, str], StoredPosition], book: str, symbol: str
    ) -> StoredPosition:
        key = (book, symbol)
        stored = positions.get(key)
        if stored is None:
            position = Position(AccountId(book), self._instruments[symbol])
            stored = positions[key] = StoredPosition(position, stored=False)
        return stored
