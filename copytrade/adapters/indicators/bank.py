"""Every indicator of every (symbol, timeframe), computed once and shared.

Rules ``require`` the series they read; the bank keeps one computation per
(symbol, timeframe, indicator, parameters), however many rules and outputs read it,
feeds it each closed candle, and answers the values of the last two closed candles
(``now`` and ``before``), which is what conditions are read on (docs/alerts.md).
A computation added after candles have closed is warmed up from the candle history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from copytrade.adapters.indicators import talib_kinds
from copytrade.domain.alerts.candles import Candle, CandleHistory
from copytrade.domain.alerts.conditions import Value, Values
from copytrade.domain.alerts.series import IndicatorSpec, Kind, SeriesRef
from copytrade.domain.alerts.timeframes import Timeframe


@dataclass(slots=True)
class _Computation:
    """One TA-Lib stream: the bars it waits for until it can open, then its last two
    values (a number or TA-Lib's tuple of outputs)."""

    spec: IndicatorSpec
    whole_bar: bool
    needed: int
    waiting: list[talib_kinds.Bar] = field(default_factory=list)
    stream: Any = None
    now: Any = None
    before: Any = None

    @classmethod
    def of(cls, spec: IndicatorSpec) -> _Computation:
        return cls(spec, talib_kinds.takes_bar(spec), talib_kinds.bars_needed(spec))

    def feed(self, bar: talib_kinds.Bar) -> None:
        self.before = self.now
        if self.stream is None:
            self.wait(bar)
        elif isinstance(bar, tuple):
            self.now = self.stream.update(*bar)
        else:
            self.now = self.stream.update(bar)

    def wait(self, bar: talib_kinds.Bar) -> None:
        """One more bar before the stream can open; it opens on the last one needed."""
        self.waiting.append(bar)
        if len(self.waiting) >= self.needed:
            self.stream = talib_kinds.open_stream(self.spec, self.waiting)
            self.now, self.waiting = self.stream.value, []


def _bar(candle: Candle, close: float) -> tuple[float, float, float]:
    return (float(candle.high), float(candle.low), close)


@dataclass(slots=True)
class _Slot:
    """The computations of one (symbol, timeframe) and the values of its last two candles."""

    computations: dict[IndicatorSpec, _Computation] = field(default_factory=dict)
    # Each series read: (ref, its computation, the output's index in a tuple value).
    reads: list[tuple[SeriesRef, _Computation, int | None]] = field(default_factory=list)
    prices: list[SeriesRef] = field(default_factory=list)
    last: list[Candle] = field(default_factory=list)  # the last two closed candles
    now: dict[SeriesRef, Value | None] = field(default_factory=dict)
    before: dict[SeriesRef, Value | None] = field(default_factory=dict)

    def feed(self, candle: Candle) -> None:
        # Read on every closed candle of every slot: the opened streams are updated
        # here directly, one Python call each.
        close = float(candle.close)
        for computation in self.computations.values():
            stream = computation.stream
            computation.before = computation.now
            if stream is None:
                computation.wait(_bar(candle, close) if computation.whole_bar else close)
            elif computation.whole_bar:
                computation.now = stream.update(float(candle.high), float(candle.low), close)
            else:
                computation.now = stream.update(close)
        self.last[:] = [*self.last[-1:], candle]

    def advance(self) -> None:
        """After ``feed``: the values on the new candle; those on the one before are the
        last ``now`` (the same series, one candle earlier)."""
        self.before = self.now
        self.now = self._read(now=True)

    def refresh(self) -> None:
        """Both candles' values, read afresh (after a series was added)."""
        self.now, self.before = self._read(now=True), self._read(now=False)

    def _read(self, now: bool) -> dict[SeriesRef, Value | None]:
        values: dict[SeriesRef, Value | None] = {}
        for ref, computation, index in self.reads:
            value = computation.now if now else computation.before
            values[ref] = value if index is None or value is None else value[index]
        last = self.last
        candle = (last[-1] if last else None) if now else (last[-2] if len(last) > 1 else None)
        for ref in self.prices:
            values[ref] = None if candle is None else getattr(candle, ref.output)
        return values


class IndicatorBank:
    def __init__(self, history: CandleHistory | None = None) -> None:
        self._history = history if history is not None else CandleHistory()
        self._slots: dict[tuple[str, Timeframe], _Slot] = {}

    @property
    def history(self) -> CandleHistory:
        return self._history

    def require(self, symbol: str, timeframe: Timeframe, refs: Iterable[SeriesRef]) -> None:
        """Compute ``refs`` for (symbol, timeframe) from now on, warmed up from history."""
        slot = self._slots.setdefault((symbol, timeframe), _Slot())
        known = {read[0] for read in slot.reads} | set(slot.prices)
        new = [ref for ref in refs if ref not in known]
        if not new:
            return
        recent = self._history.recent(symbol, timeframe)
        for ref in new:
            if ref.spec.kind is Kind.PRICE:
                slot.prices.append(ref)
                continue
            computation = slot.computations.get(ref.spec)
            if computation is None:
                computation = slot.computations[ref.spec] = _Computation.of(ref.spec)
                for candle in recent:
                    close = float(candle.close)
                    computation.feed(_bar(candle, close) if computation.whole_bar else close)
            index = talib_kinds.OUTPUT_INDEX[ref.spec.kind][ref.output]
            slot.reads.append((ref, computation, index))
        slot.last[:] = recent[-2:]
        slot.refresh()

    def on_close(self, candle: Candle) -> None:
        """Keep the candle in history and feed it to every computation of its slot."""
        self._history.append(candle)
        slot = self._slots.get((candle.symbol, candle.timeframe))
        if slot is None:
            return
        slot.feed(candle)
        slot.advance()

    def values(self, symbol: str, timeframe: Timeframe) -> tuple[Values, Values]:
        """The required values on the last closed candle and on the one before."""
        slot = self._slots.get((symbol, timeframe))
        if slot is None:
            return {}, {}
        return slot.now, slot.before

    def computations(self) -> int:
        """How many (symbol, timeframe, indicator, parameters) are computed."""
        return sum(len(slot.computations) for slot in self._slots.values())


def value_text(value: Value | None) -> str | None:
    """A value as stored with a firing: a price exactly, an indicator to 10 digits."""
    if value is None:
        return None
    return str(value) if not isinstance(value, float) else f"{value:.10g}"
