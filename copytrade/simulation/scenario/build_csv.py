"""A scenario's price files: OHLCV bars from CSV, and the funding column next to them.

A ``prices`` item ``{csv, symbol}`` names a CSV file (relative to the scenario file) read
with the market-data replay (docs/marketdata.md "CSV"): each bar's close is in force from
the bar's end (open time + bar interval), never before it happened. Its optional
``funding_rate`` column (docs/marketdata.md "Funding rates") becomes the perp's funding at
the rows' times, played like a ``funding`` event (docs/scenarios.md "prices").
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from copytrade.domain.instruments import Instrument
from copytrade.marketdata.errors import MarketDataError
from copytrade.marketdata.funding import load_funding_rates
from copytrade.marketdata.replay import CsvReplayFeed
from copytrade.simulation.scenario.events import Funding
from copytrade.simulation.scenario.problems import Where
from copytrade.simulation.scenario.schema import PriceCsvDoc

# A CSV funding rate is no event of the file: RESULT.json's ``errors`` name it so.
CSV_EVENT_INDEX = -1


def csv_path(doc: PriceCsvDoc, where: Where) -> Path:
    path = Path(doc.csv)
    return path if path.is_absolute() else Path(where.file).parent / path


def csv_price_points(
    path: str, doc: PriceCsvDoc, where: Where
) -> Iterator[tuple[str, str, datetime, Decimal]]:
    """(path, symbol, time, price) of each bar's close, in the file's order."""
    try:
        ticks = list(CsvReplayFeed(csv_path(doc, where), doc.symbol))
    except MarketDataError as error:
        where.fail(f"{path}.csv", str(error))
    for k, tick in enumerate(ticks):
        yield f"{path}.csv[{k}]", tick.symbol, tick.ts, tick.price


def csv_funding(
    path: str, doc: PriceCsvDoc, instruments: Mapping[str, Instrument], where: Where
) -> Iterator[Funding]:
    """The file's funding rates as funding events of its symbol (a perp)."""
    try:
        rates = load_funding_rates(csv_path(doc, where), doc.symbol)
    except MarketDataError as error:
        where.fail(f"{path}.csv", str(error))
    instrument = instruments.get(doc.symbol)
    if rates and instrument is not None and instrument.is_spot:
        where.fail(f"{path}.symbol", f"{doc.symbol} is spot: a funding_rate column is for perps")
    for rate in rates:
        yield Funding(rate.ts, CSV_EVENT_INDEX, rate.symbol, rate.rate)


__all__ = ["CSV_EVENT_INDEX", "csv_funding", "csv_price_points"]
