"""``PaperVenue``: the embedded default exchange, behind the ``Venue`` port.

State lives in the paper_* tables of the platform's database, written in the
venue's own transactions (docs/venues.md). Instruments are given at
construction (the composition root reads them from configuration or the
instruments table); a symbol not among them is rejected ``unknown_symbol``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from copytrade.adapters.venues.errors import InsufficientFundsError, UnknownOrderError
from copytrade.adapters.venues.paper import (
    block,
    funding,
    holdings,
    liquidation,
    matching,
    store,
    trigger_store,
    triggers,
)
from copytrade.adapters.venues.paper.book import AccountBook
from copytrade.adapters.venues.paper.cash_moves import apply_once
from copytrade.adapters.venues.paper.seeding import TakenSeed
from copytrade.adapters.venues.paper.transaction import venue_transaction
from copytrade.adapters.venues.paper.triggers import PendingTrigger
from copytrade.adapters.venues.port import (
    AccountHoldings,
    CashMove,
    FundingPayment,
    OrderRequest,
    Venue,
    VenueOrder,
    VenuePosition,
    storable_amount,
)
from copytrade.domain.errors import InvalidValueError
from copytrade.domain.ids import ClientOrderId
from copytrade.domain.instruments import Instrument
from copytrade.domain.margin import MAX_FUNDING_RATE
from copytrade.domain.order_events import Fill
from copytrade.domain.values import ZERO

Clock = Callable[[], datetime]


class PaperVenue:
    def __init__(
        self,
        engine: Engine,
        instruments: Iterable[Instrument],
        clock: Clock,
        seed: TakenSeed | None = None,
    ) -> None:
        """``seed``: a what-if's replay only (docs/whatif.md, "A shared, depleting book")."""
        self._engine = engine
        self._seed = seed
        self._instruments: Mapping[str, Instrument] = {i.symbol: i for i in instruments}
        self._currencies = frozenset(i.quote.code for i in self._instruments.values())
        # Only a modelled book depletes (docs/venues.md "Depth"): else no taken depth is read.
        self._depth = any(i.depth is not None for i in self._instruments.values())
        self._clock = clock

    # --- orders ------------------------------------------------------------

    def place(self, request: OrderRequest) -> VenueOrder:
        return self.place_batch([request])[0]

    def place_batch(self, requests: Sequence[OrderRequest]) -> list[VenueOrder]:
        """All the orders in one transaction, in the given order; answers in the same order."""
        if not requests:
            return []
        now = self._clock()
        keys = {(r.account, r.client_order_id) for r in requests}
        with venue_transaction(self._engine, write=True) as session:
            waiting = trigger_store.load(session, keys)
            prices, taken = store.load_market(session, depth=self._depth)
            work = matching.WorkingSet(
                self._instruments,
                prices,
                store.load_books(session, {r.account for r in requests}, self._instruments),
                triggers.known_answers(store.load_orders(session, keys), waiting),
                taken=taken,
            )
            new: list[triggers.PendingTrigger] = []
            results = [
                triggers.place(work, request, now, new)
                if request.trigger is not None
                else self._place(work, request, now)
                for request in requests
            ]
            store.save(session, work)
            trigger_store.insert_new(session, new)
        return results

    def _place(
        self, work: matching.WorkingSet, request: OrderRequest, now: datetime
    ) -> VenueOrder:
        if self._seed is None:
            return matching.place(work, request, now)
        price = self._seed.before(work, request, now)
        if price is None:
            answer = matching.place(work, request, now)
        else:
            answer = block.place_share(work, request, price, now)
        self._seed.after(request, answer)
        return answer

    def place_block(self, requests: Sequence[OrderRequest]) -> list[VenueOrder]:
        """A provider's order (first) and its copies as one block, in one transaction: one
        walk of the book, one price (docs/venues.md "Block execution")."""
        if not requests:
            return []
        now = self._clock()
        keys = {(r.account, r.client_order_id) for r in requests}
        with venue_transaction(self._engine, write=True) as session:
            prices, taken = store.load_market(session, depth=self._depth)
            work = matching.WorkingSet(
                self._instruments,
                prices,
                store.load_books(session, {r.account for r in requests}, self._instruments),
                triggers.known_answers(store.load_orders(session, keys), {}),
                taken=taken,
            )
            results = block.place_block(work, requests, now)
            store.save(session, work)
        return results

    def cancel(self, account: str, client_order_id: ClientOrderId) -> VenueOrder:
        now = self._clock()
        with venue_transaction(self._engine, write=True) as session:
            key = (account, client_order_id)
            known = store.load_orders(session, [key])
            waiting = trigger_store.load(session, [key]).get(key)
            stored = known.get(key)
            if stored is None and waiting is not None:  # a trigger order still waiting
                result = triggers.cancel(waiting, now)
                trigger_store.save_changed(session, [waiting])
                return result
            if stored is None:
                raise UnknownOrderError(f"{account} has no order {client_order_id!r}")
            work = matching.WorkingSet(self._instruments, {}, {}, known)
            result = matching.cancel(work, stored, now)
            store.save(session, work)
        return result if waiting is None else waiting.attach(result)

    def get_order(
        self, account: str, client_order_id: ClientOrderId, symbol: str | None = None
    ) -> VenueOrder | None:
        """``symbol`` is a hint for exchanges that look orders up per market (unused)."""
        key = (account, client_order_id)
        with venue_transaction(self._engine, write=False) as session:
            known = store.load_orders(session, [key])
            return triggers.known_answers(known, trigger_store.load(session, [key])).get(key)

    def fills_since(
        self, cursor: int, limit: int, skip: Callable[[str], bool] | None = None
    ) -> tuple[list[Fill], int]:
        if cursor < 0 or limit < 1:
            raise InvalidValueError(f"cursor must be >= 0 and limit >= 1, got {cursor}, {limit}")
        with venue_transaction(self._engine, write=False) as session:
            return store.fills_since(session, cursor, limit, skip)

    # --- prices ------------------------------------------------------------

    def set_price(self, symbol: str, price: Decimal, ts: datetime) -> list[Fill]:
        """Make ``price`` the price in force; returns the fills of the limit orders it
        crossed, then of the trigger orders it fired (docs/venues.md "Trigger orders"),
        then of the liquidations it caused (docs/venues.md "Liquidation")."""
        return self.set_prices({symbol: price}, ts)

    def set_prices(self, points: Mapping[str, Decimal], ts: datetime) -> list[Fill]:
        """One moment's prices, in the given order, each applied as ``set_price`` applies
        it, all in one venue transaction (one commit a moment; docs/venues.md). Every
        price is checked first: a bad one changes nothing."""
        checked = {symbol: self._checked_price(symbol, price) for symbol, price in points.items()}
        if ts.tzinfo is None:
            raise InvalidValueError(f"price time must be timezone-aware, got {ts.isoformat()}")
        if not checked:
            return []
        with venue_transaction(self._engine, write=True) as session:
            # Applying a price adds no resting or trigger order to another symbol, so
            # what waits is read once for the moment.
            waiting = store.symbols_waiting(session, checked)
            return [
                fill
                for symbol, price in checked.items()
                for fill in self._apply_price(session, symbol, price, ts, symbol in waiting)
            ]

    def _apply_price(
        self, session: Session, symbol: str, price: Decimal, ts: datetime, waiting: bool
    ) -> list[Fill]:
        """One price in force, in the caller's venue transaction: the stored price, the
        resting limit orders it crossed, the trigger orders it fired, then the
        liquidations it caused. ``waiting``: whether any resting or trigger order waits
        on ``symbol`` (``store.symbols_waiting``); without, neither is read."""
        store.save_price(session, symbol, price, ts)
        crossed: list[VenueOrder] = []
        fired: list[PendingTrigger] = []
        if waiting:
            crossed = matching.crossed(store.load_resting(session, symbol), price)
            fired, moved = triggers.advance(
                trigger_store.load_pending(session, symbol), price, ts
            )
            trigger_store.save_changed(session, moved + fired)
        liquidates = self._instruments[symbol].liquidates
        holders = store.holders_of(session, symbol) if liquidates else set()
        if not crossed and not holders and not fired:
            return []
        prices = store.load_prices(session)
        accounts = {o.account for o in crossed} | holders | {t.request.account for t in fired}
        books = store.load_books(session, accounts, self._instruments)
        work = matching.WorkingSet(self._instruments, prices, books, {})
        if crossed:
            matching.fill_resting(work, crossed, symbol, price, ts)
        # Trigger orders after the resting ones: they reach the book at this mark.
        triggers.place_fired(work, fired, ts)
        liquidation.liquidate(work, ts)
        store.save(session, work)
        return work.new_fills

    def _checked_price(self, symbol: str, price: Decimal) -> Decimal:
        if symbol not in self._instruments:
            raise InvalidValueError(f"unknown symbol {symbol!r}: the paper venue lists none such")
        price = storable_amount(price, f"{symbol} price")
        if price <= ZERO:
            raise InvalidValueError(f"{symbol} price must be positive, got {price}")
        return price

    on_tick = set_price  # the market-data feed's name for it

    def apply_funding(self, symbol: str, rate: Decimal, ts: datetime) -> list[FundingPayment]:
        """Pay one funding interval of ``symbol`` at ``rate`` (docs/domain.md "Funding")."""
        instrument = self._instruments.get(symbol)
        if instrument is None or instrument.is_spot:
            raise InvalidValueError(f"funding applies to perpetuals, and {symbol!r} is none")
        rate = storable_amount(rate, f"{symbol} funding rate")
        if abs(rate) > MAX_FUNDING_RATE:
            raise InvalidValueError(
                f"{symbol} funding rate must be within ±{MAX_FUNDING_RATE}, got {rate}"
            )
        if ts.tzinfo is None:
            raise InvalidValueError(f"funding time must be timezone-aware, got {ts.isoformat()}")
        with venue_transaction(self._engine, write=True) as session:
            return funding.apply(session, self._instruments, symbol, rate, ts)

    def prices(self) -> dict[str, Decimal]:
        with venue_transaction(self._engine, write=False) as session:
            return store.load_prices(session)

    # --- accounts ----------------------------------------------------------

    def deposit(self, account: str, currency: str, amount: Decimal) -> Decimal:
        """Credit paper money; returns the new balance."""
        return self._move_cash(account, currency, self._positive(amount, "deposit"))

    def withdraw(self, account: str, currency: str, amount: Decimal) -> Decimal:
        """Debit at most the free cash (cash less the perps' net unrealized loss)."""
        return self._move_cash(account, currency, -self._positive(amount, "withdrawal"))

    def balances(self, account: str) -> dict[str, Decimal]:
        """Free cash per currency, and the base asset of each spot holding."""
        return holdings.balances(self._book(account))

    def in_orders(self, account: str) -> dict[str, Decimal]:
        """What the account's resting orders keep in orders: quote cash per currency and
        spot base assets (docs/venues.md "Funds in orders"). ``balances`` less this is
        what it may spend."""
        return holdings.in_orders(self._book(account))

    def holdings(self) -> dict[str, AccountHoldings]:
        """Every account's balances and open positions, read at one instant (reconciliation)."""
        with venue_transaction(self._engine, write=False) as session:
            return holdings.all_holdings(session, self._instruments)

    def withdrawable(self, account: str, currency: str) -> Decimal:
        """What ``withdraw`` would allow now: cash less the perps' net unrealized loss."""
        with venue_transaction(self._engine, write=False) as session:
            book = store.load_books(session, [account], self._instruments)[account]
            return max(ZERO, book.free_cash(currency, store.load_prices(session)))

    def withdrawable_many(self, accounts: Iterable[str], currency: str) -> dict[str, Decimal]:
        """``withdrawable`` of many accounts, read in one transaction."""
        with venue_transaction(self._engine, write=False) as session:
            books = store.load_books(session, accounts, self._instruments)
            prices = store.load_prices(session)
            return {a: max(ZERO, b.free_cash(currency, prices)) for a, b in books.items()}

    def move_cash_once(self, moves: Sequence[CashMove]) -> list[str]:
        """Apply keyed cash moves, all or none, each key once ever; the keys applied now.

        A withdrawal above the free cash raises ``InsufficientFundsError`` and
        nothing of the batch is applied.
        """
        for move in moves:
            if move.currency not in self._currencies:
                raise InvalidValueError(
                    f"the paper venue keeps cash in {sorted(self._currencies)}, "
                    f"not {move.currency!r}"
                )
            storable_amount(move.amount, "cash move amount")
        with venue_transaction(self._engine, write=True) as session:
            return apply_once(session, moves, self._instruments, self._clock())

    def positions(self, account: str) -> list[VenuePosition]:
        return holdings.positions(self._book(account))

    def _book(self, account: str) -> AccountBook:
        with venue_transaction(self._engine, write=False) as session:
            return store.load_books(session, [account], self._instruments)[account]

    def _positive(self, amount: Decimal, what: str) -> Decimal:
        value = storable_amount(amount, f"{what} amount")
        if value <= ZERO:
            raise InvalidValueError(f"{what} amount must be positive, got {value}")
        return value

    def _move_cash(self, account: str, currency: str, amount: Decimal) -> Decimal:
        if currency not in self._currencies:
            raise InvalidValueError(
                f"the paper venue keeps cash in {sorted(self._currencies)}, not {currency!r}"
            )
        with venue_transaction(self._engine, write=True) as session:
            book = store.load_books(session, [account], self._instruments)[account]
            if amount < ZERO:
                free = book.free_cash(currency, store.load_prices(session))
                if -amount > free:
                    raise InsufficientFundsError(
                        f"cannot withdraw {-amount} {currency}: free cash of {account} is {free}"
                    )
            balance = book.add_cash(currency, amount)
            store.save_books(session, [book])
        return balance


def _implements_the_port(venue: PaperVenue) -> Venue:
    return venue  # mypy checks here that PaperVenue has every method of the Venue port
