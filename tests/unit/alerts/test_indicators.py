"""TA-Lib's indicators, as the bank serves them, against pandas formulas written here.

The reference is the textbook definition of each indicator in pandas; TA-Lib seeds
its averages its own way (EMA and Wilder averages start from a simple mean, ATR's
from the true ranges after the first bar, which has no previous close), so the
recursive ones are compared once the seed has decayed (after WARM candles:
0.93^400 < 1e-12), the windowed ones from the first value.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest

from copytrade.adapters.indicators import IndicatorBank
from copytrade.domain.alerts.candles import Candle, CandleHistory
from copytrade.domain.alerts.parser import parse_conditions
from copytrade.domain.alerts.series import SeriesRef
from copytrade.domain.alerts.timeframes import Timeframe
from tests.unit.alerts.series_data import synthetic_candles

WARM = 400
SYMBOL = "BTC/USDT"


def _frame(candles: Sequence[Candle]) -> pd.DataFrame:
    return pd.DataFrame(
        {name: [float(getattr(c, name)) for c in candles] for name in ("high", "low", "close")}
    )


def _ref(text: str) -> SeriesRef:
    """The series named on the left of ``<text> above 0``."""
    (series,) = parse_conditions(f"{text} above 0").series
    return series


def _bank_series(candles: Sequence[Candle], ref: SeriesRef) -> list[float | None]:
    bank = IndicatorBank(CandleHistory(size=10))
    bank.require(SYMBOL, Timeframe.M1, [ref])
    out: list[float | None] = []
    for candle in candles:
        bank.on_close(candle)
        value = bank.values(SYMBOL, Timeframe.M1)[0][ref]
        out.append(None if value is None else float(value))
    return out


def _wilder(values: pd.Series, period: int) -> pd.Series:
    return values.ewm(alpha=1 / period, adjust=False).mean()


def _rsi(df: pd.DataFrame, n: int) -> pd.Series:
    change = df.close.diff()
    gain, loss = change.clip(lower=0), -change.clip(upper=0)
    return 100 - 100 / (1 + _wilder(gain.iloc[1:], n) / _wilder(loss.iloc[1:], n))


def _ema(values: pd.Series, n: int) -> pd.Series:
    return values.ewm(span=n, adjust=False).mean()


def _macd(df: pd.DataFrame) -> dict[str, pd.Series]:
    line = _ema(df.close, 12) - _ema(df.close, 26)
    signal = _ema(line, 9)
    return {"line": line, "signal": signal, "histogram": line - signal}


def _bollinger(df: pd.DataFrame, n: int, k: float) -> dict[str, pd.Series]:
    mean, std = df.close.rolling(n).mean(), df.close.rolling(n).std(ddof=0)
    return {"lower": mean - k * std, "middle": mean, "upper": mean + k * std}


def _atr(df: pd.DataFrame, n: int) -> pd.Series:
    previous = df.close.shift(1)
    ranges = pd.concat(
        [df.high - df.low, (df.high - previous).abs(), (df.low - previous).abs()], axis=1
    )
    true_range = ranges.max(axis=1)
    # Wilder's ATR: the first value is the mean of the first n ranges, then recursive.
    atr = [np.nan] * len(df)
    atr[n - 1] = true_range.iloc[:n].mean()
    for i in range(n, len(df)):
        atr[i] = (atr[i - 1] * (n - 1) + true_range.iloc[i]) / n
    return pd.Series(atr)


CASES = {
    "RSI(14)": (lambda df: _rsi(df, 14), WARM),
    "SMA(20)": (lambda df: df.close.rolling(20).mean(), 19),
    "EMA(21)": (lambda df: _ema(df.close, 21), WARM),
    "MACD histogram": (lambda df: _macd(df)["histogram"], WARM),
    "MACD line": (lambda df: _macd(df)["line"], WARM),
    "MACD signal": (lambda df: _macd(df)["signal"], WARM),
    "lower Bollinger(20, 2)": (lambda df: _bollinger(df, 20, 2)["lower"], 19),
    "upper Bollinger(20, 2.5)": (lambda df: _bollinger(df, 20, 2.5)["upper"], 19),
    "middle Bollinger(20, 2)": (lambda df: _bollinger(df, 20, 2)["middle"], 19),
    "ATR(14)": (lambda df: _atr(df, 14), WARM),
}


@pytest.mark.parametrize("text", sorted(CASES))
def test_indicator_matches_the_independent_formula(text: str) -> None:
    candles = synthetic_candles()
    reference, first = CASES[text]
    expected = reference(_frame(candles)).reindex(range(len(candles))).to_numpy()
    got = _bank_series(candles, _ref(text))
    compared = np.array(got[first:], dtype=float)
    assert not np.isnan(compared).any()
    np.testing.assert_allclose(compared, expected[first:], rtol=1e-9, atol=1e-9)
    # The values really move (a constant would also "match" a constant reference).
    assert np.std(compared) > 0


def test_rsi_stays_in_range_and_none_before_warm_up() -> None:
    got = _bank_series(synthetic_candles(), _ref("RSI(14)"))
    assert got[:14] == [None] * 14 and got[14] is not None
    assert all(0 <= v <= 100 for v in got[14:] if v is not None)


def test_one_computation_serves_every_rule_and_output() -> None:
    bank = IndicatorBank()
    for text in ["MACD histogram", "MACD signal", "MACD(12, 26, 9) line", "RSI(14)", "RSI(14)"]:
        bank.require(SYMBOL, Timeframe.M1, [_ref(text)])
    bank.require(SYMBOL, Timeframe.M5, [_ref("RSI(14)")])
    bank.require(SYMBOL, Timeframe.M1, [_ref("RSI(7)")])
    # MACD(12,26,9) and RSI(14), RSI(7) on 1m; RSI(14) on 5m.
    assert bank.computations() == 4


def test_a_late_rule_is_warmed_up_from_history() -> None:
    candles = synthetic_candles()
    ref = _ref("EMA(9)")
    bank = IndicatorBank(CandleHistory(size=len(candles)))
    for candle in candles[:-1]:
        bank.on_close(candle)
    bank.require(SYMBOL, Timeframe.M1, [ref])  # nothing required it until now
    bank.on_close(candles[-1])
    late = bank.values(SYMBOL, Timeframe.M1)[0][ref]
    assert late == _bank_series(candles, ref)[-1]


def test_prices_stay_decimal_and_before_is_the_previous_candle() -> None:
    candles = synthetic_candles()[:3]
    ref = _ref("price")
    bank = IndicatorBank()
    bank.require(SYMBOL, Timeframe.M1, [ref])
    for candle in candles:
        bank.on_close(candle)
    now, before = bank.values(SYMBOL, Timeframe.M1)
    assert now[ref] == candles[2].close and before[ref] == candles[1].close
    assert not isinstance(now[ref], float)


def test_values_stay_right_after_old_inputs_are_trimmed() -> None:
    candles = synthetic_candles(minutes=1500)
    ref = _ref("SMA(5)")
    bank = IndicatorBank(CandleHistory(size=10))
    bank.require(SYMBOL, Timeframe.M1, [ref])
    for candle in candles:
        bank.on_close(candle)
    expected = sum(float(c.close) for c in candles[-5:]) / 5
    value = bank.values(SYMBOL, Timeframe.M1)[0][ref]
    assert value == pytest.approx(expected, rel=1e-12)
