"""A provider's stop-loss and take-profit trigger prices on its own positions, mirrored
to every copy (docs/domain.md, "The provider's stop-loss and take-profit").

Stored on the provider's position only: a copy reads them from there (the mark sweep's
query joins them to each copy), so setting, moving or cancelling them is one write
however many followers copy, and a copy never holds a stale price. The platform checks
them on every mark (``CopyEngine.enforce_max_loss``), so they work on any venue. A firing
on the provider's own position closes it here with a reduce-only market order; each copy's
firing is the follower's (``FollowerActions.protect``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from copytrade.adapters.db.unit_of_work import SqlUnitOfWork
from copytrade.adapters.venues.errors import PermanentVenueError
from copytrade.domain.copying.reasons import ReasonCode
from copytrade.domain.copying.triggers import PositionTriggers, TriggerError, check_triggers
from copytrade.domain.identity import PermissionDeniedError
from copytrade.domain.ids import ClientOrderId, ProviderId
from copytrade.domain.instruments import Side
from copytrade.domain.orders import OrderStatus, OrderType
from copytrade.domain.values import ZERO
from copytrade.engine.protecting import PROTECTION_FIRED
from copytrade.service_layer.provider_orders import ProviderOrders, stored_id


class ProviderTriggers:
    def __init__(
        self,
        uow_factory: Callable[[], SqlUnitOfWork],
        orders: ProviderOrders,
        prices: Callable[[], Mapping[str, Decimal]],
        now: Callable[[], datetime],
    ) -> None:
        self._uow_factory = uow_factory
        self._orders = orders
        self._prices = prices
        self._now = now

    def set(self, provider: str, symbol: str, triggers: PositionTriggers) -> PositionTriggers:
        """Set, move or (both None) cancel the trigger prices of the provider's open
        position in ``symbol``; they replace any set before. Refused (nothing changes):
        a user who is no provider, no open position, a price the mark already reached."""
        with self._uow_factory() as uow:
            if not uow.accounts.is_provider(provider):
                raise PermissionDeniedError(
                    "only providers set a stop-loss or take-profit on their positions"
                )
            held = {p.position.instrument.symbol: p for p in uow.positions.for_book(provider)}
            stored = held.get(symbol)
            if stored is None or stored.position.is_flat:
                open_ = ", ".join(sorted(s for s, p in held.items() if not p.position.is_flat))
                raise TriggerError(
                    f"you have no open position in {symbol!r}"
                    + (f"; your open positions: {open_}" if open_ else "")
                )
            if triggers:
                check_triggers(stored.position.qty, self._prices().get(symbol), triggers)
            uow.positions.set_triggers(provider, symbol, triggers)
            uow.commit()
        return triggers

    def of(self, provider: str) -> dict[str, PositionTriggers]:
        """The trigger prices in force on the provider's positions, by symbol."""
        with self._uow_factory() as uow:
            return uow.positions.triggers_of(provider)

    def fire(self, closes: Sequence[tuple[str, str, ReasonCode]]) -> list[str]:
        """Close each provider's position whose trigger price a mark reached, with a
        reduce-only market order whose id names the reason, and tell the provider; not a
        position whose book still waits for the venue's answer in that symbol. The
        providers acted on. Their followers' copies fired on the same sweep."""
        now = self._now()
        acted: list[str] = []
        for book, symbol, reason in closes:
            with self._uow_factory() as uow:
                held = {p.position.instrument.symbol: p for p in uow.positions.for_book(book)}
                waiting = {o.symbol for o in uow.orders.unconfirmed_of_book(book)}
            stored = held.get(symbol)
            if stored is None or stored.position.is_flat or symbol in waiting:
                continue
            position = stored.position
            try:
                answer = self._orders.place(
                    ProviderId(book),
                    firing_order_id(book, symbol, reason, now),
                    symbol,
                    Side.SELL if position.qty > ZERO else Side.BUY,
                    abs(position.qty),
                    OrderType.MARKET,
                    leverage=position.leverage,
                    reduce_only=True,
                )
            except PermanentVenueError:
                continue  # recorded on the order as rejected (its reason); the next mark retries
            if answer.status is OrderStatus.REJECTED:
                continue  # the same: the order says why
            with self._uow_factory() as uow:
                uow.outbox.add_many(PROTECTION_FIRED, [_notice(book, symbol, reason, now)], now)
                uow.commit()
            acted.append(book)
        return acted


def firing_order_id(book: str, symbol: str, reason: ReasonCode, now: datetime) -> ClientOrderId:
    """The closing order of a firing: the provider's orders list it as
    ``<reason>-<hash>``, and one firing (book, symbol, moment) places one order."""
    digest = hashlib.sha256(f"{book}\x1f{symbol}\x1f{now.isoformat()}".encode()).hexdigest()
    return ClientOrderId(stored_id(book, f"{reason.value}-{digest[:16]}"))


def _notice(
    book: str, symbol: str, reason: ReasonCode, now: datetime
) -> tuple[str, dict[str, object]]:
    payload: dict[str, object] = {
        "provider": book,
        "reason": reason.value,
        "symbols": [symbol],
        "fired_at": now.isoformat(),
        "to": book,
    }
    return f"protection:{book}:{symbol}:{reason.value}:{now.isoformat()}", payload
