"""Each indicator kind as a talipp indicator, and how its outputs are read.

talipp works in floats; this module is the one boundary where a candle's Decimal
prices become floats and where talipp's output objects become plain numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from talipp.indicators import ATR, BB, EMA, MACD, RSI, SMA
from talipp.ohlcv import OHLCV

from copytrade.domain.alerts.candles import Candle
from copytrade.domain.alerts.series import IndicatorSpec, Kind

Reader = Callable[[Any], float | None]


def make(spec: IndicatorSpec) -> Any:
    """A fresh talipp indicator for ``spec`` (not for price, which is the candle itself)."""
    p = [int(x) for x in spec.params]
    match spec.kind:
        case Kind.RSI:
            return RSI(p[0])
        case Kind.SMA:
            return SMA(p[0])
        case Kind.EMA:
            return EMA(p[0])
        case Kind.ATR:
            return ATR(p[0])
        case Kind.MACD:
            return MACD(p[0], p[1], p[2])
        case Kind.BOLLINGER:
            return BB(p[0], float(spec.params[1]))
    raise AssertionError(f"no talipp indicator for {spec}")  # pragma: no cover


def talipp_input(spec: IndicatorSpec, candle: Candle) -> Any:
    """What the indicator is fed for one closed candle: the close, or the whole bar."""
    if spec.kind is Kind.ATR:
        return OHLCV(
            float(candle.open), float(candle.high), float(candle.low), float(candle.close),
            float(candle.volume),
        )
    return float(candle.close)


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _field(name: str) -> Reader:
    def read(value: Any) -> float | None:
        return None if value is None else _number(getattr(value, name))

    return read


READERS: dict[Kind, dict[str, Reader]] = {
    Kind.RSI: {"value": _number},
    Kind.SMA: {"value": _number},
    Kind.EMA: {"value": _number},
    Kind.ATR: {"value": _number},
    Kind.MACD: {"line": _field("macd"), "signal": _field("signal"),
                "histogram": _field("histogram")},
    Kind.BOLLINGER: {"lower": _field("lb"), "middle": _field("cb"), "upper": _field("ub")},
}


def price_output(candle: Candle, output: str) -> Decimal:
    value = getattr(candle, output)
    assert isinstance(value, Decimal)
    return value
