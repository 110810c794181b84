"""The bot traders and the population of ``copytrade demo`` (docs/demo.md).

Pure decision logic: no I/O, no clock, no randomness but a seeded one. The
engine that runs them feeds the bots ticks and places their orders.
"""

from copytrade.demo.bots import Bot, Gambler, MeanReverter, SignalBot, SpotHolder, TrendFollower
from copytrade.demo.followers import FollowerSpec, RelationshipSpec
from copytrade.demo.instruments import (
    BTC_PERP,
    BTC_SPOT,
    DEMO_INSTRUMENTS,
    DEMO_INSTRUMENTS_BY_SYMBOL,
    ETH_PERP,
    SOL_PERP,
    demo_symbol_specs,
)
from copytrade.demo.orders import BotOrder, market_order, orders_toward
from copytrade.demo.population import DemoPopulation, demo_population
from copytrade.demo.providers import BotStyle, ProviderSpec, build_bot
from copytrade.demo.window import PriceWindow

__all__ = [
    "BTC_PERP",
    "BTC_SPOT",
    "DEMO_INSTRUMENTS",
    "DEMO_INSTRUMENTS_BY_SYMBOL",
    "ETH_PERP",
    "SOL_PERP",
    "Bot",
    "BotOrder",
    "BotStyle",
    "DemoPopulation",
    "FollowerSpec",
    "Gambler",
    "MeanReverter",
    "PriceWindow",
    "ProviderSpec",
    "RelationshipSpec",
    "SignalBot",
    "SpotHolder",
    "TrendFollower",
    "build_bot",
    "demo_population",
    "demo_symbol_specs",
    "market_order",
    "orders_toward",
]
