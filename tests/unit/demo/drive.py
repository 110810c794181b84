"""Feeding a bot a scripted price path, with its orders assumed to fill in full."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from copytrade.demo import DEMO_INSTRUMENTS_BY_SYMBOL, Bot, BotOrder
from copytrade.domain.values import Price
from copytrade.marketdata import PriceTick

T0 = datetime(2025, 1, 1, tzinfo=UTC)
D = Decimal
MARKETS = DEMO_INSTRUMENTS_BY_SYMBOL


@dataclass(frozen=True, slots=True)
class Step:
    """One tick, what the bot held before it, and the orders it answered with."""

    tick: PriceTick
    held: Decimal
    orders: list[BotOrder]


def ticks(symbol: str, prices: Iterable[Decimal | str | int]) -> list[PriceTick]:
    return [
        PriceTick(symbol, T0 + timedelta(minutes=i), Price(price)) for i, price in enumerate(prices)
    ]


def drive(bot: Bot, path: Sequence[PriceTick], equity: Decimal = D(10_000)) -> list[Step]:
    """Every step of ``path``; each order fills at the tick's price (market orders)."""
    held: dict[str, Decimal] = {}
    steps = []
    for tick in path:
        before = held.get(tick.symbol, D(0))
        orders = bot.on_tick(tick, before, equity)
        for order in orders:
            held[order.symbol] = held.get(order.symbol, D(0)) + order.qty * order.side.sign
        steps.append(Step(tick, before, orders))
    return steps


def orders_of(steps: Sequence[Step]) -> list[tuple[int, BotOrder]]:
    """(step index, order) for every order, in order."""
    return [(i, order) for i, step in enumerate(steps) for order in step.orders]
