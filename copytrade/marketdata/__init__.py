"""Market data and time: price feeds (synthetic, CSV replay) and clocks.

Free of I/O except reading the CSV file a replay is given; nothing here reads
the wall clock except ``SystemClock`` (docs/venues.md; docs/scenarios.md: simulations are
deterministic). See docs/marketdata.md.
"""

from copytrade.marketdata.clock import Clock, SimulatedClock, SystemClock, as_utc
from copytrade.marketdata.csv_bars import load_bars, parse_timestamp
from copytrade.marketdata.errors import (
    ClockBackwardsError,
    CsvFormatError,
    InvalidMarketDataError,
    MarketDataError,
    OutOfOrderError,
    UnknownSymbolError,
)
from copytrade.marketdata.feed import MergedFeed, PriceFeed, clocked, merge_feeds
from copytrade.marketdata.live import LiveTickerFeed, TickerSource
from copytrade.marketdata.replay import BarTicks, CsvReplayFeed, bar_ticks
from copytrade.marketdata.specs import SymbolSpec, default_symbol_specs
from copytrade.marketdata.synthetic import SyntheticFeed
from copytrade.marketdata.ticks import Bar, PriceTick

__all__ = [
    "Bar",
    "BarTicks",
    "Clock",
    "ClockBackwardsError",
    "CsvFormatError",
    "CsvReplayFeed",
    "InvalidMarketDataError",
    "LiveTickerFeed",
    "MarketDataError",
    "MergedFeed",
    "OutOfOrderError",
    "PriceFeed",
    "PriceTick",
    "SimulatedClock",
    "SymbolSpec",
    "SyntheticFeed",
    "SystemClock",
    "TickerSource",
    "UnknownSymbolError",
    "as_utc",
    "bar_ticks",
    "clocked",
    "default_symbol_specs",
    "load_bars",
    "merge_feeds",
    "parse_timestamp",
]
