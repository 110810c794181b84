"""The interface a demo bot offers the engine that runs it."""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol, runtime_checkable

from copytrade.demo.orders import BotOrder
from copytrade.marketdata.ticks import PriceTick


@runtime_checkable
class Bot(Protocol):
    """A deterministic trader: prices in, market orders out, no I/O.

    The engine calls ``on_tick`` for every tick of the bot's ``symbols``, with
    what the bot's account holds in that symbol (signed: short is negative)
    and its equity (cash plus positions marked at current prices), and then
    places the returned orders in list order.
    """

    @property
    def symbols(self) -> tuple[str, ...]: ...

    def on_tick(
        self, tick: PriceTick, position_qty: Decimal, equity: Decimal
    ) -> list[BotOrder]: ...
