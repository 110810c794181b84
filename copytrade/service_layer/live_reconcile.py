"""Reconciling live accounts: each follower exchange account against the books of the
live relationships it carries, failing closed.

The books of a live relationship are copytrade's record of a sub-account inside the
follower's exchange account. For each exchange account the sum of its sub-accounts'
holdings is compared with what the exchange reports: a spot holding must be there
(the account's free balance of the base asset at least the books' sum: the follower
may hold more of its own), a perpetual position must be exactly the books' sum (one
position per market on the exchange), the cash of the books holding no perpetual must
be in the spot wallet and the cash plus margin of those holding one in the futures
wallet. A difference that the books cannot explain pauses every relationship on that
account with reason ``reconciliation_mismatch`` and tells its follower
(``live.reconciliation_mismatch`` in the outbox): copytrade does not trade blindly on
an account it does not understand. An exchange that cannot be reached is reported,
not taken for a mismatch (docs/venues.md, "Reconciling live accounts").

A watched provider's account is held to its platform positions by the same rules (spot
at least, perpetuals exactly; cash not compared: its books are funded on the platform);
a difference pauses every relationship copying it and tells their followers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.jsonable import decimal_text
from copytrade.adapters.secrets import SecretsError
from copytrade.adapters.venues.errors import VenueError
from copytrade.adapters.venues.port import Venue
from copytrade.domain.copying import Paused, PauseReason
from copytrade.domain.ids import ClientOrderId
from copytrade.domain.ledger import LedgerAccount
from copytrade.domain.orders import TERMINAL_STATUSES
from copytrade.domain.values import USDT, ZERO
from copytrade.service_layer.exchange_accounts import ExchangeAccountError

RECONCILIATION_MISMATCH = "live.reconciliation_mismatch"


class OpenOrderSeen(Protocol):
    exchange_client_order_id: str | None
    symbol: str
    remaining: Decimal


@runtime_checkable
class OpenOrdersReader(Protocol):
    """A live venue that lists an account's open orders (``CcxtVenue``)."""

    def open_orders(self, account: str) -> Sequence[OpenOrderSeen]: ...

    def exchange_client_order_id(self, client_order_id: ClientOrderId) -> str: ...


@runtime_checkable
class FuturesWalletReader(Protocol):
    """A live venue that reads an account's futures wallet (``CcxtVenue``)."""

    def futures_wallet(self, account: str) -> Mapping[str, Decimal]: ...


@dataclass(frozen=True, slots=True)
class LiveDifference:
    """``what``: ``holding <ASSET>`` (spot), ``position <SYMBOL>`` (perpetual), ``cash
    <CURRENCY>`` (the spot wallet), ``futures cash <CURRENCY>`` (the futures wallet) or
    ``open order <EXCHANGE CLIENT ID>``."""

    account: str
    what: str
    books: Decimal
    exchange: Decimal

    def to_json(self) -> dict[str, str]:
        return {
            "account": self.account, "what": self.what,
            "books": decimal_text(self.books), "exchange": decimal_text(self.exchange),
        }


@dataclass(frozen=True, slots=True)
class LiveReport:
    accounts: int
    differences: tuple[LiveDifference, ...]
    unreachable: tuple[tuple[str, str], ...]  # (account, why)
    paused: tuple[str, ...]  # relationships paused now

    @property
    def ok(self) -> bool:
        return not self.differences and not self.unreachable

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "accounts": self.accounts,
            "differences": [d.to_json() for d in self.differences],
            "unreachable": [{"account": a, "error": why} for a, why in self.unreachable],
            "paused": list(self.paused),
        }


def reconcile_live(
    uow_factory: Callable[[], SqlUnitOfWork],
    routes: Mapping[str, Venue],
    now: Callable[[], datetime],
    invalidate: Callable[[str], None] = lambda provider: None,
    providers: Mapping[str, Callable[[], Venue]] | None = None,
) -> LiveReport:
    """Compare every exchange account carrying a live relationship that is not stopped
    with its books (``routes``: each live book's venue, ``Container.live_routes``), and
    each watched provider's account with its positions (``providers``: provider → opens
    the venue of its account, ``Container.watched_providers``); pause the relationships of
    the accounts that differ."""
    with uow_factory() as uow:
        live = uow.live.all()
        all_rels = uow.relationships.all()
        rels = {str(r.id): r for r in all_rels if str(r.id) in live}
        books_of: dict[str, list[str]] = defaultdict(list)
        for book, account in sorted(live.items()):
            if book in rels and rels[book].state.mirrors_closes:
                books_of[account].append(book)
        all_books = [b for books in books_of.values() for b in books]
        held = uow.positions.for_books(all_books)
        cash = uow.ledger.balances_of([LedgerAccount.allocation_cash(b) for b in all_books])
    differences: list[LiveDifference] = []
    unreachable: list[tuple[str, str]] = []
    differing: list[str] = []
    for account, books in sorted(books_of.items()):
        spot: dict[str, Decimal] = defaultdict(Decimal)
        perps: dict[str, Decimal] = defaultdict(Decimal)
        # A book holding a perpetual keeps its cash and margin in the futures wallet.
        margin: dict[str, Decimal] = defaultdict(Decimal)
        for (book, symbol), stored in held.items():
            if book not in books or stored.position.is_flat:
                continue
            instrument = stored.position.instrument
            if instrument.is_spot:
                spot[instrument.base] += stored.position.qty
            else:
                perps[symbol] += stored.position.qty
                margin[book] += stored.position.margin
        venue = routes.get(books[0])
        if venue is None:
            unreachable.append((account, "no venue routes this account's books"))
            continue
        book_cash = {b: cash.get(LedgerAccount.allocation_cash(b).key, ZERO) for b in books}
        spot_cash = sum((c for b, c in book_cash.items() if b not in margin), ZERO)
        futures_cash = sum((book_cash[b] + m for b, m in margin.items()), ZERO)
        try:
            balances = venue.balances(books[0])
            positions = {p.symbol: p.qty for p in venue.positions(books[0])} if perps else {}
            wallet = (
                venue.futures_wallet(books[0])
                if margin and isinstance(venue, FuturesWalletReader) else None
            )
            open_orders = _ours_left_open(uow_factory, venue, account, books)
        except VenueError as error:
            unreachable.append((account, str(error)))
            continue
        found = _held_differences(account, spot, perps, balances, positions) + open_orders
        if balances.get(USDT.code, ZERO) < spot_cash:
            found.append(
                LiveDifference(account, f"cash {USDT.code}", spot_cash,
                               balances.get(USDT.code, ZERO))
            )
        if wallet is not None and wallet.get(USDT.code, ZERO) < futures_cash:
            found.append(
                LiveDifference(account, f"futures cash {USDT.code}", futures_cash,
                               wallet.get(USDT.code, ZERO))
            )
        if found:
            differences.extend(found)
            differing.append(account)
    to_pause = {a: books_of[a] for a in differing}
    for provider, open_venue in sorted((providers or {}).items()):
        try:
            found = _provider_differences(uow_factory, provider, open_venue())
        except (VenueError, ExchangeAccountError, SecretsError) as error:  # not read
            unreachable.append((provider, str(error)))
            continue
        if found:
            differences.extend(found)
            to_pause[provider] = sorted(
                str(r.id) for r in all_rels if str(r.provider) == provider
                and r.state.mirrors_closes
            )
    paused = _pause(uow_factory, to_pause, differences, now)
    for provider in {str(r.provider) for r in all_rels if str(r.id) in paused}:
        invalidate(provider)
    accounts = len(books_of) + len(providers or {})
    return LiveReport(accounts, tuple(differences), tuple(unreachable), tuple(paused))


def _provider_differences(
    uow_factory: Callable[[], SqlUnitOfWork], provider: str, venue: Venue
) -> list[LiveDifference]:
    """A watched provider's positions against its exchange account (docs/venues.md,
    "Reconciling live accounts"): a perpetual position exactly as booked, a spot
    holding at least as booked (what it held before the link is its own); a coin moved
    out below what was booked, or a position changed outside copytrade's view (a
    liquidation), is a difference."""
    with uow_factory() as uow:
        held = [s.position for s in uow.positions.for_book(provider) if not s.position.is_flat]
    spot: dict[str, Decimal] = defaultdict(Decimal)
    perps: dict[str, Decimal] = {}
    for position in held:
        if position.instrument.is_spot:
            spot[position.instrument.base] += position.qty
        else:
            perps[position.instrument.symbol] = position.qty
    balances = venue.balances(provider)
    on_exchange = {p.symbol: p.qty for p in venue.positions(provider)} if perps else {}
    return _held_differences(provider, spot, perps, balances, on_exchange)


def _held_differences(
    account: str,
    spot: Mapping[str, Decimal],
    perps: Mapping[str, Decimal],
    balances: Mapping[str, Decimal],
    positions: Mapping[str, Decimal],
) -> list[LiveDifference]:
    """A spot holding (per base asset) must be in the free balance, at least; a
    perpetual position (per symbol) must be exactly the exchange's."""
    return [
        LiveDifference(account, f"holding {asset}", qty, balances.get(asset, ZERO))
        for asset, qty in sorted(spot.items())
        if balances.get(asset, ZERO) < qty
    ] + [
        LiveDifference(account, f"position {symbol}", qty, positions.get(symbol, ZERO))
        for symbol, qty in sorted(perps.items())
        if positions.get(symbol, ZERO) != qty
    ]


def _ours_left_open(
    uow_factory: Callable[[], SqlUnitOfWork], venue: Venue, account: str, books: list[str]
) -> list[LiveDifference]:
    """Orders open on the exchange that copytrade placed for ``books`` and recorded as
    finished (copies never rest on a live book: an IOC or a market order). The
    follower's own orders, which copytrade did not place, are its own business."""
    if not isinstance(venue, OpenOrdersReader):
        return []
    seen = [o for o in venue.open_orders(books[0]) if o.exchange_client_order_id]
    if not seen:
        return []
    with uow_factory() as uow:
        ours = {
            venue.exchange_client_order_id(ClientOrderId(o.client_order_id)): o
            for book in books for o in uow.orders.for_book(book)
        }
    return [
        LiveDifference(account, f"open order {o.exchange_client_order_id}", ZERO, o.remaining)
        for o in seen
        if (stored := ours.get(str(o.exchange_client_order_id))) is not None
        and stored.status in TERMINAL_STATUSES
    ]


def _pause(
    uow_factory: Callable[[], SqlUnitOfWork],
    books_of: Mapping[str, list[str]],
    differences: list[LiveDifference],
    now: Callable[[], datetime],
) -> list[str]:
    if not books_of:
        return []
    at = now()
    paused: list[str] = []
    with uow_factory() as uow:
        for account, books in books_of.items():
            found = [d.to_json() for d in differences if d.account == account]
            for book in books:
                rel = uow.relationships.get(book, for_update=True)
                if not rel.state.accepts_openings and rel.state.pause_reason is not None:
                    continue  # paused for a reason already: the follower was told then
                updated = rel.apply(Paused(PauseReason.RECONCILIATION_MISMATCH))
                uow.relationships.save(updated, at)
                uow.outbox.add(
                    RECONCILIATION_MISMATCH,
                    f"reconciliation-mismatch:{book}:{at.isoformat()}",
                    {"to": str(rel.follower), "relationship": book, "account": account,
                     "differences": found},
                    at,
                )
                paused.append(book)
        uow.commit()
    return paused
