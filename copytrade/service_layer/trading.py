"""A signed-in provider's own orders on the paper venue: place, list, cancel.

A client's order id is its own: it is stored as ``<user id>:<client id>``, so two
users may use the same id, a client that retries with the same id gets the same
order back (never a second one), and no one can name another user's order.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from copytrade.adapters.db.repositories.fills import RecordedFill
from copytrade.adapters.db.repositories.orders import StoredOrder
from copytrade.adapters.throttle import TooManyRequestsError, WindowLimiter
from copytrade.adapters.venues.order_terms import PLAIN, OrderTerms
from copytrade.domain.errors import DomainError, InvalidValueError
from copytrade.domain.identity import PermissionDeniedError
from copytrade.domain.ids import ClientOrderId, ProviderId
from copytrade.domain.instruments import Side
from copytrade.domain.ledger.errors import IdempotencyConflictError
from copytrade.domain.orders import OrderStatus, OrderType
from copytrade.service_layer.platform import Platform
from copytrade.service_layer.provider_orders import stored_id


class UnknownOrderOfUserError(DomainError, LookupError):
    """The user has no order with that client order id."""


@dataclass(frozen=True, slots=True)
class OrderAsk:
    symbol: str
    side: Side
    qty: Decimal
    type: OrderType
    price: Decimal | None
    leverage: Decimal
    reduce_only: bool
    terms: OrderTerms = PLAIN  # trigger, time in force, post-only (docs/venues.md)


@dataclass(frozen=True, slots=True)
class MyOrder:
    client_order_id: str
    order: StoredOrder
    fills: tuple[RecordedFill, ...]


class ProviderTrading:
    def __init__(self, platform: Platform, limiter: WindowLimiter | None = None) -> None:
        self._platform = platform
        self._limiter = limiter

    def place(self, user_id: str, client_order_id: str | None, ask: OrderAsk) -> tuple[str, bool]:
        """The order's client id, and whether it is new (False: placed before with that id).

        Its fills are booked when the engine pumps: read the order (``get``) after that.
        Every attempt counts against the user's order rate limit, if one is set.
        """
        wait = self._limiter.take(user_id) if self._limiter is not None else 0.0
        if wait:
            raise TooManyRequestsError("orders", wait)
        self._check(user_id, ask)
        client_id = client_order_id or uuid.uuid4().hex
        key = stored_id(user_id, client_id)
        with self._platform.uow() as uow:
            before = uow.orders.get(key)
        if before is not None:
            if not _same(before, ask):
                raise IdempotencyConflictError(
                    f"order {client_id!r} exists with other values; use a new client_order_id"
                )
            if before.status != OrderStatus.NEW.value:
                return client_id, False
            # Recorded but never answered (the venue was down): send it again, once.
        self._platform.provider_orders.place(
            ProviderId(user_id),
            ClientOrderId(key),
            ask.symbol,
            ask.side,
            ask.qty,
            ask.type,
            ask.price,
            ask.leverage,
            ask.reduce_only,
            ask.terms,
        )
        return client_id, True

    def get(self, user_id: str, client_order_id: str) -> MyOrder:
        key = stored_id(user_id, client_order_id)
        with self._platform.uow() as uow:
            order = uow.orders.get(key)
            if order is None or order.book != user_id:
                raise UnknownOrderOfUserError(f"you have no order {client_order_id!r}")
            fills = uow.fills.of_orders([key]).get(key, [])
        return MyOrder(client_order_id, order, tuple(fills))

    def latest(self, user_id: str, limit: int, offset: int) -> tuple[list[MyOrder], int]:
        """A page of the user's orders, newest first, each with its fills; and the total."""
        with self._platform.uow() as uow:
            orders = uow.orders.latest_of_book(user_id, limit, offset)
            total = uow.orders.count_of_book(user_id)
            fills = uow.fills.of_orders([o.client_order_id for o in orders])
        prefix = f"{user_id}:"
        return [
            MyOrder(
                o.client_order_id.removeprefix(prefix),
                o,
                tuple(fills.get(o.client_order_id, ())),
            )
            for o in orders
        ], total

    def cancel(self, user_id: str, client_order_id: str) -> None:
        """Cancel an open limit order (a cancelled one again is a no-op)."""
        self.get(user_id, client_order_id)  # refuses another's or an unknown order
        key = ClientOrderId(stored_id(user_id, client_order_id))
        answer = self._platform.venue.cancel(user_id, key)
        with self._platform.uow() as uow:
            uow.orders.record_venue_results([answer], self._platform.clock.now())
            uow.commit()

    def _check(self, user_id: str, ask: OrderAsk) -> None:
        with self._platform.uow() as uow:
            if not uow.accounts.is_provider(user_id):
                raise PermissionDeniedError(
                    "only providers trade here: POST /api/v1/providers/me to become one"
                )
        instrument = self._platform.engine.instruments.get(ask.symbol)
        if instrument is None:
            known = ", ".join(sorted(self._platform.engine.instruments))
            raise InvalidValueError(f"unknown symbol {ask.symbol!r}; trade one of {known}")
        if (ask.type is OrderType.LIMIT) != (ask.price is not None):
            raise InvalidValueError("a limit order needs a price, and only a limit order has one")
        if ask.terms.post_only and ask.type is not OrderType.LIMIT:
            raise InvalidValueError("post_only is for limit orders: a market order always takes")
        if ask.leverage > instrument.max_leverage:
            raise InvalidValueError(
                f"{ask.symbol} allows leverage up to {instrument.max_leverage}, got {ask.leverage}"
            )


def _same(order: StoredOrder, ask: OrderAsk) -> bool:
    return (
        order.symbol == ask.symbol
        and order.side == ask.side.value
        and order.type == ask.type.value
        and order.qty == ask.qty
        and order.limit_price == ask.price
        and order.leverage == ask.leverage
        and order.reduce_only == ask.reduce_only
        and order.terms == ask.terms
    )
