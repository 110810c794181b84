"""One venue port over the paper venue and live exchanges: each book is routed to where
it trades.

A live copy relationship's allocation is a sub-account that copytrade tracks inside
the follower's linked exchange account (docs/venues.md, "Followers on their own
accounts"): its book is routed to that exchange's ``CcxtVenue``, every other book
(providers on the platform, paper relationships) to the paper venue. The fill stream,
prices and cash moves are the paper venue's: the platform cannot move money on a live
account.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal

from copytrade.adapters.venues.errors import PermanentVenueError, VenueError
from copytrade.adapters.venues.port import (
    AccountHoldings,
    CashMove,
    FundingPayment,
    FundsInOrders,
    OrderRequest,
    Venue,
    VenueOrder,
    VenuePosition,
    rejected_order,
)
from copytrade.domain.block.setting import BlockExecutionError
from copytrade.domain.ids import ClientOrderId, OrderId
from copytrade.domain.order_events import Fill

# The decision's reason is stored in 200 characters ("venue:" + this), as the executor's.
_REASON_LIMIT = 194


def _utc_now() -> datetime:
    return datetime.now(UTC)


class RoutedVenue:
    """``default`` (the paper venue) for every book not in ``routes``; ``routes`` maps a
    live book to the venue of its exchange account."""

    def __init__(
        self,
        default: Venue,
        routes: Mapping[str, Venue] | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.default = default
        self._routes: dict[str, Venue] = dict(routes or {})
        self._clock = clock

    def route(self, book: str, venue: Venue) -> None:
        """Send ``book``'s orders to ``venue`` from now on (a relationship marked live)."""
        self._routes[book] = venue

    def is_live(self, book: str) -> bool:
        return book in self._routes

    def live_books(self) -> frozenset[str]:
        return frozenset(self._routes)

    def venue_of(self, book: str) -> Venue:
        return self._routes.get(book, self.default)

    # --- orders ----------------------------------------------------------------

    def place(self, request: OrderRequest) -> VenueOrder:
        return self.place_batch([request])[0]

    def place_batch(self, requests: Sequence[OrderRequest]) -> list[VenueOrder]:
        """Each venue is sent its own requests as one batch; the answers in the requests'
        order. A permanent error of one venue rejects only that venue's orders (the
        others were placed); a temporary one is raised after every venue was tried, and
        the retry is answered from the venues' idempotency by client order id."""
        if not self._routes:
            return self.default.place_batch(requests)
        groups: dict[int, tuple[Venue, list[int]]] = {}
        for index, request in enumerate(requests):
            venue = self.venue_of(str(request.account))
            groups.setdefault(id(venue), (venue, []))[1].append(index)
        answers: list[VenueOrder | None] = [None] * len(requests)
        temporary: VenueError | None = None
        for venue, indexes in groups.values():
            batch = [requests[i] for i in indexes]
            try:
                placed = venue.place_batch(batch)
            except PermanentVenueError as error:
                placed = [self._refused(r, error) for r in batch]
            except VenueError as error:
                temporary = temporary or error
                continue
            for index, answer in zip(indexes, placed, strict=True):
                answers[index] = answer
        if temporary is not None:
            raise temporary
        return [a for a in answers if a is not None]

    def place_block(self, requests: Sequence[OrderRequest]) -> list[VenueOrder]:
        """A block of orders on the default (paper) venue, where the platform places every
        order from its own accounts (docs/venues.md "Block execution")."""
        live = [str(r.account) for r in requests if self.is_live(str(r.account))]
        if live:
            raise BlockExecutionError(
                f"block execution is not offered for books on an exchange account ({live[0]}):"
                " each trades its own account (docs/venues.md \"Block execution\")"
            )
        place = getattr(self.default, "place_block", None)
        if place is None:
            raise BlockExecutionError(
                "block execution needs the paper venue: on a live exchange each account "
                "trades on its own (docs/venues.md \"Block execution\")"
            )
        answers: list[VenueOrder] = place(requests)
        return answers

    def _refused(self, request: OrderRequest, error: PermanentVenueError) -> VenueOrder:
        reason = f"{error.reason}: {error}"
        if len(reason) > _REASON_LIMIT:
            reason = reason[: _REASON_LIMIT - 1] + "…"
        return rejected_order(
            request, OrderId(f"unplaced:{request.client_order_id}"), None, reason, self._clock()
        )

    def cancel(self, account: str, client_order_id: ClientOrderId) -> VenueOrder:
        return self.venue_of(account).cancel(account, client_order_id)

    def get_order(
        self, account: str, client_order_id: ClientOrderId, symbol: str | None = None
    ) -> VenueOrder | None:
        return self.venue_of(account).get_order(account, client_order_id, symbol)

    def positions(self, account: str) -> list[VenuePosition]:
        return self.venue_of(account).positions(account)

    def balances(self, account: str) -> Mapping[str, Decimal]:
        return self.venue_of(account).balances(account)

    def in_orders(self, account: str) -> Mapping[str, Decimal]:
        """The paper venue's funds in orders (docs/venues.md); none shown for a live book."""
        venue = self.venue_of(account)
        return venue.in_orders(account) if isinstance(venue, FundsInOrders) else {}

    # --- the paper venue's: one fill stream, prices, cash -------------------------

    def fills_since(
        self, cursor: int, limit: int, skip: Callable[[str], bool] | None = None
    ) -> tuple[list[Fill], int]:
        return self.default.fills_since(cursor, limit, skip)

    def set_price(self, symbol: str, price: Decimal, ts: datetime) -> list[Fill]:
        return self.default.set_price(symbol, price, ts)

    def set_prices(self, points: Mapping[str, Decimal], ts: datetime) -> list[Fill]:
        return self.default.set_prices(points, ts)

    def prices(self) -> dict[str, Decimal]:
        return self.default.prices()

    def deposit(self, account: str, currency: str, amount: Decimal) -> Decimal:
        return self.default.deposit(account, currency, amount)

    def withdraw(self, account: str, currency: str, amount: Decimal) -> Decimal:
        return self.default.withdraw(account, currency, amount)

    def withdrawable(self, account: str, currency: str) -> Decimal:
        """A live book's cash can be no more than its exchange account's free balance
        (the caller takes the smaller of this and the book's ledger cash)."""
        live = self._routes.get(account)
        if live is not None:
            return Decimal(live.balances(account).get(currency, Decimal(0)))
        return self.default.withdrawable(account, currency)

    def withdrawable_many(self, accounts: Iterable[str], currency: str) -> dict[str, Decimal]:
        chosen = list(accounts)
        paper = [a for a in chosen if a not in self._routes]
        found = self.default.withdrawable_many(paper, currency) if paper else {}
        for account in chosen:
            if account in self._routes:
                found[account] = self.withdrawable(account, currency)
        return found

    def move_cash_once(self, moves: Sequence[CashMove]) -> list[str]:
        return self.default.move_cash_once(moves)

    def holdings(self) -> dict[str, AccountHoldings]:
        return self.default.holdings()

    def apply_funding(self, symbol: str, rate: Decimal, ts: datetime) -> list[FundingPayment]:
        return self.default.apply_funding(symbol, rate, ts)
