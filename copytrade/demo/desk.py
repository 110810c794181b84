"""The bots' trading desk: each moment's prices in, the bot providers' orders placed.

One desk drives the bots both in the demo's simulated weeks (runner.py) and on the live
market of a served demo (live.py): a moment's ticks go to every bot of their symbol, in
feed order and provider order; each bot decides from its own book (ProviderBooks) and
its orders are placed one by one, each followed by ``engine.pump()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from copytrade.demo.bots import Bot
from copytrade.demo.provider_books import ProviderBooks
from copytrade.domain.errors import DomainError
from copytrade.domain.ids import ClientOrderId, ProviderId
from copytrade.marketdata.ticks import PriceTick
from copytrade.service_layer.platform import Platform


@dataclass(slots=True)
class BotDesk:
    """The bots of the bot providers on one platform; ``order_prefix`` keeps the client
    order ids of one run apart from another's on the same database."""

    platform: Platform
    bots: dict[ProviderId, Bot]
    order_prefix: str = ""
    orders: int = 0
    refused: list[str] = field(default_factory=list)
    _by_symbol: dict[str, list[tuple[ProviderId, Bot]]] = field(default_factory=dict)
    _books: ProviderBooks | None = None

    def __post_init__(self) -> None:
        for provider, bot in self.bots.items():
            for symbol in bot.symbols:
                self._by_symbol.setdefault(symbol, []).append((provider, bot))
        self._books = ProviderBooks(self.platform.uow, self.platform.engine.prices.snapshot)

    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(self._by_symbol)

    def on_moment(self, moment: Sequence[PriceTick]) -> None:
        """Let the bots trade on a moment's ticks (the prices already applied)."""
        books = self._books
        assert books is not None  # set in __post_init__
        books.refresh([str(provider) for provider in self.bots])
        for tick in moment:
            for provider, bot in self._by_symbol.get(tick.symbol, ()):
                self._trade(books, provider, bot, tick)

    def _trade(self, books: ProviderBooks, provider: ProviderId, bot: Bot, tick: PriceTick) -> None:
        platform = self.platform
        qty, equity = books.position_and_equity(str(provider), tick.symbol)
        orders = bot.on_tick(tick, qty, equity)
        for order in orders:
            self.orders += 1
            try:
                platform.provider_orders.place(
                    provider,
                    ClientOrderId(f"{provider}-{self.order_prefix}{self.orders}"),
                    order.symbol,
                    order.side,
                    order.qty,
                    leverage=order.leverage,
                    reduce_only=order.reduce_only,
                )
            except DomainError as error:
                self.refused.append(f"{provider}: {error}")
            platform.engine.pump()
        if orders:
            books.traded(str(provider))
