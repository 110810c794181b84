"""Each indicator kind as a TA-Lib stream, and how its outputs are read.

TA-Lib works in floats; this module is the one boundary where a candle's Decimal
prices become floats. A stream (``talib.stream``) opens on the bars of its look-back
period and then takes one bar per ``update`` in C, keeping only the state it needs.
TA-Lib (and numpy, and pandas where installed, which TA-Lib loads) is imported at the
first indicator, not with the module: most commands never compute one
(docs/operations.md, "Start-up").
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from copytrade.domain.alerts.series import IndicatorSpec, Kind

Bar = float | tuple[float, float, float]  # a close, or (high, low, close) for ATR

_FUNCTIONS = {
    Kind.RSI: "RSI", Kind.SMA: "SMA", Kind.EMA: "EMA", Kind.ATR: "ATR",
    Kind.MACD: "MACD", Kind.BOLLINGER: "BBANDS",
}

# Where each output sits in the stream's value: None for a single number, else the
# index in TA-Lib's tuple (MACD: line, signal, histogram; BBANDS: upper, middle, lower).
OUTPUT_INDEX: dict[Kind, dict[str, int | None]] = {
    Kind.RSI: {"value": None},
    Kind.SMA: {"value": None},
    Kind.EMA: {"value": None},
    Kind.ATR: {"value": None},
    Kind.MACD: {"line": 0, "signal": 1, "histogram": 2},
    Kind.BOLLINGER: {"upper": 0, "middle": 1, "lower": 2},
}


def _parameters(spec: IndicatorSpec) -> dict[str, Any]:
    p = spec.params
    if spec.kind is Kind.MACD:
        return {"fastperiod": int(p[0]), "slowperiod": int(p[1]), "signalperiod": int(p[2])}
    if spec.kind is Kind.BOLLINGER:
        width = float(p[1])
        return {"timeperiod": int(p[0]), "nbdevup": width, "nbdevdn": width, "matype": 0}
    return {"timeperiod": int(p[0])}


@cache
def bars_needed(spec: IndicatorSpec) -> int:
    """Closed candles before the first value: TA-Lib's look-back plus the first bar."""
    from talib import abstract

    function = abstract.Function(_FUNCTIONS[spec.kind])  # type: ignore[attr-defined]
    function.set_parameters(_parameters(spec))
    return int(function.lookback) + 1


def takes_bar(spec: IndicatorSpec) -> bool:
    """Whether the indicator reads the whole candle (ATR) rather than its close."""
    return spec.kind is Kind.ATR


def open_stream(spec: IndicatorSpec, bars: Sequence[Bar]) -> Any:
    """A stream that has seen ``bars`` (at least ``bars_needed(spec)`` of them)."""
    import numpy as np
    from talib import stream

    function = getattr(stream, _FUNCTIONS[spec.kind])
    if takes_bar(spec):
        high, low, close = (np.array(column, dtype=float) for column in zip(*bars, strict=True))
        return function(high, low, close, **_parameters(spec))
    return function(np.array(bars, dtype=float), **_parameters(spec))
