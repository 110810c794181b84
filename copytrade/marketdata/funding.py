"""Funding rates of perpetuals, every 8 hours (docs/marketdata.md "Funding rates").

Two sources besides a scenario's ``funding`` events:

- a CSV column ``funding_rate`` next to the bars (``load_funding_rates``): a non-empty
  cell on a bar whose time is a funding time (00:00, 08:00, 16:00 UTC) is the rate of
  that time;
- the synthetic feed's perps (``FundingFromBasis``): at each funding time, from the
  premium of the perp over its spot (a seeded premium for a perp without one), with the
  exchanges' formula
  ``rate = P + clamp(I − P, −0.05 %, +0.05 %)``, ``P = (perp − spot) / spot``,
  ``I = 0.01 %`` per interval, capped at ±0.75 % and kept to 6 decimals.

The engine applies a rate with ``CopyEngine.on_funding`` (docs/domain.md "Funding").
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal
from pathlib import Path

from copytrade.domain.margin import FUNDING_INTERVAL_HOURS, MAX_FUNDING_RATE
from copytrade.marketdata.basis import BASIS_SD, spot_of
from copytrade.marketdata.clock import as_utc
from copytrade.marketdata.csv_bars import SYMBOL_COLUMN, csv_rows, parse_timestamp
from copytrade.marketdata.errors import CsvFormatError, InvalidMarketDataError
from copytrade.marketdata.normal import DecimalNormal
from copytrade.marketdata.ticks import PriceTick, check_symbol, market_decimal

FUNDING_COLUMN = "funding_rate"
INTEREST = Decimal("0.0001")
PREMIUM_CLAMP = Decimal("0.0005")
SYNTHETIC_CAP = Decimal("0.0075")
RATE_STEP = Decimal("0.000001")
_INTERVAL = timedelta(hours=FUNDING_INTERVAL_HOURS)
_CONTEXT = Context(prec=28)  # fixed, as the synthetic feed's: the same digits anywhere


def is_funding_time(ts: datetime) -> bool:
    return not (ts.hour % FUNDING_INTERVAL_HOURS or ts.minute or ts.second or ts.microsecond)


def next_funding_time(ts: datetime) -> datetime:
    """The first funding time at or after ``ts``."""
    floor = ts.replace(minute=0, second=0, microsecond=0)
    floor -= timedelta(hours=floor.hour % FUNDING_INTERVAL_HOURS)
    return floor if floor == ts else floor + _INTERVAL


@dataclass(frozen=True, slots=True)
class FundingRate:
    """The funding rate of ``symbol`` at the funding time ``ts`` (aware UTC)."""

    symbol: str
    ts: datetime
    rate: Decimal

    def __post_init__(self) -> None:
        ts, rate = _checked(check_symbol(self.symbol), self.ts, self.rate)
        object.__setattr__(self, "ts", ts)
        object.__setattr__(self, "rate", rate)


def _checked(symbol: str, ts: object, rate: object) -> tuple[datetime, Decimal]:
    """A funding time (aware UTC, on the 8-hour grid) and a rate within the cap."""
    at = as_utc(ts, f"{symbol} funding time")
    if not is_funding_time(at):
        raise InvalidMarketDataError(
            f"{symbol} funding is every {FUNDING_INTERVAL_HOURS} hours (00:00, 08:00, "
            f"16:00 UTC), not at {at.isoformat()}"
        )
    value = market_decimal(rate, f"{symbol} funding rate")
    if abs(value) > MAX_FUNDING_RATE:
        raise InvalidMarketDataError(
            f"{symbol} funding rate must be within ±{MAX_FUNDING_RATE}, got {value}"
        )
    return at, value


def load_funding_rates(path: str | Path, symbol: str | None = None) -> tuple[FundingRate, ...]:
    """The rates of the file's ``funding_rate`` column (none without the column), in file
    order; a bad cell raises ``CsvFormatError`` naming the line."""
    path = Path(path)
    rows = csv_rows(path)
    header = next(rows, None)
    if header is None:
        return ()
    columns = {name.strip().lower(): i for i, name in enumerate(header[1])}
    if FUNDING_COLUMN not in columns or "timestamp" not in columns:
        return ()
    found: list[FundingRate] = []
    for line, row in rows:
        cell = row[columns[FUNDING_COLUMN]].strip() if len(row) > columns[FUNDING_COLUMN] else ""
        if not cell:
            continue
        name = row[columns[SYMBOL_COLUMN]].strip() if SYMBOL_COLUMN in columns else symbol
        if name is None:
            raise CsvFormatError(path, 1, SYMBOL_COLUMN, "", "no symbol column; pass the symbol")
        if symbol is not None and name != symbol:
            continue
        stamp = row[columns["timestamp"]]
        try:
            found.append(FundingRate(name, parse_timestamp(stamp), Decimal(cell)))
        except (ValueError, ArithmeticError, InvalidMarketDataError) as error:
            raise CsvFormatError(path, line, FUNDING_COLUMN, cell, str(error)) from None
    return tuple(found)


def synthetic_rate(perp: Decimal, spot: Decimal) -> Decimal:
    """``P + clamp(I − P, ±0.05 %)`` with ``P = (perp − spot) / spot``, capped at ±0.75 %."""
    return premium_rate((perp - spot) / spot)


def premium_rate(premium: Decimal) -> Decimal:
    """The exchanges' rate of a premium ``P``: ``P + clamp(I − P, ±0.05 %)``, capped."""
    rate = premium + max(-PREMIUM_CLAMP, min(PREMIUM_CLAMP, INTEREST - premium))
    rate = max(-SYNTHETIC_CAP, min(SYNTHETIC_CAP, rate))
    return rate.quantize(RATE_STEP, ROUND_HALF_EVEN)


class SeededPremium:
    """A perp's premium at each funding time when no spot is in the feed: a seeded draw
    ``BASIS_SD × Z`` per (seed, symbol), in funding-time order, so a seed gives the
    same rates on every run and machine (docs/marketdata.md "Funding rates")."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._draws: dict[str, DecimalNormal] = {}

    def next(self, symbol: str) -> Decimal:
        normal = self._draws.get(symbol)
        if normal is None:
            rng = random.Random(f"{self._seed}/{symbol}/funding")
            normal = self._draws[symbol] = DecimalNormal(rng, _CONTEXT)
        return _CONTEXT.multiply(BASIS_SD, normal.draw())


class FundingFromBasis:
    """Watches a tick stream; at each funding time it passes, the rate of every perp whose
    spot it has seen (``observe`` returns them, before the tick at or after that time is
    applied: the rate is the premium at the last prices before the funding time). With a
    ``seed``, a perp it has seen without its spot gets the rate of a seeded premium."""

    def __init__(self, start: datetime, seed: int | None = None) -> None:
        self._next = next_funding_time(as_utc(start, "funding start"))
        self._last: dict[str, Decimal] = {}
        self._seeded = SeededPremium(seed) if seed is not None else None

    def observe(self, tick: PriceTick) -> list[FundingRate]:
        due: list[FundingRate] = []
        while tick.ts >= self._next:
            due.extend(self._rates(self._next))
            self._next += _INTERVAL
        self._last[tick.symbol] = tick.price
        return due

    def observe_all(self, ticks: Iterable[PriceTick]) -> list[FundingRate]:
        """``observe`` of each tick of one moment, the rates due in order."""
        return [rate for tick in ticks for rate in self.observe(tick)]

    def _rates(self, at: datetime) -> list[FundingRate]:
        rates = []
        for symbol in sorted(self._last):
            spot = spot_of(symbol)
            if spot is not None and spot in self._last:
                rates.append(
                    FundingRate(symbol, at, synthetic_rate(self._last[symbol], self._last[spot]))
                )
            elif spot is not None and self._seeded is not None:
                rates.append(FundingRate(symbol, at, premium_rate(self._seeded.next(symbol))))
        return rates


__all__ = [
    "FUNDING_COLUMN",
    "FundingFromBasis",
    "FundingRate",
    "SeededPremium",
    "is_funding_time",
    "load_funding_rates",
    "next_funding_time",
    "premium_rate",
    "synthetic_rate",
]
