"""A provider's own open positions with their stop-loss and take-profit, and setting
those trigger prices (docs/domain.md, "The provider's stop-loss and take-profit"): what
``/api/v1/positions``, ``copytrade positions tp-sl`` and the /trade page call."""

from __future__ import annotations

from decimal import Decimal

from copytrade.adapters.venues.port import FundsInOrders
from copytrade.domain.copying.triggers import PositionTriggers
from copytrade.domain.identity import PermissionDeniedError
from copytrade.domain.ledger import LedgerAccount
from copytrade.engine.books import BookState
from copytrade.service_layer.following.views import PositionView, positions_view
from copytrade.service_layer.platform import Platform


class ProviderPositions:
    def __init__(self, platform: Platform) -> None:
        self._platform = platform

    def positions(self, provider: str) -> tuple[PositionView, ...]:
        """The provider's open positions, marked, each with its trigger prices."""
        prices = self._platform.engine.prices.snapshot()
        with self._platform.uow() as uow:
            if not uow.accounts.is_provider(provider):
                raise PermissionDeniedError(
                    "only providers hold positions of their own: POST /api/v1/providers/me"
                )
            cash = uow.ledger.balance(LedgerAccount.follower_free(provider))
            held = {p.position.instrument.symbol: p for p in uow.positions.for_book(provider)}
            triggers = uow.positions.triggers_of(provider)
        return positions_view(BookState(cash, held), prices, triggers)

    def in_orders(self, provider: str) -> dict[str, Decimal]:
        """What the provider's resting orders keep in orders at its venue, per currency
        (docs/venues.md "Funds in orders"); empty for a venue that does not show it."""
        venue = self._platform.venue
        return dict(venue.in_orders(provider)) if isinstance(venue, FundsInOrders) else {}

    def set_triggers(
        self, provider: str, symbol: str, stop_loss: Decimal | None, take_profit: Decimal | None
    ) -> PositionView:
        """Set, move or (both None) cancel the position's trigger prices; the position
        as it is shown afterwards. Every copy of it mirrors them from the next mark."""
        self._platform.provider_triggers.set(
            provider, symbol, PositionTriggers(stop_loss, take_profit)
        )
        return next(p for p in self.positions(provider) if p.symbol == symbol)
