"""What a synthetic symbol looks like: start price, tick, volatility, drift, trends."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from copytrade.domain.instruments import Instrument
from copytrade.domain.values import ZERO
from copytrade.marketdata.errors import InvalidMarketDataError, UnknownSymbolError
from copytrade.marketdata.ticks import check_symbol, market_decimal, positive_decimal

# Rates, not percents: 0.60 is 60 % a year, the unit of sigma in the GBM formula.
_MAX_RATE = Decimal(5)
_MAX_TREND_CHANGES = Decimal(10_000)


@dataclass(frozen=True, slots=True)
class SymbolSpec:
    """Parameters of one symbol's geometric Brownian motion.

    ``annual_volatility`` and ``annual_drift`` are yearly rates (0.60 = 60 %).
    With ``trend_changes_per_year`` > 0 the symbol switches at random times
    between an up-trend, a down-trend and no trend, adding +/- ``trend_drift``
    to its drift, so trend-following and mean-reverting bots have regimes to
    find; with the default 0 it is a plain GBM.
    """

    symbol: str
    tick: Decimal
    start_price: Decimal
    annual_volatility: Decimal
    annual_drift: Decimal = ZERO
    trend_changes_per_year: Decimal = ZERO
    trend_drift: Decimal = ZERO

    def __post_init__(self) -> None:
        check_symbol(self.symbol)
        for name in ("tick", "start_price"):
            object.__setattr__(
                self, name, positive_decimal(getattr(self, name), f"{self.symbol} {name}")
            )
        self._set_in_range("annual_volatility", ZERO, _MAX_RATE)
        self._set_in_range("annual_drift", -_MAX_RATE, _MAX_RATE)
        self._set_in_range("trend_changes_per_year", ZERO, _MAX_TREND_CHANGES)
        self._set_in_range("trend_drift", ZERO, _MAX_RATE)

    def _set_in_range(self, name: str, low: Decimal, high: Decimal) -> None:
        value = market_decimal(getattr(self, name), f"{self.symbol} {name}")
        if not low <= value <= high:
            raise InvalidMarketDataError(
                f"{self.symbol} {name} must be between {low} and {high} "
                f"(a yearly rate: 0.6 = 60 %), got {value}"
            )
        object.__setattr__(self, name, value)

    @classmethod
    def for_instrument(
        cls,
        instrument: Instrument,
        start_price: Decimal,
        annual_volatility: Decimal,
        annual_drift: Decimal = ZERO,
    ) -> SymbolSpec:
        """A spec that takes its symbol and price tick from ``instrument``."""
        return cls(instrument.symbol, instrument.tick, start_price, annual_volatility, annual_drift)


# Base asset -> (start price, yearly volatility). Volatilities are the rough
# realized levels of recent years: BTC ~60 %, ETH ~75 %, SOL ~100 %.
_DEFAULT_MARKETS = {
    "BTC": ("60000", "0.60"),
    "ETH": ("3000", "0.75"),
    "SOL": ("150", "1.00"),
}
_DEFAULT_TICK = Decimal("0.01")
# About one regime change every 6-7 weeks, a trend worth +/-100 % a year while it lasts.
_DEFAULT_TREND_CHANGES = Decimal(8)
_DEFAULT_TREND_DRIFT = Decimal(1)


def _default_table() -> dict[str, SymbolSpec]:
    table: dict[str, SymbolSpec] = {}
    for base, (price, volatility) in _DEFAULT_MARKETS.items():
        # Spot and the USDT-margined perp share the same parameters.
        for symbol in (f"{base}/USDT", f"{base}/USDT:USDT"):
            table[symbol] = SymbolSpec(
                symbol,
                _DEFAULT_TICK,
                Decimal(price),
                Decimal(volatility),
                trend_changes_per_year=_DEFAULT_TREND_CHANGES,
                trend_drift=_DEFAULT_TREND_DRIFT,
            )
    return table


_DEFAULT_SPECS = _default_table()


def default_symbol_specs(*symbols: str) -> tuple[SymbolSpec, ...]:
    """Realistic specs for ``symbols``; by default BTC/USDT, ETH/USDT and SOL/USDT.

    Known: BTC, ETH and SOL against USDT, spot (``BTC/USDT``) or perp
    (``BTC/USDT:USDT``); any other symbol raises ``UnknownSymbolError``.
    """
    wanted = symbols or ("BTC/USDT", "ETH/USDT", "SOL/USDT")
    for symbol in wanted:
        if symbol not in _DEFAULT_SPECS:
            raise UnknownSymbolError(symbol, tuple(_DEFAULT_SPECS), "the default symbol specs")
    return tuple(_DEFAULT_SPECS[symbol] for symbol in wanted)
